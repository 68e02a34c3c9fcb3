/**
 * ProtocolAddress: one device of one account, `(name, deviceId)`, as libsignal-client's
 * `ProtocolAddress.new(name, deviceId)` (Address.d.ts).
 */
import { MAX_DEVICE_ID, MIN_DEVICE_ID } from './consts.js';
import { protocolError } from './error.js';
import { parseUuid } from './uuid.js';

/** Anything with libsignal's ServiceId string form (`getServiceIdString()`), e.g. a native Aci. */
export interface ServiceIdLike {
  getServiceIdString(): string;
}

export class ProtocolAddress {
  readonly #name: string;
  readonly #deviceId: number;

  private constructor(name: string, deviceId: number) {
    this.#name = name;
    this.#deviceId = deviceId;
  }

  /**
   * @param name the account identifier, usually a service id string
   * @param deviceId 1..127 inclusive (native rejects anything else with InvalidProtocolAddress)
   */
  static new(name: string | ServiceIdLike, deviceId: number): ProtocolAddress {
    const text = typeof name === 'string' ? name : name.getServiceIdString();
    if (!Number.isInteger(deviceId) || deviceId < MIN_DEVICE_ID || deviceId > MAX_DEVICE_ID) {
      throw protocolError(
        'InvalidProtocolAddress',
        'ProtocolAddress_New',
        `protocol address is invalid: ${text}.${deviceId}`,
        {
          name: text,
          deviceId,
        },
      );
    }
    return new ProtocolAddress(text, deviceId);
  }

  name(): string {
    return this.#name;
  }

  deviceId(): number {
    return this.#deviceId;
  }

  /** `name.deviceId`, as native prints it. */
  toString(): string {
    return `${this.#name}.${this.#deviceId}`;
  }
}

/** Service-id kinds and their fixed-width type byte (libsignal core ServiceIdKind). */
const ACI_KIND = 0x00;
const PNI_KIND = 0x01;
const PNI_PREFIX = 'PNI:';
/**
 * Internal (session engineer: address binding). The 17-byte fixed-width service id (kind byte ||
 * UUID) of an address whose name is a service id string (`uuid` for an ACI, `PNI:uuid` for a PNI),
 * or null when the name is not a service id — then libsignal omits the binding.
 */
export function serviceIdFixedWidthBinary(address: ProtocolAddress): Uint8Array | null {
  const name = address.name();
  const isPni = name.startsWith(PNI_PREFIX);
  const uuid = parseUuid(isPni ? name.slice(PNI_PREFIX.length) : name);
  if (uuid === null) return null;
  const out = new Uint8Array(17);
  out[0] = isPni ? PNI_KIND : ACI_KIND;
  out.set(uuid, 1);
  return out;
}
