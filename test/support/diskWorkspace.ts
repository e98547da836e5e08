// A fixture written to a temporary folder, for tests that run the real server on the real disk.
// The fixture format is test/support/fixture.ts's: `# --- path` headers, `^^^` markers, `$0`.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, Position, Range } from 'vscode-languageserver';
import { computeLineStarts, positionAt } from '../../server/src/model/text';
import { parseFixture, type Expectation, type Fixture, type FixtureFile } from './fixture';
import type { LspClient } from './lspClient';

export class DiskWorkspace {
  private constructor(
    /** The folder's absolute path (symlinks resolved, as the server sees it). */
    readonly dir: string,
    readonly fixture: Fixture,
  ) {}

  /** Writes a fixture's files below a new temporary folder. */
  static create(source = ''): DiskWorkspace {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'portchain-lsp-')));
    const workspace = new DiskWorkspace(dir, source.trim() === '' ? { files: [], expectations: [], cursor: undefined } : parseFixture(source));
    for (const file of workspace.fixture.files) workspace.write(file.path, file.text);
    return workspace;
  }

  get uri(): string {
    return pathToFileURL(this.dir).href;
  }

  /** The file URI of a path relative to the folder, spelled as the server spells it. */
  uriOf(path: string): string {
    return pathToFileURL(this.pathOf(path)).href;
  }

  pathOf(path: string): string {
    return join(this.dir, path);
  }

  /** The fixture's text of a file (markers included, as it was written to disk). */
  file(path: string): FixtureFile {
    const file = this.fixture.files.find((candidate) => candidate.path === path);
    assert.ok(file, `the fixture has no file ${path}`);
    return file;
  }

  /** A file's text as it is on disk now. */
  text(path: string): string {
    return readFileSync(this.pathOf(path), 'utf8');
  }

  /** The LSP range of the first occurrence of `needle` in a file's text on disk. */
  rangeOf(path: string, needle: string): Range {
    const text = this.text(path);
    const at = text.indexOf(needle);
    assert.ok(at >= 0, `${path} does not contain ${JSON.stringify(needle)}`);
    const lineStarts = computeLineStarts(text);
    return { start: positionAt(lineStarts, at), end: positionAt(lineStarts, at + needle.length) };
  }

  write(path: string, text: string | Buffer): void {
    mkdirSync(dirname(this.pathOf(path)), { recursive: true });
    writeFileSync(this.pathOf(path), text);
  }

  remove(path: string): void {
    rmSync(this.pathOf(path), { recursive: true, force: true });
  }

  /** Where `$0` is, as an LSP position (for hover, definition and the like). */
  cursor(): { uri: string; position: Position } {
    const cursor = this.fixture.cursor;
    assert.ok(cursor, 'the fixture has no $0');
    const file = this.fixture.files.find((candidate) => candidate.uri === cursor.uri)!;
    return { uri: this.uriOf(file.path), position: positionAt(computeLineStarts(file.text), cursor.offset) };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const SEVERITY_NAMES: Record<number, string> = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };

/** `path:line:start-end severity code`, the way failures show a diagnostic. */
function diagnosticKey(path: string, diagnostic: Diagnostic): string {
  const { start, end } = diagnostic.range;
  const endText = end.line === start.line ? `${end.character}` : `${end.line + 1}:${end.character}`;
  return `${path}:${start.line + 1}:${start.character}-${endText} ${SEVERITY_NAMES[diagnostic.severity ?? 1]} ${String(diagnostic.code)}`;
}

/** A diagnostic's message as text (LSP 3.18 allows markup). */
export function messageText(diagnostic: Diagnostic): string {
  return typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
}

function expectationKey(expectation: Expectation): string {
  return `${expectation.path}:${expectation.line + 1}:${expectation.startCharacter}-${expectation.endCharacter} ${expectation.severity} ${expectation.rule}`;
}

/**
 * Asserts that the diagnostics the client holds for the workspace's files are exactly the
 * fixture's markers (or `expectations`, where given), and that each message contains the
 * marker's text.
 */
export function assertDiagnostics(client: LspClient, workspace: DiskWorkspace, expectations: Expectation[] = workspace.fixture.expectations): void {
  const prefix = `${workspace.uri}/`;
  const actual: { key: string; message: string; diagnostic: Diagnostic }[] = [];
  for (const [uri, diagnostics] of client.diagnostics) {
    if (!uri.startsWith(prefix)) continue;
    const path = decodeURIComponent(uri.slice(prefix.length));
    for (const diagnostic of diagnostics) actual.push({ key: diagnosticKey(path, diagnostic), message: messageText(diagnostic), diagnostic });
  }
  const expected = expectations.map((expectation) => ({ key: expectationKey(expectation), message: expectation.message }));
  assert.deepEqual(
    actual.map((item) => item.key).sort(),
    expected.map((item) => item.key).sort(),
    `diagnostics differ\nactual:\n${actual.map((item) => `  ${item.key}: ${item.message}`).join('\n') || '  (none)'}`,
  );
  for (const item of expected) {
    if (!item.message) continue;
    const found = actual.find((candidate) => candidate.key === item.key)!;
    assert.ok(found.message.includes(item.message), `message of ${item.key}:\n  ${found.message}\ndoes not contain:\n  ${item.message}`);
  }
}
