// The workspace's resources, indexed for the lookups links need.
//
// **Architecture invariant:** `graph/` knows `model/` and nothing above it; it never imports
// `rules/`, `features/`, `vscode` or `vscode-languageserver`, and it never reads files: callers
// hand it parsed files.

import type { ConfigEntry, ParsedFile, Resource } from '../model/types';
import { groupOf, podsAreRead } from '../model/podTemplates';
import { KustomizeLayer } from './kustomize';
import { operatorOf, operatorServicesOf, type OperatorEntry } from './operators';
import { identityOf, sharesUnit } from './units';
import { ValuesByKey } from './valuesByKey';

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

/** Resources grouped by name, each group kept in resource-id order so lookups never depend on the order files arrived in. */
class NameIndex {
  private readonly byName = new Map<string, Resource[]>();

  get(name: string): Resource[] | undefined {
    return this.byName.get(name);
  }

  add(name: string, resource: Resource): void {
    const list = this.byName.get(name);
    if (!list) {
      this.byName.set(name, [resource]);
      return;
    }
    let at = list.length;
    while (at > 0 && list[at - 1].id > resource.id) at--;
    list.splice(at, 0, resource);
  }

  remove(name: string, resource: Resource): void {
    const list = this.byName.get(name);
    if (!list) return;
    const at = list.indexOf(resource);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.byName.delete(name);
  }

  *values(): IterableIterator<Resource> {
    for (const list of this.byName.values()) yield* list;
  }
}

class NamespaceIndex {
  readonly services = new NameIndex();
  readonly configMaps = new NameIndex();
  readonly secrets = new NameIndex();
  /** Gateways by name, for the routes that name them as parents. */
  readonly gateways = new NameIndex();
  readonly workloads = new Set<Resource>();
  /** Workloads by each `key=value` of their pod labels, for selectors. */
  readonly workloadsByLabel = new ValuesByKey<Resource>();
  /** Workloads whose pod labels a template writes in a way the model cannot read. */
  readonly templatedWorkloads = new Set<Resource>();
  /** Custom resources that an operator may turn into pods (a Prometheus, a RayCluster). */
  readonly podCreatingCustomResources = new Set<Resource>();
  /** Custom resources whose controllers may write ConfigMaps or Secrets (an ExternalSecret, a SealedSecret, a Certificate, an operator's). */
  readonly configMakingCustomResources = new Set<Resource>();
  /** Custom resources of operators not in the operator table (graph/operators.ts): they may create Services of any name. */
  readonly undescribedCustomResources = new Set<Resource>();
  /** Custom resources of operators in the table, or described by the user: they create the Services it lists. */
  readonly describedCustomResources = new Set<Resource>();
  /** Services whose name is a template action: any backend name might be one of them. */
  readonly unnamedServices = new Set<Resource>();
  serviceCount = 0;
  /** Services by each `key=value` of their own labels, for ServiceMonitor selectors. */
  readonly servicesByLabel = new ValuesByKey<Resource>();
  /** Workloads and Services by the folder of their file: a link looks beside itself first. */
  readonly workloadsByDirectory = new ValuesByKey<Resource>();
  /** Workloads by folder and each `key=value` of their pod labels (`<folder>\u0000<key>=<value>`), for selectors beside them. */
  readonly workloadsByDirectoryLabel = new ValuesByKey<Resource>();
  readonly servicesByDirectory = new ValuesByKey<Resource>();
  /** Named Services by folder and name (`<folder>\u0000<name>`), for a backend beside them. */
  readonly servicesByDirectoryName = new ValuesByKey<Resource>();
}

/**
 * Receives the keys of what a lookup read, so an incremental rule run knows which results an
 * edit can change. Keys name facts, not objects: `svc:<ns>:<name>`, `label:<ns>:<k>=<v>`, …
 */
export type DependencyRecorder = (key: string) => void;

export class PortGraph {
  private readonly filesByUri = new Map<string, ParsedFile>();
  private readonly namespaces = new Map<string, NamespaceIndex>();
  private readonly servicesByName = new NameIndex();
  /** Workloads by each `key=value` of their pod labels, across namespaces (for "these pods are in namespace X"). */
  private readonly workloadsByLabelAnywhere = new ValuesByKey<Resource>();
  private generation = 0;
  private parsedResources = 0;
  private resourceTotal = 0;
  /** Set by the rule engine while it checks one resource; every lookup reports what it read. */
  recorder: DependencyRecorder | undefined;
  /** Operators the user describes (the `portchain.operators` setting), before the known ones. */
  private operatorEntries: readonly OperatorEntry[] = [];
  /** The Services this graph made for each custom resource an operator turns into Services (graph/operators.ts). */
  private readonly createdServices = new WeakMap<Resource, Resource[]>();
  /**
   * Kustomize builds (graph/kustomize.ts): a file that a build includes is indexed as the build's
   * copies of its resources, one per build. This is the one place the graph meets kustomize.
   */
  private readonly kustomize = new KustomizeLayer();
  /** The resources indexed for each file: its own, or the copies kustomize builds make of them. */
  private readonly indexed = new Map<string, readonly Resource[]>();
  /** Files whose indexed resources changed since `takeChanges`, with the resources they had before. */
  private readonly changes = new Map<string, readonly Resource[]>();
  /** The change sets of those that follow the graph besides the rule engine (watch). */
  private readonly watchers = new Set<Map<string, readonly Resource[]>>();
  /** Files' own resources by identity (graph/units.ts), for the same definition repeated in another file. */
  private readonly definitions = new ValuesByKey<Resource>();
  /** The same-text groups of an identity's definitions (copiesOf), worked out on first use after a change. */
  private readonly copyGroups = new Map<string, Map<Resource, Resource[]>>();

  /** Adds or replaces a file's facts; the indexes change by that file (and the builds that read it) only. */
  setFile(file: ParsedFile): void {
    this.parsedResources += file.resources.length - (this.filesByUri.get(file.uri)?.resources.length ?? 0);
    this.filesByUri.set(file.uri, file);
    this.kustomize.changed(file.uri);
    this.generation++;
  }

  deleteFile(uri: string): boolean {
    const previous = this.filesByUri.get(uri);
    if (!previous) return false;
    this.parsedResources -= previous.resources.length;
    this.filesByUri.delete(uri);
    this.kustomize.changed(uri);
    this.generation++;
    return true;
  }

  /**
   * Sets the operators the user describes. Every file's resources are indexed again, since any
   * custom resource may now create other Services; the rule engine then runs in full (a settings change).
   */
  setOperators(entries: readonly OperatorEntry[]): void {
    if (JSON.stringify(entries) === JSON.stringify(this.operatorEntries)) return;
    this.settle();
    for (const resources of this.indexed.values()) for (const resource of resources) this.indexResource(resource, false);
    this.operatorEntries = entries;
    for (const [uri, resources] of this.indexed) {
      for (const resource of resources) this.indexResource(resource, true);
      this.noteChange(uri, resources);
    }
    this.generation++;
  }

  /**
   * A change set of its own for one that follows the graph as the rule engine does (the port map):
   * from now on, every file whose indexed resources change, with what it held before, until `unwatch`.
   */
  watch(): Map<string, readonly Resource[]> {
    this.settle();
    const changes = new Map<string, readonly Resource[]>();
    this.watchers.add(changes);
    return changes;
  }

  unwatch(changes: Map<string, readonly Resource[]>): void {
    this.watchers.delete(changes);
  }

  private noteChange(uri: string, before: readonly Resource[]): void {
    if (!this.changes.has(uri)) this.changes.set(uri, before);
    for (const watcher of this.watchers) if (!watcher.has(uri)) watcher.set(uri, before);
  }

  /** The resources the graph holds for a file: its own, or one copy per kustomize build that includes it. */
  resourcesOf(uri: string): readonly Resource[] {
    this.settle();
    return this.indexed.get(uri) ?? [];
  }

  /** Files kustomize builds read that are not manifests (generator env files, JSON patches), held or not. */
  wantedInputs(): ReadonlySet<string> {
    this.settle();
    return this.kustomize.wantedInputs();
  }

  /**
   * The files whose resources changed since the last call, with the resources they had before: the
   * files set or deleted, and the files whose kustomize builds those changes rebuilt.
   */
  takeChanges(): Map<string, readonly Resource[]> {
    this.settle();
    const changes = new Map(this.changes);
    this.changes.clear();
    return changes;
  }

  /** A file's facts. Reading another file (its text, its directives) makes a result depend on it. */
  file(uri: string): ParsedFile | undefined {
    this.recorder?.(`file:${uri}`);
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
    this.settle();
    for (const uri of this.filesByUri.keys()) yield* this.indexed.get(uri) ?? [];
  }

  get resourceCount(): number {
    this.settle();
    return this.resourceTotal;
  }

  /**
   * The resources the files themselves hold, before kustomize builds copy them: a count that
   * costs nothing, for progress while a scan is under way (settling builds after every batch of
   * a scan would cost time quadratic in the number of kustomizations).
   */
  get parsedResourceCount(): number {
    return this.parsedResources;
  }

  /** Services of that name that a resource in namespace `key` can reach, nearest directory first. */
  servicesNamed(key: string, name: string, fromUri: string): Resource[] {
    return nearest(this.collect(key, 'svc', name, (ns) => ns.services.get(name)), fromUri);
  }

  /** Gateways of that name in the namespaces of `key` (a route's parentRef), nearest directory first. */
  gatewaysNamed(key: string, name: string, fromUri: string): Resource[] {
    return nearest(this.collect(key, 'gw', name, (ns) => ns.gateways.get(name)), fromUri);
  }

  /** Services of that name in any namespace (for "it exists, but in another namespace"). */
  servicesNamedAnywhere(name: string): Resource[] {
    this.settle();
    this.recorder?.(`svcname:${name}`);
    return this.servicesByName.get(name) ?? [];
  }

  /**
   * Who reports for a resource that a rendered bundle repeats. A bundle concatenates its sources,
   * so a definition whose text (comments, blank lines and indentation aside) is the same as one in
   * a file with fewer resources is a repeat: one defect with its source. The source's copy reports
   * (`reporter`) and names the `repeats`; a repeat reports nothing of its own. Copies in files of
   * the same size (two examples that share a stock Service) are each judged on their own, and so
   * are templates, whose text renders differently per chart.
   */
  copiesOf(resource: Resource): { reporter: Resource; repeats: readonly Resource[] } {
    const alone = { reporter: resource, repeats: [] };
    this.settle();
    if (resource.variant || resource.templated) return alone;
    const identity = identityOf(resource);
    // Most identities have one definition: no list is made for them on this path, which every check takes.
    if (this.definitions.size(identity) < 2) {
      this.recorder?.(`copy:${identity}`);
      return alone;
    }
    const definitions = this.definitions.get(identity);
    // Only a definition with the same text can change the answer: the key names the text's hash,
    // so an edit of another alternative of the identity re-checks nothing here.
    this.recorder?.(`copy:${identity}:${this.fingerprintHash(resource)}`);
    const group = this.copyGroupsOf(identity, definitions).get(resource);
    if (!group) return alone;
    const reporter = group[0];
    const size = (candidate: Resource) => this.filesByUri.get(candidate.uri)?.resources.length ?? 0;
    const repeats = group.filter((copy) => size(copy) > size(reporter));
    if (resource === reporter || repeats.includes(resource)) return { reporter, repeats };
    return alone;
  }

  /**
   * The groups of same-text definitions of an identity, each sorted with the one that reports
   * first (the smallest file, then URI order), by member: worked out once per change of the identity.
   */
  private copyGroupsOf(identity: string, definitions: readonly Resource[]): Map<Resource, Resource[]> {
    let groups = this.copyGroups.get(identity);
    if (groups) return groups;
    groups = new Map();
    const byHash = new Map<number, Resource[]>();
    for (const definition of definitions) {
      if (definition.templated) continue;
      const hash = this.fingerprintHash(definition);
      const bucket = byHash.get(hash);
      if (bucket) bucket.push(definition);
      else byHash.set(hash, [definition]);
    }
    const size = (candidate: Resource) => this.filesByUri.get(candidate.uri)?.resources.length ?? 0;
    for (const bucket of byHash.values()) {
      if (bucket.length < 2) continue;
      // A hash is not proof: same-hash definitions are split by their text.
      const byText = new Map<string, Resource[]>();
      for (const definition of bucket) {
        const text = this.fingerprintText(definition);
        const same = byText.get(text);
        if (same) same.push(definition);
        else byText.set(text, [definition]);
      }
      for (const group of byText.values()) {
        if (group.length < 2) continue;
        group.sort((a, b) => size(a) - size(b) || (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0) || byId(a, b));
        for (const member of group) groups.set(member, group);
      }
    }
    this.copyGroups.set(identity, groups);
    return groups;
  }

  private fingerprintHash(resource: Resource): number {
    let hash = fingerprintHashes.get(resource);
    if (hash === undefined) fingerprintHashes.set(resource, (hash = fnv1a(this.fingerprintText(resource))));
    return hash;
  }

  private fingerprintText(resource: Resource): string {
    return fingerprint(this.filesByUri.get(resource.uri), resource);
  }

  /** Every Service a resource in namespace `key` can reach. */
  servicesIn(key: string): Resource[] {
    return this.collect(key, 'svcs', '', (ns) => [...ns.services.values()]);
  }

  /** Whether a unit of `from` holds a Service in these namespaces whose name the workspace cannot read. */
  hasUnnamedServicesIn(key: string, from: Resource): boolean {
    return this.some(key, 'svcunnamed', (ns) => anySharesUnit(ns.unnamedServices, from));
  }

  /** Services whose own labels include `label=value`, in resource-id order (what a ServiceMonitor selects). */
  servicesLabelled(key: string, label: string, value: string): Resource[] {
    const out = this.collect(key, 'svclabel', `${label}=${value}`, (ns) => {
      return ns.servicesByLabel.get(`${label}=${value}`);
    });
    return out.length > 1 ? out.sort(byId) : out;
  }

  /** Every workload in the namespaces of `key`. Prefer `workloadsLabelled` where a selector is known. */
  workloadsIn(key: string): Resource[] {
    return this.collect(key, 'wls', '', (ns) => [...ns.workloads]);
  }

  /**
   * The workloads of the namespaces of `key` written in one folder. A link that finds what it
   * needs there reads nothing else, so an edit in another folder never re-checks it.
   */
  workloadsInDirectory(key: string, directory: string): Resource[] {
    const out = this.collect(key, 'wldir', directory, (ns) => {
      return ns.workloadsByDirectory.get(directory);
    });
    return out.length > 1 ? out.sort(byId) : out;
  }

  /**
   * The workloads of one folder whose pod labels include `label=value`, in resource-id order: what
   * a selector beside them may select, read by its own pairs so that an edit of another workload
   * of the folder re-checks nothing here.
   */
  workloadsInDirectoryLabelled(key: string, directory: string, label: string, value: string): Resource[] {
    const out = this.collect(key, 'wldirlabel', `${directory}\u0000${label}=${value}`, (ns) => {
      return ns.workloadsByDirectoryLabel.get(`${directory}\u0000${label}=${value}`);
    });
    return out.length > 1 ? out.sort(byId) : out;
  }

  /**
   * The workloads written in folders below `directory` (not in it), in resource-id order. Reads
   * the folder index's keys, so its cost follows the folders of the namespace, not its workloads.
   */
  workloadsBelowDirectory(key: string, directory: string): Resource[] {
    const out = this.collect(key, 'wlbelow', directory, (ns) => {
      const found: Resource[] = [];
      for (const folder of ns.workloadsByDirectory.keys()) if (folder !== directory && folder.startsWith(directory)) found.push(...ns.workloadsByDirectory.get(folder));
      return found;
    });
    return out.length > 1 ? out.sort(byId) : out;
  }

  /** Whether a folder holds any workload, in any namespace. */
  hasWorkloadsInDirectoryAnywhere(directory: string): boolean {
    this.settle();
    this.recorder?.(`wldirany:${directory}`);
    for (const ns of this.namespaces.values()) if (ns.workloadsByDirectory.has(directory)) return true;
    return false;
  }

  /** Whether one folder of the namespaces of `key` holds Services (a folder of self-contained examples does; a folder of Deployments alone does not). */
  hasServicesInDirectory(key: string, directory: string): boolean {
    return this.some(key, 'svcdir', (ns) => ns.servicesByDirectory.has(directory), directory);
  }

  /** The Services of that name in the namespaces of `key` written in one folder (see workloadsInDirectory). */
  servicesNamedInDirectory(key: string, name: string, directory: string): Resource[] {
    const out = this.collect(key, 'svcdirname', `${directory}\u0000${name}`, (ns) => {
      return ns.servicesByDirectoryName.get(`${directory}\u0000${name}`);
    });
    return out.length > 1 ? out.sort(byId) : out;
  }

  /** Whether the namespaces of `key` hold any workload at all. */
  hasWorkloadsIn(key: string): boolean {
    return this.some(key, 'wlany', (ns) => ns.workloads.size > 0);
  }

  /** Workloads whose pod labels include `label=value`, in resource-id order. */
  workloadsLabelled(key: string, label: string, value: string): Resource[] {
    const out = this.collect(key, 'label', `${label}=${value}`, (ns) => {
      return ns.workloadsByLabel.get(`${label}=${value}`);
    });
    return out.length > 1 ? out.sort(byId) : out;
  }

  /** Workloads in any namespace whose pod labels include `label=value`, in resource-id order. */
  workloadsLabelledAnywhere(label: string, value: string): Resource[] {
    this.settle();
    this.recorder?.(`labelany:${label}=${value}`);
    return this.workloadsByLabelAnywhere.get(`${label}=${value}`).sort(byId);
  }

  /** Whether a unit of `from` holds a workload whose pod labels a template writes in a way the model cannot read as plain labels. */
  hasTemplatedWorkloadsIn(key: string, from: Resource): boolean {
    return this.some(key, 'nsflags', (ns) => anySharesUnit(ns.templatedWorkloads, from));
  }

  /**
   * Whether pods in these namespaces may come from something a unit of `from` does not spell out:
   * an operator's custom resource beside it. One in an unrelated example says nothing here.
   */
  mayHaveUnseenPodsIn(key: string, from: Resource): boolean {
    return this.some(key, 'nsflags', (ns) => anySharesUnit(ns.podCreatingCustomResources, from));
  }

  /**
   * Whether ConfigMaps or Secrets in these namespaces may come from something a unit of `from`
   * holds but does not spell out: a custom resource beside it whose controller writes them.
   */
  mayMakeConfigsIn(key: string, from: Resource): boolean {
    return this.some(key, 'cfgmakers', (ns) => anySharesUnit(ns.configMakingCustomResources, from));
  }

  /** Every ConfigMap or Secret a resource in namespace `key` can reach, in resource-id order. */
  configsIn(source: 'configMap' | 'secret', key: string): Resource[] {
    const out = this.collect(key, `cfgs:${source}`, '', (ns) => [...(source === 'configMap' ? ns.configMaps : ns.secrets).values()]);
    return out.length > 1 ? out.sort(byId) : out;
  }

  /**
   * The custom resource of an operator the graph has no description of, in a unit of `from` and
   * these namespaces, that may create a Service the workspace does not show; the first by id.
   */
  undescribedOperatorIn(key: string, from: Resource): Resource | undefined {
    let found: Resource | undefined;
    this.some(key, 'svcflags', (ns) => {
      for (const cause of ns.undescribedCustomResources) if (sharesUnit(from, cause) && (!found || byId(cause, found) < 0)) found = cause;
      return found !== undefined;
    });
    return found;
  }

  /** The custom resources of described operators in a unit of `from` and these namespaces, by id: what their operators create is known. */
  describedOperatorsIn(key: string, from: Resource): Resource[] {
    const found: Resource[] = [];
    this.some(key, 'svcflags', (ns) => {
      for (const cause of ns.describedCustomResources) if (sharesUnit(from, cause)) found.push(cause);
      return found.length > 0;
    });
    return found.sort(byId);
  }

  /** The custom resources in a unit of `from` and these namespaces that may make pods the workspace does not show, by id (see mayHaveUnseenPodsIn). */
  podCreatorsIn(key: string, from: Resource): Resource[] {
    const found: Resource[] = [];
    this.some(key, 'nsflags', (ns) => {
      for (const cause of ns.podCreatingCustomResources) if (sharesUnit(from, cause)) found.push(cause);
      return found.length > 0;
    });
    return found.sort(byId);
  }

  /** The operator entry of a custom resource (graph/operators.ts): the user's or a known one. */
  operatorEntryOf(resource: Resource): OperatorEntry | undefined {
    return operatorOf(resource, this.operatorEntries);
  }

  /** ConfigMaps or Secrets of that name, nearest directory first. */
  configsNamed(source: 'configMap' | 'secret', key: string, name: string, fromUri: string): Resource[] {
    return nearest(
      this.collect(key, `cfg:${source}`, name, (ns) => (source === 'configMap' ? ns.configMaps : ns.secrets).get(name)),
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

  /** The dependency keys a resource provides: what lookups that may see it record. */
  static providedKeys(resource: Resource, out: Set<string>): void {
    const ns = namespaceKey(resource);
    if (!resource.variant) {
      const identity = identityOf(resource);
      out.add(`copy:${identity}`);
      const hash = fingerprintHashes.get(resource);
      if (hash !== undefined) out.add(`copy:${identity}:${hash}`);
    }
    if (resource.workload) {
      const directory = directoryOf(resource.uri);
      out.add(`wldir:${ns}:${directory}`);
      out.add(`wldirany:${directory}`);
      for (const [label, value] of resource.workload.podLabels) out.add(`wldirlabel:${ns}:${directory}\u0000${label}=${value}`);
      // Every folder above this one reads it among the workloads below it.
      for (let at = directory.lastIndexOf('/', directory.length - 2); at >= 0; at = directory.lastIndexOf('/', at - 1)) out.add(`wlbelow:${ns}:${directory.slice(0, at + 1)}`);
      out.add(`wls:${ns}`);
      out.add(`wlany:${ns}`);
      for (const [label, value] of resource.workload.podLabels) {
        out.add(`label:${ns}:${label}=${value}`);
        out.add(`labelany:${label}=${value}`);
      }
      if (labelsInDoubt(resource)) out.add(`nsflags:${ns}`);
    } else if (resource.service) {
      out.add(`svcdir:${ns}:${directoryOf(resource.uri)}`);
      out.add(`svcs:${ns}`);
      for (const [label, value] of resource.labels) out.add(`svclabel:${ns}:${label}=${value}`);
      if (!resource.name) out.add(`svcunnamed:${ns}`);
      if (resource.name) {
        out.add(`svcdirname:${ns}:${directoryOf(resource.uri)}\u0000${resource.name.value}`);
        out.add(`svc:${ns}:${resource.name.value}`);
        out.add(`svcname:${resource.name.value}`);
      }
    } else if (resource.gateway && resource.name) {
      out.add(`gw:${ns}:${resource.name.value}`);
    } else if (resource.config && resource.name) {
      out.add(`cfg:${resource.config.source}:${ns}:${resource.name.value}`);
      out.add(`cfgs:${resource.config.source}:${ns}`);
    } else if (mayCreatePods(resource)) {
      out.add(`nsflags:${ns}`);
    }
    if (mayMakeConfigs(resource)) out.add(`cfgmakers:${ns}`);
    if (isCustomResource(resource)) {
      // A custom resource may keep a Service name unknown, or stand for the Services its operator creates.
      out.add(`svcflags:${ns}`);
      for (const key of createdServiceKeys.get(resource) ?? []) out.add(key);
    }
  }

  private collect(key: string, kind: string, detail: string, pick: (ns: NamespaceIndex) => Resource[] | undefined): Resource[] {
    this.settle();
    const out: Resource[] = [];
    for (const ns of linkedNamespaces(key)) {
      this.recorder?.(detail ? `${kind}:${ns}:${detail}` : `${kind}:${ns}`);
      const index = this.namespaces.get(ns);
      const found = index && pick(index);
      if (found) out.push(...found);
    }
    return out;
  }

  private some(key: string, kind: string, test: (ns: NamespaceIndex) => boolean, detail = ''): boolean {
    this.settle();
    let result = false;
    for (const ns of linkedNamespaces(key)) {
      this.recorder?.(detail ? `${kind}:${ns}:${detail}` : `${kind}:${ns}`);
      const index = this.namespaces.get(ns);
      if (index && test(index)) result = true;
    }
    return result;
  }

  private namespaceIndex(key: string): NamespaceIndex {
    let ns = this.namespaces.get(key);
    if (!ns) this.namespaces.set(key, (ns = new NamespaceIndex()));
    return ns;
  }

  /**
   * Brings the indexes up to the files set and deleted since the last read: each changed file, and
   * each file whose kustomize builds read a changed file, is taken out and put back in as it is now.
   * Lookups settle when they need to; a scan settles as it goes (see Project.settle).
   */
  settle(): void {
    if (!this.kustomize.dirty) return;
    for (const uri of this.kustomize.flush(this.filesByUri)) {
      const before = this.indexed.get(uri) ?? [];
      const file = this.filesByUri.get(uri);
      const after = file ? (this.kustomize.resourcesOf(uri) ?? file.resources) : [];
      if (after === before) continue;
      for (const resource of before) this.indexResource(resource, false);
      for (const resource of after) this.indexResource(resource, true);
      if (file) this.indexed.set(uri, after);
      else this.indexed.delete(uri);
      this.noteChange(uri, before);
    }
  }

  private indexResource(resource: Resource, add: boolean): void {
    const ns = this.namespaceIndex(namespaceKey(resource));
    const step = add ? 1 : -1;
    this.resourceTotal += step;
    if (!resource.variant) {
      const identity = identityOf(resource);
      this.copyGroups.delete(identity);
      if (add) {
        const had = this.definitions.has(identity);
        this.definitions.add(identity, resource);
        if (had) {
          // Alternatives get their text's hash now, so that the facts they provide name it (providedKeys).
          const all = this.definitions.get(identity);
          if (all.length === 2) this.fingerprintHash(all[0]);
          this.fingerprintHash(resource);
        }
      } else this.definitions.remove(identity, resource);
    }
    if (resource.workload) {
      if (add) ns.workloads.add(resource);
      else ns.workloads.delete(resource);
      const directory = directoryOf(resource.uri);
      ns.workloadsByDirectory.toggle(directory, resource, add);
      for (const [label, value] of resource.workload.podLabels) ns.workloadsByDirectoryLabel.toggle(`${directory}\u0000${label}=${value}`, resource, add);
      for (const [label, value] of resource.workload.podLabels) {
        ns.workloadsByLabel.toggle(`${label}=${value}`, resource, add);
        this.workloadsByLabelAnywhere.toggle(`${label}=${value}`, resource, add);
      }
      if (labelsInDoubt(resource)) toggle(ns.templatedWorkloads, resource, add);
    } else if (resource.service) {
      this.indexService(ns, resource, add);
    } else if (resource.gateway && resource.name) {
      if (add) ns.gateways.add(resource.name.value, resource);
      else ns.gateways.remove(resource.name.value, resource);
    } else if (resource.config && resource.name) {
      const index = resource.config.source === 'configMap' ? ns.configMaps : ns.secrets;
      if (add) index.add(resource.name.value, resource);
      else index.remove(resource.name.value, resource);
    } else if (mayCreatePods(resource)) {
      toggle(ns.podCreatingCustomResources, resource, add);
    }
    if (mayMakeConfigs(resource)) toggle(ns.configMakingCustomResources, resource, add);
    this.indexCreatedServices(ns, resource, add);
  }

  /** Indexes the Services an operator creates from a custom resource (graph/operators.ts), or takes them out. */
  private indexCreatedServices(ns: NamespaceIndex, resource: Resource, add: boolean): void {
    if (!isCustomResource(resource)) return;
    if (!add) {
      const created = this.createdServices.get(resource);
      if (created) for (const service of created) this.indexService(ns, service, false);
      this.createdServices.delete(resource);
      ns.undescribedCustomResources.delete(resource);
      ns.describedCustomResources.delete(resource);
      return;
    }
    const entry = operatorOf(resource, this.operatorEntries);
    if (!entry) {
      if (mayCreatePods(resource)) ns.undescribedCustomResources.add(resource);
      return;
    }
    const created = operatorServicesOf(resource, entry);
    this.createdServices.set(resource, created);
    ns.describedCustomResources.add(resource);
    let keys = createdServiceKeys.get(resource);
    if (!keys) createdServiceKeys.set(resource, (keys = new Set()));
    for (const service of created) {
      this.indexService(ns, service, true);
      PortGraph.providedKeys(service, keys);
    }
  }

  private indexService(ns: NamespaceIndex, resource: Resource, add: boolean): void {
    ns.serviceCount += add ? 1 : -1;
    ns.servicesByDirectory.toggle(directoryOf(resource.uri), resource, add);
    for (const [label, value] of resource.labels) ns.servicesByLabel.toggle(`${label}=${value}`, resource, add);
    if (!resource.name) {
      toggle(ns.unnamedServices, resource, add);
      return;
    }
    ns.servicesByDirectoryName.toggle(`${directoryOf(resource.uri)}\u0000${resource.name.value}`, resource, add);
    if (add) {
      ns.services.add(resource.name.value, resource);
      this.servicesByName.add(resource.name.value, resource);
    } else {
      ns.services.remove(resource.name.value, resource);
      this.servicesByName.remove(resource.name.value, resource);
    }
  }
}

/**
 * The dependency keys of the Services each custom resource stands for, from every graph that made
 * them: a superset is safe (an edit re-checks a little more), a missing key is not.
 */
const createdServiceKeys = new WeakMap<Resource, Set<string>>();

/** The hash of each alternative's fingerprint, worked out when its identity gets a second definition. */
const fingerprintHashes = new WeakMap<Resource, number>();

/**
 * A resource's text with comments, blank lines, trailing spaces and the common indentation left
 * out: equal for a document and its copy in a bundle made by concatenating files.
 */
function fingerprint(file: ParsedFile | undefined, resource: Resource): string {
  const lines: string[] = [];
  let indent = Infinity;
  for (const raw of (file?.text.slice(resource.span.start, resource.span.end) ?? '').split(/\r?\n|\r/)) {
    const line = raw.trimEnd();
    const content = line.trimStart();
    if (content === '' || content.startsWith('#') || line === '---') continue;
    indent = Math.min(indent, line.length - content.length);
    lines.push(line);
  }
  return lines.map((line) => line.slice(indent)).join('\n');
}

/** 32-bit FNV-1a of a string's UTF-16 units. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function toggle(set: Set<Resource>, resource: Resource, add: boolean): void {
  if (add) set.add(resource);
  else set.delete(resource);
}

function anySharesUnit(causes: ReadonlySet<Resource>, from: Resource): boolean {
  for (const cause of causes) if (sharesUnit(from, cause)) return true;
  return false;
}

/** Whether a workload's pod labels may be other than the model read: a template writes them in a way it cannot follow. */
function labelsInDoubt(workload: Resource): boolean {
  if (!workload.templated) return workload.workload?.podLabelsOpen === true;
  return !workload.templatePartsKnown || workload.workload?.podLabelsOpen !== false;
}

function byId(a: Resource, b: Resource): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** API groups of Kubernetes itself and of add-ons whose kinds never create pods. */
const GROUPS_WITHOUT_POD_CREATORS = new Set([
  '', 'apps', 'batch', 'extensions', 'policy', 'autoscaling', 'networking.k8s.io', 'gateway.networking.k8s.io',
  'rbac.authorization.k8s.io', 'storage.k8s.io', 'apiextensions.k8s.io', 'admissionregistration.k8s.io',
  'scheduling.k8s.io', 'coordination.k8s.io', 'certificates.k8s.io', 'discovery.k8s.io', 'node.k8s.io',
  'kustomize.config.k8s.io', 'cert-manager.io', 'networking.istio.io', 'security.istio.io', 'telemetry.istio.io',
  'bitnami.com', 'external-secrets.io', 'policy.linkerd.io', 'split.smi-spec.io', 'autoscaling.k8s.io', 'keda.sh',
  // Traefik's routing resources (IngressRoute, Middleware, TraefikService) configure the proxy; they create neither pods nor Services.
  'traefik.io', 'traefik.containo.us',
]);
/** Custom kinds of otherwise pod-free groups that do run pods (the Prometheus operator's). */
const POD_CREATING_KINDS = new Set(['Prometheus', 'Alertmanager', 'ThanosRuler', 'PrometheusAgent']);

/** Whether a resource is a custom resource (its group is a domain name) that an operator may act on; workloads written inside another resource are not. */
function isCustomResource(resource: Resource): boolean {
  const group = groupOf(resource.apiVersion);
  return !resource.embeddedIn && !resource.createdBy && !resource.service && !resource.config && group.includes('.') && !group.endsWith('.k8s.io');
}

/** Whether a custom resource may make an operator create pods that the workspace never shows. */
function mayCreatePods(resource: Resource): boolean {
  if (resource.workload || resource.service || resource.createdBy) return false;
  if (POD_CREATING_KINDS.has(resource.kind)) return true;
  const group = groupOf(resource.apiVersion);
  if (group === 'monitoring.coreos.com') return false;
  // Kinds whose pods the model reads (model/podTemplates.ts) make none it does not show.
  if (podsAreRead(resource.kind, group)) return false;
  return !GROUPS_WITHOUT_POD_CREATORS.has(group) && !group.endsWith('.k8s.io');
}

/** API groups of Kubernetes itself and of add-ons whose kinds never write ConfigMaps or Secrets. */
const GROUPS_WITHOUT_CONFIG_MAKERS = new Set([
  '', 'apps', 'batch', 'extensions', 'policy', 'autoscaling', 'networking.k8s.io', 'gateway.networking.k8s.io',
  'rbac.authorization.k8s.io', 'storage.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io',
  'node.k8s.io', 'kustomize.config.k8s.io', 'monitoring.coreos.com', 'autoscaling.k8s.io', 'keda.sh',
]);

/**
 * Whether a resource's controller may write ConfigMaps or Secrets the workspace never shows: any
 * custom resource (External Secrets, Sealed Secrets, cert-manager, operators).
 */
function mayMakeConfigs(resource: Resource): boolean {
  const slash = resource.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : resource.apiVersion.slice(0, slash);
  return !GROUPS_WITHOUT_CONFIG_MAKERS.has(group);
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
 * environments, examples), keeps the definitions nearest to `fromUri`: its own file, else the
 * nearest folder. The others are alternatives that are not deployed beside it.
 */
export function nearest(candidates: Resource[], fromUri: string): Resource[] {
  if (candidates.length <= 1) return candidates;
  const groups = new Map<string, Resource[]>();
  for (const candidate of candidates) push(groups, identityOf(candidate), candidate);
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
 * Keeps the candidates nearest to `fromUri`: those in the file itself, else those in the nearest
 * folders. Repositories of examples hold alternatives side by side (`tgi/`, `vllm/`) that reuse
 * labels but are never applied together; the ones beside the referring file are the ones meant.
 */
export function nearestDirectory(candidates: Resource[], fromUri: string): Resource[] {
  if (candidates.length <= 1) return candidates;
  const from = directoryOf(fromUri);
  return keepNearest(candidates, (candidate) => (candidate.uri === fromUri ? -1 : directoryDistance(from, directoryOf(candidate.uri))));
}

/** The candidates at the smallest `distance`, in their order. */
export function keepNearest(candidates: readonly Resource[], distance: (candidate: Resource) => number): Resource[] {
  let best = Infinity;
  let kept: Resource[] = [];
  for (const candidate of candidates) {
    const value = distance(candidate);
    if (value < best) {
      best = value;
      kept = [candidate];
    } else if (value === best) {
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
