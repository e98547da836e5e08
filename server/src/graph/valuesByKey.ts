// A multimap from string keys to sets of values, for indexes where almost every key has one value
// (a file read by one kustomize build, a fact read by one rule subject, the workloads of one
// folder and label). A lone value is kept as itself: a Set for each of tens of thousands of keys
// would cost megabytes (a Set of one takes some 180 bytes).

export class ValuesByKey<T> {
  private readonly byKey = new Map<string, T | Set<T>>();

  /** A fresh array of the values of `key`, in the order they were added (empty where it has none). */
  get(key: string): T[] {
    const values = this.byKey.get(key);
    return values === undefined ? [] : values instanceof Set ? [...values] : [values];
  }

  /** How many values `key` has, without making a list of them. */
  size(key: string): number {
    const values = this.byKey.get(key);
    return values === undefined ? 0 : values instanceof Set ? values.size : 1;
  }

  /** Whether `key` has any value. */
  has(key: string): boolean {
    return this.byKey.has(key);
  }

  add(key: string, value: T): void {
    const values = this.byKey.get(key);
    if (values === undefined || values === value) this.byKey.set(key, value);
    else if (values instanceof Set) values.add(value);
    else this.byKey.set(key, new Set([values, value]));
  }

  remove(key: string, value: T): void {
    const values = this.byKey.get(key);
    if (values === value) this.byKey.delete(key);
    else if (values instanceof Set) {
      values.delete(value);
      if (values.size === 1) this.byKey.set(key, values.values().next().value as T);
    }
  }

  /** Adds or removes one value. */
  toggle(key: string, value: T, add: boolean): void {
    if (add) this.add(key, value);
    else this.remove(key, value);
  }

  keys(): IterableIterator<string> {
    return this.byKey.keys();
  }
}
