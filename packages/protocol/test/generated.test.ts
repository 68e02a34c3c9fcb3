import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { EnvelopeType, FrameSchema } from '../src/index.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describe('generated code', () => {
  it('matches what `npm run generate` produces from proto/', () => {
    const out = mkdtempSync(join(tmpdir(), 'parley-gen-'));
    try {
      execFileSync('npx', ['buf', 'generate', '--template', JSON.stringify(templateInto(out))], {
        cwd: packageDir,
        stdio: 'pipe',
      });
      const committed = join(packageDir, 'src/gen');
      expect(listFiles(out)).toEqual(listFiles(committed));
      for (const file of listFiles(out)) {
        expect(readFileSync(join(committed, file), 'utf8'), file).toBe(
          readFileSync(join(out, file), 'utf8'),
        );
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('round-trips a frame through the binary encoding', () => {
    const frame = create(FrameSchema, {
      kind: {
        case: 'push',
        value: {
          kind: {
            case: 'envelope',
            value: {
              serverId: 2n ** 53n + 1n,
              type: EnvelopeType.SIGNAL_MESSAGE,
              source: { accountId: 'a', deviceId: 2 },
              content: new Uint8Array([1, 2, 3]),
            },
          },
        },
      },
    });
    const decoded = fromBinary(FrameSchema, toBinary(FrameSchema, frame));
    expect(decoded).toEqual(frame);
  });
});

/** buf.gen.yaml with the output redirected, so the check never touches the committed files. */
function templateInto(out: string): object {
  return {
    version: 'v2',
    plugins: [{ local: 'protoc-gen-es', out, opt: ['target=ts', 'import_extension=js'] }],
  };
}
