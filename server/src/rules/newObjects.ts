// Objects a fix creates where a link breaks because its other end does not exist yet: the text of a
// new YAML document, written beside an object of a file in that file's style (indentation, whether
// sequences are indented under their key, line endings, `---` separators). Pure string work.

import type { Resource } from '../model/types';
import type { TextEdit } from './portText';

/** How a file writes YAML: its indentation step, its sequences, its line ending. */
export interface FileStyle {
  indent: string;
  /** True where a sequence's dashes sit at its key's column (`ports:\n- port: 80`). */
  indentlessSequences: boolean;
  eol: string;
}

/** The style of a file's text: the first indentation step, how its block sequences sit, its line ending. */
export function styleOf(text: string): FileStyle {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  let indent: string | undefined;
  let indentless: boolean | undefined;
  for (let i = 0; i + 1 < lines.length && (indent === undefined || indentless === undefined); i++) {
    const key = /^( *)[A-Za-z0-9_./"'-]+\s*:\s*$/.exec(lines[i]);
    if (!key) continue;
    const column = key[1].length;
    const next = /^( *)(- )?/.exec(lines[i + 1])!;
    if (next[2] !== undefined) indentless ??= next[1].length === column;
    else if (next[1].length > column) indent ??= ' '.repeat(next[1].length - column);
  }
  return { indent: indent ?? '  ', indentlessSequences: indentless ?? false, eol };
}

/** A plain scalar where YAML reads it as the same string, else a double-quoted one. */
export function yamlScalar(value: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~|\d+)$/i.test(value) ? value : JSON.stringify(value);
}

/** A tree of maps, sequences of maps and scalars, written as block YAML in a file's style. */
export type YamlValue = string | number | YamlMap | YamlMap[];
export interface YamlMap {
  [key: string]: YamlValue;
}

function write(map: YamlMap, depth: number, style: FileStyle, lines: string[], firstPrefix?: string): void {
  let first = true;
  for (const [key, value] of Object.entries(map)) {
    const lead = first && firstPrefix !== undefined ? firstPrefix : style.indent.repeat(depth);
    first = false;
    if (typeof value === 'string' || typeof value === 'number') {
      lines.push(`${lead}${key}: ${typeof value === 'number' ? value : yamlScalar(value)}`);
    } else if (Array.isArray(value)) {
      lines.push(`${lead}${key}:`);
      const dashDepth = style.indentlessSequences ? depth : depth + 1;
      for (const item of value) {
        const dash = `${style.indent.repeat(dashDepth)}- `;
        // The item's keys line up after the dash.
        const itemStyle = { ...style };
        const itemLines: string[] = [];
        write(item, 0, itemStyle, itemLines, '');
        lines.push(`${dash}${itemLines[0]}`);
        for (const line of itemLines.slice(1)) lines.push(`${' '.repeat(dash.length)}${line}`);
      }
    } else {
      lines.push(`${lead}${key}:`);
      write(value, depth + 1, style, lines);
    }
  }
}

/** The text of a YAML document for `object`, in `style`, with no separator. */
export function documentText(object: YamlMap, style: FileStyle): string {
  const lines: string[] = [];
  write(object, 0, style, lines);
  return lines.join(style.eol);
}

/**
 * An edit that adds a new document after `beside`'s document in its file: before the `---` that
 * follows it, or at the end of the file, with separators as the file writes them.
 */
export function addDocumentAfter(text: string, beside: Resource, object: YamlMap): TextEdit {
  const style = styleOf(text);
  const body = documentText(object, style);
  const separator = /^---[ \t]*$/m;
  const rest = text.slice(beside.span.end);
  const next = separator.exec(rest);
  if (next) {
    const at = beside.span.end + next.index;
    return { uri: beside.uri, span: { start: at, end: at }, newText: `---${style.eol}${body}${style.eol}` };
  }
  const ending = /(\r\n|\n)$/.test(text) ? '' : style.eol;
  return { uri: beside.uri, span: { start: text.length, end: text.length }, newText: `${ending}---${style.eol}${body}${style.eol}` };
}
