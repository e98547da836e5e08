// The workspace's resources, indexed for the lookups links need.
//
// **Architecture invariant:** `graph/` knows `model/` and nothing above it; it never imports
// `rules/`, `features/`, `vscode` or `vscode-languageserver`, and it never reads files: callers
// hand it parsed files.

import type { ConfigEntry, ParsedFile, Resource } from '../model/types';

/** The namespace key of a resource: `''` where metadata.namespace is absent. */
export function namespaceKey(resource: Resource): string {
  return resource.namespace?.value ?? '';
}

/**
 * The namespace keys a resource links with. A missing namespace means "the namespace it will be
 * applied to", which links with other such resources and with `default`.
 */
export function linkedNamespaces(key: string): string[] {
  return key === '' || key === 'default' ? ['', 'default'] : [key];
}

/** Human name of a namespace key for messages. */
export function namespaceLabel(key: string): string {
  return key === '' ? 'the default namespace' : `namespace ${key}`;
}

interface NamespaceIndex {
  services: Map<string, Resource[]>;
  configMaps: Map<string, Resource[]>;
  secrets: Map<string, Resource[]>;
  workloads: Resource[];
  hasTemplatedWorkloads: boolean;
  /** Custom resources that an operator may turn into pods (a Prometheus, a RayCluster). */
  hasPodCreatingCustomResources: boolean;
  /** Services whose name is a template action: any backend name might be one of them. */
  hasUnnamedServices: boolean;
}

export class PortGraph {
  private readonly filesByUri = new Map<string, ParsedFile>();
  private index: Map<string, NamespaceIndex> | undefined;
  private servicesByName: Map<string, Resource[]> | undefined;
  private generation = 0;

  /** Adds or replaces a file's facts. */
  setFile(file: ParsedFile): void {
    this.filesByUri.set(file.uri, file);
    this.invalidate();
  }

  deleteFile(uri: string): boolean {
    const existed = this.filesByUri.delete(uri);
    if (existed) this.invalidate();
    return existed;
  }

  file(uri: string): ParsedFile | undefined {
    return this.filesByUri.get(uri);
  }

  files(): IterableIterator<ParsedFile> {
    return this.filesByUri.values();
  }

  get fileCount(): number {
    return this.filesByUri.size;
  }

  /** Changes whenever a file is set or deleted; caches above the graph key on it. */
  get version(): number {
    return this.generation;
  }

  *resources(): IterableIterator<Resource> {
    for (const file of this.filesByUri.values()) yield* file.resources;
  }

  get resourceCount(): number {
    let count = 0;
    for (const file of this.filesByUri.values()) count += file.resources.length;
    return count;
  }

  /** Services of that name that a resource in namespace `key` can reach, nearest directory first. */
  servicesNamed(key: string, name: string, fromUri: string): Resource[] {
    return nearest(this.collect(key, (ns) => ns.services.get(name)), fromUri);
  }

  /** Services of that name in any namespace (for "it exists, but in another namespace"). */
  servicesNamedAnywhere(name: string): Resource[] {
    this.ensureIndex();
    return this.servicesByName!.get(name) ?? [];
  }

  /** Every Service a resource in namespace `key` can reach. */
  servicesIn(key: string): Resource[] {
    return this.collect(key, (ns) => [...ns.services.values()].flat());
  }

  /** Whether the workspace holds a Service whose name it cannot read in these namespaces. */
  hasUnnamedServicesIn(key: string): boolean {
    this.ensureIndex();
    return linkedNamespaces(key).some((ns) => this.index!.get(ns)?.hasUnnamedServices === true);
  }

  workloadsIn(key: string): Resource[] {
    return this.collect(key, (ns) => ns.workloads);
  }

  hasTemplatedWorkloadsIn(key: string): boolean {
    this.ensureIndex();
    return linkedNamespaces(key).some((ns) => this.index!.get(ns)?.hasTemplatedWorkloads === true);
  }

  /** Whether pods in these namespaces may come from something the workspace does not spell out: an operator's custom resource. */
  mayHaveUnseenPodsIn(key: string): boolean {
    this.ensureIndex();
    return linkedNamespaces(key).some((ns) => this.index!.get(ns)?.hasPodCreatingCustomResources === true);
  }

  /** ConfigMaps or Secrets of that name, nearest directory first. */
  configsNamed(source: 'configMap' | 'secret', key: string, name: string, fromUri: string): Resource[] {
    return nearest(
      this.collect(key, (ns) => (source === 'configMap' ? ns.configMaps : ns.secrets).get(name)),
      fromUri,
    );
  }

  /** A ConfigMap or Secret entry, with the resource that holds it. */
  configEntry(source: 'configMap' | 'secret', key: string, name: string, entryKey: string, fromUri: string): { resource: Resource; entry: ConfigEntry } | { resource: Resource; entry: undefined } | undefined {
    const resources = this.configsNamed(source, key, name, fromUri);
    for (const resource of resources) {
      const entry = resource.config?.entries.get(entryKey);
      if (entry) return { resource, entry };
    }
    return resources.length > 0 ? { resource: resources[0], entry: undefined } : undefined;
  }

  private collect(key: string, pick: (ns: NamespaceIndex) => Resource[] | undefined): Resource[] {
    this.ensureIndex();
    const out: Resource[] = [];
    for (const ns of linkedNamespaces(key)) {
      const index = this.index!.get(ns);
      const found = index && pick(index);
      if (found) out.push(...found);
    }
    return out;
  }

  private invalidate(): void {
    this.index = undefined;
    this.servicesByName = undefined;
    this.generation++;
  }

  private ensureIndex(): void {
    if (this.index) return;
    const index = new Map<string, NamespaceIndex>();
    const byName = new Map<string, Resource[]>();
    const nsIndex = (key: string): NamespaceIndex => {
      let ns = index.get(key);
      if (!ns) {
        ns = { services: new Map(), configMaps: new Map(), secrets: new Map(), workloads: [], hasTemplatedWorkloads: false, hasPodCreatingCustomResources: false, hasUnnamedServices: false };
        index.set(key, ns);
      }
      return ns;
    };
    for (const resource of this.resources()) {
      const ns = nsIndex(namespaceKey(resource));
      if (resource.workload) {
        ns.workloads.push(resource);
        if (resource.templated) ns.hasTemplatedWorkloads = true;
      } else if (resource.service) {
        if (!resource.name) {
          ns.hasUnnamedServices = true;
          continue;
        }
        push(ns.services, resource.name.value, resource);
        push(byName, resource.name.value, resource);
      } else if (mayCreatePods(resource)) {
        ns.hasPodCreatingCustomResources = true;
      } else if (resource.config && resource.name) {
        push(resource.config.source === 'configMap' ? ns.configMaps : ns.secrets, resource.name.value, resource);
      }
    }
    this.index = index;
    this.servicesByName = byName;
  }
}

/** API groups of Kubernetes itself and of add-ons whose kinds never create pods. */
const GROUPS_WITHOUT_POD_CREATORS = new Set([
  '', 'apps', 'batch', 'extensions', 'policy', 'autoscaling', 'networking.k8s.io', 'gateway.networking.k8s.io',
  'rbac.authorization.k8s.io', 'storage.k8s.io', 'apiextensions.k8s.io', 'admissionregistration.k8s.io',
  'scheduling.k8s.io', 'coordination.k8s.io', 'certificates.k8s.io', 'discovery.k8s.io', 'node.k8s.io',
  'kustomize.config.k8s.io', 'cert-manager.io', 'networking.istio.io', 'security.istio.io', 'telemetry.istio.io',
  'bitnami.com', 'external-secrets.io', 'policy.linkerd.io', 'split.smi-spec.io', 'autoscaling.k8s.io', 'keda.sh',
]);
/** Custom kinds of otherwise pod-free groups that do run pods (the Prometheus operator's). */
const POD_CREATING_KINDS = new Set(['Prometheus', 'Alertmanager', 'ThanosRuler', 'PrometheusAgent']);

/** Whether a custom resource may make an operator create pods that the workspace never shows. */
function mayCreatePods(resource: Resource): boolean {
  if (POD_CREATING_KINDS.has(resource.kind)) return true;
  const slash = resource.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : resource.apiVersion.slice(0, slash);
  if (group === 'monitoring.coreos.com') return false;
  return !GROUPS_WITHOUT_POD_CREATORS.has(group) && !group.endsWith('.k8s.io');
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The directory part of a URI, with a trailing slash. */
export function directoryOf(uri: string): string {
  const slash = uri.lastIndexOf('/');
  return slash >= 0 ? uri.slice(0, slash + 1) : '';
}

/**
 * Where one resource identity (kind, namespace, name) is defined more than once (overlays,
 * environments), keeps the candidates in the directory nearest to `fromUri`.
 */
export function nearest(candidates: Resource[], fromUri: string): Resource[] {
  if (candidates.length <= 1) return candidates;
  const groups = new Map<string, Resource[]>();
  for (const candidate of candidates) push(groups, `${candidate.kind}/${namespaceKey(candidate)}/${candidate.name?.value ?? candidate.id}`, candidate);
  if (groups.size === candidates.length) return candidates;
  const out: Resource[] = [];
  for (const group of groups.values()) {
    if (group.length === 1) {
      out.push(group[0]);
      continue;
    }
    out.push(...nearestDirectory(group, fromUri));
  }
  return out;
}

/**
 * Keeps the candidates in the directories nearest to `fromUri`. Repositories of examples hold
 * alternatives side by side (`tgi/`, `vllm/`) that reuse labels but are never applied together;
 * the ones beside the referring file are the ones meant.
 */
export function nearestDirectory(candidates: Resource[], fromUri: string): Resource[] {
  if (candidates.length <= 1) return candidates;
  const from = directoryOf(fromUri);
  let best = Infinity;
  let kept: Resource[] = [];
  for (const candidate of candidates) {
    const distance = directoryDistance(from, directoryOf(candidate.uri));
    if (distance < best) {
      best = distance;
      kept = [candidate];
    } else if (distance === best) {
      kept.push(candidate);
    }
  }
  return kept;
}

/** Folders walked up from `a` and down to `b`: 0 for the same folder, 1 for a child, 2 for a sibling. */
export function directoryDistance(a: string, b: string): number {
  const common = commonPrefixLength(a, b);
  const depth = (path: string) => {
    let count = 0;
    for (let i = common; i < path.length; i++) if (path[i] === '/') count++;
    return count;
  };
  return depth(a) + depth(b);
}

function commonPrefixLength(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let lastSlash = 0;
  for (let i = 0; i < max; i++) {
    if (a[i] !== b[i]) break;
    if (a[i] === '/') lastSlash = i + 1;
  }
  return lastSlash;
}
