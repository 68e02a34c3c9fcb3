/**
 * The live window of a conversation's document and the size of a sealed segment
 * (docs/decisions/0820, "Sealed segments"). A document seals once it holds a segment more than
 * its window, so every seal moves whole segments and the window never drops below its size.
 */
export interface SealingLimits {
  /** Timeline entries a live document keeps at least (the newest). */
  liveEntries: number;
  /** Timeline entries per sealed segment (the oldest of the live document). */
  segmentEntries: number;
}

export const SEALING: SealingLimits = { liveEntries: 2_000, segmentEntries: 1_000 };

/**
 * Segments one compaction seals at most. A document from before sealing may hold a hundred
 * segments' worth at once (bench:open-chat: 13 s to seal 100,000 entries in one go at load 20),
 * and compactions run on the UI's thread: the rest is sealed by the compactions that follow
 * (the window still overflows, so each is due at the next commit).
 */
export const MAX_SEGMENTS_PER_COMPACTION = 10;
