/** What rolldown's chunking callbacks are given about a module (a subset of its ModuleInfo). */
interface ChunkingContext {
  getModuleInfo(id: string): { isEntry: boolean; importers: readonly string[] } | null;
}

/**
 * Names the chunk for the app's modules that several chunks share: `name` if start-up loads the
 * module anyway (it is statically imported from the entry or from one of `startModules`, e.g. the
 * preloaded messenger chunk), none otherwise. Start-up's shared modules then form one chunk
 * instead of a dozen tiny ones (each costs import/export glue and gzip framing), while modules
 * only lazy screens share (dialog frames, form rows) stay out of the first paint.
 */
export function startUpSharedChunk(name: string, startModules: readonly string[]) {
  const loadedAtStart = new Map<string, boolean>();
  const isStartRoot = (id: string, ctx: ChunkingContext) =>
    !!ctx.getModuleInfo(id)?.isEntry || startModules.some((suffix) => id.endsWith(suffix));
  /** Walks static importers up from `id` (each module once: import cycles end there). */
  const isStart = (id: string, ctx: ChunkingContext): boolean => {
    const known = loadedAtStart.get(id);
    if (known !== undefined) return known;
    const seen = new Set([id]);
    let found = false;
    for (const next of seen) {
      // A Set iterates what is added during the loop: a breadth-first walk, each module once.
      found = loadedAtStart.get(next) === true || isStartRoot(next, ctx);
      if (found) break;
      for (const importer of ctx.getModuleInfo(next)?.importers ?? []) seen.add(importer);
    }
    loadedAtStart.set(id, found);
    return found;
  };
  return (id: string, ctx: ChunkingContext): string | null => (isStart(id, ctx) ? name : null);
}
