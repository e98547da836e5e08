// Runs every rule family over the graph and applies severities and inline directives.

import { DEFAULT_BIND_PORT_ENV_NAMES } from '../graph/bindPorts';
import type { PortGraph } from '../graph/portGraph';
import { isDisabled, positionAt } from '../model/text';
import { backendRules } from './backends';
import { networkPolicyRules } from './networkPolicy';
import { nodePortRules } from './nodePorts';
import { portSyntaxRules } from './portSyntax';
import { probeRules } from './probes';
import { processPortRules } from './processPort';
import { ruleMeta, type Severity } from './ruleIds';
import { targetRules } from './targets';
import type { Finding, RuleContext, RuleFamily, RuleOptions } from './types';

export const RULE_FAMILIES: readonly RuleFamily[] = [
  backendRules,
  targetRules,
  processPortRules,
  nodePortRules,
  portSyntaxRules,
  probeRules,
  networkPolicyRules,
];

export const DEFAULT_RULE_OPTIONS: RuleOptions = {
  bindPortEnvNames: DEFAULT_BIND_PORT_ENV_NAMES,
  nodePortRange: [30000, 32767],
  severities: {},
};

/** Every finding of the workspace, sorted by file and position. Never throws. */
export function runRules(graph: PortGraph, options: RuleOptions = DEFAULT_RULE_OPTIONS, where: (uri: string) => string = (uri) => uri): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const context: RuleContext = {
    graph,
    options,
    where,
    subjects: () => graph.resources(),
    report(partial) {
      const meta = ruleMeta(partial.rule);
      const setting = options.severities[partial.rule];
      if (!meta || setting === 'off') return;
      const file = graph.file(partial.uri);
      if (file && isDisabled(file.disabled, partial.rule, positionAt(file.lineStarts, partial.span.start).line)) return;
      const key = `${partial.rule}\u0000${partial.uri}\u0000${partial.span.start}\u0000${partial.span.end}\u0000${partial.message}`;
      if (seen.has(key)) return;
      seen.add(key);
      findings.push({ related: [], fixes: [], ...partial, severity: (setting ?? meta.severity) as Severity });
    },
  };
  for (const family of RULE_FAMILIES) {
    try {
      family(context);
    } catch (error) {
      // A rule bug must not take the other rules' findings with it; it is a bug to fix, so say so.
      console.error(`portchain: a rule failed: ${(error as Error)?.stack ?? String(error)}`);
    }
  }
  findings.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.span.start - b.span.start || a.rule.localeCompare(b.rule)));
  return findings;
}
