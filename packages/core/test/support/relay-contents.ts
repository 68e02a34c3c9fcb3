import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RelayProcess } from './relay-process.js';

/** Every byte the relay wrote: its SQLite files (database, WAL, journal) and its log. */
export function relayBytes(relay: RelayProcess): Buffer {
  return Buffer.concat(
    readdirSync(relay.dataDir).map((name) => readFileSync(join(relay.dataDir, name))),
  );
}

/** The strings among `candidates` that occur (UTF-8) anywhere in the relay's files. */
export function foundInRelay(relay: RelayProcess, candidates: string[]): string[] {
  const bytes = relayBytes(relay);
  return candidates.filter((text) => bytes.includes(Buffer.from(text, 'utf8')));
}
