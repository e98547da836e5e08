// What operators create: the Services a well-known custom resource makes an operator create, with
// the names and ports the operator documents. A backend or a ServiceMonitor that names one of them
// links to the custom resource instead of being called missing. One entry per operator kind;
// users describe others with the `portchain.operators` setting (analysis/settings.ts).
//
// **Architecture invariant:** pure data and pure functions of a resource; the Services made here
// are indexed by the graph (graph/portGraph.ts) but written nowhere, so no rule reports on them and
// no fix edits them (`Resource.createdBy`).

import { groupOf } from '../model/podTemplates';
import type { Located, PortValue, Resource, ServicePort, Span } from '../model/types';

/** A port of an operator-created Service. `port` and `name` may be templates (`{spec.service.port}`). */
export interface OperatorPort {
  name?: string;
  port: number | string;
  protocol?: string;
}

/** A Service an operator creates. `name` is a template: `{name}` is the custom resource's name, `{namespace}` its namespace, `{spec.a.b}` a field of it. */
export interface OperatorService {
  name: string;
  ports: OperatorPort[];
  /** The operator adds ports the entry does not list (a listener per custom resource entry): a port not listed is unknown, not missing. */
  portsOpen?: boolean;
  headless?: boolean;
  /** Labels of the Service, for ServiceMonitors; values are templates like `name`. */
  labels?: Record<string, string>;
  /** A boolean field of the custom resource that must be true for the operator to create the Service (`spec.dashboard.enabled`). */
  when?: string;
}

export interface OperatorEntry {
  /** The custom resource's API group. */
  group: string;
  kind: string;
  services: OperatorService[];
  /** Labels of the pods the operator creates, as templates (documentation: shown in hovers). */
  podLabels?: Record<string, string>;
}

const port = (name: string | undefined, number: number | string, protocol?: string): OperatorPort => ({ ...(name ? { name } : {}), port: number, ...(protocol ? { protocol } : {}) });

/**
 * Operators portchain knows, from their documentation. Only what each documents as always
 * created is listed; a Service that depends on options is left out, and where a port's name or
 * number depends on options the entry says so with `portsOpen`.
 */
export const KNOWN_OPERATORS: readonly OperatorEntry[] = [
  // Prometheus operator: one governing Service per namespace for all its Prometheus (Alertmanager,
  // ThanosRuler) resources, labelled operated-<kind>=true.
  {
    group: 'monitoring.coreos.com',
    kind: 'Prometheus',
    services: [{ name: 'prometheus-operated', ports: [port('web', 9090)], portsOpen: true, headless: true, labels: { 'operated-prometheus': 'true' } }],
    podLabels: { 'app.kubernetes.io/name': 'prometheus', prometheus: '{name}' },
  },
  {
    group: 'monitoring.coreos.com',
    kind: 'Alertmanager',
    services: [{ name: 'alertmanager-operated', ports: [port('web', 9093), port('tcp-mesh', 9094), port('udp-mesh', 9094, 'UDP')], headless: true, labels: { 'operated-alertmanager': 'true' } }],
    podLabels: { 'app.kubernetes.io/name': 'alertmanager', alertmanager: '{name}' },
  },
  {
    group: 'monitoring.coreos.com',
    kind: 'ThanosRuler',
    services: [{ name: 'thanos-ruler-operated', ports: [port('grpc', 10901), port('web', 10902)], headless: true, labels: { 'operated-thanos-ruler': 'true' } }],
    podLabels: { 'app.kubernetes.io/name': 'thanos-ruler', 'thanos-ruler': '{name}' },
  },
  // Strimzi: the bootstrap and brokers Services carry one port per listener of the Kafka resource.
  {
    group: 'kafka.strimzi.io',
    kind: 'Kafka',
    services: [
      { name: '{name}-kafka-bootstrap', ports: [port('tcp-replication', 9091)], portsOpen: true },
      { name: '{name}-kafka-brokers', ports: [port('tcp-replication', 9091)], portsOpen: true, headless: true },
    ],
    podLabels: { 'strimzi.io/cluster': '{name}', 'strimzi.io/kind': 'Kafka' },
  },
  // CloudNativePG: read-write, read-only and any-instance Services on PostgreSQL's port.
  {
    group: 'postgresql.cnpg.io',
    kind: 'Cluster',
    services: ['rw', 'ro', 'r'].map((suffix) => ({ name: `{name}-${suffix}`, ports: [port('postgres', 5432)] })),
    podLabels: { 'cnpg.io/cluster': '{name}' },
  },
  // Elastic Cloud on Kubernetes: the port is named https, or http where TLS is disabled.
  {
    group: 'elasticsearch.k8s.elastic.co',
    kind: 'Elasticsearch',
    services: [
      { name: '{name}-es-http', ports: [port(undefined, 9200)], portsOpen: true },
      { name: '{name}-es-transport', ports: [port('tls-transport', 9300)], headless: true },
    ],
    podLabels: { 'elasticsearch.k8s.elastic.co/cluster-name': '{name}' },
  },
  {
    group: 'kibana.k8s.elastic.co',
    kind: 'Kibana',
    services: [{ name: '{name}-kb-http', ports: [port(undefined, 5601)], portsOpen: true }],
    podLabels: { 'kibana.k8s.elastic.co/name': '{name}' },
  },
  // Rook: the manager's Services, named for the cluster's namespace; the dashboard's only where it
  // is enabled, on 8443 with SSL (the default) or 7000 without, unless spec.dashboard.port says otherwise.
  {
    group: 'ceph.rook.io',
    kind: 'CephCluster',
    services: [
      { name: 'rook-ceph-mgr', ports: [port('http-metrics', 9283)], labels: { app: 'rook-ceph-mgr', rook_cluster: '{namespace}' } },
      { name: 'rook-ceph-mgr-dashboard', ports: [port('https-dashboard', '{spec.dashboard.port|8443}'), port('http-dashboard', '{spec.dashboard.port|7000}')], labels: { app: 'rook-ceph-mgr', rook_cluster: '{namespace}' }, when: 'spec.dashboard.enabled' },
    ],
    podLabels: { app: 'rook-ceph-mgr', rook_cluster: '{namespace}' },
  },
  // Flagger: the apex, primary and canary Services of the target, on the Canary's service port.
  {
    group: 'flagger.app',
    kind: 'Canary',
    services: ['', '-primary', '-canary'].map((suffix) => ({ name: `{spec.targetRef.name}${suffix}`, ports: [port('{spec.service.portName|http}', '{spec.service.port}')] })),
  },
  // Knative Serving: a Service named after the Knative Service, on port 80.
  {
    group: 'serving.knative.dev',
    kind: 'Service',
    services: [{ name: '{name}', ports: [port(undefined, 80)], portsOpen: true }],
    podLabels: { 'serving.knative.dev/service': '{name}' },
  },
];

/** The entry for a custom resource: the user's own first, then the known ones. */
export function operatorOf(resource: Resource, userEntries: readonly OperatorEntry[]): OperatorEntry | undefined {
  const group = groupOf(resource.apiVersion);
  const matches = (entry: OperatorEntry) => entry.kind === resource.kind && entry.group === group;
  // A user's entry without a group describes the kind in any group.
  return userEntries.find((entry) => entry.kind === resource.kind && (entry.group === '' || entry.group === group)) ?? KNOWN_OPERATORS.find(matches);
}

/**
 * The Services an operator creates from a custom resource, as resources of the graph: their spans
 * are the custom resource's name (or kind), so a definition or a hover link opens it. A name or
 * port whose template reads a field the resource does not write is left out.
 */
export function operatorServicesOf(resource: Resource, entry: OperatorEntry): Resource[] {
  const out: Resource[] = [];
  const span: Span = resource.name?.span ?? resource.kindSpan;
  const operator = `${resource.kind} ${resource.name?.value ?? '(unnamed)'}`;
  for (const service of entry.services) {
    if (service.when !== undefined && resource.fields?.get(service.when)?.value !== 'true') continue;
    const name = expand(resource, service.name);
    if (!name) continue;
    let portsOpen = service.portsOpen === true;
    const ports: ServicePort[] = [];
    for (const entryPort of service.ports) {
      const number = typeof entryPort.port === 'number' ? entryPort.port : Number(expand(resource, entryPort.port));
      if (!Number.isInteger(number) || number < 1 || number > 65535) {
        portsOpen = true;
        continue;
      }
      const portName = entryPort.name === undefined ? undefined : expand(resource, entryPort.name);
      const value: PortValue = { kind: 'number', number, span };
      ports.push({ index: ports.length, name: portName ? { value: portName, span } : undefined, port: value, targetPort: undefined, nodePort: undefined, protocol: entryPort.protocol ?? 'TCP', protocolSpan: undefined, span });
    }
    const labels = expandLabels(resource, service.labels);
    const located: Located<string> = { value: name, span };
    out.push({
      id: `${resource.id}~${name}`,
      uri: resource.uri,
      apiVersion: 'v1',
      kind: 'Service',
      name: located,
      namespace: resource.namespace,
      labels,
      annotations: new Map(),
      span: resource.span,
      kindSpan: resource.kindSpan,
      templated: resource.templated,
      ...(resource.templatePartsKnown ? { templatePartsKnown: true } : {}),
      ...(resource.variant ? { variant: resource.variant } : {}),
      service: {
        type: 'ClusterIP',
        typeSpan: undefined,
        headless: service.headless === true,
        externalName: undefined,
        selector: undefined,
        ports,
        externalTrafficPolicy: undefined,
        span,
        ...(portsOpen ? { portsIncomplete: true } : {}),
      },
      createdBy: { resource, operator },
    });
  }
  return out;
}

/** What an entry creates, for hovers: `Service rook-ceph-mgr (http-metrics 9283), …`. */
export function describeOperatorServices(resource: Resource, entry: OperatorEntry): string {
  return operatorServicesOf(resource, entry)
    .map((service) => {
      const ports = service.service!.ports.map((servicePort) => `${servicePort.name ? `${servicePort.name.value} ` : ''}${servicePort.port?.kind === 'number' ? servicePort.port.number : '?'}${servicePort.protocol === 'TCP' ? '' : `/${servicePort.protocol}`}`);
      if (service.service!.portsIncomplete) ports.push('…');
      return `Service ${service.name!.value} (${ports.join(', ')})`;
    })
    .join(', ');
}

/** An entry's label templates (a Service's, or the pods') for one custom resource; a label whose template reads a missing field is left out. */
export function expandLabels(resource: Resource, templates: Readonly<Record<string, string>> | undefined): Map<string, string> {
  const labels = new Map<string, string>();
  for (const [key, template] of Object.entries(templates ?? {})) {
    const value = expand(resource, template);
    if (value !== undefined) labels.set(key, value);
  }
  return labels;
}

/** A name template with `{name}`, `{namespace}` and `{spec.path}` filled in (`{spec.path|default}` where the field is absent); undefined where a field is missing. */
function expand(resource: Resource, template: string): string | undefined {
  let missing = false;
  const text = template.replace(/\{([^{}|]+)(?:\|([^{}]*))?\}/g, (_, field: string, fallback: string | undefined) => {
    const value = field === 'name' ? resource.name?.value : field === 'namespace' ? (resource.namespace?.value ?? 'default') : resource.fields?.get(field)?.value;
    if (value !== undefined && value !== '') return String(value);
    if (fallback !== undefined) return fallback;
    missing = true;
    return '';
  });
  return missing || text === '' ? undefined : text;
}

/** Checks user entries (the `portchain.operators` setting); every problem is a message, bad entries are left out. */
export function readOperatorEntries(raw: unknown): { entries: OperatorEntry[]; problems: string[] } {
  const problems: string[] = [];
  const entries: OperatorEntry[] = [];
  if (!Array.isArray(raw)) return { entries, problems: ['"operators" must be a list of {"kind", "group", "services": [{"name", "ports": [{"name", "port"}]}]}'] };
  raw.forEach((item, index) => {
    const where = `operators[${index}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return problems.push(`${where} must be an object`);
    const input = item as Record<string, unknown>;
    if (typeof input.kind !== 'string' || input.kind === '') return problems.push(`${where}: "kind" must be the custom resource's kind`);
    if (input.group !== undefined && typeof input.group !== 'string') return problems.push(`${where}: "group" must be an API group such as db.example.com`);
    if (!Array.isArray(input.services)) return problems.push(`${where}: "services" must be a list of {"name", "ports"}`);
    const services: OperatorService[] = [];
    for (const [at, rawService] of input.services.entries()) {
      const service = rawService as Record<string, unknown> | null;
      if (typeof service !== 'object' || service === null || typeof service.name !== 'string' || service.name === '') {
        problems.push(`${where}.services[${at}]: "name" must be a Service name, with {name} for the custom resource's name`);
        continue;
      }
      const ports: OperatorPort[] = [];
      let portsOk = true;
      for (const [p, rawPort] of (Array.isArray(service.ports) ? service.ports : []).entries()) {
        const entryPort = rawPort as Record<string, unknown> | null;
        const number = entryPort?.port;
        const valid = typeof number === 'number' ? Number.isInteger(number) && number >= 1 && number <= 65535 : typeof number === 'string' && number !== '';
        if (!entryPort || !valid || (entryPort.name !== undefined && typeof entryPort.name !== 'string') || (entryPort.protocol !== undefined && typeof entryPort.protocol !== 'string')) {
          problems.push(`${where}.services[${at}].ports[${p}] must be {"name": "http", "port": 8080} with a port from 1 to 65535`);
          portsOk = false;
          continue;
        }
        ports.push(port(entryPort.name as string | undefined, number as number | string, entryPort.protocol as string | undefined));
      }
      if (service.ports !== undefined && !Array.isArray(service.ports)) problems.push(`${where}.services[${at}]: "ports" must be a list`);
      const labels = typeof service.labels === 'object' && service.labels !== null && !Array.isArray(service.labels) ? Object.fromEntries(Object.entries(service.labels).filter(([, value]) => typeof value === 'string')) as Record<string, string> : undefined;
      // A Service whose ports are not all described leaves unlisted ports unknown.
      services.push({ name: service.name, ports, ...(!portsOk || !Array.isArray(service.ports) || service.portsOpen === true ? { portsOpen: true } : {}), ...(service.headless === true ? { headless: true } : {}), ...(labels ? { labels } : {}), ...(typeof service.when === 'string' ? { when: service.when } : {}) });
    }
    const podLabels = typeof input.podLabels === 'object' && input.podLabels !== null && !Array.isArray(input.podLabels) ? Object.fromEntries(Object.entries(input.podLabels).filter(([, value]) => typeof value === 'string')) as Record<string, string> : undefined;
    entries.push({ group: (input.group as string | undefined) ?? '', kind: input.kind, services, ...(podLabels ? { podLabels } : {}) });
    return undefined;
  });
  return { entries, problems };
}
