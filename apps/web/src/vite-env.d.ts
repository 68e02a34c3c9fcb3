/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** '1' only in development-fake builds (see messenger/create-app-messenger.ts). */
  readonly VITE_PARLEY_DEV_FAKE?: string;
}
