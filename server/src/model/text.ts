// Text helpers shared by every layer: offsets ↔ line/character, template masking, directives.

import { compactMap, compactSet } from './compact';
import type { DisableDirectives, ParsedFile, Span } from './types';

/** Offsets at which each line starts, in order; the first is 0. */
export type LineStarts = ArrayLike<number>;

/**
 * Offsets at which each line starts; `\r\n`, `\n` and lone `\r` all end a line. A typed array of
 * exactly the line count: every file of a workspace keeps one, and a pushed-to array of numbers
 * takes several times the memory.
 */
export function computeLineStarts(text: string): Uint32Array {
  let count = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */ || (c === 13 /* \r */ && text.charCodeAt(i + 1) !== 10)) count++;
  }
  const starts = new Uint32Array(count);
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts[line++] = i + 1;
    } else if (c === 10 /* \n */) {
      starts[line++] = i + 1;
    }
  }
  return starts;
}

const lineStartsCache = new WeakMap<object, Uint32Array>();

/**
 * What every ParsedFile inherits: its line starts, worked out on first use and kept. Most files of
 * a large workspace never need a position (no finding, never opened), and their line starts would
 * take more memory than many of their resources.
 */
const PARSED_FILE: object = Object.create(Object.prototype, {
  lineStarts: {
    get(this: ParsedFile): Uint32Array {
      let starts = lineStartsCache.get(this);
      if (!starts) lineStartsCache.set(this, (starts = computeLineStarts(this.text)));
      return starts;
    },
    enumerable: false,
  },
});

/** A ParsedFile of these facts, with line starts computed from its text when asked for. */
export function newParsedFile(facts: Omit<ParsedFile, 'lineStarts'>): ParsedFile {
  return Object.assign(Object.create(PARSED_FILE) as ParsedFile, facts);
}

export interface LineCharacter {
  /** Zero-based line. */
  line: number;
  /** Zero-based UTF-16 offset in the line. */
  character: number;
}

/** The line and character of an offset (binary search over line starts). */
export function positionAt(lineStarts: LineStarts, offset: number): LineCharacter {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low, character: offset - lineStarts[low] };
}

/** The offset of a line and character, clamped to the text. */
export function offsetAt(lineStarts: LineStarts, textLength: number, position: LineCharacter): number {
  if (position.line < 0) return 0;
  if (position.line >= lineStarts.length) return textLength;
  const lineEnd = position.line + 1 < lineStarts.length ? lineStarts[position.line + 1] : textLength;
  return Math.min(lineStarts[position.line] + Math.max(0, position.character), lineEnd);
}

/** Whether two spans share at least one character (or an empty span sits inside the other). */
export function spansOverlap(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

export function spanContains(outer: Span, offset: number): boolean {
  return outer.start <= offset && offset <= outer.end;
}

export interface MaskedTemplate {
  /** The text with every `{{ … }}` action blanked out, same length and same line breaks. */
  text: string;
  /** Where the actions were in the original text. */
  actions: Span[];
}

const ACTION = /\{\{[\s\S]*?\}\}/g;

/**
 * Blanks out Go template actions while keeping every offset. A line that holds nothing but
 * actions becomes blank (so `{{- if … }}` does not break the YAML structure); an action inside
 * a value becomes a run of `_`, a plain scalar that the model then reads as unknown.
 */
export function maskTemplateActions(text: string): MaskedTemplate | undefined {
  if (!text.includes('{{')) return undefined;
  const actions: Span[] = [];
  for (const match of text.matchAll(ACTION)) actions.push({ start: match.index!, end: match.index! + match[0].length });
  if (actions.length === 0) return undefined;
  const chars = text.split('');
  for (const action of actions) {
    for (let i = action.start; i < action.end; i++) {
      if (chars[i] !== '\n' && chars[i] !== '\r') chars[i] = '_';
    }
  }
  // Blank the lines that are only actions and whitespace.
  let lineStart = 0;
  for (let i = 0; i <= chars.length; i++) {
    if (i === chars.length || chars[i] === '\n' || chars[i] === '\r') {
      let onlyMasked = false;
      let other = false;
      for (let j = lineStart; j < i; j++) {
        const c = chars[j];
        if (c === ' ' || c === '\t') continue;
        if (c === '_' && insideAny(actions, j)) onlyMasked = true;
        else {
          other = true;
          break;
        }
      }
      if (onlyMasked && !other) for (let j = lineStart; j < i; j++) chars[j] = ' ';
      lineStart = i + 1;
    }
  }
  return { text: chars.join(''), actions };
}

function insideAny(spans: Span[], offset: number): boolean {
  let low = 0;
  let high = spans.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (offset < spans[mid].start) high = mid - 1;
    else if (offset >= spans[mid].end) low = mid + 1;
    else return true;
  }
  return false;
}

/** Whether a span touches any of the (sorted) template actions. */
export function touchesAction(actions: Span[], span: Span): boolean {
  let low = 0;
  let high = actions.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (span.end <= actions[mid].start) high = mid - 1;
    else if (span.start >= actions[mid].end) low = mid + 1;
    else return true;
  }
  return false;
}

/** The directives of a file that has none, shared by all such files. */
export const NO_DIRECTIVES: DisableDirectives = { file: compactSet(new Set()), lines: compactMap(new Map()) };

const DIRECTIVE = /#\s*portchain-disable-(next-line|file)\b([^\r\n]*)/g;

/**
 * Reads `# portchain-disable-next-line [rule-id …]` and `# portchain-disable-file [rule-id …]`.
 * Without ids, every rule is disabled (`*`).
 */
export function readDisableDirectives(text: string): DisableDirectives {
  if (!text.includes('portchain-disable')) return NO_DIRECTIVES;
  const lineStarts = computeLineStarts(text);
  const file = new Set<string>();
  const lines = new Map<number, Set<string>>();
  for (const match of text.matchAll(DIRECTIVE)) {
    const ids = match[2]
      .split(/[\s,]+/)
      .map((id) => id.trim())
      .filter((id) => /^[a-z][a-z-]*$/.test(id));
    const rules = ids.length > 0 ? ids : ['*'];
    if (match[1] === 'file') {
      for (const id of rules) file.add(id);
    } else {
      const line = positionAt(lineStarts, match.index!).line + 1;
      const set = lines.get(line) ?? new Set<string>();
      for (const id of rules) set.add(id);
      lines.set(line, set);
    }
  }
  return { file: compactSet(file), lines: compactMap(lines) };
}

/** Whether a rule is disabled at a zero-based line by the file's directives. */
export function isDisabled(directives: DisableDirectives, rule: string, line: number): boolean {
  if (directives.file.has('*') || directives.file.has(rule)) return true;
  const set = directives.lines.get(line);
  return set !== undefined && (set.has('*') || set.has(rule));
}
