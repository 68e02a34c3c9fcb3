import type { Doc } from '@automerge/automerge/slim';
import { Snapshot } from '../facade/observable.js';
import type { ParleyDatabase } from '../store/database.js';
import { UnitOfWork } from '../store/unit-of-work.js';
import { AccountSync } from './account-sync.js';
import { applyChange } from './apply-change.js';
import type { AutomergeApi, LoadAutomerge } from './automerge-loader.js';
import {
  accountDocumentBase,
  viewOf,
  type AccountDocument,
  type OwnProfileFields,
} from './document-shape.js';
import { readStoredDocument } from './stored-document.js';
import {
  DEFAULT_ACCOUNT_SETTINGS,
  type AccountSettingsChange,
  type AccountSettingsView,
} from './types.js';
import { validateChange } from './validate-change.js';

export interface AccountSettingsDeps {
  db: ParleyDatabase;
  loadAutomerge: LoadAutomerge;
  /** The account's other devices (sessions/). */
  ownDeviceIds(): number[];
  /** Sends one sync message to one other device of the account, staged on `work`. */
  send(work: UnitOfWork, deviceId: number, message: Uint8Array): void;
  /** Commits `work` (and kicks the outbox). */
  commit(work: UnitOfWork): Promise<void>;
}

/**
 * The account document (docs/decisions/0340): one Automerge document per account, on every
 * device of it, synced among them with Automerge's sync protocol inside end-to-end encrypted
 * Content. Every change is appended to the device's database (as an incremental save) in the unit
 * of work that sends it; `view` is the observable the facade exposes as `accountSettings`.
 */
export class AccountSettings {
  readonly view: Snapshot<AccountSettingsView>;
  private current: AccountSettingsView = DEFAULT_ACCOUNT_SETTINGS;
  private am: AutomergeApi | undefined;
  private doc: Doc<AccountDocument> | undefined;
  private sync: AccountSync | undefined;

  constructor(private readonly deps: AccountSettingsDeps) {
    this.view = new Snapshot(() => this.current);
  }

  async load(): Promise<void> {
    const am = await this.deps.loadAutomerge();
    this.am = am;
    this.sync = new AccountSync(am);
    this.doc = await readStoredDocument(am, this.deps.db, accountDocumentBase(am));
    this.refresh();
  }

  get settings(): AccountSettingsView {
    return this.current;
  }

  async update(change: AccountSettingsChange): Promise<void> {
    validateChange(change);
    await this.write((draft) => applyChange(draft, change));
  }

  /** The account's own profile as its devices share it (profiles/); undefined before loading. */
  ownProfile(): OwnProfileFields | undefined {
    const profile = this.doc?.profile;
    if (!profile) return undefined;
    return {
      ...(profile.name !== undefined ? { name: profile.name } : {}),
      ...(profile.about !== undefined ? { about: profile.about } : {}),
      ...(profile.avatar !== undefined ? { avatar: profile.avatar } : {}),
      ...(profile.key !== undefined ? { key: new Uint8Array(profile.key) } : {}),
      ...(profile.version !== undefined ? { version: Number(profile.version) } : {}),
    };
  }

  /**
   * Writes the own profile (profiles/ validated it): the fields given are set, a field given as
   * null is deleted, the others are kept.
   */
  async updateProfile(fields: {
    [K in keyof OwnProfileFields]?: OwnProfileFields[K] | null;
  }): Promise<void> {
    await this.write((draft) => {
      draft.profile ??= {};
      for (const [field, value] of Object.entries(fields) as [keyof OwnProfileFields, unknown][]) {
        if (value === null) delete draft.profile[field];
        else if (value !== undefined) (draft.profile as Record<string, unknown>)[field] = value;
      }
    });
  }

  private async write(edit: (draft: AccountDocument) => void): Promise<void> {
    const { am, doc } = this.loaded();
    this.doc = am.change(doc, edit);
    const work = new UnitOfWork();
    this.stageSave(work);
    for (const deviceId of this.deps.ownDeviceIds()) this.stageNext(work, deviceId);
    this.refresh();
    await this.deps.commit(work);
  }

  /** A sync message from another device of this account (the caller checked the sender). */
  receive(work: UnitOfWork, fromDeviceId: number, message: Uint8Array): void {
    const { am, doc } = this.loaded();
    const sync = this.sync as AccountSync;
    const before = am.getHeads(doc);
    this.doc = sync.receive(doc, fromDeviceId, message);
    if (!sameHeads(before, am.getHeads(this.doc))) {
      this.stageSave(work);
      this.refresh();
    }
    this.stageNext(work, fromDeviceId);
  }

  /**
   * Starts syncing with a device that just joined the account, from nothing. Nothing greets on
   * connect: the outbox delivers every sync message at least once, so each exchange runs to its
   * end across restarts (the convergence test restarts devices mid-exchange), and a greeting on
   * every connect would make two closed devices wake each other by push forever (decision 0340).
   */
  greet(work: UnitOfWork, deviceId: number, fresh = false): void {
    if (!this.doc) return;
    if (fresh) this.sync?.forget(deviceId);
    this.stageNext(work, deviceId);
  }

  private stageNext(work: UnitOfWork, deviceId: number): void {
    const message = this.sync?.next(this.loaded().doc, deviceId);
    if (message) this.deps.send(work, deviceId, message);
  }

  private stageSave(work: UnitOfWork): void {
    const { am, doc } = this.loaded();
    const bytes = am.saveIncremental(doc);
    if (bytes.length > 0) work.accountDocument.push({ bytes: bytes as Uint8Array<ArrayBuffer> });
  }

  private refresh(): void {
    this.current = viewOf(this.loaded().doc);
    this.view.invalidate();
  }

  private loaded(): { am: AutomergeApi; doc: Doc<AccountDocument> } {
    if (!this.am || !this.doc) throw new Error('the account document is not loaded yet');
    return { am: this.am, doc: this.doc };
  }
}

function sameHeads(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((head, i) => head === b[i]);
}
