// One helper for every rule test: run the rules over a fixture, compare with its markers.

import assert from 'node:assert/strict';
import { readOperatorEntries, type OperatorEntry } from '../../server/src/graph/operators';
import { positionAt } from '../../server/src/model/text';
import { DEFAULT_RULE_OPTIONS, runRules } from '../../server/src/rules';
import type { Finding, RuleOptions } from '../../server/src/rules/types';
import { graphOf, parseFixture, relativePath, type Fixture } from './fixture';

export interface CheckOptions {
  crlf?: boolean;
  rules?: Partial<RuleOptions>;
  /** Only compare findings of these rules (others in the fixture are ignored). */
  only?: string[];
  /** The `portchain.operators` setting, as a user writes it. */
  operators?: unknown;
}

/** Runs every rule over the fixture and asserts that the findings are exactly its `^^^` markers. */
export function check(source: string, options: CheckOptions = {}): Finding[] {
  const fixture = parseFixture(source, { crlf: options.crlf });
  const findings = findingsOf(fixture, options);
  const graph = graphOf(fixture, operatorsOf(options));
  const actual = findings
    .filter((finding) => !options.only || options.only.includes(finding.rule))
    .map((finding) => {
      const file = graph.file(finding.uri)!;
      const start = positionAt(file.lineStarts, finding.span.start);
      const end = positionAt(file.lineStarts, finding.span.end);
      return {
        at: `${relativePath(finding.uri)}:${start.line + 1}:${start.character}-${end.line === start.line ? end.character : `${end.line + 1}:${end.character}`}`,
        what: `${finding.severity} ${finding.rule}`,
        message: finding.message,
      };
    });
  const expected = fixture.expectations.map((expectation) => ({
    at: `${expectation.path}:${expectation.line + 1}:${expectation.startCharacter}-${expectation.endCharacter}`,
    what: `${expectation.severity} ${expectation.rule}`,
    message: expectation.message,
  }));
  const key = (item: { at: string; what: string }) => `${item.at} ${item.what}`;
  assert.deepEqual(actual.map(key).sort(), expected.map(key).sort(), `findings differ\nactual:\n${actual.map((a) => `  ${key(a)}: ${a.message}`).join('\n') || '  (none)'}`);
  for (const item of expected) {
    if (!item.message) continue;
    const found = actual.find((a) => key(a) === key(item));
    assert.ok(found!.message.includes(item.message), `message of ${key(item)}:\n  ${found!.message}\ndoes not contain:\n  ${item.message}`);
  }
  return findings;
}

/** The operators a check describes, read as the settings read them. */
function operatorsOf(options: CheckOptions): OperatorEntry[] {
  if (options.operators === undefined) return [];
  const { entries, problems } = readOperatorEntries(options.operators);
  assert.deepEqual(problems, [], 'the fixture\'s operators are valid settings');
  return entries;
}

export function findingsOf(fixture: Fixture, options: CheckOptions = {}): Finding[] {
  const graph = graphOf(fixture, operatorsOf(options));
  return runRules(graph, { ...DEFAULT_RULE_OPTIONS, ...options.rules }, relativePath);
}
