import { afterAll, beforeAll } from 'vitest';
import { startStack, type Stack } from './stack.js';

/**
 * The stack of one test file: started before its tests, closed after them. The returned object
 * stands for it (it forwards to the stack once started), so tests pass it around as a Stack.
 */
export function useStack(chromiumArgs: readonly string[] | (() => readonly string[]) = []): Stack {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack(typeof chromiumArgs === 'function' ? chromiumArgs() : chromiumArgs);
  });
  afterAll(async () => {
    await stack?.close();
  });
  const started = (): Stack => {
    if (!stack) throw new Error('the stack starts in beforeAll; use it inside a test');
    return stack;
  };
  return {
    get origin() {
      return started().origin;
    },
    get browser() {
      return started().browser;
    },
    stopRelay: () => started().stopRelay(),
    startRelay: () => started().startRelay(),
    close: () => started().close(),
  };
}
