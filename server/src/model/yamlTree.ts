// A small, total reader over the `yaml` package's node tree: every accessor answers `undefined`
// instead of throwing, follows aliases one step at a time, and knows which spans were template
// actions (so their values read as unknown).

import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { touchesAction } from './text';
import type { Located, PortValue, Span } from './types';

/** How deep alias chains are followed; real manifests use one level, alias bombs use many. */
const MAX_ALIAS_HOPS = 8;

export class YamlReader {
  constructor(
    private readonly document: Document.Parsed,
    /** Sorted spans of template actions in the original text (empty for plain YAML). */
    readonly actions: Span[],
  ) {}

  get templated(): boolean {
    return this.actions.length > 0;
  }

  /** Follows aliases to the node they name. */
  resolve(node: unknown): Node | undefined {
    let current = node;
    for (let hops = 0; isAlias(current); hops++) {
      if (hops >= MAX_ALIAS_HOPS) return undefined;
      try {
        current = current.resolve(this.document);
      } catch {
        return undefined;
      }
    }
    return (current ?? undefined) as Node | undefined;
  }

  map(node: unknown): YAMLMap | undefined {
    const resolved = this.resolve(node);
    return isMap(resolved) ? resolved : undefined;
  }

  seq(node: unknown): YAMLSeq | undefined {
    const resolved = this.resolve(node);
    return isSeq(resolved) ? resolved : undefined;
  }

  items(node: unknown): unknown[] {
    return this.seq(node)?.items ?? [];
  }

  /** The pair of a map whose key is `key` (the last one, as Kubernetes' decoder keeps the last). */
  pair(node: unknown, key: string): Pair | undefined {
    const map = this.map(node);
    if (!map) return undefined;
    let found: Pair | undefined;
    for (const pair of map.items) {
      const k = isScalar(pair.key) ? pair.key.value : pair.key;
      if (k === key) found = pair;
    }
    return found;
  }

  get(node: unknown, key: string): Node | undefined {
    const pair = this.pair(node, key);
    return pair ? this.resolve(pair.value) : undefined;
  }

  /** Follows a path of keys through maps. */
  at(node: unknown, ...path: string[]): Node | undefined {
    let current: unknown = node;
    for (const key of path) {
      current = this.get(current, key);
      if (current === undefined) return undefined;
    }
    return current as Node | undefined;
  }

  span(node: unknown): Span | undefined {
    const range = (node as Node | undefined)?.range;
    return range ? { start: range[0], end: range[1] } : undefined;
  }

  /** The span of a pair's key scalar. */
  keySpan(pair: Pair | undefined): Span | undefined {
    return pair ? this.span(pair.key) : undefined;
  }

  /** Whether a node's text touches a template action. */
  isTemplated(node: unknown): boolean {
    const span = this.span(node);
    return span !== undefined && this.actions.length > 0 && touchesAction(this.actions, span);
  }

  scalar(node: unknown): Scalar | undefined {
    const resolved = this.resolve(node);
    return isScalar(resolved) ? resolved : undefined;
  }

  /** A scalar's value as text (numbers and booleans as YAML wrote them); undefined for anything else. */
  string(node: unknown): Located<string> | undefined {
    const scalar = this.scalar(node);
    if (!scalar || scalar.value === null || scalar.value === undefined) return undefined;
    const span = this.span(scalar);
    if (!span) return undefined;
    const value = typeof scalar.value === 'string' ? scalar.value : typeof scalar.source === 'string' ? scalar.source : String(scalar.value);
    return { value, span };
  }

  /** A string that is known: not a template action. */
  knownString(node: unknown): Located<string> | undefined {
    if (this.isTemplated(node)) return undefined;
    return this.string(node);
  }

  stringAt(node: unknown, ...path: string[]): Located<string> | undefined {
    return this.string(this.at(node, ...path));
  }

  boolean(node: unknown): boolean | undefined {
    const scalar = this.scalar(node);
    return typeof scalar?.value === 'boolean' ? scalar.value : undefined;
  }

  /** A string-to-string map such as labels; `complete` is false where an entry is unreadable or templated. */
  stringMap(node: unknown): { entries: Map<string, string>; complete: boolean } {
    const entries = new Map<string, string>();
    const map = this.map(node);
    let complete = !this.isTemplated(node);
    if (!map) return { entries, complete: complete && (node === undefined || node === null || isScalar(this.resolve(node)) ? true : complete) };
    for (const pair of map.items) {
      const key = this.string(pair.key);
      const value = this.string(pair.value);
      if (!key || this.isTemplated(pair.key) || this.isTemplated(pair.value)) {
        complete = false;
        continue;
      }
      entries.set(key.value, value?.value ?? '');
    }
    return { entries, complete };
  }

  /**
   * Reads an IntOrString port. Integers are numbers; strings are names (Kubernetes reads `"8080"`
   * as a name); template actions and placeholders (`${PORT}`, `$PORT`, `<port>`, `PORT`) are unknown.
   */
  port(node: unknown): PortValue | undefined {
    const scalar = this.scalar(node);
    if (!scalar) return undefined;
    const span = this.span(scalar);
    if (!span) return undefined;
    const text = typeof scalar.source === 'string' ? scalar.source : String(scalar.value);
    if (this.isTemplated(scalar)) return { kind: 'unknown', text, span };
    const value = scalar.value;
    if (typeof value === 'number') {
      return Number.isInteger(value) ? { kind: 'number', number: value, span } : { kind: 'unknown', text, span };
    }
    if (typeof value === 'string') {
      if (isPlaceholder(value)) return { kind: 'unknown', text: value, span };
      return { kind: 'name', name: value, span };
    }
    return undefined;
  }

  /** Reads a field Kubernetes types as an integer: a string there is a placeholder, so unknown. */
  integerPort(node: unknown): PortValue | undefined {
    const port = this.port(node);
    if (port?.kind === 'name') return { kind: 'unknown', text: port.name, span: port.span };
    return port;
  }
}

/** Values that stand for something filled in later: `${VAR}`, `$VAR`, `<name>`, `{{ … }}`, `PORT`, `__X__`. */
export function isPlaceholder(value: string): boolean {
  return /[${}<>]/.test(value) || /^[A-Z][A-Z0-9_]*$/.test(value) || /^_+$/.test(value) || value.trim() === '';
}
