/**
 * The part of the WebSocket API the relay connection uses. Both the browser's WebSocket and the
 * `ws` package satisfy it, so the constructor is injected (browsers pass the global, Node passes
 * `ws`). Handlers are typed `(ev: never) => void` because core only assigns them, never calls
 * them: that accepts either implementation's event types.
 */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((ev: never) => void) | null;
  onmessage: ((ev: never) => void) | null;
  onclose: ((ev: never) => void) | null;
  onerror: ((ev: never) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface MessageEventLike {
  data: unknown;
}

export interface CloseEventLike {
  code: number;
  reason: string;
}

/** WebSocket.OPEN in both implementations. */
export const OPEN = 1;
