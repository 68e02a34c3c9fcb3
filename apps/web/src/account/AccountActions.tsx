import { lazy, Suspense, useState } from 'react';
import './account.css';

const SignOutDialog = lazy(() => import('./SignOutDialog.js'));
const DeleteAccountDialog = lazy(() => import('./DeleteAccountDialog.js'));

/** The Settings card for leaving: sign this device out, or delete the whole account. */
export function AccountActions({ username }: { username: string }) {
  const [open, setOpen] = useState<'sign-out' | 'delete' | null>(null);
  const close = () => setOpen(null);
  return (
    <section className="settings__card" aria-labelledby="account-actions-title">
      <h3 id="account-actions-title">Account</h3>
      <div className="account-actions">
        <button type="button" className="button" onClick={() => setOpen('sign-out')}>
          Sign out
        </button>
        <button type="button" className="button button--danger" onClick={() => setOpen('delete')}>
          Delete account
        </button>
      </div>
      <Suspense fallback={null}>
        {open === 'sign-out' && <SignOutDialog onClose={close} />}
        {open === 'delete' && <DeleteAccountDialog username={username} onClose={close} />}
      </Suspense>
    </section>
  );
}
