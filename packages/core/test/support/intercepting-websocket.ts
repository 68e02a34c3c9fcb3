import WebSocket from 'ws';
import type { WebSocketConstructor, WebSocketLike } from '../../src/transport/websocket.js';

/**
 * A `ws` socket whose incoming binary messages pass through `intercept` first: it may return them
 * changed, or undefined to drop them. Stands in for a hostile network or relay between the
 * client and the real relay. `sent` sees every outgoing message.
 */
export function interceptingWebSocket(
  intercept: (data: Uint8Array) => Uint8Array | undefined,
  sent: (data: Uint8Array) => void = () => undefined,
): WebSocketConstructor {
  return class InterceptingWebSocket implements WebSocketLike {
    onopen: ((ev: never) => void) | null = null;
    onmessage: ((ev: never) => void) | null = null;
    onclose: ((ev: never) => void) | null = null;
    onerror: ((ev: never) => void) | null = null;
    private readonly inner: WebSocket;

    constructor(url: string) {
      this.inner = new WebSocket(url);
      this.inner.binaryType = 'arraybuffer';
      this.inner.onopen = () => (this.onopen as ((ev: unknown) => void) | null)?.({});
      this.inner.onerror = () => (this.onerror as ((ev: unknown) => void) | null)?.({});
      this.inner.onclose = (event) =>
        (this.onclose as ((ev: unknown) => void) | null)?.({
          code: event.code,
          reason: event.reason,
        });
      this.inner.onmessage = (event) => {
        const data = intercept(new Uint8Array(event.data as ArrayBuffer));
        if (!data) return;
        const copy = data.slice().buffer;
        (this.onmessage as ((ev: unknown) => void) | null)?.({ data: copy });
      };
    }

    get binaryType(): string {
      return 'arraybuffer';
    }

    set binaryType(_value: string) {
      // Always arraybuffer: the interceptor works on bytes.
    }

    get readyState(): number {
      return this.inner.readyState;
    }

    send(data: Uint8Array): void {
      sent(data);
      this.inner.send(data);
    }

    close(code?: number, reason?: string): void {
      this.inner.close(code, reason);
    }
  };
}
