// Where each kind keeps its pod template: the one table of workload kinds. A kind whose pods the
// model reads is a workload like a Deployment, whatever resource it is written inside: adding a
// kind is adding one line here.
//
// **Architecture invariant:** this file is data about Kubernetes and its well-known add-ons; the
// reading itself is model/resources.ts.

/** A path of map keys from an object (or a list item) to a node. */
export type Path = readonly string[];

/** How one kind holds one pod template, paths from the object itself. */
export interface PodTemplateRow {
  /** The pod template (`metadata` and `spec` of the pods); null where the object is the pod. */
  template: Path | null;
  /** `selector` of the controller; undefined where the pods are selected by the controller alone. */
  selector?: Path;
  /** The selector is a plain label map (ReplicationController, DeploymentConfig), not a LabelSelector. */
  mapSelector?: boolean;
  /** `replicas`, where the kind has it. */
  replicas?: Path;
  /** `manualSelector` of a Job. */
  manualSelector?: Path;
  /** `serviceName` of a StatefulSet. */
  serviceName?: Path;
  /** `ordinals.start` of a StatefulSet. */
  ordinalsStart?: Path;
  /** API groups the kind belongs to; undefined for any group (a kind name no add-on reuses). */
  groups?: readonly string[];
  /** The port the platform sends traffic to where the container declares none (Knative's queue-proxy: 8080). */
  defaultPort?: number;
  /** Labels the platform gives every pod beside the template's, by key; `{name}` is the object's name (Knative's `serving.knative.dev/service`). */
  platformLabels?: Readonly<Record<string, string>>;
}

const controller = (template: Path, base: Path = ['spec']): PodTemplateRow => ({ template, selector: [...base, 'selector'], replicas: [...base, 'replicas'] });

/** Kinds that are workloads themselves, by kind. Several rows of one kind differ by group. */
export const POD_TEMPLATE_KINDS: Readonly<Record<string, readonly PodTemplateRow[]>> = {
  Pod: [{ template: null }],
  Deployment: [controller(['spec', 'template'])],
  // OpenKruise's Advanced StatefulSet (apps.kruise.io) keeps the same fields.
  StatefulSet: [{ ...controller(['spec', 'template']), serviceName: ['spec', 'serviceName'], ordinalsStart: ['spec', 'ordinals', 'start'] }],
  DaemonSet: [controller(['spec', 'template'])],
  ReplicaSet: [controller(['spec', 'template'])],
  ReplicationController: [{ ...controller(['spec', 'template']), mapSelector: true }],
  Job: [{ template: ['spec', 'template'], selector: ['spec', 'selector'], manualSelector: ['spec', 'manualSelector'] }],
  CronJob: [{ template: ['spec', 'jobTemplate', 'spec', 'template'], selector: ['spec', 'jobTemplate', 'spec', 'selector'], manualSelector: ['spec', 'jobTemplate', 'spec', 'manualSelector'] }],
  // Argo Rollouts replace Deployments in many GitOps repositories and keep the same template.
  Rollout: [controller(['spec', 'template'])],
  // OpenShift's DeploymentConfig (apps.openshift.io) is a controller with a plain-map selector.
  DeploymentConfig: [{ ...controller(['spec', 'template']), mapSelector: true }],
  // OpenKruise's CloneSet is a Deployment with in-place updates.
  CloneSet: [{ ...controller(['spec', 'template']), groups: ['apps.kruise.io'] }],
  // KEDA's ScaledJob runs Jobs from a JobSpec of its own.
  ScaledJob: [{ template: ['spec', 'jobTargetRef', 'template'], selector: ['spec', 'jobTargetRef', 'selector'], manualSelector: ['spec', 'jobTargetRef', 'manualSelector'], groups: ['keda.sh'] }],
  // Knative Serving runs one container per revision; its queue-proxy sends traffic to the
  // container's one port, 8080 where none is declared.
  Service: [{ template: ['spec', 'template'], groups: ['serving.knative.dev'], defaultPort: 8080, platformLabels: { 'serving.knative.dev/service': '{name}', 'serving.knative.dev/configuration': '{name}' } }],
  Configuration: [{ template: ['spec', 'template'], groups: ['serving.knative.dev'], defaultPort: 8080, platformLabels: { 'serving.knative.dev/configuration': '{name}' } }],
};

/** The row for a kind of an API group, or undefined where that kind of that group runs no pod template the model reads. */
export function podTemplateRowOf(kind: string, group: string): PodTemplateRow | undefined {
  const rows = POD_TEMPLATE_KINDS[kind];
  if (!rows) return undefined;
  return rows.find((row) => (row.groups === undefined ? true : row.groups.includes(group)));
}

/**
 * Kinds that hold a list of workloads, each a workload of its own: an OLM bundle's
 * ClusterServiceVersion carries the operator's Deployments. The embedded workload takes the kind
 * and API version of what the list item becomes, its name from `name` in the item.
 */
export interface EmbeddedListRow {
  groups: readonly string[];
  /** The list, from the object. */
  list: Path;
  /** The item's name, from the item. */
  name: Path;
  /** Labels the item gives the workload object itself, from the item. */
  labels?: Path;
  /** What each item becomes. */
  becomes: { kind: string; apiVersion: string };
  /**
   * The workloads go to the namespace the bundle is installed in, whatever the object's own
   * `metadata.namespace` says (OLM bundles write `placeholder` there): like a manifest without one.
   */
  installNamespace?: boolean;
  /** The item's pod template, paths from the item. */
  row: PodTemplateRow;
}

export const EMBEDDED_LIST_KINDS: Readonly<Record<string, EmbeddedListRow>> = {
  ClusterServiceVersion: {
    groups: ['operators.coreos.com'],
    list: ['spec', 'install', 'spec', 'deployments'],
    name: ['name'],
    labels: ['label'],
    becomes: { kind: 'Deployment', apiVersion: 'apps/v1' },
    installNamespace: true,
    row: controller(['spec', 'template']),
  },
};

/**
 * Argo Workflows kinds: each entry of `templates` that runs a container (`container`, `script`,
 * `containerSet`) is a pod of its own, with the workflow's `podMetadata` labels and its own.
 */
export const WORKFLOW_KINDS: Readonly<Record<string, { groups: readonly string[]; spec: Path }>> = {
  Workflow: { groups: ['argoproj.io'], spec: ['spec'] },
  WorkflowTemplate: { groups: ['argoproj.io'], spec: ['spec'] },
  ClusterWorkflowTemplate: { groups: ['argoproj.io'], spec: ['spec'] },
  CronWorkflow: { groups: ['argoproj.io'], spec: ['spec', 'workflowSpec'] },
};

/** Whether the model reads every pod a resource of this kind and group runs (so it makes no pods the workspace does not show). */
export function podsAreRead(kind: string, group: string): boolean {
  if (podTemplateRowOf(kind, group)) return true;
  return EMBEDDED_LIST_KINDS[kind]?.groups.includes(group) === true || WORKFLOW_KINDS[kind]?.groups.includes(group) === true;
}

/** The API group of an apiVersion: '' for the core group. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
