// Settings as a user writes them (VS Code settings, a CLI config file), checked and turned into
// rule options. Bad values are reported, never thrown, and the default is used instead.

import { DEFAULT_BIND_PORT_ENV_NAMES } from '../graph/bindPorts';
import { readOperatorEntries, type OperatorEntry } from '../graph/operators';
import { isRuleId, RULE_IDS, type SeveritySetting } from '../rules/ruleIds';
import type { RuleOptions } from '../rules/types';

export interface Settings {
  /** Severity per rule id: error, warning, info or off. */
  rules: Partial<Record<string, SeveritySetting>>;
  nodePortRange: { min: number; max: number };
  /** Env var names that set the port a container's own process binds. */
  bindPortEnvVars: string[];
  /** Globs of files and folders not to read (added to the editor's files.exclude). */
  exclude: string[];
  inlayHints: boolean;
  codeLens: boolean;
  /**
   * Whether test fixtures, golden outputs and e2e assertions (graph/units.ts `fixtureReason`) are
   * checked, each as a unit of its own. Left out by default: they are inputs to tests, written to
   * be broken, and never applied together.
   */
  includeFixtures: boolean;
  /**
   * Operators portchain does not know (graph/operators.ts): the Services each creates from a
   * custom resource of its kind, so that links to them resolve instead of staying unknown.
   */
  operators: OperatorEntry[];
}

export const DEFAULT_SETTINGS: Settings = {
  rules: {},
  nodePortRange: { min: 30000, max: 32767 },
  bindPortEnvVars: [...DEFAULT_BIND_PORT_ENV_NAMES],
  exclude: [],
  inlayHints: true,
  codeLens: true,
  includeFixtures: false,
  operators: [],
};

const SEVERITIES = new Set(['error', 'warning', 'info', 'off']);

/** Reads untrusted settings; every problem becomes a message and the default stands. */
export function readSettings(raw: unknown): { settings: Settings; problems: string[] } {
  const problems: string[] = [];
  const settings: Settings = structuredClone(DEFAULT_SETTINGS);
  if (raw === undefined || raw === null) return { settings, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('settings must be an object');
    return { settings, problems };
  }
  const input = raw as Record<string, unknown>;
  if (input.rules !== undefined) {
    if (typeof input.rules !== 'object' || input.rules === null || Array.isArray(input.rules)) problems.push('"rules" must map rule ids to error, warning, info or off');
    else {
      for (const [id, value] of Object.entries(input.rules as Record<string, unknown>)) {
        if (!isRuleId(id)) problems.push(`unknown rule "${id}" (known: ${RULE_IDS.join(', ')})`);
        else if (typeof value !== 'string' || !SEVERITIES.has(value)) problems.push(`rule "${id}": "${String(value)}" is not one of error, warning, info, off`);
        else settings.rules[id] = value as SeveritySetting;
      }
    }
  }
  if (input.nodePortRange !== undefined) {
    const range = input.nodePortRange as { min?: unknown; max?: unknown } | unknown[];
    const [min, max] = Array.isArray(range) ? range : [(range as { min?: unknown })?.min, (range as { max?: unknown })?.max];
    if (isPort(min) && isPort(max) && min <= max) settings.nodePortRange = { min, max };
    else problems.push('"nodePortRange" must be {"min": n, "max": n} with 1 ≤ min ≤ max ≤ 65535');
  }
  if (input.bindPortEnvVars !== undefined) {
    if (Array.isArray(input.bindPortEnvVars) && input.bindPortEnvVars.every((name) => typeof name === 'string' && name !== '')) settings.bindPortEnvVars = input.bindPortEnvVars as string[];
    else problems.push('"bindPortEnvVars" must be a list of env var names');
  }
  if (input.exclude !== undefined) {
    if (Array.isArray(input.exclude) && input.exclude.every((glob) => typeof glob === 'string')) settings.exclude = input.exclude as string[];
    else problems.push('"exclude" must be a list of glob patterns');
  }
  if (input.operators !== undefined) {
    const { entries, problems: operatorProblems } = readOperatorEntries(input.operators);
    settings.operators = entries;
    problems.push(...operatorProblems);
  }
  for (const flag of ['inlayHints', 'codeLens', 'includeFixtures'] as const) {
    if (input[flag] === undefined) continue;
    if (typeof input[flag] === 'boolean') settings[flag] = input[flag] as boolean;
    else problems.push(`"${flag}" must be true or false`);
  }
  return { settings, problems };
}

function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** The options the rules read. */
export function ruleOptionsOf(settings: Settings): RuleOptions {
  return {
    bindPortEnvNames: settings.bindPortEnvVars,
    nodePortRange: [settings.nodePortRange.min, settings.nodePortRange.max],
    severities: settings.rules,
  };
}
