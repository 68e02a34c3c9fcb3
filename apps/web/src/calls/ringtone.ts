/**
 * The incoming-call ring, synthesized with Web Audio (no audio file to fetch or cache): two
 * tones together, on for 1 s, off for 2 s, like a European ringback. Browsers only play audio
 * after a user gesture on the page; if the context stays suspended the ring is silent and the
 * screen still shows the call.
 */
export function startRingtone(): () => void {
  const AudioContextClass = window.AudioContext;
  if (!AudioContextClass) return () => {};
  const context = new AudioContextClass();
  const gain = context.createGain();
  gain.gain.value = 0;
  gain.connect(context.destination);
  const oscillators = [440, 480].map((frequency) => {
    const oscillator = context.createOscillator();
    oscillator.frequency.value = frequency;
    oscillator.connect(gain);
    oscillator.start();
    return oscillator;
  });
  const cycle = () => {
    const now = context.currentTime;
    gain.gain.setValueAtTime(0.15, now);
    gain.gain.setValueAtTime(0, now + 1);
  };
  cycle();
  const timer = setInterval(cycle, 3_000);
  return () => {
    clearInterval(timer);
    for (const oscillator of oscillators) oscillator.stop();
    void context.close();
  };
}
