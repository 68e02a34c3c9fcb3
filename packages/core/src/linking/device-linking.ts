import { ParleyError, relayCall, type ParleyErrorCode } from '../errors.js';
import { toBase64 } from '../encoding/base64.js';
import { Snapshot } from '../facade/observable.js';
import type { AccountRow } from '../store/database.js';
import { RelayError } from '../transport/relay-errors.js';
import type { RelayHttp } from '../transport/relay-http.js';
import type { WebSocketConstructor } from '../transport/websocket.js';
import type * as Provisioning from './provisioning.js';
import type { ProvisioningMessage } from './provisioning-message.js';
import type { ProvisioningSocket } from './provisioning-socket.js';

/** The linking code (./provisioning.ts), which the platform supplies: a page loads it lazily. */
export type ProvisioningKit = typeof Provisioning;
export type LoadProvisioning = () => Promise<ProvisioningKit>;

/** Where linking stands on a new device (Messenger.provisioning). */
export type ProvisioningView =
  | { state: 'idle' }
  /** Show `link` as a QR code and as text, and `words` for the person to compare. */
  | { state: 'waiting'; link: string; words: string[]; expiresAt: number }
  /** The account arrived; the device is registering itself. */
  | { state: 'joining' }
  | { state: 'linked' }
  | { state: 'failed'; code: ParleyErrorCode; message: string };

export interface DeviceLinkingDeps {
  relayUrl: string;
  WebSocket: WebSocketConstructor;
  http: RelayHttp;
  provisioning: LoadProvisioning;
}

/** Registers this device with what arrived (the facade: AccountKeys.link, then activation). */
export type JoinAccount = (message: ProvisioningMessage) => Promise<void>;

/**
 * Both halves of linking by QR code (decision 0350). On the new device, start() waits at a
 * one-time provisioning address; on an existing device, inspect() shows the words of a scanned
 * link and approve() seals the account to it.
 */
export class DeviceLinking {
  private current: ProvisioningView = { state: 'idle' };
  private socket: ProvisioningSocket | undefined;
  readonly view = new Snapshot<ProvisioningView>(() => this.current);

  constructor(private readonly deps: DeviceLinkingDeps) {}

  /** New device: a fresh link to show; the device joins when an existing one approves it. */
  async start(join: JoinAccount): Promise<ProvisioningView & { state: 'waiting' }> {
    this.socket?.close();
    const kit = await this.deps.provisioning();
    const keyPair = kit.generateProvisioningKeyPair();
    const socket = await kit.openProvisioningSocket(this.deps.relayUrl, this.deps.WebSocket);
    this.socket = socket;
    const waiting = {
      state: 'waiting' as const,
      link: kit.formatProvisioningLink({ address: socket.address, publicKey: keyPair.publicKey }),
      words: kit.fingerprintWords(keyPair.publicKey),
      expiresAt: socket.expiresAt,
    };
    this.set(waiting);
    socket.message
      .then(async (sealed) => {
        const message = kit.decodeProvisioningMessage(kit.openProvisioning(keyPair, sealed));
        this.set({ state: 'joining' });
        await join(message);
        this.set({ state: 'linked' });
      })
      .catch((error: unknown) => {
        if (this.socket !== socket) return;
        const failure = error instanceof ParleyError ? error : undefined;
        this.set({
          state: 'failed',
          code: failure?.code ?? 'RELAY_REJECTED',
          message: error instanceof Error ? error.message : String(error),
        });
      });
    return waiting;
  }

  /** Existing device: the words to compare with the new device's screen (INVALID_LINK). */
  async inspect(linkText: string): Promise<{ words: string[] }> {
    const kit = await this.deps.provisioning();
    return { words: kit.fingerprintWords(kit.parseProvisioningLink(linkText).publicKey) };
  }

  /** Existing device: seals this account to the new device with a one-time registration code. */
  async approve(account: AccountRow, linkText: string): Promise<void> {
    const kit = await this.deps.provisioning();
    const link = kit.parseProvisioningLink(linkText);
    const { linkToken } = await relayCall(() => this.deps.http.createLinkToken());
    const sealed = kit.sealProvisioning(
      link.publicKey,
      kit.encodeProvisioningMessage({
        accountId: account.accountId,
        username: account.username,
        identityKeyPair: account.identityKeyPair,
        registrationCode: linkToken,
        linkedByDeviceId: account.deviceId,
      }),
    );
    await relayCall(() =>
      this.deps.http.provision(link.address, toBase64(sealed)).catch((error: unknown) => {
        // Used, expired (CONFLICT) or never known here (NOT_FOUND): the new device needs a new code.
        if (
          error instanceof RelayError &&
          (error.code === 'CONFLICT' || error.code === 'NOT_FOUND')
        )
          throw new ParleyError('LINK_EXPIRED', 'this device link expired or was used', {
            cause: error,
          });
        throw error;
      }),
    );
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  private set(view: ProvisioningView): void {
    this.current = view;
    this.view.invalidate();
  }
}
