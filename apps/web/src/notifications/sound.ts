/** Length of the arrival tone. */
const TONE_SECONDS = 0.15;

let context: AudioContext | undefined;

/**
 * A short two-note tone, synthesized (no audio file to download or cache). Browsers allow audio
 * only after the person interacted with the page; before that this stays silent.
 */
export function playArrivalTone(): void {
  try {
    context ??= new AudioContext();
    if (context.state === 'suspended') void context.resume();
    const start = context.currentTime;
    for (const [offset, frequency] of [
      [0, 660],
      [TONE_SECONDS, 880],
    ] as const) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.08, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + TONE_SECONDS);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + TONE_SECONDS);
    }
  } catch {
    // No audio output (or no AudioContext): notifications still show.
  }
}
