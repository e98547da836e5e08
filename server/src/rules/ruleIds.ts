// The rule table of DESIGN.md: stable ids, default severities, one-line summaries.
// Ids never change once published: settings, inline directives and SARIF results name them.

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';

export interface RuleMeta {
  id: string;
  severity: Severity;
  summary: string;
}

export const RULES = [
  { id: 'ingress-service-missing', severity: 'error', summary: 'An Ingress or route backend names a Service that is not in its namespace.' },
  { id: 'ingress-port-mismatch', severity: 'error', summary: "An Ingress or route backend port is not a port of that Service." },
  { id: 'route-port-missing', severity: 'error', summary: 'A Gateway API backendRef or an Ingress backend to a Service has no port.' },
  { id: 'service-selects-nothing', severity: 'warning', summary: "A Service's selector matches no pod template in the workspace." },
  { id: 'target-port-mismatch', severity: 'error', summary: 'A numeric targetPort is not a containerPort of the selected pods.' },
  { id: 'target-port-name-missing', severity: 'error', summary: 'A named targetPort is not the name of a containerPort of the selected pods.' },
  { id: 'implicit-target-port', severity: 'warning', summary: 'targetPort is omitted, so it equals port, and no selected container declares that port.' },
  { id: 'process-port-mismatch', severity: 'warning', summary: 'The process listens elsewhere: PORT disagrees with containerPort or targetPort.' },
  { id: 'protocol-mismatch', severity: 'error', summary: "A Service port's protocol differs from the container port's protocol." },
  { id: 'node-port-range', severity: 'error', summary: 'A nodePort is outside the node port range (30000–32767 by default).' },
  { id: 'node-port-conflict', severity: 'error', summary: 'The same nodePort and protocol are used by two Services.' },
  { id: 'node-port-type', severity: 'error', summary: 'A nodePort is set on a ClusterIP or ExternalName Service.' },
  { id: 'port-name-required', severity: 'error', summary: 'A Service with several ports has an unnamed port.' },
  { id: 'port-name-invalid', severity: 'error', summary: 'A port name is not a DNS label (Service) or an IANA_SVC_NAME (container, targetPort).' },
  { id: 'port-duplicate', severity: 'error', summary: 'A port number, name or nodePort appears twice in one Service or container.' },
  { id: 'port-range', severity: 'error', summary: 'A port is outside 1–65535.' },
  { id: 'host-port', severity: 'warning', summary: 'hostPort is a last resort: one pod per node, and the address moves with the pod.' },
  { id: 'probe-port-missing', severity: 'warning', summary: "A probe's port is not a port of its container." },
  { id: 'network-policy-port', severity: 'warning', summary: 'A NetworkPolicy port that no selected pod exposes.' },
  { id: 'traffic-policy', severity: 'warning', summary: 'externalTrafficPolicy on a Service that has no external traffic, healthCheckNodePort where the API server refuses it, or the deprecated OnlyLocal annotation.' },
  { id: 'service-monitor-port', severity: 'warning', summary: 'A ServiceMonitor or PodMonitor scrapes a port that none of the Services or pods it selects has.' },
  { id: 'statefulset-service-name', severity: 'warning', summary: "A StatefulSet's serviceName is not a headless Service that selects its pods." },
  { id: 'selector-mismatch', severity: 'error', summary: "A workload's selector does not match its own pod template's labels, is missing (apps/v1), or is written where the API server generates it (Job, CronJob)." },
  { id: 'config-ref-missing', severity: 'error', summary: 'A pod reads a ConfigMap or Secret (envFrom, configMapKeyRef, secretKeyRef, volume) that the workspace would hold but does not, so it cannot start.' },
  { id: 'config-key-missing', severity: 'error', summary: 'A configMapKeyRef or secretKeyRef names a key its ConfigMap or Secret does not have, so the pod cannot start.' },
] as const satisfies readonly RuleMeta[];

export type RuleId = (typeof RULES)[number]['id'];

export const RULE_IDS: readonly RuleId[] = RULES.map((rule) => rule.id);

const byId = new Map<string, RuleMeta>(RULES.map((rule) => [rule.id, rule]));

export function ruleMeta(id: string): RuleMeta | undefined {
  return byId.get(id);
}

export function isRuleId(id: string): id is RuleId {
  return byId.has(id);
}

/** Where each rule's documentation lives (the repository's docs/rules/<id>.md). */
export const RULE_DOCS_BASE = 'https://github.com/portchain/portchain/blob/main/docs/rules/';

export function ruleDocUrl(id: string): string {
  return `${RULE_DOCS_BASE}${id}.md`;
}
