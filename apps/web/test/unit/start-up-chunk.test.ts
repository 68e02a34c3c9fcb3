import { describe, expect, it } from 'vitest';
import { startUpSharedChunk } from '../../src/pwa/start-up-chunk.js';

/** A module graph as rolldown describes it: who imports each module statically. */
function graph(modules: Record<string, { entry?: boolean; importers?: string[] }>) {
  return {
    getModuleInfo: (id: string) => {
      const module = modules[id];
      return module ? { isEntry: !!module.entry, importers: module.importers ?? [] } : null;
    },
  };
}

describe('the start-up shared chunk', () => {
  // main.tsx imports Icon; the lazy dialogs (imported only dynamically) share FormDialog; the
  // preloaded messenger module imports database-name; two modules import each other.
  const ctx = graph({
    '/app/src/main.tsx': { entry: true },
    '/app/src/shell/Icon.tsx': { importers: ['/app/src/main.tsx', '/app/src/Dialog.tsx'] },
    '/app/src/Dialog.tsx': {},
    '/app/src/OtherDialog.tsx': {},
    '/app/src/shell/FormDialog.tsx': {
      importers: ['/app/src/Dialog.tsx', '/app/src/OtherDialog.tsx'],
    },
    '/app/src/messenger/create-real-messenger.ts': {},
    '/app/src/messenger/database-name.ts': {
      importers: ['/app/src/messenger/create-real-messenger.ts', '/app/src/OtherDialog.tsx'],
    },
    '/app/src/a.ts': { importers: ['/app/src/b.ts'] },
    '/app/src/b.ts': { importers: ['/app/src/a.ts'] },
    // x and y import each other; only x is also imported by main.tsx.
    '/app/src/x.ts': { importers: ['/app/src/y.ts', '/app/src/main.tsx'] },
    '/app/src/y.ts': { importers: ['/app/src/x.ts'] },
  });
  const name = startUpSharedChunk('ui-shared', ['src/messenger/create-real-messenger.ts']);

  it('holds what the entry or the preloaded messenger module imports', () => {
    expect(name('/app/src/shell/Icon.tsx', ctx)).toBe('ui-shared');
    expect(name('/app/src/messenger/database-name.ts', ctx)).toBe('ui-shared');
    expect(name('/app/src/y.ts', ctx)).toBe('ui-shared'); // asked first: its walk meets x
    expect(name('/app/src/x.ts', ctx)).toBe('ui-shared');
  });

  it('leaves out what only lazy screens share, and import cycles reaching nothing', () => {
    expect(name('/app/src/shell/FormDialog.tsx', ctx)).toBeNull();
    expect(name('/app/src/a.ts', ctx)).toBeNull();
    expect(name('/app/src/unknown.ts', ctx)).toBeNull();
  });
});
