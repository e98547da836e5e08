// Kustomize builds as the graph sees them. Every kustomization that no other kustomization
// includes is a build (an overlay, or a base applied on its own); the resources it applies are
// copies of the files' resources with the build's namespace, name prefix and suffix (and the
// references kustomize renames with them), labels, patches, and generated ConfigMaps and Secrets.
// A file that a build includes is checked once per build; a file no build includes stands as
// itself.
//
// **Architecture invariant:** pure functions over parsed files, and a memo keyed on them; no file
// system, no rules. A copy keeps its file's URI and its spans, so findings land in the file that
// was written. What a patch adds is placed on the resource it patches (its name, the container's
// name), since the copy has one URI; `variant.rewritten` tells fixes that the text is not the build.

import {
  argvFromValue,
  containerFromValue,
  containerPortsFromValue,
  envFromValue,
  isKustomizationUri,
  KUSTOMIZATION_FILE_NAMES,
  portFromValue,
  readEnvText,
  readKustomization,
  readPatchText,
  servicePortsFromValue,
  type Generator,
  type JsonPatchOperation,
  type Kustomization,
  type PatchBody,
  type PatchObject,
  type PatchTarget,
} from '../model/kustomization';
import { exactArray } from '../model/compact';
import { ValuesByKey } from './valuesByKey';
import { decodeBase64Text } from '../model/resources';
import type { ConfigEntry, Container, ContainerPort, LabelSelector, ParsedFile, Resource, ServicePort, Span, Variant } from '../model/types';

/** The files of a workspace by URI (a PortGraph's, or a test's). */
export type FileLookup = ReadonlyMap<string, ParsedFile>;

// ---------------------------------------------------------------------------------------------
// Links stay within a build

/** Whether two resources can link as builds go: the same build, or either is a file's own resource. */
export function inSameBuild(from: Resource, candidate: Resource): boolean {
  return !from.variant || !candidate.variant || from.variant.kustomization === candidate.variant.kustomization;
}

/** The candidates that `from` can link with: those of its own build and files' own resources. */
export function withinBuild(from: Resource, candidates: Resource[]): Resource[] {
  if (!from.variant) return candidates;
  let all = true;
  for (const candidate of candidates) if (!inSameBuild(from, candidate)) all = false;
  return all ? candidates : candidates.filter((candidate) => inSameBuild(from, candidate));
}

/** Whether `resource` belongs to a build that names something the workspace does not hold: a name it cannot find may be there. */
export function inPartialBuild(resource: Resource): boolean {
  return resource.variant?.partial === true;
}

/** A build as messages name it: its kustomization's folder, relative to the workspace. */
export function buildLabel(kustomizationUri: string, where: (uri: string) => string): string {
  const path = where(kustomizationUri);
  const slash = path.lastIndexOf('/');
  return slash > 0 ? path.slice(0, slash) : '.';
}

// ---------------------------------------------------------------------------------------------
// The layer: builds kept up to date as files change

interface RootBuild {
  /** Every file the build read or looked for, with the version it read (undefined: not there). */
  deps: Map<string, ParsedFile | undefined>;
  resources: Resource[];
  /** For each resource, the id of what it was made from (a file's resource, or a generator), to count the builds that hold it. */
  sources: string[];
  /** The resources by the URI of the file they are copies of, in build order. */
  byUri: Map<string, Resource[]>;
  /** The resource made from each source. */
  bySource: Map<string, Resource>;
}

/** What the layer knows of one kustomization file, kept while the file does not change. */
interface KnownKustomization {
  file: ParsedFile;
  kustomization: Kustomization | undefined;
}

/**
 * The effective resources of a workspace's files, kept up to date as files change. A build is
 * rebuilt only when a file it read (or looked for and did not find) changes; the roots are found
 * again only when a kustomization changes. Changes are noted one by one and applied together, so
 * a workspace scan costs one pass.
 */
export class KustomizeLayer {
  private readonly known = new Map<string, KnownKustomization>();
  /** Bumped whenever `known` changes, so a flush can tell that the kustomizations it composed from moved. */
  private knownVersion = 0;
  private roots = new Map<string, RootBuild>();
  private view = new Map<string, Resource[]>();
  private inputs = new Set<string>();
  private readonly pending = new Set<string>();
  // Indexes over the roots, so an edit recomposes only the files its rebuilt builds hold.
  /** For each file, the roots whose builds read it or looked for it. */
  private readers = new ValuesByKey<string>();
  /** For each file, the roots whose builds hold copies of its resources. */
  private holders = new ValuesByKey<string>();
  /** For each source, the roots whose builds hold a copy of it. */
  private sourceRoots = new ValuesByKey<string>();
  /** Each root's place in `roots`, so a file's copies keep root order. */
  private rootOrder = new Map<string, number>();
  /** Files that stand in the view as empty while no build holds them: kustomizations and patch files. */
  private emptyUris = new Set<string>();

  /** Notes that the file at `uri` was set or deleted; `flush` applies it. */
  changed(uri: string): void {
    this.pending.add(uri);
  }

  /** Whether changes are waiting for `flush`. */
  get dirty(): boolean {
    return this.pending.size > 0;
  }

  /**
   * Applies the noted changes against `files` (the workspace as it is now). Returns the URIs whose
   * effective resources may have changed: every changed file, and every file a rebuilt build holds.
   */
  flush(files: FileLookup): Set<string> {
    const changed = new Set(this.pending);
    this.pending.clear();
    const affected = new Set(changed);
    if (changed.size === 0) return affected;
    let kustomizationChanged = false;
    for (const uri of changed) {
      if (!isKustomizationUri(uri) || this.known.get(uri)?.file === files.get(uri)) continue;
      this.refreshKnown(files, uri);
      kustomizationChanged = true;
    }
    if (!kustomizationChanged) {
      this.flushBuilds(files, changed, affected);
      return affected;
    }
    const changedUris = [...changed];
    const next = new Map<string, RootBuild>();
    for (const root of this.findRoots()) {
      const previous = this.roots.get(root);
      if (previous && !changedUris.some((uri) => previous.deps.has(uri) && previous.deps.get(uri) !== files.get(uri))) {
        next.set(root, previous);
        continue;
      }
      const build = buildRoot(files, root, (uri) => this.kustomizationOf(files, uri));
      if (previous) for (const resource of previous.resources) affected.add(resource.uri);
      for (const resource of build.resources) affected.add(resource.uri);
      next.set(root, build);
    }
    for (const [root, previous] of this.roots) {
      if (next.has(root)) continue;
      for (const resource of previous.resources) affected.add(resource.uri);
    }
    this.roots = next;
    const previousView = this.view;
    this.compose();
    // Patch files and kustomizations enter and leave the view as kustomizations change.
    for (const uri of previousView.keys()) if (!this.view.has(uri)) affected.add(uri);
    for (const uri of this.view.keys()) if (!previousView.has(uri)) affected.add(uri);
    return affected;
  }

  /**
   * Applies changes that leave every kustomization as it was: the roots stay, the builds that read
   * a changed file are rebuilt, and only the files those builds hold (before or after) are composed again.
   */
  private flushBuilds(files: FileLookup, changed: Set<string>, affected: Set<string>): void {
    const stale = new Set<string>();
    for (const uri of changed) {
      for (const root of this.readers.get(uri)) if (this.roots.get(root)?.deps.get(uri) !== files.get(uri)) stale.add(root);
    }
    if (stale.size === 0) return;
    const knownVersion = this.knownVersion;
    const touchedUris = new Set<string>();
    const touchedSources = new Set<string>();
    for (const root of stale) {
      const previous = this.roots.get(root)!;
      const build = buildRoot(files, root, (uri) => this.kustomizationOf(files, uri));
      this.unindex(root, previous);
      this.index(root, build);
      // Map.set on a key it holds keeps the key's place, so root order stays.
      this.roots.set(root, build);
      for (const side of [previous, build]) {
        for (const uri of side.byUri.keys()) {
          touchedUris.add(uri);
          affected.add(uri);
        }
        for (const source of side.sources) touchedSources.add(source);
      }
    }
    // A build that read a kustomization the layer had not seen changes what the view was composed from.
    if (this.knownVersion !== knownVersion) {
      const previousView = this.view;
      this.compose();
      for (const uri of previousView.keys()) if (!this.view.has(uri)) affected.add(uri);
      for (const uri of this.view.keys()) if (!previousView.has(uri)) affected.add(uri);
      return;
    }
    for (const uri of touchedUris) this.composeUri(uri);
    for (const source of touchedSources) this.countBuilds(source);
  }

  /** The effective resources of a file; undefined where its own resources stand (no build includes it). */
  resourcesOf(uri: string): readonly Resource[] | undefined {
    return this.view.get(uri);
  }

  /** Every URI whose effective resources are the layer's making: files builds include, kustomizations, patches. */
  uris(): IterableIterator<string> {
    return this.view.keys();
  }

  /** Files builds read that are not manifests a scan reads (generator env files, JSON patch files). */
  wantedInputs(): ReadonlySet<string> {
    return this.inputs;
  }

  private kustomizationOf(files: FileLookup, uri: string): Kustomization | undefined {
    const known = this.known.get(uri);
    if (known && known.file === files.get(uri)) return known.kustomization;
    return this.refreshKnown(files, uri);
  }

  private refreshKnown(files: FileLookup, uri: string): Kustomization | undefined {
    const file = files.get(uri);
    if (!file) {
      if (this.known.delete(uri)) this.knownVersion++;
      return undefined;
    }
    const kustomization = readKustomization(uri, file.text);
    this.known.set(uri, { file, kustomization });
    this.knownVersion++;
    return kustomization;
  }

  /** Kustomizations (not Components) that no other kustomization includes. */
  private findRoots(): string[] {
    const included = new Set<string>();
    for (const [uri, known] of this.known) {
      const kustomization = known.kustomization;
      if (!kustomization) continue;
      for (const entry of [...kustomization.resources, ...kustomization.components]) {
        const target = resolvePath(directoryOf(uri), entry.value);
        if (!target) continue;
        for (const name of KUSTOMIZATION_FILE_NAMES) included.add(`${target}/${name}`);
      }
    }
    return [...this.known]
      .filter(([uri, known]) => known.kustomization?.kind === 'Kustomization' && !included.has(uri))
      .map(([uri]) => uri)
      .sort();
  }

  /** The view from scratch: copies grouped by file, patch files emptied, kustomization files holding what their generators made. */
  private compose(): void {
    const emptyUris = new Set<string>();
    const inputs = new Set<string>();
    for (const [uri, known] of this.known) {
      const kustomization = known.kustomization;
      if (!kustomization) continue;
      emptyUris.add(uri);
      const directory = directoryOf(uri);
      for (const patch of kustomization.patches) {
        const target = patch.path && resolvePath(directory, patch.path.value);
        if (!target) continue;
        emptyUris.add(target);
        if (!/\.ya?ml$/i.test(target)) inputs.add(target);
      }
      for (const generator of kustomization.generators) {
        for (const env of generator.envFiles) {
          const target = resolvePath(directory, env.value);
          if (target) inputs.add(target);
        }
      }
    }
    this.emptyUris = emptyUris;
    this.inputs = inputs;
    this.readers = new ValuesByKey<string>();
    this.holders = new ValuesByKey<string>();
    this.sourceRoots = new ValuesByKey<string>();
    this.rootOrder = new Map();
    for (const [root, build] of this.roots) {
      this.rootOrder.set(root, this.rootOrder.size);
      this.index(root, build);
    }
    // Resources a build includes replace the file's own; a patch file that is also a resource is one.
    const view = new Map<string, Resource[]>();
    for (const uri of emptyUris) view.set(uri, []);
    this.view = view;
    for (const uri of this.holders.keys()) this.composeUri(uri);
    for (const source of this.sourceRoots.keys()) this.countBuilds(source);
  }

  /** Sets a file's view entry: its copies from every build that holds it, in root order, or empty (or none) where no build does. */
  private composeUri(uri: string): void {
    const roots = this.holders.get(uri);
    if (roots.length === 0) {
      if (this.emptyUris.has(uri)) this.view.set(uri, []);
      else this.view.delete(uri);
      return;
    }
    if (roots.length > 1) roots.sort((a, b) => this.rootOrder.get(a)! - this.rootOrder.get(b)!);
    const list: Resource[] = [];
    for (const root of roots) list.push(...this.roots.get(root)!.byUri.get(uri)!);
    this.view.set(uri, exactArray(list));
  }

  /** Tells every copy of a source how many builds hold one. */
  private countBuilds(source: string): void {
    const roots = this.sourceRoots.get(source);
    for (const root of roots) this.roots.get(root)!.bySource.get(source)!.variant!.builds = roots.length;
  }

  private index(root: string, build: RootBuild): void {
    for (const uri of build.deps.keys()) this.readers.add(uri, root);
    for (const uri of build.byUri.keys()) this.holders.add(uri, root);
    for (const source of build.sources) this.sourceRoots.add(source, root);
  }

  private unindex(root: string, build: RootBuild): void {
    for (const uri of build.deps.keys()) this.readers.remove(uri, root);
    for (const uri of build.byUri.keys()) this.holders.remove(uri, root);
    for (const source of build.sources) this.sourceRoots.remove(source, root);
  }
}

/** The folder of a URI, with its trailing slash (as portGraph's, kept here so neither module needs the other). */
function directoryOf(uri: string): string {
  return uri.slice(0, uri.lastIndexOf('/') + 1);
}

/**
 * The effective resources of every file that kustomize touches, computed from scratch: a map from
 * URI to its resources, for the files whose resources are not their own.
 */
export function effectiveResources(files: FileLookup): Map<string, readonly Resource[]> {
  const layer = new KustomizeLayer();
  for (const uri of files.keys()) if (isKustomizationUri(uri)) layer.changed(uri);
  layer.flush(files);
  return new Map([...layer.uris()].map((uri) => [uri, layer.resourcesOf(uri)!]));
}

// ---------------------------------------------------------------------------------------------
// One build

/** A resource on its way through a build, with the names and namespaces it has had. */
interface Item {
  resource: Resource;
  names: string[];
  namespaces: string[];
  /**
   * Whether `resource` is the build's own deep copy. Until a step changes more than its top-level
   * fields (namespace, name, id), a copy shares its parts with the file's resource: most builds
   * only set a namespace, and a deep copy of every resource they include would double the memory
   * the workspace takes.
   */
  owned: boolean;
}

interface BuildState {
  files: FileLookup;
  kustomizationOf: (uri: string) => Kustomization | undefined;
  deps: Map<string, ParsedFile | undefined>;
  partial: boolean;
  rewritten: boolean;
  /** Kustomizations being built, to stop at a cycle. */
  stack: Set<string>;
}

/** Builds one root kustomization into resource copies marked with their variant. */
function buildRoot(files: FileLookup, root: string, kustomizationOf: (uri: string) => Kustomization | undefined): RootBuild {
  const state: BuildState = { files, kustomizationOf, deps: new Map(), partial: false, rewritten: false, stack: new Set() };
  const kustomization = kustomizationOf(root);
  look(state, root);
  const items = kustomization ? build(state, root, kustomization, []) : [];
  const variant: Omit<Variant, 'builds'> = { kustomization: root, dependsOn: [...state.deps.keys()].sort(), rewritten: state.rewritten, partial: state.partial };
  const resources: Resource[] = [];
  const sources: string[] = [];
  const byUri = new Map<string, Resource[]>();
  const bySource = new Map<string, Resource>();
  for (const { resource } of items) {
    const source = resource.id;
    // One file listed twice (or reached through two bases) is one resource, as kustomize refuses duplicates.
    if (bySource.has(source)) continue;
    bySource.set(source, resource);
    resource.id = `${source}@${root}`;
    resource.variant = { ...variant, builds: 1 };
    resources.push(resource);
    sources.push(source);
    const list = byUri.get(resource.uri);
    if (list) list.push(resource);
    else byUri.set(resource.uri, [resource]);
  }
  // Every build of a workspace is kept: its lists hold exactly their items.
  for (const [uri, list] of byUri) byUri.set(uri, exactArray(list));
  return { deps: state.deps, resources: exactArray(resources), sources: exactArray(sources), byUri, bySource };
}

/** Reads a file for a build, remembering that the build depends on it. */
function look(state: BuildState, uri: string): ParsedFile | undefined {
  const file = state.files.get(uri);
  state.deps.set(uri, file);
  return file;
}

function build(state: BuildState, uri: string, kustomization: Kustomization, initial: Item[]): Item[] {
  state.stack.add(uri);
  const directory = directoryOf(uri);
  let items = [...initial];
  if (kustomization.opaque.length > 0) state.partial = true;
  for (const entry of kustomization.resources) items.push(...load(state, directory, entry.value));
  for (const entry of kustomization.components) {
    const component = findKustomization(state, directory, entry.value);
    if (component) items = build(state, component.uri, component.kustomization, items);
  }
  generate(state, kustomization, items);
  items = patch(state, kustomization, items);
  if (kustomization.namespace) setNamespace(items, kustomization.namespace.value);
  if (kustomization.namePrefix || kustomization.nameSuffix) {
    rename(items, kustomization.namePrefix, kustomization.nameSuffix);
    state.rewritten = true;
  }
  fixReferences(items);
  for (const rule of kustomization.labels) addLabels(items, rule.pairs, rule.selectors, rule.templates);
  state.stack.delete(uri);
  return items;
}

/** A `resources:` entry: a file's resources, or a folder's kustomization built. */
function load(state: BuildState, directory: string, path: string): Item[] {
  const target = resolvePath(directory, path);
  if (!target) {
    state.partial = true;
    return [];
  }
  const file = look(state, target);
  if (file && !isKustomizationUri(target)) return file.resources.map(itemOf);
  const found = findKustomization(state, directory, path);
  return found ? build(state, found.uri, found.kustomization, []) : [];
}

function findKustomization(state: BuildState, directory: string, path: string): { uri: string; kustomization: Kustomization } | undefined {
  const target = resolvePath(directory, path);
  if (target) {
    for (const name of KUSTOMIZATION_FILE_NAMES) {
      const uri = `${target}/${name}`;
      if (!look(state, uri)) continue;
      const kustomization = state.kustomizationOf(uri);
      if (kustomization && !state.stack.has(uri)) return { uri, kustomization };
    }
  }
  state.partial = true;
  return undefined;
}

function itemOf(resource: Resource): Item {
  return { resource: { ...resource }, names: resource.name ? [resource.name.value] : [], namespaces: resource.namespace ? [resource.namespace.value] : [], owned: false };
}

/** The item's resource, made the build's own deep copy first: call it before changing anything below the top level. */
function editable(item: Item): Resource {
  if (!item.owned) {
    item.resource = structuredClone(item.resource);
    item.owned = true;
  }
  return item.resource;
}

/**
 * Resolves a path written in a kustomization against its folder: a file or folder URI, or
 * undefined for what the workspace cannot hold (a remote base, an absolute path).
 */
export function resolvePath(directory: string, path: string): string | undefined {
  const trimmed = path.trim().replace(/\/+$/, '');
  if (trimmed === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) || /^(git@|github\.com\/|gitlab\.com\/|bitbucket\.org\/)/.test(trimmed) || trimmed.includes('?ref=') || trimmed.startsWith('/')) return undefined;
  try {
    // Written paths are plain text: characters that mean something in a URL are escaped first, as pathToFileURL does.
    const escaped = trimmed.replace(/%/g, '%25').replace(/#/g, '%23').replace(/\?/g, '%3F').replace(/\\/g, '/');
    return new URL(escaped, directory).href.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Generators

function generate(state: BuildState, kustomization: Kustomization, items: Item[]): void {
  const directory = directoryOf(kustomization.uri);
  kustomization.generators.forEach((generator, index) => {
    if (!generator.name) return;
    const entries = generatedEntries(state, directory, generator);
    const kind = generator.source === 'configMap' ? 'ConfigMap' : 'Secret';
    if (generator.behavior !== 'create') {
      const existing = items.find((item) => item.resource.kind === kind && item.names.includes(generator.name!.value));
      const config = existing?.resource.config && editable(existing).config;
      if (config) {
        config.entries = generator.behavior === 'replace' ? entries : new Map([...config.entries, ...entries]);
        return;
      }
    }
    const resource: Resource = {
      id: `${kustomization.uri}#${generator.source}Generator.${index}`,
      uri: kustomization.uri,
      apiVersion: 'v1',
      kind,
      name: { ...generator.name },
      namespace: generator.namespace ? { ...generator.namespace } : undefined,
      labels: new Map(generator.labels),
      annotations: new Map(),
      span: generator.span,
      kindSpan: generator.name.span,
      templated: false,
      config: { source: generator.source, entries },
    };
    items.push({ resource, names: [generator.name.value], namespaces: generator.namespace ? [generator.namespace.value] : [], owned: true });
  });
}

/** A generator's entries: env files first, then literals and files, later ones winning as kustomize merges them. */
function generatedEntries(state: BuildState, directory: string, generator: Generator): Map<string, ConfigEntry> {
  const entries = new Map<string, ConfigEntry>();
  for (const env of generator.envFiles) {
    const target = resolvePath(directory, env.value);
    const file = target ? look(state, target) : undefined;
    if (!file) {
      state.partial = true;
      continue;
    }
    // The entry's place is the `envs:` item: the copy lives in the kustomization's file, not the env file.
    for (const { key, value } of readEnvText(file.text)) entries.set(key, { key: { value: key, span: env.span }, value, valueSpan: env.span });
  }
  for (const literal of generator.literals) entries.set(literal.key.value, { key: literal.key, value: literal.value, valueSpan: literal.valueSpan });
  for (const entry of generator.files) {
    const target = resolvePath(directory, entry.path.value);
    const file = target ? look(state, target) : undefined;
    entries.set(entry.key.value, { key: entry.key, value: file?.text, valueSpan: entry.path.span });
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------
// Patches

/** Patch bodies read from patch files, kept while the file does not change. */
const patchBodies = new WeakMap<ParsedFile, PatchBody>();

function patchBodyOf(file: ParsedFile): PatchBody {
  let body = patchBodies.get(file);
  if (!body) patchBodies.set(file, (body = readPatchText(file.uri, file.text)));
  return body;
}

function patch(state: BuildState, kustomization: Kustomization, items: Item[]): Item[] {
  const directory = directoryOf(kustomization.uri);
  for (const ref of kustomization.patches) {
    let body = ref.inline;
    if (!body && ref.path) {
      const target = resolvePath(directory, ref.path.value);
      const file = target ? look(state, target) : undefined;
      if (file) body = patchBodyOf(file);
    }
    const targeted = ref.target ? items.filter((item) => matchesTarget(item, ref.target!)) : undefined;
    if (!body || body.kind === 'unreadable') {
      // What the patch does is unknown: its targets' values are too, and without a target so is the build.
      if (targeted) for (const item of targeted) item.resource.templated = true;
      else state.partial = true;
      continue;
    }
    if (body.kind === 'json6902') {
      for (const item of targeted ?? []) {
        applyOperations(editable(item), body.operations);
        state.rewritten = true;
      }
      continue;
    }
    for (const object of body.objects) {
      const matched = targeted ?? items.filter((item) => matchesObject(item, object.resource));
      // A patch that finds nothing patches something the workspace does not show.
      if (matched.length === 0) state.partial = true;
      if (object.deletesResource) {
        items = items.filter((item) => !matched.includes(item));
        continue;
      }
      for (const item of matched) mergeStrategic(editable(item), object);
      if (matched.length > 0) state.rewritten = true;
    }
  }
  return items;
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function versionOf(apiVersion: string): string {
  return apiVersion.slice(apiVersion.indexOf('/') + 1);
}

/** A strategic-merge patch finds its resource by kind, group, any name it has had, and namespace where the patch sets one. */
function matchesObject(item: Item, patchResource: Resource): boolean {
  const resource = item.resource;
  if (resource.kind !== patchResource.kind || groupOf(resource.apiVersion) !== groupOf(patchResource.apiVersion)) return false;
  if (!patchResource.name || !item.names.includes(patchResource.name.value)) return false;
  const namespace = patchResource.namespace?.value;
  return namespace === undefined || item.namespaces.length === 0 || item.namespaces.includes(namespace);
}

function matchesTarget(item: Item, target: PatchTarget): boolean {
  const resource = item.resource;
  if (target.kind !== undefined && target.kind !== resource.kind) return false;
  if (target.group !== undefined && target.group !== groupOf(resource.apiVersion)) return false;
  if (target.version !== undefined && target.version !== versionOf(resource.apiVersion)) return false;
  if (target.name !== undefined && !item.names.some((name) => anchoredMatch(target.name!, name))) return false;
  if (target.namespace !== undefined && !item.namespaces.some((namespace) => anchoredMatch(target.namespace!, namespace))) return false;
  if (target.labelSelector !== undefined && !selectorTextMatches(target.labelSelector, resource.labels)) return false;
  if (target.annotationSelector !== undefined && !selectorTextMatches(target.annotationSelector, resource.annotations)) return false;
  return true;
}

/** Patch targets name resources by anchored regular expressions; one that does not compile is compared as text. */
function anchoredMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return pattern === value;
  }
}

/** `a=b,c!=d,e,!f` against labels; a set-based requirement (`in (…)`) matches nothing, as the layer cannot tell. */
function selectorTextMatches(selector: string, labels: ReadonlyMap<string, string>): boolean {
  for (const raw of selector.split(',')) {
    const requirement = raw.trim();
    if (requirement === '') continue;
    const match = /^(!?)([^=!\s]+)\s*(?:(==|=|!=)\s*(\S*))?$/.exec(requirement);
    if (!match) return false;
    const [, not, key, operator, value] = match;
    if (not) {
      if (labels.has(key) || operator) return false;
    } else if (!operator) {
      if (!labels.has(key)) return false;
    } else if (operator === '!=') {
      if (labels.get(key) === value) return false;
    } else if (labels.get(key) !== value) return false;
  }
  return true;
}

/** Copies a value with every span in it moved to `span`: what a patch adds lives in another file, so it is shown on the thing it patches. */
function placed<T>(value: T, span: Span): T {
  const copy = structuredClone(value);
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (node instanceof Map) {
      for (const entry of node.values()) visit(entry);
      return;
    }
    if (Array.isArray(node)) {
      for (const entry of node) visit(entry);
      return;
    }
    const record = node as Record<string, unknown>;
    for (const [key, entry] of Object.entries(record)) {
      if (isSpan(entry)) record[key] = { start: span.start, end: span.end };
      else visit(entry);
    }
  };
  if (isSpan(copy)) return { start: span.start, end: span.end } as T;
  visit(copy);
  return copy;
}

function isSpan(value: unknown): value is Span {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 2 && typeof (value as Span).start === 'number' && typeof (value as Span).end === 'number';
}

/** `target` with `patch`'s pairs added or replaced; model maps are never changed in place, since a file's resources and their copies may share them. */
function merged<V>(target: ReadonlyMap<string, V>, patch: ReadonlyMap<string, V>): ReadonlyMap<string, V> {
  return patch.size === 0 ? target : new Map([...target, ...patch]);
}

function mergeSelector(target: LabelSelector | undefined, patch: LabelSelector | undefined, span: Span): LabelSelector | undefined {
  if (!patch) return target;
  if (!target) return placed(patch, span);
  target.matchLabels = merged(target.matchLabels, patch.matchLabels);
  if (patch.matchExpressions.length > 0) target.matchExpressions = patch.matchExpressions;
  target.incomplete ||= patch.incomplete;
  return target;
}

/** Merges a strategic-merge patch into a resource, with the merge keys Kubernetes uses: containers and env by name, ports by number. */
function mergeStrategic(target: Resource, object: PatchObject): void {
  const patchResource = object.resource;
  const anchor = target.name?.span ?? target.kindSpan;
  target.labels = merged(target.labels, patchResource.labels);
  target.annotations = merged(target.annotations, patchResource.annotations);
  if (patchResource.templated) target.templated = true;
  const workload = target.workload;
  const patchWorkload = patchResource.workload;
  if (workload && patchWorkload) {
    workload.podLabels = merged(workload.podLabels, patchWorkload.podLabels);
    workload.selector = mergeSelector(workload.selector, patchWorkload.selector, workload.selector?.span ?? anchor);
    if (patchWorkload.serviceName) workload.serviceName = { value: patchWorkload.serviceName.value, span: workload.serviceName?.span ?? anchor };
    for (const container of patchWorkload.containers) {
      if (!container.name) continue;
      const existing = workload.containers.find((candidate) => candidate.name?.value === container.name!.value && (candidate.role === 'container') === (container.role === 'container'));
      if (existing) mergeContainer(existing, container);
      else workload.containers.push(placed(container, anchor));
    }
    const deletions = object.deletions;
    workload.containers = workload.containers.filter((container) => !deletions.containers.includes(container.name?.value ?? ''));
    for (const container of workload.containers) {
      const name = container.name?.value;
      container.ports = container.ports.filter((port) => !deletions.containerPorts.some((gone) => gone.container === name && portKeyMatches(gone.port, port.containerPort, port.name?.value)));
      container.env = container.env.filter((env) => !deletions.env.some((gone) => gone.container === name && gone.name === env.name.value));
    }
  }
  const service = target.service;
  const patchService = patchResource.service;
  if (service && patchService) {
    if (patchService.typeSpan) {
      service.type = patchService.type;
      service.typeSpan = service.typeSpan ?? anchor;
    }
    service.selector = mergeSelector(service.selector, patchService.selector, service.selector?.span ?? anchor);
    if (patchService.externalTrafficPolicy) service.externalTrafficPolicy = { value: patchService.externalTrafficPolicy.value, span: service.externalTrafficPolicy?.span ?? anchor };
    for (const port of patchService.ports) mergeServicePort(service.ports, port, anchor);
    const gone = object.deletions.servicePorts;
    if (gone.length > 0) service.ports = service.ports.filter((port) => !gone.some((key) => portKeyMatches(key, port.port, port.name?.value)));
    service.ports.forEach((port, index) => (port.index = index));
  }
  // Lists without a merge key (Ingress rules, route rules, policy rules) are replaced whole.
  if (target.ingress && patchResource.ingress && patchResource.ingress.backends.length > 0) target.ingress.backends = placed(patchResource.ingress.backends, anchor);
  if (target.route && patchResource.route && patchResource.route.backends.length > 0) target.route.backends = placed(patchResource.route.backends, anchor);
  if (target.gateway && patchResource.gateway && patchResource.gateway.listeners.length > 0) target.gateway.listeners = placed(patchResource.gateway.listeners, anchor);
  if (target.networkPolicy && patchResource.networkPolicy) {
    const policy = target.networkPolicy;
    const patchPolicy = patchResource.networkPolicy;
    policy.podSelector = mergeSelector(policy.podSelector, patchPolicy.podSelector, policy.podSelector?.span ?? anchor);
    if (patchPolicy.ingressPorts.length > 0) policy.ingressPorts = placed(patchPolicy.ingressPorts, anchor);
    if (patchPolicy.egressPorts.length > 0) policy.egressPorts = placed(patchPolicy.egressPorts, anchor);
  }
  if (target.config && patchResource.config) {
    const entries = new Map(target.config.entries);
    for (const [key, entry] of patchResource.config.entries) entries.set(key, placed(entry, entries.get(key)?.valueSpan ?? anchor));
    target.config.entries = entries;
  }
}

function portKeyMatches(key: number | string, number: { kind: string; number?: number } | undefined, name: string | undefined): boolean {
  return typeof key === 'number' ? number?.kind === 'number' && number.number === key : name === key;
}

function mergeContainer(target: Container, patch: Container): void {
  const anchor = target.name?.span ?? target.span;
  for (const port of patch.ports) mergeContainerPort(target.ports, port, anchor);
  for (const env of patch.env) {
    const at = target.env.findIndex((candidate) => candidate.name.value === env.name.value);
    if (at >= 0) target.env[at] = placed(env, target.env[at].span);
    else target.env.push(placed(env, anchor));
  }
  // envFrom has no merge key, so a patch that writes it replaces it.
  if (patch.envFrom.length > 0) target.envFrom = placed(patch.envFrom, anchor);
  for (const probe of patch.probes) {
    const at = target.probes.findIndex((candidate) => candidate.kind === probe.kind);
    if (at >= 0) target.probes[at] = placed(probe, target.probes[at].port.span);
    else target.probes.push(placed(probe, anchor));
  }
  // The model keeps command and args as one list, so a patch's items join the base's rather than
  // replace one of the two: a listening flag the build drops may still count, never one it adds.
  for (const arg of patch.argv) if (!target.argv.some((candidate) => candidate.value === arg.value)) target.argv.push(placed(arg, anchor));
}

function mergeContainerPort(ports: ContainerPort[], port: ContainerPort, anchor: Span): void {
  const number = port.containerPort?.kind === 'number' ? port.containerPort.number : undefined;
  const existing =
    number !== undefined
      ? ports.find((candidate) => candidate.containerPort?.kind === 'number' && candidate.containerPort.number === number && (port.protocolSpan === undefined || candidate.protocol === port.protocol))
      : port.containerPort === undefined && port.name
        ? ports.find((candidate) => candidate.name?.value === port.name!.value)
        : undefined;
  if (!existing) {
    ports.push(placed(port, anchor));
    return;
  }
  const here = existing.containerPort?.span ?? existing.span;
  if (port.name) existing.name = { value: port.name.value, span: existing.name?.span ?? here };
  if (port.containerPort && !existing.containerPort) existing.containerPort = placed(port.containerPort, here);
  if (port.protocolSpan) {
    existing.protocol = port.protocol;
    existing.protocolSpan = existing.protocolSpan ?? here;
  }
  if (port.hostPort) existing.hostPort = placed(port.hostPort, existing.hostPort?.span ?? here);
}

function mergeServicePort(ports: ServicePort[], port: ServicePort, anchor: Span): void {
  const number = port.port?.kind === 'number' ? port.port.number : undefined;
  const existing =
    number !== undefined
      ? ports.find((candidate) => candidate.port?.kind === 'number' && candidate.port.number === number && (port.protocolSpan === undefined || candidate.protocol === port.protocol))
      : port.name
        ? ports.find((candidate) => candidate.name?.value === port.name!.value)
        : undefined;
  if (!existing) {
    ports.push({ ...placed(port, anchor), index: ports.length });
    return;
  }
  const here = existing.port?.span ?? existing.span;
  if (port.name) existing.name = { value: port.name.value, span: existing.name?.span ?? here };
  if (port.port && !existing.port) existing.port = placed(port.port, here);
  if (port.targetPort) existing.targetPort = placed(port.targetPort, existing.targetPort?.span ?? here);
  if (port.nodePort) existing.nodePort = placed(port.nodePort, existing.nodePort?.span ?? here);
  if (port.protocolSpan) {
    existing.protocol = port.protocol;
    existing.protocolSpan = existing.protocolSpan ?? here;
  }
}

// ---------------------------------------------------------------------------------------------
// JSON6902

/** Applies JSON6902 operations to the fields the model reads; one it cannot follow makes the resource's values unknown. */
function applyOperations(resource: Resource, operations: JsonPatchOperation[]): void {
  for (const operation of operations) {
    if (operation.op === 'test') continue;
    if (!applyOperation(resource, operation) && touchesPorts(operation.path)) resource.templated = true;
  }
}

/** Paths whose change could change a port link. */
function touchesPorts(path: string[]): boolean {
  return path.some((token) => /port|containers|env|args|command|selector|labels|rules|backend|listeners|data/i.test(token));
}

function applyOperation(resource: Resource, operation: JsonPatchOperation): boolean {
  const { op, path, value } = operation;
  if (op !== 'add' && op !== 'replace' && op !== 'remove') return false;
  const anchor = resource.name?.span ?? resource.kindSpan;
  const remove = op === 'remove';
  if (path[0] === 'metadata' && path[1] === 'labels') return setLabels(resource.labels, path.slice(2), value, remove, (labels) => (resource.labels = labels));
  const config = resource.config;
  if (config && (path[0] === 'data' || path[0] === 'stringData') && path.length === 2) {
    const key = path[1];
    const existing = config.entries.get(key);
    const entries = new Map(config.entries);
    if (remove) entries.delete(key);
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      const text = config.source === 'secret' && path[0] === 'data' ? decodeBase64Text(String(value)) : String(value);
      entries.set(key, { key: { value: key, span: existing?.key.span ?? anchor }, value: text, valueSpan: existing?.valueSpan ?? anchor });
    } else return false;
    config.entries = entries;
    return true;
  }
  const workload = resource.workload;
  if (workload) {
    const at = path.findIndex((token, index) => (token === 'containers' || token === 'initContainers') && path[index - 1] === 'spec');
    if (at >= 0) return applyContainerOperation(workload.containers, path[at] === 'containers', path.slice(at + 1), op, value, anchor);
    const labelsAt = path.findIndex((token, index) => token === 'labels' && path[index - 1] === 'metadata' && path[index - 2] === 'template');
    if (labelsAt >= 0) return setLabels(workload.podLabels, path.slice(labelsAt + 1), value, remove, (labels) => (workload.podLabels = labels));
    const selector = workload.selector;
    if (path[0] === 'spec' && path[1] === 'selector' && path[2] === 'matchLabels' && selector) return setLabels(selector.matchLabels, path.slice(3), value, remove, (labels) => (selector.matchLabels = labels));
    return false;
  }
  const service = resource.service;
  if (service && path[0] === 'spec') {
    if (path[1] === 'ports') {
      const rest = path.slice(2);
      const result = applyListOperation(service.ports, rest, op, value, servicePortsFromValue, anchor, SERVICE_PORT_FIELDS);
      service.ports.forEach((port, index) => (port.index = index));
      return result;
    }
    if (path[1] === 'type' && path.length === 2 && typeof value === 'string' && !remove) {
      service.type = value;
      service.typeSpan = service.typeSpan ?? anchor;
      return true;
    }
    const selector = service.selector;
    if (path[1] === 'selector' && selector) return setLabels(selector.matchLabels, path.slice(2), value, remove, (labels) => (selector.matchLabels = labels));
  }
  return false;
}

type PortField = 'containerPort' | 'hostPort' | 'port' | 'targetPort' | 'nodePort';
const CONTAINER_PORT_FIELDS: readonly string[] = ['containerPort', 'hostPort', 'name', 'protocol'];
const SERVICE_PORT_FIELDS: readonly string[] = ['port', 'targetPort', 'nodePort', 'name', 'protocol'];

/** Applies a JSON patch operation to a label map (or one label of it) through `assign`; false where portchain cannot apply it. */
function setLabels(current: ReadonlyMap<string, string>, rest: string[], value: unknown, remove: boolean, assign: (labels: ReadonlyMap<string, string>) => void): boolean {
  if (rest.length === 0) {
    if (remove) assign(new Map());
    else if (value && typeof value === 'object' && !Array.isArray(value)) assign(new Map(Object.entries(value).map(([key, entry]) => [key, String(entry)])));
    else return false;
    return true;
  }
  if (rest.length !== 1) return false;
  const labels = new Map(current);
  if (remove) labels.delete(rest[0]);
  else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') labels.set(rest[0], String(value));
  else return false;
  assign(labels);
  return true;
}

/**
 * add/replace/remove on a list the model reads (ports, env, containers), addressed as the list,
 * an item (`-` appends), or a field of an item.
 */
function applyListOperation<T extends { span: Span }>(
  list: T[],
  rest: string[],
  op: string,
  value: unknown,
  read: (value: unknown) => T[],
  anchor: Span,
  fields: readonly string[],
): boolean {
  if (rest.length === 0) {
    if (op === 'remove') list.length = 0;
    else {
      const items = read(value);
      if (items.length === 0 && !(Array.isArray(value) && value.length === 0)) return false;
      list.splice(0, list.length, ...items.map((item) => placed(item, anchor)));
    }
    return true;
  }
  const index = rest[0] === '-' ? list.length : /^\d+$/.test(rest[0]) ? Number(rest[0]) : undefined;
  if (index === undefined || index > list.length) return false;
  if (rest.length === 1) {
    if (op === 'remove') {
      if (index >= list.length) return false;
      list.splice(index, 1);
      return true;
    }
    const [item] = read(value);
    if (!item) return false;
    const here = list[index]?.span ?? anchor;
    if (op === 'add') list.splice(index, 0, placed(item, here));
    else if (index < list.length) list[index] = placed(item, here);
    else return false;
    return true;
  }
  const existing = list[index];
  if (rest.length !== 2 || !existing || !fields.includes(rest[1])) return false;
  const field = rest[1];
  const record = existing as unknown as Record<string, unknown>;
  const here = spanOf(record[field]) ?? existing.span;
  if (op === 'remove') {
    if (field === 'protocol') {
      record.protocol = 'TCP';
      record.protocolSpan = undefined;
    } else record[field] = undefined;
    return true;
  }
  if (field === 'name' || field === 'protocol') {
    if (typeof value !== 'string') return false;
    if (field === 'name') record.name = { value, span: here };
    else {
      record.protocol = value;
      record.protocolSpan = here;
    }
    return true;
  }
  const port = portFromValue(value);
  if (!port) return false;
  // A field Kubernetes types as an integer reads a string as a placeholder, as the model does.
  const integerOnly = (field as PortField) !== 'targetPort';
  record[field] = placed(integerOnly && port.kind === 'name' ? { kind: 'unknown', text: port.name, span: port.span } : port, here);
  return true;
}

function spanOf(value: unknown): Span | undefined {
  if (value && typeof value === 'object' && 'span' in value && isSpan((value as { span: unknown }).span)) return (value as { span: Span }).span;
  return undefined;
}

function applyContainerOperation(containers: Container[], regular: boolean, rest: string[], op: string, value: unknown, anchor: Span): boolean {
  // `containers/1` counts regular containers only; `initContainers/0` counts the others.
  const group = containers.filter((container) => (container.role === 'container') === regular);
  const read = (data: unknown): Container[] => {
    const container = containerFromValue(data);
    if (!container) return [];
    const restartPolicy = data && typeof data === 'object' ? (data as Record<string, unknown>).restartPolicy : undefined;
    container.role = regular ? 'container' : restartPolicy === 'Always' ? 'sidecar' : 'init';
    return [container];
  };
  if (rest.length <= 1) {
    const changed = applyListOperation(group, rest, op, value, read, anchor, []);
    if (changed) containers.splice(0, containers.length, ...(regular ? [...group, ...containers.filter((c) => c.role !== 'container')] : [...containers.filter((c) => c.role === 'container'), ...group]));
    return changed;
  }
  const index = /^\d+$/.test(rest[0]) ? Number(rest[0]) : undefined;
  const container = index === undefined ? undefined : group[index];
  if (!container) return false;
  const here = container.name?.span ?? container.span;
  const field = rest[1];
  const tail = rest.slice(2);
  if (field === 'ports') return applyListOperation(container.ports, tail, op, value, containerPortsFromValue, here, CONTAINER_PORT_FIELDS);
  if (field === 'env') {
    if (tail.length === 2 && tail[1] === 'value' && /^\d+$/.test(tail[0])) {
      const env = container.env[Number(tail[0])];
      if (!env || op === 'remove' || (typeof value !== 'string' && typeof value !== 'number')) return false;
      env.value = { value: String(value), span: env.value?.span ?? env.span };
      env.valueUnknown = String(value).includes('$(');
      env.configMapKeyRef = undefined;
      env.secretKeyRef = undefined;
      return true;
    }
    return applyListOperation(container.env, tail, op, value, envFromValue, here, []);
  }
  if (field === 'args' || field === 'command') {
    // As with strategic merges, items join the list rather than replace it (command and args are one list here).
    if (op === 'remove') return tail.length > 0;
    for (const arg of argvFromValue(value)) if (!container.argv.some((candidate) => candidate.value === arg.value)) container.argv.push(placed(arg, here));
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Namespace, names, references, labels

/** Kinds that live outside namespaces, which the namespace transformer leaves alone. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'APIService', 'PriorityClass', 'RuntimeClass', 'IngressClass', 'GatewayClass', 'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration', 'ClusterIssuer', 'CSIDriver', 'VolumeAttachment',
]);

function setNamespace(items: Item[], namespace: string): void {
  for (const item of items) {
    const resource = item.resource;
    if (CLUSTER_SCOPED.has(resource.kind)) continue;
    resource.namespace = { value: namespace, span: resource.namespace?.span ?? resource.name?.span ?? resource.kindSpan };
    if (item.namespaces[item.namespaces.length - 1] !== namespace) item.namespaces.push(namespace);
  }
}

function rename(items: Item[], prefix: string, suffix: string): void {
  for (const item of items) {
    const resource = item.resource;
    // A workload written inside another resource (a ClusterServiceVersion's Deployment) is no object
    // of the build: kustomize renames the resource that holds it, not it.
    if (!resource.name || resource.kind === 'Namespace' || resource.kind === 'CustomResourceDefinition' || resource.embeddedIn) continue;
    const name = `${prefix}${resource.name.value}${suffix}`;
    resource.name = { value: name, span: resource.name.span };
    item.names.push(name);
  }
}

/** The kinds references point at, by what refers to them. */
type ReferredKind = 'Service' | 'ConfigMap' | 'Secret';

/**
 * Renames references the way kustomize's name reference transformer does (backends, env and
 * envFrom, volumes, a StatefulSet's serviceName): a reference to a name
 * that a resource of the build had before it was renamed now uses its new name. Names of
 * resources outside the build stay as written.
 */
function fixReferences(items: Item[]): void {
  const renamed = new Map<ReferredKind, Map<string, string>>();
  const current = new Map<ReferredKind, Set<string>>();
  for (const item of items) {
    const kind = item.resource.kind;
    if ((kind !== 'Service' && kind !== 'ConfigMap' && kind !== 'Secret') || item.names.length === 0) continue;
    let names = current.get(kind);
    if (!names) current.set(kind, (names = new Set()));
    names.add(item.names[item.names.length - 1]);
  }
  for (const item of items) {
    const kind = item.resource.kind as ReferredKind;
    const names = current.get(kind);
    if (!names || item.names.length < 2) continue;
    let map = renamed.get(kind);
    if (!map) renamed.set(kind, (map = new Map()));
    const now = item.names[item.names.length - 1];
    for (const old of item.names.slice(0, -1)) if (!names.has(old)) map.set(old, now);
  }
  if (renamed.size === 0) return;
  const newName = (reference: NameReference) => renamed.get(reference.kind)?.get(reference.name.value);
  for (const item of items) {
    let found = false;
    for (const reference of nameReferences(item.resource)) if (newName(reference) !== undefined) found = true;
    if (!found) continue;
    for (const reference of nameReferences(editable(item))) {
      const now = newName(reference);
      if (now !== undefined) reference.replace({ value: now, span: reference.name.span });
    }
  }
}

interface NameReference {
  kind: ReferredKind;
  name: { value: string; span: Span };
  replace(name: { value: string; span: Span }): void;
}

/** The names a resource refers to that kustomize renames with their targets: backends, a StatefulSet's serviceName, env and envFrom, volumes. */
function* nameReferences(resource: Resource): IterableIterator<NameReference> {
  for (const backend of [...(resource.ingress?.backends ?? []), ...(resource.route?.backends ?? [])]) {
    if (!backend.namespace) yield { kind: 'Service', name: backend.serviceName, replace: (name) => (backend.serviceName = name) };
  }
  const workload = resource.workload;
  if (!workload) return;
  const serviceName = workload.serviceName;
  if (serviceName) yield { kind: 'Service', name: serviceName, replace: (name) => (workload.serviceName = name) };
  for (const container of workload.containers) {
    for (const env of container.env) {
      const configMapRef = env.configMapKeyRef;
      if (configMapRef) yield { kind: 'ConfigMap', name: configMapRef.name, replace: (name) => (configMapRef.name = name) };
      const secretRef = env.secretKeyRef;
      if (secretRef) yield { kind: 'Secret', name: secretRef.name, replace: (name) => (secretRef.name = name) };
    }
    for (const from of container.envFrom) yield { kind: from.source === 'configMap' ? 'ConfigMap' : 'Secret', name: from.name, replace: (name) => (from.name = name) };
  }
  for (const volume of workload.configVolumes ?? []) yield { kind: volume.source === 'configMap' ? 'ConfigMap' : 'Secret', name: volume.name, replace: (name) => (volume.name = name) };
}

/** Kinds whose pod template labels (and, for controllers, selectors) kustomize's label fields reach. */
const TEMPLATE_KINDS = new Set(['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'ReplicationController', 'Job', 'CronJob']);
const SELECTOR_KINDS = new Set(['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'ReplicationController']);

/**
 * Adds labels as kustomize does: to every resource's labels, to pod templates where asked, and to
 * selectors where asked (a Service without a selector keeps none; a controller without one gets one).
 */
function addLabels(items: Item[], pairs: ReadonlyMap<string, string>, selectors: boolean, templates: boolean): void {
  if (pairs.size === 0) return;
  for (const item of items) {
    const resource = editable(item);
    resource.labels = merged(resource.labels, pairs);
    const workload = resource.workload;
    if (workload) {
      if (resource.kind === 'Pod' || (templates && TEMPLATE_KINDS.has(resource.kind))) workload.podLabels = merged(workload.podLabels, pairs);
      if (selectors && SELECTOR_KINDS.has(resource.kind)) {
        // kustomize creates the selector where the object has none.
        if (workload.selector) workload.selector.matchLabels = merged(workload.selector.matchLabels, pairs);
        else workload.selector = { matchLabels: new Map(pairs), matchExpressions: [], span: workload.podLabelsSpan ?? resource.kindSpan, incomplete: false };
      }
    }
    if (!selectors) continue;
    if (resource.service?.selector) resource.service.selector.matchLabels = merged(resource.service.selector.matchLabels, pairs);
    const policySelector = resource.networkPolicy?.podSelector;
    if (policySelector && policySelector.matchLabels.size > 0) policySelector.matchLabels = merged(policySelector.matchLabels, pairs);
  }
}
