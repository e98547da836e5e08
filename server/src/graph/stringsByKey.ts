// A multimap from string keys to sets of strings, for indexes where almost every key has one
// value (a file read by one kustomize build, a fact read by one rule subject). A lone value is
// kept as itself: a Set for each of tens of thousands of keys would cost megabytes.

export class StringsByKey {
  private readonly byKey = new Map<string, string | Set<string>>();

  /** A fresh array of the values of `key` (empty where it has none). */
  get(key: string): string[] {
    const values = this.byKey.get(key);
    return values === undefined ? [] : typeof values === 'string' ? [values] : [...values];
  }

  add(key: string, value: string): void {
    const values = this.byKey.get(key);
    if (values === undefined || values === value) this.byKey.set(key, value);
    else if (typeof values === 'string') this.byKey.set(key, new Set([values, value]));
    else values.add(value);
  }

  remove(key: string, value: string): void {
    const values = this.byKey.get(key);
    if (values === value) this.byKey.delete(key);
    else if (typeof values === 'object') {
      values.delete(value);
      if (values.size === 1) this.byKey.set(key, values.values().next().value!);
    }
  }

  keys(): IterableIterator<string> {
    return this.byKey.keys();
  }
}
