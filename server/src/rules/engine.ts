// The incremental rule engine: findings are kept per checked resource (the subject), with the
// facts each check read. An edit re-checks the resources of the edited files and the subjects
// that read a fact those files provide or provided; everything else keeps its findings. Cost
// follows the edit, not the workspace.
//
// **Architecture invariant:** an incremental run gives exactly the findings of a full run on the
// same files (test/property/incremental.test.ts checks it on random edit sequences).

import { buildLabel } from '../graph/kustomize';
import { PortGraph } from '../graph/portGraph';
import { ValuesByKey } from '../graph/valuesByKey';
import { isDisabled, positionAt } from '../model/text';
import type { Resource } from '../model/types';
import { ruleMeta, type Severity } from './ruleIds';
import type { Finding, RuleContext, RuleFamily, RuleOptions } from './types';

/** What one check of a subject found and read, kept until an edit changes a fact it read. */
interface SubjectEntry {
  findings: Finding[];
  deps: readonly string[];
}

/** A subject's check while it runs. */
interface SubjectCheck {
  findings: Finding[];
  deps: Set<string>;
}

/** A file's resources before an edit, for working out what the edit may have changed. */
export interface FileChange {
  uri: string;
  before: readonly Resource[];
}

export class RuleEngine {
  private readonly subjects = new Map<string, SubjectEntry>();
  /** Fact key → the subjects whose check read it. */
  private readonly dependents = new ValuesByKey<string>();
  /** URI → the subjects with findings in that file. */
  private readonly subjectsByUri = new Map<string, Set<string>>();
  private globalByUri = new Map<string, Finding[]>();
  private readonly byUri = new Map<string, Finding[]>();

  constructor(
    private readonly graph: PortGraph,
    private readonly options: RuleOptions,
    private readonly where: (uri: string) => string,
    /** Families that check one resource at a time through `context.subjects()`. */
    private readonly subjectFamilies: readonly RuleFamily[],
    /** Families that must see the whole workspace at once (node ports are cluster-wide). */
    private readonly globalFamilies: readonly RuleFamily[],
  ) {}

  /** Findings by file URI (files without findings are absent). */
  get findingsByUri(): ReadonlyMap<string, Finding[]> {
    return this.byUri;
  }

  /** Checks every resource; returns every URI whose findings may have changed. */
  runAll(): Set<string> {
    const steps = this.runAllInSteps(Infinity);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /**
   * `runAll` in steps, pausing after each: the cluster-wide families first, then a slice of
   * `sliceSize` resources at a time. Every subject's check stands alone, so the steps give
   * runAll's findings. The graph must not change until the generator is done (Project sees to it).
   */
  *runAllInSteps(sliceSize: number): Generator<void, Set<string>, void> {
    const dirtyUris = new Set<string>([...this.byUri.keys()]);
    for (const id of [...this.subjects.keys()]) this.drop(id, dirtyUris);
    const resources = [...this.graph.resources()];
    if (resources.length <= sliceSize) {
      this.check(resources, true, dirtyUris);
    } else {
      this.check([], true, dirtyUris);
      for (let at = 0; at < resources.length; at += sliceSize) {
        yield;
        this.check(resources.slice(at, at + sliceSize), false, dirtyUris);
      }
    }
    this.assemble(dirtyUris);
    return dirtyUris;
  }

  /** Re-checks what some file changes may have changed; returns the URIs whose findings may differ. */
  update(changes: readonly FileChange[]): Set<string> {
    const dirtyUris = new Set<string>();
    const facts = new Set<string>();
    const toCheck = new Map<string, Resource>();
    let servicesChanged = false;
    for (const change of changes) {
      facts.add(`file:${change.uri}`);
      for (const resource of change.before) {
        PortGraph.providedKeys(resource, facts);
        if (mattersClusterWide(resource)) servicesChanged = true;
        this.drop(resource.id, dirtyUris);
      }
      for (const resource of this.graph.resourcesOf(change.uri)) {
        PortGraph.providedKeys(resource, facts);
        if (mattersClusterWide(resource)) servicesChanged = true;
        toCheck.set(resource.id, resource);
      }
    }
    for (const fact of facts) {
      for (const id of this.dependents.get(fact)) {
        if (toCheck.has(id)) continue;
        const resource = this.resourceById(id);
        if (resource) toCheck.set(id, resource);
        else this.drop(id, dirtyUris);
      }
    }
    this.check([...toCheck.values()], servicesChanged, dirtyUris);
    this.assemble(dirtyUris);
    return dirtyUris;
  }

  private check(subjects: Resource[], includeGlobal: boolean, dirtyUris: Set<string>): void {
    const graph = this.graph;
    const options = this.options;
    const entries = new Map<string, SubjectCheck>();
    let current: SubjectCheck | undefined;
    let currentSubject: Resource | undefined;
    /** The other copies of the current subject (graph.copiesOf), named by its findings. */
    let currentCopies: readonly Resource[] | undefined;
    const where = this.where;
    /** Where reports outside any subject go: the global families' findings, while they run. */
    let globalFindings: Finding[] | undefined;
    let inGlobal = false;
    const seen = new Set<string>();
    const context: RuleContext = {
      graph,
      options,
      where: this.where,
      *subjects() {
        try {
          for (const subject of subjects) {
            current = entries.get(subject.id);
            if (!current) entries.set(subject.id, (current = { findings: [], deps: new Set() }));
            const deps = current.deps;
            graph.recorder = (key) => deps.add(key);
            // A copy of a definition in another file (a rendered bundle) is one defect with it:
            // the first copy reports, naming the others.
            const copies = graph.copiesOf(subject);
            if (copies.reporter !== subject) continue;
            currentCopies = copies.repeats.length > 0 ? copies.repeats : undefined;
            currentSubject = subject;
            yield subject;
          }
        } finally {
          current = undefined;
          currentSubject = undefined;
          currentCopies = undefined;
          graph.recorder = undefined;
        }
      },
      report(partial) {
        const meta = ruleMeta(partial.rule);
        const setting = options.severities[partial.rule];
        if (!meta || setting === 'off') return;
        const file = graph.file(partial.uri);
        if (file && isDisabled(file.disabled, partial.rule, positionAt(file.lineStarts, partial.span.start).line)) return;
        const finding: Finding = { related: [], fixes: [], ...partial, severity: (setting ?? meta.severity) as Severity };
        // A kustomize build's copy: say which build where the file is in several, and offer no
        // edits where the build renames or patches, since the file's text is not what it applies.
        const variant = current ? currentSubject?.variant : undefined;
        if (variant) {
          if (variant.builds > 1) finding.overlays = [buildLabel(variant.kustomization, where)];
          if (variant.rewritten) finding.fixes = [];
        }
        // The global families have no subject: the resource the finding sits in speaks for its copies.
        const copies = current ? (currentSubject && finding.uri === currentSubject.uri ? currentCopies : undefined) : inGlobal ? repeatsAt(graph, finding) : undefined;
        if (copies && copies.length > 0) {
          const places = [...new Set(copies.map((copy) => where(copy.uri)))];
          finding.message += ` (repeated in ${places.slice(0, 3).join(', ')}${places.length > 3 ? ` and ${places.length - 3} more` : ''})`;
          finding.related = [...finding.related, ...copies.slice(0, 20).map((copy) => ({ uri: copy.uri, span: copy.name?.span ?? copy.kindSpan, message: `the same ${copy.kind} ${copy.name?.value ?? ''}`.trimEnd() + ', repeated here' }))];
        }
        if (current) current.findings.push(finding);
        else if (inGlobal && globalFindings) {
          const key = findingKey(finding);
          if (seen.has(key)) return;
          seen.add(key);
          globalFindings.push(finding);
        } else {
          // A per-resource family reported outside its subjects: the finding has no owner to update it.
          console.error(`portchain: ${partial.rule} reported outside context.subjects(); the finding is dropped`);
        }
      },
    };
    const run = (family: RuleFamily) => {
      try {
        family(context);
      } catch (error) {
        // A rule bug must not take the other rules' findings with it; it is a bug to fix, so say so.
        console.error(`portchain: a rule failed: ${(error as Error)?.stack ?? String(error)}`);
      } finally {
        current = undefined;
        currentSubject = undefined;
        graph.recorder = undefined;
      }
    };
    for (const family of this.subjectFamilies) run(family);
    if (includeGlobal) {
      globalFindings = [];
      inGlobal = true;
      for (const family of this.globalFamilies) run(family);
      inGlobal = false;
    }
    for (const [id, entry] of entries) this.store(id, entry, dirtyUris);
    if (globalFindings) {
      for (const uri of this.globalByUri.keys()) dirtyUris.add(uri);
      this.globalByUri = groupByUri(globalFindings);
      for (const uri of this.globalByUri.keys()) dirtyUris.add(uri);
    }
  }

  private store(id: string, entry: SubjectCheck, dirtyUris: Set<string>): void {
    this.drop(id, dirtyUris);
    const deps = [...entry.deps];
    if (entry.findings.length === 0 && deps.length === 0) return;
    this.subjects.set(id, { findings: entry.findings, deps });
    for (const dep of deps) this.dependents.add(dep, id);
    for (const finding of entry.findings) {
      let set = this.subjectsByUri.get(finding.uri);
      if (!set) this.subjectsByUri.set(finding.uri, (set = new Set()));
      set.add(id);
      dirtyUris.add(finding.uri);
    }
  }

  private drop(id: string, dirtyUris: Set<string>): void {
    const entry = this.subjects.get(id);
    if (!entry) return;
    this.subjects.delete(id);
    for (const dep of entry.deps) this.dependents.remove(dep, id);
    for (const finding of entry.findings) {
      const set = this.subjectsByUri.get(finding.uri);
      set?.delete(id);
      if (set?.size === 0) this.subjectsByUri.delete(finding.uri);
      dirtyUris.add(finding.uri);
    }
  }

  /**
   * Rebuilds the finding lists of the given files from the subjects' and the global findings. One
   * place has one finding per rule: the copies a base's overlays make of a resource, and the
   * alternatives that all break one link, report at the same place, and become one finding that
   * names the overlays it concerns.
   */
  private assemble(uris: Set<string>): void {
    for (const uri of uris) {
      const atPlace = new Map<string, Finding[]>();
      const add = (finding: Finding) => {
        const key = placeKey(finding);
        const group = atPlace.get(key);
        if (group) group.push(finding);
        else atPlace.set(key, [finding]);
      };
      for (const id of this.subjectsByUri.get(uri) ?? []) {
        for (const finding of this.subjects.get(id)!.findings) if (finding.uri === uri) add(finding);
      }
      for (const finding of this.globalByUri.get(uri) ?? []) add(finding);
      if (atPlace.size === 0) this.byUri.delete(uri);
      else this.byUri.set(uri, [...atPlace.values()].map(mergeAtPlace).sort(compareFindings));
    }
  }

  private resourceById(id: string): Resource | undefined {
    // A kustomize copy's id is its resource's id and `@` its build; the '#' is the resource's.
    const hash = id.lastIndexOf('#');
    return this.graph.resourcesOf(id.slice(0, hash)).find((resource) => resource.id === id);
  }
}

/**
 * Whether a resource can change what the cluster-wide families find: a Service that is not a
 * plain ClusterIP Service, or that sets a nodePort or a traffic policy. Any other edit leaves
 * their findings as they are, so they are not run again.
 */
function mattersClusterWide(resource: Resource): boolean {
  const service = resource.service;
  if (!service) return false;
  return (
    service.type !== 'ClusterIP' ||
    service.externalTrafficPolicy !== undefined ||
    service.healthCheckNodePort !== undefined ||
    service.ports.some((port) => port.nodePort !== undefined) ||
    [...resource.annotations.keys()].some((key) => key.includes('external-traffic'))
  );
}

/** The repeats of the resource a finding sits in (PortGraph.copiesOf), for findings made without a subject. */
function repeatsAt(graph: PortGraph, finding: Finding): readonly Resource[] | undefined {
  const resource = graph.resourcesOf(finding.uri).find((candidate) => candidate.span.start <= finding.span.start && finding.span.end <= candidate.span.end);
  return resource ? graph.copiesOf(resource).repeats : undefined;
}

/** Rule and place: what makes two findings one. */
function placeKey(finding: Finding): string {
  return `${finding.rule}\u0000${finding.uri}\u0000${finding.span.start}\u0000${finding.span.end}`;
}

/**
 * One finding for the findings of one rule at one place: the first in message order speaks,
 * with every overlay they concern named after it, every related place, and the first fixes any
 * of them offers. The merged finding is a new object; the subjects keep theirs.
 */
function mergeAtPlace(group: Finding[]): Finding {
  if (group.length === 1 && !group[0].overlays) return group[0];
  const sorted = [...group].sort(compareFindings);
  const first = sorted[0];
  const overlays = [...new Set(sorted.flatMap((finding) => finding.overlays ?? []))].sort();
  const related: Finding['related'] = [];
  const seen = new Set<string>();
  for (const finding of sorted) {
    for (const item of finding.related) {
      const key = `${item.uri}\u0000${item.span.start}\u0000${item.span.end}\u0000${item.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      related.push(item);
    }
  }
  const fixes = sorted.find((finding) => finding.fixes.length > 0)?.fixes ?? [];
  const merged: Finding = { rule: first.rule, severity: first.severity, uri: first.uri, span: first.span, message: first.message + overlaySuffix(overlays), related, fixes };
  return merged;
}

/** ` (in overlay prod)`, ` (in overlays prod and staging)`: which builds a finding about a shared base is about. */
function overlaySuffix(overlays: string[]): string {
  if (overlays.length === 0) return '';
  if (overlays.length === 1) return ` (in overlay ${overlays[0]})`;
  return ` (in overlays ${overlays.slice(0, -1).join(', ')} and ${overlays[overlays.length - 1]})`;
}

function findingKey(finding: Finding): string {
  return `${finding.rule}\u0000${finding.uri}\u0000${finding.span.start}\u0000${finding.span.end}\u0000${finding.message}`;
}

/** File order, then position, rule and message: the same order however the findings were found. */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.uri !== b.uri) return a.uri < b.uri ? -1 : 1;
  return a.span.start - b.span.start || a.span.end - b.span.end || a.rule.localeCompare(b.rule) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}

function groupByUri(findings: Finding[]): Map<string, Finding[]> {
  const byUri = new Map<string, Finding[]>();
  for (const finding of findings) {
    const list = byUri.get(finding.uri);
    if (list) list.push(finding);
    else byUri.set(finding.uri, [finding]);
  }
  return byUri;
}
