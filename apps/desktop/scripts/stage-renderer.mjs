// Copies the web app's production build into apps/desktop/renderer/, the root app:// serves
// (main.ts) and electron-builder packs. Run after `npm run build -w @parley/web`.
import { cp, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const from = fileURLToPath(new URL('../../web/dist/', import.meta.url));
const to = fileURLToPath(new URL('../renderer/', import.meta.url));
await rm(to, { recursive: true, force: true });
await cp(from, to, { recursive: true });
console.log(`renderer staged from ${from}`);
