import { create, toBinary } from '@bufbuild/protobuf';
import { ContentSchema, ProfileKeySchema } from '@parley/protocol';

/** The ProfileKey Content (field 10): the profile key and the profile's version on the relay. */
/** `owner`: a contact's account, when an own device passes that contact's key on. */
export function profileKeyContent(
  key: Uint8Array,
  version: number,
  owner?: string,
): Uint8Array<ArrayBuffer> {
  return toBinary(
    ContentSchema,
    create(ContentSchema, {
      body: {
        case: 'profileKey',
        value: create(ProfileKeySchema, {
          key,
          version: BigInt(version),
          ...(owner ? { accountId: owner } : {}),
        }),
      },
      createdAt: BigInt(Date.now()),
    }),
  ) as Uint8Array<ArrayBuffer>;
}
