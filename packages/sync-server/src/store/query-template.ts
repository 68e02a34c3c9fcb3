import type { Compilable, QueryExecutorProvider, RawBuilder } from 'kysely';

/**
 * A query built once with Kysely (so its SQL comes from the dialect's compiler) and executed
 * many times with different arguments: hot paths skip rebuilding and recompiling the query.
 * Arguments are marked with `arg('name')` where a value goes; `bind` puts them in order.
 */
export interface QueryTemplate<A extends string> {
  sql: string;
  /**
   * The statement's parameters in order: written into `into` when given (a synchronous driver
   * reuses one array per statement, used for this template only: no garbage per call), else
   * into a fresh array.
   */
  bind(args: Record<A, unknown>, into?: unknown[]): unknown[];
}

const MARK = '\u0000arg:';

/** A placeholder for the argument `name`; typed `never` so it fits wherever a value goes. */
export function arg(name: string): never {
  return `${MARK}${name}` as never;
}

export function template<A extends string>(query: Compilable): QueryTemplate<A> {
  const compiled = query.compile();
  // Per parameter: the argument's name, or undefined for a value fixed in the query.
  const names = compiled.parameters.map((value) =>
    typeof value === 'string' && value.startsWith(MARK)
      ? (value.slice(MARK.length) as A)
      : undefined,
  );
  const fixed = compiled.parameters;
  return {
    sql: compiled.sql,
    bind: (args, into = new Array<unknown>(names.length)) => {
      for (let i = 0; i < names.length; i++) {
        const name = names[i];
        into[i] = name === undefined ? fixed[i] : args[name];
      }
      return into;
    },
  };
}

/** A template from a raw `sql` fragment (for statements the query builder cannot express). */
export function rawTemplate<A extends string>(
  db: QueryExecutorProvider,
  raw: RawBuilder<unknown>,
): QueryTemplate<A> {
  return template<A>({ compile: () => raw.compile(db) });
}
