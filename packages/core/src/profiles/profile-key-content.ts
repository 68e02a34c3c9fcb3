import { create, toBinary } from '@bufbuild/protobuf';
import { ContentSchema, ProfileKeySchema } from '@parley/protocol';

/** The ProfileKey Content (field 10): the profile key and the profile's version on the relay. */
export function profileKeyContent(key: Uint8Array, version: number): Uint8Array<ArrayBuffer> {
  return toBinary(
    ContentSchema,
    create(ContentSchema, {
      body: {
        case: 'profileKey',
        value: create(ProfileKeySchema, { key, version: BigInt(version) }),
      },
      createdAt: BigInt(Date.now()),
    }),
  ) as Uint8Array<ArrayBuffer>;
}
