import { useEffect, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';

const ITEMS = '[role^="menuitem"]';

/**
 * A button that opens a menu (the WAI-ARIA menu button pattern): opening moves focus into the
 * menu (to `firstFocus`, else its first item), the arrow keys walk its items, Escape closes it
 * and gives focus back to the button, and focus leaving the menu closes it.
 */
export function useMenuButton(firstFocus: string = ITEMS) {
  const [open, setOpen] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const menu = menuRef.current;
    (
      menu?.querySelector<HTMLElement>(firstFocus) ?? menu?.querySelector<HTMLElement>(ITEMS)
    )?.focus();
  }, [open, firstFocus]);

  function close() {
    setOpen(false);
    buttonRef.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent) {
    const items = [...(menuRef.current?.querySelectorAll<HTMLElement>(ITEMS) ?? [])];
    const index = items.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'Escape') close();
    else if (event.key === 'ArrowDown') items[(index + 1) % items.length]?.focus();
    else if (event.key === 'ArrowUp') items[(index - 1 + items.length) % items.length]?.focus();
    else return;
    event.preventDefault();
  }

  function onBlur(event: FocusEvent<HTMLElement>) {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOpen(false);
  }

  return {
    open,
    close,
    toggle: () => setOpen((value) => !value),
    buttonRef,
    menuProps: { ref: menuRef, onKeyDown, onBlur },
  };
}
