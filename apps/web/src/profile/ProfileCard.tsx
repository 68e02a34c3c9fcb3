import { useId, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { MAX_PROFILE_ABOUT_LENGTH, MAX_PROFILE_NAME_LENGTH } from '@parley/core';
import { useMessenger } from '../messenger/messenger-context.js';
import type { SelfView } from '../messenger/types.js';
import { Avatar } from '../shell/Avatar.js';
import { TextField } from '../shell/TextField.js';
import { useSubmission } from '../shell/use-submission.js';
import { makeAvatar } from './make-avatar.js';
import { useOwnProfile } from './use-own-profile.js';
import './profile.css';

/**
 * The Settings "Profile" card: name, about line and photo, encrypted end to end and shown to
 * contacts only (decision 0345). The photo is cropped and scaled here before it is encrypted.
 */
export function ProfileCard({ self }: { self: SelfView }) {
  const messenger = useMessenger();
  const profile = useOwnProfile();
  const [name, setName] = useState(profile?.name ?? '');
  const [about, setAbout] = useState(profile?.about ?? '');
  /** undefined: unchanged; null: removed; a string: a new photo not saved yet. */
  const [avatar, setAvatar] = useState<string | null | undefined>(undefined);
  const [saved, setSaved] = useState(false);
  const submission = useSubmission('profile');
  const fileInput = useRef<HTMLInputElement>(null);
  const id = useId();
  const shown = avatar === undefined ? profile?.avatar : (avatar ?? undefined);

  async function pick(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    try {
      setAvatar(await makeAvatar(file));
      setSaved(false);
      submission.report(null);
    } catch (cause) {
      submission.report(
        `That file couldn't be used as a photo${cause instanceof Error ? ` (${cause.message})` : ''}.`,
      );
    }
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) return submission.report('Enter a name, or leave your profile as it is.');
    await submission.run(async () => {
      await messenger.setProfile({
        name,
        about,
        ...(avatar !== undefined ? { avatar } : {}),
      });
      setAvatar(undefined);
      setSaved(true);
    });
  }

  const busy = submission.busy && !saved;
  return (
    <form
      className="settings__card profile-card"
      aria-labelledby={`${id}-title`}
      onSubmit={save}
      noValidate
    >
      <h3 id={`${id}-title`}>Profile</h3>
      <div className="profile-card__identity">
        <Avatar name={name.trim() || self.username} size={72} src={shown} />
        <div className="profile-card__photo-actions">
          <button
            type="button"
            className="button button--small"
            onClick={() => fileInput.current?.click()}
          >
            {shown ? 'Change photo' : 'Add photo'}
          </button>
          {shown && (
            <button
              type="button"
              className="button button--small"
              onClick={() => {
                setAvatar(null);
                setSaved(false);
              }}
            >
              Remove photo
            </button>
          )}
          <input
            ref={fileInput}
            type="file"
            accept="image/*"
            hidden
            aria-label="Profile photo"
            onChange={(event) => void pick(event)}
          />
        </div>
        <div>
          <p className="settings__username">@{self.username}</p>
          <p className="settings__muted">This device: number {self.deviceId}</p>
        </div>
      </div>
      <TextField
        id={`${id}-name`}
        label="Name"
        value={name}
        maxLength={MAX_PROFILE_NAME_LENGTH}
        autoComplete="name"
        onChange={(value) => {
          setName(value);
          setSaved(false);
        }}
      />
      <TextField
        id={`${id}-about`}
        label="About"
        value={about}
        maxLength={MAX_PROFILE_ABOUT_LENGTH}
        onChange={(value) => {
          setAbout(value);
          setSaved(false);
        }}
      />
      <p className="settings__muted">
        Your name and photo are end-to-end encrypted: only people you chat with can see them.
      </p>
      {submission.error && (
        <p className="field-error" role="alert">
          {submission.error}
        </p>
      )}
      <div className="profile-card__footer">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save profile'}
        </button>
        <span className="settings__muted" role="status">
          {saved ? 'Saved' : ''}
        </span>
      </div>
    </form>
  );
}
