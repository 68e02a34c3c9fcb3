import type { KeyboardEvent } from 'react';

/** The result links of a results container, in order. */
function resultLinks(container: HTMLElement | null): HTMLAnchorElement[] {
  return container ? [...container.querySelectorAll<HTMLAnchorElement>('a.search-result')] : [];
}

/**
 * Arrow keys move between results (and from the field to the first one); Home/End jump to the
 * ends. Tab still works as usual: every result is a link.
 */
export function moveBetweenResults(
  event: KeyboardEvent,
  container: HTMLElement | null,
  field: HTMLInputElement | null,
): void {
  const links = resultLinks(container);
  if (links.length === 0) return;
  const index = links.indexOf(document.activeElement as HTMLAnchorElement);
  let next: HTMLElement | null | undefined;
  if (event.key === 'ArrowDown') next = links[Math.min(index + 1, links.length - 1)];
  else if (event.key === 'ArrowUp') next = index <= 0 ? field : links[index - 1];
  else if (event.key === 'Home' && index >= 0) next = links[0];
  else if (event.key === 'End' && index >= 0) next = links.at(-1);
  if (!next) return;
  event.preventDefault();
  next.focus();
}
