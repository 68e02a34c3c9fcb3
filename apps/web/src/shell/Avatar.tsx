/** A round badge with the contact's initial, its colour derived from the name so it stays stable. */
const hues = [212, 262, 330, 14, 36, 152, 190, 288];

export function avatarHue(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return hues[hash % hues.length]!;
}

/**
 * `src`: a profile picture (a data: URL from a decrypted profile); without one, the initial.
 * Decorative either way: the name is always written beside it.
 */
export function Avatar({ name, size = 44, src }: { name: string; size?: number; src?: string }) {
  if (src)
    return (
      <img
        className="avatar avatar--image"
        src={src}
        alt=""
        aria-hidden="true"
        width={size}
        height={size}
        decoding="async"
      />
    );
  const initial = [...name.replace(/^[^\p{L}\p{N}]+/u, '')][0]?.toUpperCase() ?? '?';
  return (
    <span
      className="avatar"
      aria-hidden="true"
      style={{
        width: size,
        height: size,
        fontSize: size * 0.42,
        ['--avatar-hue' as string]: avatarHue(name),
      }}
    >
      {initial}
    </span>
  );
}
