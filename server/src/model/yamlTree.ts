// A small, total reader over the `yaml` package's node tree: every accessor answers `undefined`
// instead of throwing, follows aliases one step at a time, and knows which spans were template
// actions (so their values read as unknown).
//
// In a template the parser reads the masked text, with the actions the chart's values resolve
// replaced by what they render to (see TemplateContext): every span the reader hands out is
// mapped back to the template's own text, and the reader knows which parts of the tree an
// unresolved action may still change.

import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { TemplateAction } from './template';
import { touchesAction, type LineStarts } from './text';
import type { Located, PortValue, Span, ValueOrigin } from './types';

/** How deep alias chains are followed; real manifests use one level, alias bombs use many. */
const MAX_ALIAS_HOPS = 8;

/** A substitution as the parser saw it: the action's span in the template, and where its text landed in what was parsed. */
export interface PlacedSubstitution {
  span: Span;
  parsedStart: number;
  parsedEnd: number;
  origin: ValueOrigin;
}

/** What a reader of a template needs beyond the YAML tree. */
export interface TemplateContext {
  /** The template's own text: every span points into it. */
  text: string;
  lineStarts: LineStarts;
  /** Every action of the file, in text order. */
  actions: TemplateAction[];
  /** The actions replaced by their rendered values, in text order. */
  substitutions: PlacedSubstitution[];
  /** A chart's template, read part by part (see Resource.templatePartsKnown). */
  partsKnown: boolean;
}

/** Which parts of a template's tree unresolved actions may change, worked out once per document. */
interface TemplateEffects {
  /** Collections (and pairs, for their value) that an unresolved action may add entries to. */
  addsEntries: Set<unknown>;
  /** Nodes and pairs with an unresolved action at or below them. */
  unresolved: Set<unknown>;
  /** The unresolved own-line outputs that write entries into each collection or pair. */
  outputs: Map<unknown, TemplateAction[]>;
  /** Values of a key that a map holds twice (both branches of an `if`/`else`): either may be the one rendered. */
  ambiguous: Set<unknown>;
}

const NO_EFFECTS: TemplateEffects = { addsEntries: new Set(), unresolved: new Set(), outputs: new Map(), ambiguous: new Set() };

/** A label map as a template writes it: plain pairs, pairs whose value is an action, and includes that write pairs. */
export interface TemplateLabelMap {
  /** Plain pairs; a value written as one followable action reads as the action (`{{ include "chart.name" . }}`). */
  entries: Map<string, string>;
  /** Includes that write pairs into the map (`include "chart.selectorLabels" .`). */
  includes: string[];
  /** False where part of the map cannot be read: an unresolved action that is no include, a templated key. */
  complete: boolean;
  /** True where a value or pair comes from an action the model only names (an include, an unresolved lookup). */
  symbolic: boolean;
  /** The map, or the key where the map holds only include lines. */
  span: Span | undefined;
}

export class YamlReader {
  private effectsOfDocument: TemplateEffects | undefined;

  constructor(
    private readonly document: Document.Parsed,
    /** Sorted spans of the template actions that no value resolved, in the original text (empty for plain YAML). */
    readonly actions: Span[],
    /** Set for a template: the original text, its actions, and the substitutions the parser read. */
    private readonly template?: TemplateContext,
  ) {}

  get templated(): boolean {
    return this.actions.length > 0 || this.template !== undefined;
  }

  /** Whether this reader knows which parts of the tree template actions may change (see Resource.templatePartsKnown). */
  get knowsTemplateParts(): boolean {
    return this.template?.partsKnown === true;
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

  /** A node's span in the file's own text (in a template, mapped back from what the parser read). */
  span(node: unknown): Span | undefined {
    const range = (node as Node | undefined)?.range;
    if (!range) return undefined;
    return this.template ? this.originalSpan(range[0], range[1]) : { start: range[0], end: range[1] };
  }

  /** Maps offsets of the parsed text back to the template: a value that replaced an action spans the action. */
  originalSpan(start: number, end: number): Span {
    return { start: this.toOriginal(start, false), end: Math.max(this.toOriginal(start, false), this.toOriginal(end, true)) };
  }

  private toOriginal(offset: number, isEnd: boolean): number {
    const substitutions = this.template?.substitutions ?? [];
    let low = 0;
    let high = substitutions.length - 1;
    let before: PlacedSubstitution | undefined;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (substitutions[mid].parsedStart <= offset) {
        before = substitutions[mid];
        low = mid + 1;
      } else high = mid - 1;
    }
    if (!before) return offset;
    if (offset >= before.parsedEnd && !(offset === before.parsedStart && !isEnd)) return before.span.end + (offset - before.parsedEnd);
    return isEnd && offset > before.parsedStart ? before.span.end : before.span.start;
  }

  private toParsed(offset: number): number {
    const substitutions = this.template?.substitutions ?? [];
    let result = offset;
    for (const substitution of substitutions) {
      if (substitution.span.start >= offset) break;
      result = offset >= substitution.span.end ? substitution.parsedEnd + (offset - substitution.span.end) : substitution.parsedStart;
    }
    return result;
  }

  /** Where a resolved value inside this span came from (the first substitution it holds). */
  originOf(span: Span | undefined): ValueOrigin | undefined {
    const substitutions = this.template?.substitutions;
    if (!span || !substitutions || substitutions.length === 0) return undefined;
    for (const substitution of substitutions) {
      if (substitution.span.start >= span.end) break;
      if (substitution.span.start >= span.start && substitution.span.end <= span.end) return substitution.origin;
    }
    return undefined;
  }

  /** The span of a pair's key scalar. */
  keySpan(pair: Pair | undefined): Span | undefined {
    return pair ? this.span(pair.key) : undefined;
  }

  /**
   * Whether a template action the values do not resolve may change a node: for a scalar, an action
   * in its text (or a key written twice by both branches of an `if`); for a collection, such a
   * scalar below it, or an action that prints entries into it.
   */
  isTemplated(node: unknown): boolean {
    if (node === undefined || node === null) return false;
    if (this.template && (isMap(node) || isSeq(node))) return this.unresolvedIn(node);
    const span = this.span(node);
    if (span === undefined) return false;
    if (this.actions.length > 0 && touchesAction(this.actions, span)) return true;
    return this.template !== undefined && this.effects().ambiguous.has(node);
  }

  /**
   * Whether an unresolved action may change anything at or below a node or a pair: a value, a key,
   * an entry it prints. Control actions (`if`, `range`, `end`) change nothing by themselves.
   */
  unresolvedIn(node: unknown): boolean {
    if (node === undefined || node === null) return false;
    if (!this.template) {
      const span = isPairNode(node) ? this.pairSpan(node) : this.span(node);
      return span !== undefined && this.actions.length > 0 && touchesAction(this.actions, span);
    }
    const effects = this.effects();
    return effects.unresolved.has(node) || (isPairNode(node) && effects.unresolved.has(node.value));
  }

  /** Whether an unresolved action may add entries to a collection (or, for a pair, to its value). */
  addsEntries(node: unknown): boolean {
    if (!this.template || node === undefined || node === null) return false;
    const effects = this.effects();
    return effects.addsEntries.has(node) || (isPairNode(node) && effects.addsEntries.has(node.value));
  }

  /**
   * A label map (`labels`, `selector`, `matchLabels`) under `key`, the way a template writes it:
   * plain pairs, values that are one followable action, include lines that print pairs.
   */
  labelMap(parent: unknown, key: string): TemplateLabelMap {
    const pair = this.pair(parent, key);
    const node = this.resolve(pair?.value);
    const entries = new Map<string, string>();
    const result: TemplateLabelMap = { entries, includes: [], complete: true, symbolic: false, span: this.span(node) ?? this.keySpan(pair) };
    if (!pair) return result;
    const map = isMap(node) ? node : undefined;
    if (node !== undefined && !map && !(isScalar(node) && (node.value === null || node.value === undefined))) {
      // In plain YAML a scalar where a map belongs holds no labels (as it always read).
      if (!this.template) return result;
      // `labels: {{ include "chart.labels" . | nindent 4 }}` on the key's own line.
      const include = this.actionOf(node);
      if (include?.expression?.kind === 'include') {
        result.includes.push(include.expression.text);
        result.symbolic = true;
      } else result.complete = false;
      return result;
    }
    for (const entry of map?.items ?? []) {
      const name = this.string(entry.key);
      if (!name || this.isTemplated(entry.key)) {
        result.complete = false;
        continue;
      }
      if (this.isTemplated(entry.value)) {
        const symbol = this.symbolOf(entry.value);
        if (symbol === undefined) result.complete = false;
        else {
          entries.set(name.value, symbol);
          result.symbolic = true;
        }
        continue;
      }
      entries.set(name.value, this.string(entry.value)?.value ?? this.formatPlaceholder(entry.value) ?? '');
    }
    if (!this.template) {
      if (map && this.actions.length > 0 && touchesAction(this.actions, this.span(map)!)) result.complete = false;
      return result;
    }
    const effects = this.effects();
    for (const target of [pair, map]) {
      for (const action of effects.outputs.get(target) ?? []) {
        if (action.expression?.kind === 'include') {
          if (!result.includes.includes(action.expression.text)) result.includes.push(action.expression.text);
          result.symbolic = true;
        } else result.complete = false;
      }
    }
    // An action that prints into one entry's value leaves that value unreadable too.
    for (const entry of map?.items ?? []) if (this.addsEntries(entry)) result.complete = false;
    return result;
  }

  /**
   * A value that is exactly one followable action (`{{ include "chart.name" . }}`, a `.Values`
   * lookup the values do not resolve), written as the action: the same action renders the same
   * value within one chart.
   */
  private symbolOf(node: unknown): string | undefined {
    const expression = this.actionOf(node)?.expression;
    return expression ? `{{ ${expression.text} }}` : undefined;
  }

  /** The action a scalar consists of (quotes aside), where it is exactly one unresolved action. */
  private actionOf(node: unknown): TemplateAction | undefined {
    const scalar = this.scalar(node);
    const span = this.span(scalar);
    if (!this.template || !scalar || !span || this.effects().ambiguous.has(scalar)) return undefined;
    const inside = this.template.actions.filter((action) => action.span.start < span.end && span.start < action.span.end);
    if (inside.length !== 1 || !touchesAction(this.actions, inside[0].span)) return undefined;
    const action = inside[0];
    const quoted = typeof scalar.type === 'string' && scalar.type.startsWith('QUOTE');
    const exact = quoted ? action.span.start === span.start + 1 && action.span.end === span.end - 1 : action.span.start === span.start && action.span.end === span.end;
    return exact ? action : undefined;
  }

  private pairSpan(pair: Pair): Span | undefined {
    const key = this.span(pair.key);
    const value = this.span(pair.value);
    if (!key) return value;
    return { start: key.start, end: Math.max(key.end, value?.end ?? key.end) };
  }

  private effects(): TemplateEffects {
    if (!this.template) return NO_EFFECTS;
    if (!this.effectsOfDocument) this.effectsOfDocument = templateEffects(this.document, this.template, this.actions, (offset) => this.toParsed(offset), (node) => this.span(node));
    return this.effectsOfDocument;
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
    const origin = this.originOf(span);
    return origin ? { value, span, origin } : { value, span };
  }

  /** The file's own text of a span: template actions as written, not as the parser read them. */
  written(span: Span): string | undefined {
    return this.template?.text.slice(span.start, span.end);
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
      entries.set(key.value, value?.value ?? this.formatPlaceholder(pair.value) ?? '');
    }
    return { entries, complete };
  }

  /**
   * Reads an IntOrString port. Integers are numbers; strings are names (Kubernetes reads `"8080"`
   * as a name); template actions and placeholders (`${PORT}`, `$PORT`, `<port>`, `PORT`) are unknown.
   */
  port(node: unknown): PortValue | undefined {
    const scalar = this.scalar(node);
    if (!scalar) {
      const placeholder = this.formatPlaceholder(node);
      const span = placeholder === undefined ? undefined : this.span(this.resolve(node));
      return placeholder !== undefined && span ? { kind: 'unknown', text: placeholder, span } : undefined;
    }
    const span = this.span(scalar);
    if (!span) return undefined;
    const text = this.written(span) ?? (typeof scalar.source === 'string' ? scalar.source : String(scalar.value));
    if (this.isTemplated(scalar)) return { kind: 'unknown', text, span };
    const value = scalar.value;
    const origin = this.originOf(span);
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) return { kind: 'unknown', text, span };
      return origin ? { kind: 'number', number: value, span, origin } : { kind: 'number', number: value, span };
    }
    if (typeof value === 'string') {
      if (isPlaceholder(value)) return { kind: 'unknown', text: origin ? text : value, span };
      return origin ? { kind: 'name', name: value, span, origin } : { kind: 'name', name: value, span };
    }
    return undefined;
  }

  /**
   * The text of a Python or shell format placeholder written bare where a scalar belongs:
   * `{self.path.k8s}` parses as a flow map with one key and no value. Test generators fill these
   * in before anything is applied, so they are placeholders, not maps.
   */
  formatPlaceholder(node: unknown): string | undefined {
    const map = this.map(node);
    if (!map || !map.flow || map.items.length !== 1) return undefined;
    const pair = map.items[0];
    const value = this.resolve(pair.value);
    if (value !== undefined && !(isScalar(value) && value.value === null)) return undefined;
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key === 'string' && FORMAT_FIELD.test(key)) return `{${key}}`;
    // Jinja's `{{ name }}` parses as a map whose one key is the map `{ name }`.
    const inner = isMap(pair.key) && pair.key.items.length === 1 && isScalar(pair.key.items[0].key) ? pair.key.items[0].key.value : undefined;
    return typeof inner === 'string' && FORMAT_FIELD.test(inner) ? `{{ ${inner} }}` : undefined;
  }

  /** Reads a field Kubernetes types as an integer: a string there is a placeholder, so unknown. */
  integerPort(node: unknown): PortValue | undefined {
    const port = this.port(node);
    if (port?.kind === 'name') return { kind: 'unknown', text: port.name, span: port.span };
    return port;
  }
}

/** A field of a format string: `self.path.k8s`, `port`, `0`. */
const FORMAT_FIELD = /^[A-Za-z_0-9][\w.-]*$/;

/**
 * Text that another template syntax fills in before the object is applied: envsubst (`${VAR}`,
 * `$VAR`), Python and shell format fields (`{name}`, `{images[kat-server]}`), Jinja (`{{ x }}`,
 * `{% if %}`), and `<name>`. Such a label value selects nothing that can be known.
 */
export function hasFormatPlaceholder(value: string): boolean {
  return /\$\{|\$[A-Za-z_]|\{\{|\{%|\{[\w.\-\[\]]+\}|<[\w.\- ]+>/.test(value);
}

/** Values that stand for something filled in later: `${VAR}`, `$VAR`, `<name>`, `{{ … }}`, `PORT`, `__X__`. */
export function isPlaceholder(value: string): boolean {
  return /[${}<>]/.test(value) || /^[A-Z][A-Z0-9_]*$/.test(value) || /^_+$/.test(value) || value.trim() === '';
}

function isPairNode(node: unknown): node is Pair {
  return typeof node === 'object' && node !== null && 'key' in node && 'value' in node && !isMap(node) && !isSeq(node) && !isScalar(node);
}

/** One step of the path from a document's root to an offset: an entry of a collection, with the column its entries start at. */
interface Frame {
  owner: YAMLMap | YAMLSeq;
  entry: Pair | unknown;
  column: number;
}

/**
 * Works out, for one document of a template, what its unresolved actions may change: each
 * own-line output is attributed by the column its output lands at (`nindent 8`) to the collection
 * it prints entries into, or to the value of the pair it prints under; every scalar that an
 * unresolved action touches marks its ancestors; a key written twice marks its values.
 */
function templateEffects(document: Document.Parsed, template: TemplateContext, unresolved: Span[], toParsed: (offset: number) => number, spanOf: (node: unknown) => Span | undefined): TemplateEffects {
  const effects: TemplateEffects = { addsEntries: new Set(), unresolved: new Set(), outputs: new Map(), ambiguous: new Set() };
  const root = document.contents;
  if (!isMap(root) && !isSeq(root)) return effects;
  const [documentStart, , documentEnd] = document.range;
  const columnOf = (offset: number) => {
    let low = 0;
    let high = template.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (template.lineStarts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return offset - template.lineStarts[low];
  };
  /** The column of a sequence item's dash (or of the item, where no dash precedes it on its line). */
  const dashColumn = (item: unknown) => {
    const start = spanOf(item)?.start;
    if (start === undefined) return -1;
    let at = start - 1;
    while (at >= 0 && (template.text[at] === ' ' || template.text[at] === '\t')) at--;
    return template.text[at] === '-' ? columnOf(at) : columnOf(start);
  };
  const startOf = (node: unknown) => (node as Node | undefined)?.range?.[0];

  for (const action of template.actions) {
    if (!action.output || !action.ownLine || !touchesAction(unresolved, action.span)) continue;
    const at = toParsed(action.span.start);
    if (at < documentStart || at >= documentEnd) continue;
    const frames: Frame[] = [];
    let current: unknown = root;
    while (isMap(current) || isSeq(current)) {
      if ((current as YAMLMap).flow) break;
      let chosen: unknown;
      for (const entry of current.items as unknown[]) {
        const start = isMap(current) ? (startOf((entry as Pair).key) ?? startOf((entry as Pair).value)) : startOf(entry);
        if (start === undefined) continue;
        if (start <= at) chosen = entry;
        else break;
      }
      if (chosen === undefined) break;
      const column = isMap(current) ? columnOf(spanOf((chosen as Pair).key)?.start ?? 0) : dashColumn(chosen);
      frames.push({ owner: current, entry: chosen, column });
      const next = isMap(current) ? (chosen as Pair).value : chosen;
      const nextStart = startOf(next);
      if ((isMap(next) || isSeq(next)) && nextStart !== undefined && nextStart <= at) current = next;
      else break;
    }
    const column = action.outputColumn;
    let depth = frames.length - 1;
    let target: unknown = root;
    if (column === undefined) {
      // Output glued to the line before it may change anything on the way there.
      for (const frame of frames) {
        effects.addsEntries.add(frame.owner);
        effects.addsEntries.add(frame.entry);
      }
      target = frames.length > 0 ? frames[depth].entry : root;
    } else {
      for (; depth >= 0; depth--) {
        const frame = frames[depth];
        if (column > frame.column) {
          target = frame.entry;
          break;
        }
        if (column === frame.column) {
          target = frame.owner;
          break;
        }
      }
    }
    effects.addsEntries.add(target);
    const list = effects.outputs.get(target);
    if (list) list.push(action);
    else effects.outputs.set(target, [action]);
    effects.unresolved.add(target);
    for (let i = 0; i <= depth && i < frames.length; i++) {
      effects.unresolved.add(frames[i].owner);
      if (i < depth || target === frames[i].entry) effects.unresolved.add(frames[i].entry);
    }
    effects.unresolved.add(root);
  }

  // Scalars an unresolved action touches, templated keys, and keys written twice.
  const mark = (path: readonly unknown[]) => {
    for (const node of path) effects.unresolved.add(node);
  };
  const visit = (node: unknown, path: unknown[]): void => {
    if (isMap(node)) {
      const inner = [...path, node];
      const seen = new Map<unknown, Pair[]>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        const same = seen.get(key);
        if (same) same.push(pair);
        else seen.set(key, [pair]);
        const keySpan = spanOf(pair.key);
        if (keySpan && touchesAction(unresolved, keySpan)) {
          effects.addsEntries.add(node);
          mark([...inner, pair]);
        }
        visit(pair.value, [...inner, pair]);
      }
      for (const pairs of seen.values()) {
        if (pairs.length < 2) continue;
        for (const pair of pairs) {
          effects.ambiguous.add(pair.value);
          mark([...inner, pair, pair.value]);
        }
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item, [...path, node]);
    } else if (isScalar(node)) {
      const span = spanOf(node);
      if (span && touchesAction(unresolved, span)) mark([...path, node]);
    }
  };
  visit(root, []);
  return effects;
}
