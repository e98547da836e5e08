// Offsets ↔ LSP positions and ranges. The model counts UTF-16 offsets, as LSP does, so this is
// only a matter of lines.
//
// **Architecture invariant:** `features/` is the only layer that knows LSP types; it reads the
// model, graph and rules and never changes them.

import type { Position, Range } from 'vscode-languageserver';
import { offsetAt, positionAt, type LineStarts } from '../model/text';
import type { Span } from '../model/types';

/** What a conversion needs of a file: its text length and where its lines start (a ParsedFile has both). */
export interface LineIndex {
  text: string;
  lineStarts: LineStarts;
}

/** The LSP position of an offset, clamped to the text. */
export function positionOf(file: LineIndex, offset: number): Position {
  return positionAt(file.lineStarts, Math.max(0, Math.min(offset, file.text.length)));
}

/** The LSP range of a span. */
export function rangeOf(file: LineIndex, span: Span): Range {
  const start = positionOf(file, span.start);
  return { start, end: span.end <= span.start ? start : positionOf(file, span.end) };
}

/** The offset of an LSP position, clamped to the text. */
export function offsetOf(file: LineIndex, position: Position): number {
  return offsetAt(file.lineStarts, file.text.length, position);
}

/** The span of an LSP range. */
export function spanOf(file: LineIndex, range: Range): Span {
  const start = offsetOf(file, range.start);
  return { start, end: Math.max(start, offsetOf(file, range.end)) };
}

/** The empty range at the start of a file, for what has no better place. */
export const FILE_START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
