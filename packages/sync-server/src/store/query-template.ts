import type { Compilable, QueryExecutorProvider, RawBuilder } from 'kysely';

/**
 * A query built once with Kysely (so its SQL comes from the dialect's compiler) and executed
 * many times with different arguments: hot paths skip rebuilding and recompiling the query.
 * Arguments are marked with `arg('name')` where a value goes; `bind` puts them in order.
 */
export interface QueryTemplate<A extends string> {
  sql: string;
  bind(args: Record<A, unknown>): unknown[];
}

const MARK = '\u0000arg:';

/** A placeholder for the argument `name`; typed `never` so it fits wherever a value goes. */
export function arg(name: string): never {
  return `${MARK}${name}` as never;
}

export function template<A extends string>(query: Compilable): QueryTemplate<A> {
  const compiled = query.compile();
  const slots = compiled.parameters.map((value) =>
    typeof value === 'string' && value.startsWith(MARK)
      ? { name: value.slice(MARK.length) as A, fixed: undefined }
      : { name: undefined, fixed: value },
  );
  return {
    sql: compiled.sql,
    bind: (args) => slots.map((slot) => (slot.name === undefined ? slot.fixed : args[slot.name])),
  };
}

/** A template from a raw `sql` fragment (for statements the query builder cannot express). */
export function rawTemplate<A extends string>(
  db: QueryExecutorProvider,
  raw: RawBuilder<unknown>,
): QueryTemplate<A> {
  return template<A>({ compile: () => raw.compile(db) });
}
