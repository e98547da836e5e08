// Compact storage for the model's collections. A workspace keeps the model of every file, so the
// overhead of each small collection adds up: an empty Map takes a couple of hundred bytes, and an
// array built by push keeps room for sixteen items however few it holds. Tens of megabytes at
// 50,000 documents.

const EMPTY_MAP: ReadonlyMap<unknown, unknown> = new Map();
const EMPTY_SET: ReadonlySet<unknown> = new Set();

/**
 * `map` itself, or the one shared empty map where it holds nothing. Model data is never changed
 * in place (its map types are read-only), so every empty map can be the same one.
 */
export function compactMap<K, V>(map: ReadonlyMap<K, V>): ReadonlyMap<K, V> {
  return map.size === 0 ? (EMPTY_MAP as ReadonlyMap<K, V>) : map;
}

/** `set` itself, or the one shared empty set where it holds nothing. */
export function compactSet<T>(set: ReadonlySet<T>): ReadonlySet<T> {
  return set.size === 0 ? (EMPTY_SET as ReadonlySet<T>) : set;
}

/** A copy of an array built by push, holding exactly its items (a slice allocates no spare room). */
export function exactArray<T>(items: T[]): T[] {
  return items.length === 0 ? [] : items.slice();
}
