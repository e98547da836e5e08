// Shared setup for feature tests: a fixture's files in a Project, the cursor as an LSP position,
// and helpers to show LSP ranges and locations as `path:line:col` (1-based) for assertions.

import type { Location, Position, Range } from 'vscode-languageserver';
import { Project } from '../../server/src/analysis/project';
import { positionOf, rangeOf } from '../../server/src/features/convert';
import { parseFixture, relativePath, type Fixture } from './fixture';

export interface FeatureFixture {
  fixture: Fixture;
  project: Project;
  /** The `$0` cursor: its file URI and LSP position. */
  uri: string;
  position: Position;
  /** `path:line:col-col` of a range in a file (1-based line, 0-based characters as LSP counts them). */
  show(uri: string, range: Range): string;
  showLocation(location: Location): string;
  /** The text a range covers. */
  textOf(uri: string, range: Range): string;
}

export function featureFixture(source: string, options: { crlf?: boolean } = {}): FeatureFixture {
  const fixture = parseFixture(source, options);
  const project = new Project(relativePath);
  for (const file of fixture.files) project.setText(file.uri, file.text);
  const cursorFile = fixture.cursor ? project.graph.file(fixture.cursor.uri)! : undefined;
  const show = (uri: string, range: Range) => {
    const end = range.end.line === range.start.line ? `${range.end.character}` : `${range.end.line + 1}:${range.end.character}`;
    return `${relativePath(uri)}:${range.start.line + 1}:${range.start.character}-${end}`;
  };
  return {
    fixture,
    project,
    uri: fixture.cursor?.uri ?? '',
    position: cursorFile ? positionOf(cursorFile, fixture.cursor!.offset) : { line: 0, character: 0 },
    show,
    showLocation: (location) => show(location.uri, location.range),
    textOf(uri, range) {
      const file = project.graph.file(uri)!;
      const span = { start: file.lineStarts[range.start.line] + range.start.character, end: file.lineStarts[range.end.line] + range.end.character };
      return file.text.slice(span.start, span.end);
    },
  };
}

export { rangeOf };
