/**
 * The unread count where a person sees it with the tab in the background: in the tab's title
 * ("(3) Parley", as WhatsApp Web and Gmail do) and as a badge drawn on the favicon.
 */
export const APP_TITLE = 'Parley';
const ICON_SIZE = 64;

export function titleFor(unread: number): string {
  return unread > 0 ? `(${unread > 999 ? '999+' : unread}) ${APP_TITLE}` : APP_TITLE;
}

function iconLink(): HTMLLinkElement {
  let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) {
    link = document.createElement('link');
    link.rel = 'icon';
    document.head.append(link);
  }
  return link;
}

let baseIcon: { href: string; type: string } | undefined;
let baseImage: Promise<HTMLImageElement> | undefined;

function loadBaseImage(href: string): Promise<HTMLImageElement> {
  baseImage ??= new Promise((resolve, reject) => {
    const image = new Image(ICON_SIZE, ICON_SIZE);
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error(`favicon ${href} did not load`));
    image.src = href;
  });
  return baseImage;
}

/** The app's icon with a red disc and the count at its top right, as a PNG data URL. */
async function badgedIcon(href: string, unread: number): Promise<string> {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = ICON_SIZE;
  const context = canvas.getContext('2d');
  if (!context) return href;
  context.drawImage(await loadBaseImage(href), 0, 0, ICON_SIZE, ICON_SIZE);
  const label = unread > 99 ? '99+' : String(unread);
  const radius = ICON_SIZE * 0.3;
  const [x, y] = [ICON_SIZE - radius, radius];
  context.fillStyle = '#d93025';
  context.beginPath();
  context.arc(x, y, radius, 0, Math.PI * 2);
  context.fill();
  context.fillStyle = '#ffffff';
  context.font = `bold ${label.length > 2 ? 18 : 26}px system-ui, sans-serif`;
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  context.fillText(label, x, y + 1);
  return canvas.toDataURL('image/png');
}

let generation = 0;

/** Shows `unread` in the title and the favicon (the plain icon again at 0). */
export async function showUnread(unread: number): Promise<void> {
  document.title = titleFor(unread);
  const link = iconLink();
  baseIcon ??= { href: link.href, type: link.type };
  const current = ++generation;
  const href = unread > 0 ? await badgedIcon(baseIcon.href, unread) : baseIcon.href;
  if (current !== generation) return; // a newer count was drawn meanwhile
  link.type = unread > 0 ? 'image/png' : baseIcon.type;
  link.href = href;
  link.dataset.unread = String(unread);
}
