import { Snapshot } from '../facade/observable.js';
import type { ParleyDatabase } from '../store/database.js';
import { applyChange } from './apply-change.js';
import {
  DEFAULT_ACCOUNT_SETTINGS,
  type AccountSettingsChange,
  type AccountSettingsView,
} from './types.js';
import { validateChange } from './validate-change.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * This device's copy of the account's settings. Every change is appended to the device's database
 * before the view changes, so the settings survive a restart; `view` is the observable the facade
 * exposes as `accountSettings`.
 */
export class AccountSettings {
  readonly view: Snapshot<AccountSettingsView>;
  private current: AccountSettingsView = DEFAULT_ACCOUNT_SETTINGS;

  constructor(private readonly db: ParleyDatabase) {
    this.view = new Snapshot(() => this.current);
  }

  async load(): Promise<void> {
    let settings = DEFAULT_ACCOUNT_SETTINGS;
    for (const row of await this.db.accountDocument.orderBy('seq').toArray())
      settings = applyChange(
        settings,
        JSON.parse(decoder.decode(row.bytes)) as AccountSettingsChange,
      );
    this.current = settings;
    this.view.invalidate();
  }

  get settings(): AccountSettingsView {
    return this.current;
  }

  async update(change: AccountSettingsChange): Promise<void> {
    validateChange(change);
    await this.db.accountDocument.add({ bytes: encoder.encode(JSON.stringify(change)) });
    this.current = applyChange(this.current, change);
    this.view.invalidate();
  }
}
