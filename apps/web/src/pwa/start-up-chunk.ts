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
  const isStart = (id: string, ctx: ChunkingContext): boolean => {
    const known = loadedAtStart.get(id);
    if (known !== undefined) return known;
    loadedAtStart.set(id, false); // an import cycle does not prove anything
    const info = ctx.getModuleInfo(id);
    const result =
      !!info &&
      (info.isEntry ||
        startModules.some((suffix) => id.endsWith(suffix)) ||
        info.importers.some((importer) => isStart(importer, ctx)));
    loadedAtStart.set(id, result);
    return result;
  };
  return (id: string, ctx: ChunkingContext): string | null => (isStart(id, ctx) ? name : null);
}
