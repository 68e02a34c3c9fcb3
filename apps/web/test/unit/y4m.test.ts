import { describe, expect, it } from 'vitest';
import { y4mFromRgba } from '../e2e/harness/y4m.js';

describe('a picture as a Y4M still video (the fake camera’s file)', () => {
  it('writes the header and 4:2:0 planes of each frame, full-range BT.601', () => {
    // 3x2 pixels: white, black, red / white, black, red; the odd last column is dropped.
    const px = [255, 255, 255, 255, 0, 0, 0, 255, 255, 0, 0, 255];
    const rgba = Uint8Array.from([...px, ...px]);
    const video = y4mFromRgba(rgba, 3, 2, 2);
    const text = new TextDecoder('latin1').decode(video);
    const header = 'YUV4MPEG2 W2 H2 F10:1 Ip A1:1 C420jpeg\n';
    expect(text.startsWith(header)).toBe(true);
    const frame = [...new TextEncoder().encode('FRAME\n'), 255, 0, 255, 0, 128, 128];
    expect([...video.subarray(header.length)]).toEqual([...frame, ...frame]);
  });

  it('keeps colour in the chroma planes', () => {
    const red = Uint8Array.from([255, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 255]);
    const video = y4mFromRgba(red, 2, 2, 1);
    // Four luma bytes, then one U and one V for the 2x2 block.
    expect([...video.subarray(video.length - 6)]).toEqual([76, 76, 76, 76, 85, 255]);
  });
});
