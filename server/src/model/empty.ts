// Shared empty collections. Most resources carry no annotations and most files no directives, and
// an empty Map still takes a couple of hundred bytes: one per resource would cost a large
// workspace tens of megabytes. Model data is never changed in place (its types are read-only), so
// every empty collection can be the same one.

const EMPTY_MAP: ReadonlyMap<unknown, unknown> = new Map();
const EMPTY_SET: ReadonlySet<unknown> = new Set();

/** `map` itself, or the shared empty map where it holds nothing. */
export function compactMap<K, V>(map: ReadonlyMap<K, V>): ReadonlyMap<K, V> {
  return map.size === 0 ? (EMPTY_MAP as ReadonlyMap<K, V>) : map;
}

/** `set` itself, or the shared empty set where it holds nothing. */
export function compactSet<T>(set: ReadonlySet<T>): ReadonlySet<T> {
  return set.size === 0 ? (EMPTY_SET as ReadonlySet<T>) : set;
}
