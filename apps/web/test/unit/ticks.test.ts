import { describe, expect, it } from 'vitest';
import { tickFor } from '../../src/conversation/ticks.js';

describe('tickFor', () => {
  it('maps each status to its glyph, spoken label and highlight', () => {
    expect(tickFor('pending')).toEqual({ glyph: 'clock', label: 'Sending', highlighted: false });
    expect(tickFor('sent')).toEqual({ glyph: 'check', label: 'Sent', highlighted: false });
    expect(tickFor('delivered')).toEqual({
      glyph: 'double-check',
      label: 'Delivered',
      highlighted: false,
    });
    expect(tickFor('read')).toEqual({ glyph: 'double-check', label: 'Read', highlighted: true });
  });
});
