import type {
  IndexChanges,
  IndexHit,
  IndexQuery,
  RestoreReport,
  SearchBackend,
} from './search-document.js';

/**
 * A SearchBackend across postMessage: the browser runs LocalSearchIndex in a Web Worker
 * (serveSearchBackend inside it, WorkerSearchBackend in the page), so building, querying and
 * saving the index never block the UI thread. Requests are answered in order, by id.
 */

/** The part of Worker / DedicatedWorkerGlobalScope / MessagePort used here. */
export interface MessageEndpoint {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

type Method = keyof SearchBackend;

interface Request {
  id: number;
  method: Method;
  argument: unknown;
}

type Response = { id: number; result: unknown } | { id: number; error: string };

/** Inside the worker: answers the page's requests with `backend`. */
export function serveSearchBackend(endpoint: MessageEndpoint, backend: SearchBackend): void {
  endpoint.addEventListener('message', (event) => {
    const request = event.data as Request;
    const call = backend[request.method] as (argument: unknown) => Promise<unknown>;
    call
      .call(backend, request.argument)
      .then(
        (result): Response => ({ id: request.id, result }),
        (error: unknown): Response => ({
          id: request.id,
          error: error instanceof Error ? error.message : String(error),
        }),
      )
      .then((response) => endpoint.postMessage(response));
  });
}

export class SearchWorkerError extends Error {
  override readonly name = 'SearchWorkerError';
}

/** In the page: the worker's index as a SearchBackend. */
export class WorkerSearchBackend implements SearchBackend {
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();

  constructor(private readonly endpoint: MessageEndpoint) {
    endpoint.addEventListener('message', (event) => {
      const response = event.data as Response;
      const waiter = this.pending.get(response.id);
      if (!waiter) return;
      this.pending.delete(response.id);
      if ('error' in response) waiter.reject(new SearchWorkerError(response.error));
      else waiter.resolve(response.result);
    });
  }

  restore(expected: readonly string[]): Promise<RestoreReport> {
    return this.call('restore', expected) as Promise<RestoreReport>;
  }

  apply(changes: IndexChanges): Promise<void> {
    return this.call('apply', changes) as Promise<void>;
  }

  query(query: IndexQuery): Promise<IndexHit[]> {
    return this.call('query', query) as Promise<IndexHit[]>;
  }

  flush(): Promise<void> {
    return this.call('flush', undefined) as Promise<void>;
  }

  close(): Promise<void> {
    return this.call('close', undefined) as Promise<void>;
  }

  private call(method: Method, argument: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.endpoint.postMessage({ id, method, argument } satisfies Request);
    });
  }
}
