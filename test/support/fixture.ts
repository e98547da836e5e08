// rust-analyzer-style fixtures: several files in one string, the cursor and the expectations
// written inline as YAML comments, so a test reads as input and answer in one place.
//
//   # --- apps/service.yaml          starts a file (path relative to the workspace root)
//   $0                               the cursor (removed from the text)
//   #    ^^^^ error rule-id: text    a finding on the columns above, on the nearest line above
//                                    that is not a marker; `: text` must be part of the message
//   #    ^^^^ def                    any other word: a place a feature test expects (`Fixture.marks`);
//                                    on the cursor's line, columns count as if `$0` were not there

import { setFileText } from '../../server/src/graph/helm';
import { PortGraph } from '../../server/src/graph/portGraph';
import type { OperatorEntry } from '../../server/src/graph/operators';

export const ROOT = 'file:///ws/';

export interface FixtureFile {
  path: string;
  uri: string;
  text: string;
}

export interface Expectation {
  uri: string;
  path: string;
  line: number;
  startCharacter: number;
  endCharacter: number;
  severity: string;
  rule: string;
  message: string | undefined;
}

/** A `^^^ word` marker whose word is not a severity: a place a feature test names (`def`, `ref`, …). */
export interface Mark {
  uri: string;
  path: string;
  line: number;
  startCharacter: number;
  endCharacter: number;
  word: string;
}

export interface Fixture {
  files: FixtureFile[];
  expectations: Expectation[];
  /** Always set by parseFixture; optional so fixtures built by hand need not list it. */
  marks?: Mark[];
  cursor: { uri: string; offset: number } | undefined;
}

const FILE_HEADER = /^# --- (\S.*)$/;
const MARKER = /^(\s*#\s*?)(\^+)\s+(error|warning|info)\s+([a-z][a-z-]*)(?::\s*(.*\S))?\s*$/;
const MARK = /^(\s*#\s*?)(\^+)\s+([a-z][a-z-]*)\s*$/;

function isMarkerLine(line: string): boolean {
  return MARKER.test(line) || MARK.test(line);
}

/** Removes the indentation common to all non-blank lines, so fixtures can sit indented in code. */
export function dedent(text: string): string {
  const lines = text.replace(/^\r?\n/, '').split('\n');
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)![0].length);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((line) => line.slice(common)).join('\n');
}

export function parseFixture(source: string, options: { crlf?: boolean } = {}): Fixture {
  const lines = dedent(source).split('\n');
  const files: { path: string; lines: string[] }[] = [];
  const expectations: Expectation[] = [];
  const marks: Mark[] = [];
  let cursorLine: { path: string; line: number; character: number } | undefined;
  let cursor: Fixture['cursor'];
  for (const line of lines) {
    const header = FILE_HEADER.exec(line);
    if (header) {
      files.push({ path: header[1].trim(), lines: [] });
      continue;
    }
    if (files.length === 0) {
      if (line.trim() === '') continue;
      files.push({ path: 'manifest.yaml', lines: [] });
    }
    const file = files[files.length - 1];
    const marker = MARKER.exec(line);
    if (marker) {
      let target = file.lines.length - 1;
      while (target >= 0 && isMarkerLine(file.lines[target])) target--;
      if (target < 0) throw new Error(`marker with no line above it: ${line}`);
      const start = marker[1].length;
      expectations.push({
        uri: ROOT + file.path,
        path: file.path,
        line: target,
        startCharacter: start,
        endCharacter: start + marker[2].length,
        severity: marker[3],
        rule: marker[4],
        message: marker[5],
      });
    }
    const mark = marker ? null : MARK.exec(line);
    if (mark) {
      let target = file.lines.length - 1;
      while (target >= 0 && isMarkerLine(file.lines[target])) target--;
      if (target < 0) throw new Error(`marker with no line above it: ${line}`);
      const start = mark[1].length;
      marks.push({ uri: ROOT + file.path, path: file.path, line: target, startCharacter: start, endCharacter: start + mark[2].length, word: mark[3] });
    }
    if (line.includes('$0')) cursorLine = { path: file.path, line: file.lines.length, character: line.indexOf('$0') };
    file.lines.push(line);
  }
  // Marks on the cursor's line were written against the line with `$0` in it.
  for (const mark of marks) {
    if (!cursorLine || mark.path !== cursorLine.path || mark.line !== cursorLine.line) continue;
    if (mark.startCharacter > cursorLine.character) mark.startCharacter = Math.max(cursorLine.character, mark.startCharacter - 2);
    if (mark.endCharacter > cursorLine.character) mark.endCharacter = Math.max(cursorLine.character, mark.endCharacter - 2);
  }
  const eol = options.crlf ? '\r\n' : '\n';
  const built: FixtureFile[] = files.map((file) => {
    let text = file.lines.join(eol).replace(/\s+$/, '') + eol;
    const at = text.indexOf('$0');
    if (at >= 0) {
      text = text.slice(0, at) + text.slice(at + 2);
      cursor = { uri: ROOT + file.path, offset: at };
    }
    return { path: file.path, uri: ROOT + file.path, text };
  });
  return { files: built, expectations, marks, cursor };
}

/** A graph of the fixture's files, parsed the way the server parses them. */
export function graphOf(fixture: Fixture, operators: readonly OperatorEntry[] = []): PortGraph {
  const graph = new PortGraph();
  graph.setOperators(operators);
  // As Project sets text: a chart's templates read against its values.yaml, whatever the file order.
  for (const file of fixture.files) setFileText(graph, file.uri, file.text);
  return graph;
}

export function relativePath(uri: string): string {
  return uri.startsWith(ROOT) ? uri.slice(ROOT.length) : uri;
}
