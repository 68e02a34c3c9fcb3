import type { ManifestOptions } from 'vite-plugin-pwa';

/** The web app manifest: what the browser shows when Parley is installed. */
export const webManifest: Partial<ManifestOptions> = {
  name: 'Parley',
  short_name: 'Parley',
  description: 'End-to-end encrypted messages.',
  start_url: '/',
  scope: '/',
  display: 'standalone',
  background_color: '#0f1221',
  theme_color: '#3344e0',
  icons: [
    { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
    { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
    {
      src: '/icons/icon-maskable-512.png',
      sizes: '512x512',
      type: 'image/png',
      purpose: 'maskable',
    },
    { src: '/icons/icon.svg', sizes: 'any', type: 'image/svg+xml' },
  ],
};
