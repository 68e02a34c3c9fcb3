import type { Stack } from './stack.js';
import { openUser, type User } from './user.js';

/**
 * Opens a second browser context (its own storage) and links it to `user`'s account the way a
 * person does (decision 0350): the new device shows its code, the first device takes the pasted
 * link in Settings > Link a new device, the words are confirmed, and the new device opens the
 * account. (device-linking.test.ts covers scanning the QR picture itself.)
 */
export async function linkSecondDevice(
  stack: Stack,
  user: User,
  options: { colorScheme?: 'light' | 'dark' } = {},
): Promise<User> {
  const device = await openUser(stack, 'unused', options);
  await device.page.getByRole('button', { name: 'Link to an existing account' }).click();
  const linkText = device.page.getByTestId('link-text');
  await linkText.waitFor({ state: 'attached', timeout: 30_000 });
  const link = await linkText.inputValue();
  const words = (await device.page.getByTestId('link-words').textContent())?.trim();

  await user.page.getByRole('link', { name: `Settings and profile of ${user.username}` }).click();
  await user.page.getByRole('button', { name: 'Link a new device' }).click();
  const dialog = user.page.getByRole('dialog', { name: 'Link a new device' });
  await dialog.getByLabel('Or paste the link').fill(link);
  await dialog.getByRole('button', { name: 'Continue' }).click();
  const shown = dialog.getByTestId('confirm-words');
  await shown.waitFor({ timeout: 30_000 });
  if ((await shown.textContent())?.trim() !== words) throw new Error('the link words differ');
  await dialog.getByRole('button', { name: 'The words match: link it' }).click();
  await dialog.getByText('Linked.').waitFor({ timeout: 30_000 });
  await dialog.getByRole('button', { name: 'Close' }).click();
  // Back to the chat list (the header's back link shows on narrow screens only).
  await user.page.evaluate(() => (location.hash = '#/'));

  await device.page.getByRole('heading', { name: 'Chats' }).waitFor({ timeout: 60_000 });
  return { ...device, username: user.username };
}
