// The rule families, and a full run of them over a graph (the CLI's and the tests' way in; the
// language server keeps a RuleEngine and updates it incrementally).

import { DEFAULT_BIND_PORT_ENV_NAMES } from '../graph/bindPorts';
import type { PortGraph } from '../graph/portGraph';
import { backendRules } from './backends';
import { configRefRules } from './configRefs';
import { networkPolicyRules } from './networkPolicy';
import { nodePortRules } from './nodePorts';
import { portSyntaxRules } from './portSyntax';
import { probeRules } from './probes';
import { processPortRules } from './processPort';
import { compareFindings, RuleEngine } from './engine';
import { selectorRules } from './selectors';
import { serviceMonitorRules } from './serviceMonitors';
import { statefulSetRules } from './statefulSets';
import { targetRules } from './targets';
import type { Finding, RuleFamily, RuleOptions } from './types';

/** Families that check one resource at a time (through `context.subjects()`). */
export const RULE_FAMILIES: readonly RuleFamily[] = [
  backendRules,
  targetRules,
  processPortRules,
  portSyntaxRules,
  probeRules,
  networkPolicyRules,
  serviceMonitorRules,
  statefulSetRules,
  selectorRules,
  configRefRules,
];

/** Families that must see the whole workspace at once: node ports are cluster-wide. */
export const GLOBAL_RULE_FAMILIES: readonly RuleFamily[] = [nodePortRules];

export const DEFAULT_RULE_OPTIONS: RuleOptions = {
  bindPortEnvNames: DEFAULT_BIND_PORT_ENV_NAMES,
  nodePortRange: [30000, 32767],
  severities: {},
};

/** A rule engine over a graph with every family. */
export function createRuleEngine(graph: PortGraph, options: RuleOptions = DEFAULT_RULE_OPTIONS, where: (uri: string) => string = (uri) => uri): RuleEngine {
  return new RuleEngine(graph, options, where, RULE_FAMILIES, GLOBAL_RULE_FAMILIES);
}

/** Every finding of the workspace, sorted by file and position. Never throws. */
export function runRules(graph: PortGraph, options: RuleOptions = DEFAULT_RULE_OPTIONS, where: (uri: string) => string = (uri) => uri): Finding[] {
  const engine = createRuleEngine(graph, options, where);
  engine.runAll();
  return [...engine.findingsByUri.values()].flat().sort(compareFindings);
}
