export { DISAPPEARING_TIMERS, describeTimer, describeTimerChange } from './timers.js';
export type { Clock } from './clock.js';
