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

/**
 * The string as one run of characters. A template literal makes a tree of the parts it joins
 * (a "cons string", some 32 bytes a join) that lives as long as the string does. A regular
 * expression reads only flat strings, so V8 flattens the string before matching, and the next
 * collection lets the tree go: half the memory of a short id.
 */
export function flatString(text: string): string {
  FLATTENS.test(text);
  return text;
}

const FLATTENS = /\n/;

/** A copy of an array built by push, holding exactly its items (a slice allocates no spare room). */
export function exactArray<T>(items: T[]): T[] {
  return items.length === 0 ? [] : items.slice();
}

/**
 * One map for equal string maps: the labels of a Deployment, its selector and its pod template's
 * labels are often the same pairs, and so are a Service's labels and selector beside them. Model
 * maps are never changed in place (kustomize builds assign new ones), so equal maps can be one.
 */
export class SharedMaps {
  private readonly byPairs = new Map<string, ReadonlyMap<string, string>>();

  share(map: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
    if (map.size === 0) return map;
    let pairs = '';
    for (const [key, value] of map) pairs += `${key}\u0000${value}\u0000`;
    const held = this.byPairs.get(pairs);
    if (held) return held;
    this.byPairs.set(pairs, map);
    return map;
  }
}
