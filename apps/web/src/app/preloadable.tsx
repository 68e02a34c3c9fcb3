import { use, type ComponentType } from 'react';

/**
 * A code-split component that can be fetched ahead of need. Unlike React.lazy, once its module is
 * loaded it renders synchronously: React.lazy suspends on first render even when the module is
 * already there, and a suspended screen is revealed only after React's fallback throttle
 * (~300 ms), which people feel when they open a chat.
 */
export function preloadable<P extends object>(load: () => Promise<{ default: ComponentType<P> }>) {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<void> | undefined;

  const preload = (): Promise<void> =>
    (pending ??= load().then(
      (module) => {
        loaded = module.default;
      },
      (error: unknown) => {
        // Let the next attempt fetch again (e.g. after the network is back).
        pending = undefined;
        throw error;
      },
    ));

  function Preloaded(props: P) {
    if (!loaded) use(preload());
    const Component = loaded!;
    return <Component {...props} />;
  }

  return { Component: Preloaded, preload };
}
