// Applies LSP text edits the way an editor does, so tests can compare the file a user gets.
// It reads positions on its own (not through the server's convert.ts), so a wrong range in a
// code action shows up as a wrong text here instead of being undone by the same mistake.

import type { Position, TextEdit, WorkspaceEdit } from 'vscode-languageserver';

/** The offset of an LSP position: lines end at `\r\n`, `\n` or `\r`; a position past a line's end is an error. */
export function offsetOfPosition(text: string, position: Position): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.slice(offset).search(/\r\n|\n|\r/);
    if (next < 0) throw new Error(`line ${position.line} is past the end of the text (${line + 1} lines)`);
    offset += next + (text.startsWith('\r\n', offset + next) ? 2 : 1);
  }
  const rest = text.slice(offset).search(/\r\n|\n|\r/);
  const lineLength = rest < 0 ? text.length - offset : rest;
  if (position.character > lineLength) throw new Error(`character ${position.character} is past the end of line ${position.line} (${lineLength} characters)`);
  return offset + position.character;
}

/**
 * Applies edits to one text: sorted from the end, so earlier offsets stay valid. Edits that
 * replace a shared character, or insert at one place (their order would be ambiguous), are an error.
 */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const placed = edits
    .map((edit) => ({ start: offsetOfPosition(text, edit.range.start), end: offsetOfPosition(text, edit.range.end), newText: edit.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  for (const edit of placed) if (edit.end < edit.start) throw new Error(`an edit ends before it starts: ${JSON.stringify(edit)}`);
  for (let i = 1; i < placed.length; i++) {
    const later = placed[i - 1];
    const earlier = placed[i];
    const bothInsert = earlier.start === earlier.end && later.start === later.end;
    if (earlier.end > later.start || (bothInsert && earlier.start === later.start)) {
      throw new Error(`overlapping edits: ${JSON.stringify(earlier)} and ${JSON.stringify(later)}`);
    }
  }
  let result = text;
  for (const edit of placed) result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  return result;
}

/** The texts after a WorkspaceEdit's `changes`; every changed URI must be one of `texts`. */
export function applyWorkspaceEdit(texts: ReadonlyMap<string, string>, edit: WorkspaceEdit): Map<string, string> {
  if (edit.documentChanges) throw new Error('documentChanges are not expected: portchain sends changes keyed by URI');
  const result = new Map(texts);
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
    const text = texts.get(uri);
    if (text === undefined) throw new Error(`an edit for a file that is not in the workspace: ${uri}`);
    result.set(uri, applyTextEdits(text, edits));
  }
  return result;
}
