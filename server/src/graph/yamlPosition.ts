// What is at a YAML position while it is being typed: the keys above the cursor, the key whose value
// (or the map whose next key) is being written, the partial word and how it is quoted. Completion
// asks this of text that is often not valid YAML yet (`targetPort: ` with nothing after it, a flow
// map not closed), so it reads lines and indentation, not the parsed tree.
//
// **Architecture invariant:** pure string work over one file's text; it never reads the graph and
// never throws (an unusual layout answers undefined).

import type { Span } from '../model/types';

export interface YamlPosition {
  /** The keys from the document's root down to the map that holds the cursor (sequence items add no key). */
  path: string[];
  /** The key whose value is being typed; undefined where a key of `path`'s last map is being typed. */
  key: string | undefined;
  /** What is typed so far, before the cursor (without its quote). */
  prefix: string;
  /** The text a completion replaces: the scalar around the cursor, inside its quotes. */
  replace: Span;
  /** The quote the scalar opens with, if any. */
  quote: '"' | "'" | undefined;
  /** True where the value follows `key:` with no space yet (so an insertion adds one). */
  needsSpace: boolean;
  /** The other keys of the same map with their plain values, as written on their lines. */
  siblings: Map<string, string>;
  /** True inside a flow map (`{name: web, port: 80}`) on the cursor's line. */
  flow: boolean;
}

const KEY = /([A-Za-z0-9_./-]+|"[^"]*"|'[^']*')\s*:(?=\s|$)/;

/** The position at `offset` of `text`, or undefined where the cursor is not at a key or value. */
export function yamlPositionAt(text: string, offset: number): YamlPosition | undefined {
  const lineStart = lastLineBreak(text, offset) + 1;
  let lineEnd = offset;
  while (lineEnd < text.length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
  const before = text.slice(lineStart, offset);
  if (before.includes('#')) return undefined;
  const word = /(["']?)([^\s"'{}[\],:#]*)$/.exec(before)!;
  const quote = (word[1] || undefined) as YamlPosition['quote'];
  const prefix = word[2];
  const wordStart = offset - prefix.length;
  let wordEnd = offset;
  while (wordEnd < lineEnd && !/[\s"'{}[\],#]/.test(text[wordEnd]) && !(text[wordEnd] === ':' && /\s|$/.test(text[wordEnd + 1] ?? ''))) wordEnd++;
  const replace = { start: wordStart, end: wordEnd };
  const head = before.slice(0, before.length - prefix.length - (quote ? 1 : 0));

  // A flow map on this line: the keys of the braces still open before the cursor.
  const flowKeys: string[] = [];
  let flowStart = -1;
  let depth = 0;
  for (let i = 0; i < head.length; i++) {
    const char = head[i];
    if (char === '{' || char === '[') {
      depth++;
      const key = /([A-Za-z0-9_./-]+)\s*:\s*(-\s*)?$/.exec(head.slice(0, i));
      if (char === '{') flowKeys.push(key ? key[1] : '');
      else if (key) flowKeys.push(key[1]);
      if (flowStart < 0) flowStart = i;
    } else if (char === '}' || char === ']') {
      depth--;
      flowKeys.pop();
      if (depth === 0) flowStart = -1;
    }
  }
  const flow = depth > 0;
  const segment = flow ? head.slice(Math.max(head.lastIndexOf('{'), head.lastIndexOf(','), head.lastIndexOf('[')) + 1) : head;
  const valueOf = /^\s*(-\s+)*([A-Za-z0-9_./-]+|"[^"]*"|'[^']*')\s*:(\s*)$/.exec(segment);
  const keyTyping = /^\s*(-\s+)*$/.test(segment);
  if (!valueOf && !keyTyping) return undefined;
  // A key that already has its colon is being edited, not written: a `key: value` pair would double it.
  if (keyTyping && text[wordEnd] === ':') return undefined;
  const key = valueOf ? unquote(valueOf[2]) : undefined;
  const needsSpace = valueOf !== null && valueOf[3] === '';

  // The column the map of the cursor's line starts at: where its first key (after any dashes) is.
  const lineHead = flow ? head.slice(0, flowStart) : head;
  const dashes = /^(\s*)((?:-\s+)*)/.exec(lineHead)!;
  let column = dashes[1].length + dashes[2].length;
  if (!flow && keyTyping) column = head.length;
  const path: string[] = [];
  const siblings = new Map<string, string>();
  if (flow) {
    const outer = /^\s*(-\s+)*([A-Za-z0-9_./-]+)\s*:\s*$/.exec(lineHead.replace(/\s*-\s*$/, ''));
    // The key in front of the first brace belongs to this line's block map.
    for (const pair of text.slice(lineStart + flowStart, lineEnd).matchAll(/([A-Za-z0-9_./-]+)\s*:\s*([^,{}[\]\s]+)/g)) if (pair[1] !== key) siblings.set(pair[1], unquote(pair[2]));
    path.push(...flowKeys.filter((flowKey) => flowKey !== ''));
    if (outer && !flowKeys.includes(outer[2])) path.unshift(outer[2]);
  }

  // Walk up: lines indented less than the current map are its ancestors; lines at its column are siblings.
  let threshold = column;
  let siblingsDone = flow;
  const ancestors: string[] = [];
  if (!flow && dashes[2].length > 0) threshold = dashes[1].length;
  // A document's lines above the cursor, nearest first (documents are rarely longer than this).
  const above = text.slice(Math.max(0, lineStart - 64 * 1024), lineStart).split(/\r?\n|\r/);
  above.pop();
  for (let index = above.length - 1; index >= 0; index--) {
    const line = above[index];
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (/^(---|\.\.\.)\s*$/.test(line)) break;
    const parts = /^(\s*)((?:-\s+)*)(.*)$/.exec(line)!;
    const indent = parts[1].length;
    const keyColumn = indent + parts[2].length;
    const keyMatch = new RegExp(`^${KEY.source}\\s*(.*)$`).exec(parts[3]);
    if (!siblingsDone && keyColumn === column && keyMatch) {
      siblings.set(unquote(keyMatch[1]), unquote(keyMatch[2].replace(/\s+#.*$/, '').trim()));
      if (parts[2].length > 0) {
        siblingsDone = true;
        threshold = indent;
      }
      continue;
    }
    if (keyColumn < column) siblingsDone = true;
    if (keyColumn < threshold || (parts[2].length > 0 && indent < threshold)) {
      if (keyMatch && keyColumn < threshold) {
        ancestors.push(unquote(keyMatch[1]));
        threshold = parts[2].length > 0 ? indent : keyColumn;
      } else if (parts[2].length > 0) {
        threshold = indent;
      }
      if (threshold === 0 && parts[2].length === 0) break;
    }
  }
  // Siblings below the cursor, in a block map: the lines that follow at the same column.
  if (!flow) collectFollowingSiblings(text, lineEnd, column, siblings);
  path.unshift(...ancestors.reverse());
  return { path, key, prefix, replace, quote, needsSpace, siblings, flow };
}

function collectFollowingSiblings(text: string, from: number, column: number, siblings: Map<string, string>): void {
  let at = from;
  for (let count = 0; count < 40 && at < text.length; count++) {
    if (text[at] === '\r') at++;
    if (text[at] === '\n') at++;
    let end = at;
    while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
    const line = text.slice(at, end);
    at = end;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const parts = /^(\s*)((?:-\s+)*)(.*)$/.exec(line)!;
    const keyColumn = parts[1].length + parts[2].length;
    if (keyColumn < column || parts[2].length > 0 && parts[1].length < column) return;
    if (keyColumn > column) continue;
    const keyMatch = new RegExp(`^${KEY.source}\\s*(.*)$`).exec(parts[3]);
    if (keyMatch && !siblings.has(unquote(keyMatch[1]))) siblings.set(unquote(keyMatch[1]), unquote(keyMatch[2].replace(/\s+#.*$/, '').trim()));
  }
}

function lastLineBreak(text: string, before: number): number {
  return Math.max(text.lastIndexOf('\n', before - 1), text.lastIndexOf('\r', before - 1));
}

function unquote(text: string): string {
  return /^(["']).*\1$/.test(text) ? text.slice(1, -1) : text;
}
