// Applies a finding's fix hint to the fixture's text, so tests can show the file a user gets.

import assert from 'node:assert/strict';
import type { Finding } from '../../server/src/rules/types';
import { parseFixture, ROOT } from '../support/fixture';

const MARKER_LINE = /^[ \t]*#[ \t]*\^+[ \t]+(?:error|warning|info)[ \t][^\r\n]*(?:\r?\n)/gm;

/** The text of `path` after applying the fix titled `title` of `finding`, without the fixture's marker lines. */
export function applyFix(source: string, finding: Finding | undefined, title: string, path: string, options: { crlf?: boolean } = {}): string {
  assert.ok(finding, 'no finding to fix');
  const fix = finding.fixes.find((candidate) => candidate.title === title);
  assert.ok(fix, `no fix titled "${title}"; the fixes are: ${finding.fixes.map((candidate) => candidate.title).join(' | ') || '(none)'}`);
  const file = parseFixture(source, options).files.find((candidate) => candidate.path === path);
  assert.ok(file, `no file ${path} in the fixture`);
  let text = file.text;
  const edits = fix.edits.filter((edit) => edit.uri === ROOT + path).sort((a, b) => b.span.start - a.span.start);
  for (const edit of edits) text = text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end);
  return text.replace(MARKER_LINE, '');
}

/** The lines of a text around the first line that contains `needle`, for short assertions. */
export function linesAround(text: string, needle: string, before = 1, after = 1): string {
  const lines = text.split(/(?<=\n)/);
  const index = lines.findIndex((line) => line.includes(needle));
  assert.ok(index >= 0, `no line contains ${needle}`);
  return lines.slice(Math.max(0, index - before), index + after + 1).join('');
}
