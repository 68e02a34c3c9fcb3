import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RelayProcess } from './relay-process.js';

/** The files under `dir`, in subdirectories too. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** Every byte the relay wrote: its SQLite files (database, WAL, journal), its blobs and its log. */
export function relayBytes(relay: RelayProcess): Buffer {
  return Buffer.concat(filesUnder(relay.dataDir).map((path) => readFileSync(path)));
}

/** The strings among `candidates` that occur (UTF-8) anywhere in the relay's files. */
export function foundInRelay(relay: RelayProcess, candidates: string[]): string[] {
  const bytes = relayBytes(relay);
  return candidates.filter((text) => bytes.includes(Buffer.from(text, 'utf8')));
}
