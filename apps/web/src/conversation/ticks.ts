import type { MessageStatus } from '../messenger/types.js';

export type TickGlyph = 'clock' | 'check' | 'double-check';

export interface Tick {
  glyph: TickGlyph;
  /** What a screen reader says, and the tooltip. */
  label: string;
  /** Read ticks are coloured so they stand out from delivered ones. */
  highlighted: boolean;
}

/** The status mark of an own message: clock -> one check -> two checks -> two coloured checks. */
export function tickFor(status: MessageStatus): Tick {
  switch (status) {
    case 'pending':
      return { glyph: 'clock', label: 'Sending', highlighted: false };
    case 'sent':
      return { glyph: 'check', label: 'Sent', highlighted: false };
    case 'delivered':
      return { glyph: 'double-check', label: 'Delivered', highlighted: false };
    case 'read':
      return { glyph: 'double-check', label: 'Read', highlighted: true };
  }
}
