import { Icon } from '../shell/Icon.js';
import type { Tick } from './ticks.js';
import './tick.css';

/** The status glyph of an own message, named for screen readers. */
export function TickMark({ tick }: { tick: Tick }) {
  return (
    <span
      className={`tick ${tick.highlighted ? 'tick--read' : ''}`}
      role="img"
      aria-label={tick.label}
      title={tick.label}
      data-tick={tick.label.toLowerCase()}
    >
      <Icon name={tick.glyph} size={16} />
    </span>
  );
}
