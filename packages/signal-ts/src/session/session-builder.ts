/**
 * Building sessions (libsignal `session.rs`): processPreKeyBundle makes us the PQXDH initiator
 * (Alice); processPreKeyMessage makes us the responder (Bob) for an incoming PreKeySignalMessage.
 * Both end with a SessionState whose Double Ratchet and SPQR are initialized as `ratchet.rs` does.
 */
import type { ProtocolAddress } from '../address.js';
import { PrivateKey, PublicKey } from '../curve/keys.js';
import { protocolError } from '../error.js';
import { CIPHERTEXT_MESSAGE_CURRENT_VERSION, MAX_MESSAGE_KEYS } from '../consts.js';
import { pqxdhInitiate, pqxdhRespond } from '../pqxdh/pqxdh.js';
import type { PreKeySignalMessage } from '../protocol-messages/pre-key-signal-message.js';
import { CIPHERTEXT_MESSAGE_PRE_KYBER_VERSION } from '../protocol-messages/version.js';
import { maxForwardJumps, newSenderChain } from '../ratchet/double-ratchet.js';
import { initialPqRatchet, type PqChainParams } from '../spqr/index.js';
import {
  Direction,
  type IdentityKeyStore,
  type KyberPreKeyStore,
  type PreKeyStore,
  type SessionStore,
  type SignedPreKeyStore,
} from '../storage/index.js';
import { identityPublicKey, isSameAccount, requireTrustedIdentity } from './identity.js';
import type { PreKeyBundle } from './pre-key-bundle.js';
import { SessionRecord } from './session-record.js';
import { SessionState } from './session-state.js';
import { callStore } from './store-call.js';

function pqChainParams(selfSession: boolean): PqChainParams {
  return { maxJump: maxForwardJumps(selfSession), maxOutOfOrderKeys: MAX_MESSAGE_KEYS };
}

export async function processPreKeyBundle(
  bundle: PreKeyBundle,
  address: ProtocolAddress,
  localAddress: ProtocolAddress,
  sessionStore: SessionStore,
  identityStore: IdentityKeyStore,
  now: Date = new Date(),
): Promise<void> {
  const operation = 'SessionBuilder_ProcessPreKeyBundle';
  const theirIdentity = bundle.identityKey();
  await requireTrustedIdentity(operation, identityStore, address, theirIdentity, Direction.Sending);
  const theirSignedPreKey = bundle.signedPreKeyPublic();
  const theirKyberPreKey = bundle.kyberPreKeyPublic();
  const signaturesValid = await Promise.all([
    theirIdentity._verifyAsync(theirSignedPreKey.serialize(), bundle.signedPreKeySignature()),
    theirIdentity._verifyAsync(theirKyberPreKey.serialize(), bundle.kyberPreKeySignature()),
  ]);
  if (!signaturesValid.every(Boolean)) {
    throw protocolError('SignatureValidationFailed', operation, 'signature validation failed');
  }

  const stored = await callStore(operation, 'getSession', () => sessionStore.getSession(address));
  const record = stored ?? SessionRecord._newFresh();
  const ourIdentity = await callStore(operation, 'getIdentityKey', () =>
    identityStore.getIdentityKey(),
  );
  const [ourIdentityPublic, baseKey, sendingKey] = await Promise.all([
    identityPublicKey(ourIdentity),
    PrivateKey._generateAsync(),
    PrivateKey._generateAsync(),
  ]);
  const kem = theirKyberPreKey._encapsulate();
  const keys = await pqxdhInitiate({
    ourIdentityKey: ourIdentity,
    ourBaseKey: baseKey,
    theirIdentityKey: theirIdentity,
    theirSignedPreKey,
    theirOneTimePreKey: bundle.preKeyPublic(),
    kemSharedSecret: kem.sharedSecret,
  });
  // Alice's first sending chain: a root step with Bob's signed prekey as his first ratchet key.
  const [rootKey, sendingChainKey] = keys.rootKey.createChain(
    await sendingKey._agreeAsync(theirSignedPreKey),
  );
  const remoteIdentity = theirIdentity.serialize();
  const selfSession = isSameAccount(ourIdentityPublic, localAddress, remoteIdentity, address);

  const state = new SessionState({
    version: CIPHERTEXT_MESSAGE_CURRENT_VERSION,
    localIdentityKey: ourIdentityPublic,
    remoteIdentityKey: remoteIdentity,
    aliceBaseKey: baseKey.getPublicKey().serialize(),
    localRegistrationId: await callStore(operation, 'getLocalRegistrationId', () =>
      identityStore.getLocalRegistrationId(),
    ),
    remoteRegistrationId: bundle.registrationId(),
    ratchet: {
      rootKey,
      senderChain: newSenderChain(sendingChainKey, sendingKey, sendingKey.getPublicKey()),
      receiverChains: [
        { ratchetKey: theirSignedPreKey.serialize(), chainKey: keys.chainKey, skipped: new Map() },
      ],
      previousCounter: 0,
    },
    pq: initialPqRatchet(keys.pqAuthKey, 'A2B', pqChainParams(selfSession)),
    pendingPreKey: {
      preKeyId: bundle.preKeyId(),
      signedPreKeyId: bundle.signedPreKeyId(),
      baseKey: baseKey.getPublicKey().serialize(),
      timestamp: now.getTime(),
      kyberPreKeyId: bundle.kyberPreKeyId(),
      kyberCiphertext: kem.ciphertext,
    },
  });

  await callStore(operation, 'saveIdentity', () =>
    identityStore.saveIdentity(address, theirIdentity),
  );
  record._promoteState(state);
  await callStore(operation, 'saveSession', () => sessionStore.saveSession(address, record));
}

/** Which prekeys a PreKey message consumed; absent when it matched an existing session. */
export interface PreKeysUsed {
  readonly oneTimePreKeyId: number | null;
  readonly signedPreKeyId: number;
  readonly kyberPreKeyId: number;
}

/**
 * Responder side: makes the session the PreKey message asks for current in `record` (reusing it
 * when this base key was seen before). Store side effects are left to the caller, to be applied only
 * once the inner message has decrypted.
 */
export async function processPreKeyMessage(
  message: PreKeySignalMessage,
  address: ProtocolAddress,
  localAddress: ProtocolAddress,
  record: SessionRecord,
  identityStore: IdentityKeyStore,
  preKeyStore: PreKeyStore,
  signedPreKeyStore: SignedPreKeyStore,
  kyberPreKeyStore: KyberPreKeyStore,
): Promise<PreKeysUsed | undefined> {
  const operation = 'SessionCipher_DecryptPreKeySignalMessage';
  const wire = message._fields();
  const theirIdentity = PublicKey.deserialize(wire.identityKey);
  await requireTrustedIdentity(
    operation,
    identityStore,
    address,
    theirIdentity,
    Direction.Receiving,
  );
  if (record._promoteMatchingSession(wire.messageVersion, wire.baseKey)) return undefined;
  if (wire.messageVersion === CIPHERTEXT_MESSAGE_PRE_KYBER_VERSION) {
    throw protocolError('InvalidMessage', operation, 'X3DH no longer supported');
  }
  const kyber = wire.kyber;
  if (kyber === undefined)
    throw protocolError('InvalidMessage', operation, 'missing pq pre-key ID');

  const signedPreKey = await callStore(operation, 'getSignedPreKey', () =>
    signedPreKeyStore.getSignedPreKey(wire.signedPreKeyId),
  );
  const kyberPreKey = await callStore(operation, 'getKyberPreKey', () =>
    kyberPreKeyStore.getKyberPreKey(kyber.preKeyId),
  );
  const preKeyId = wire.preKeyId;
  const oneTimePreKey =
    preKeyId === null
      ? null
      : await callStore(operation, 'getPreKey', () => preKeyStore.getPreKey(preKeyId));
  const ourIdentity = await callStore(operation, 'getIdentityKey', () =>
    identityStore.getIdentityKey(),
  );
  const ourIdentityPublic = await identityPublicKey(ourIdentity);
  const theirBaseKey = PublicKey.deserialize(wire.baseKey);

  const keys = await pqxdhRespond({
    ourIdentityKey: ourIdentity,
    ourSignedPreKey: signedPreKey.privateKey(),
    ourOneTimePreKey: oneTimePreKey?.privateKey() ?? null,
    theirIdentityKey: theirIdentity,
    theirBaseKey,
    kemSharedSecret: kyberPreKey.secretKey()._decapsulate(kyber.ciphertext),
  });
  const selfSession = isSameAccount(ourIdentityPublic, localAddress, wire.identityKey, address);
  // Bob's first ratchet key is his signed prekey; his first receiving chain opens on Alice's message.
  const state = new SessionState({
    version: wire.messageVersion,
    localIdentityKey: ourIdentityPublic,
    remoteIdentityKey: theirIdentity.serialize(),
    aliceBaseKey: theirBaseKey.serialize(),
    localRegistrationId: await callStore(operation, 'getLocalRegistrationId', () =>
      identityStore.getLocalRegistrationId(),
    ),
    remoteRegistrationId: wire.registrationId,
    ratchet: {
      rootKey: keys.rootKey,
      senderChain: newSenderChain(
        keys.chainKey,
        signedPreKey.privateKey(),
        signedPreKey.publicKey(),
      ),
      receiverChains: [],
      previousCounter: 0,
    },
    pq: initialPqRatchet(keys.pqAuthKey, 'B2A', pqChainParams(selfSession)),
    pendingPreKey: undefined,
  });
  record._promoteState(state);
  return {
    oneTimePreKeyId: wire.preKeyId,
    signedPreKeyId: wire.signedPreKeyId,
    kyberPreKeyId: kyber.preKeyId,
  };
}
