import type { Messenger, SelfView } from '../../src/facade/api.js';
import { waitFor } from './wait.js';

/**
 * Links `fresh` (a new device) to the account of `existing` the way the app does: the new device
 * shows its provisioning link, the existing one approves it, the new device joins.
 */
export async function linkDevice(existing: Messenger, fresh: Messenger): Promise<SelfView> {
  const { link } = await fresh.startLinking();
  await existing.approveDeviceLink(link);
  return waitFor(() => {
    const view = fresh.provisioning.getSnapshot();
    if (view.state === 'failed') throw new Error(`linking failed: ${view.code} ${view.message}`);
    return (view.state === 'linked' && fresh.self.getSnapshot()) || undefined;
  }, 'the new device joins the account');
}
