// The model: what one YAML file says about ports, with source ranges.
//
// **Architecture invariant:** nothing under `model/` imports from `graph/`, `rules/`, `features/`,
// `vscode` or `vscode-languageserver`, and nothing here touches the file system. The model turns
// text into plain data; it cannot fail (bad input becomes a `FileNote`).

/** A half-open range of UTF-16 offsets into a file's text (the unit LSP positions use). */
export interface Span {
  start: number;
  end: number;
}

/** A value with the place it is written. */
export interface Located<T> {
  value: T;
  span: Span;
  /** Where a template action computed it: the chart's values.yaml (or the action's `default`). */
  origin?: ValueOrigin;
}

/**
 * A port as written. A YAML integer is a number; any string is a name, as Kubernetes reads an
 * IntOrString (so `"8080"` is a name). Template actions and placeholders such as `${PORT}` are
 * unknown: the workspace cannot say what they become. An action the chart's values.yaml resolves
 * is a number or a name like any other, with its `origin`; `span` is then the action's.
 */
export type PortValue =
  | { kind: 'number'; number: number; span: Span; origin?: ValueOrigin }
  | { kind: 'name'; name: string; span: Span; origin?: ValueOrigin }
  /** `text` is the source as written (`{{ .Values.port }}`, `${PORT}`). */
  | { kind: 'unknown'; text: string; span: Span };

/**
 * Where a value that a template action computes was read from: an entry of the chart's values
 * file, or, where values.yaml leaves it empty, the `default` written in the action itself.
 */
export interface ValueOrigin {
  /** The values path, `service.port`. */
  path: string;
  /** The values file, or the template itself for a `default`. */
  uri: string;
  /** The value's scalar in that file: the values entry, or the `default` literal. */
  span: Span;
  /** True where the value is the action's `default` because values.yaml leaves it unset or empty. */
  fallback: boolean;
}

/** A template action's rendered text, worked out by the graph from the chart's values (graph/helm.ts). */
export interface TemplateSubstitution {
  /** The action's span in the template. */
  span: Span;
  /** What the action renders to: the text Helm would print. */
  text: string;
  origin: ValueOrigin;
}

/**
 * How the graph has a chart's template read (graph/helm.ts): with the values its chart's
 * values.yaml resolves, and judged part by part (`Resource.templatePartsKnown`).
 */
export interface ChartTemplate {
  substitutions: readonly TemplateSubstitution[];
}

/** A chart's values file as plain data, with where each scalar of it is written. */
export interface HelmValues {
  data: unknown;
  /** Dotted values path (`service.port`) → the span of its scalar. */
  spans: Map<string, Span>;
}

export type Protocol = 'TCP' | 'UDP' | 'SCTP' | string;

/** One YAML document's resource, or one item of a `List`. */
export interface Resource {
  /** Stable within a file version: `<uri>#<document>` or `<uri>#<document>.<item>`. */
  id: string;
  uri: string;
  apiVersion: string;
  kind: string;
  name: Located<string> | undefined;
  /** Where a template action the values do not resolve computes the name: the name as written (`{{ include "web.fullname" . }}`), for messages. */
  templatedName?: string;
  /** As written; undefined where `metadata.namespace` is absent (the namespace it is applied to). */
  namespace: Located<string> | undefined;
  labels: ReadonlyMap<string, string>;
  annotations: ReadonlyMap<string, string>;
  span: Span;
  /** The `kind:` value, where diagnostics about the whole resource go when nothing better exists. */
  kindSpan: Span;
  /**
   * True where the file holds Go template actions (Helm). Values inside actions are unknown and
   * lists may be incomplete, so rules never call a link broken on such a resource's evidence.
   */
  templated: boolean;
  /**
   * True for a chart's template (read with a ChartTemplate) whose parts the model worked out:
   * which of them unresolved actions may still change (`portsIncomplete`, `podLabelsOpen`, a
   * selector's `unreadable`, a port's `incomplete`); links judge the rest. Any other templated
   * resource (a file with actions outside a chart, a kustomize patch portchain cannot apply)
   * leaves all its values in doubt.
   */
  templatePartsKnown?: boolean;
  /** Set on the copy of a resource that one kustomize build makes (graph/kustomize.ts); absent on a file's own resources. */
  variant?: Variant;
  workload?: Workload;
  service?: ServiceSpec;
  ingress?: IngressSpec;
  route?: RouteSpec;
  gateway?: GatewaySpec;
  networkPolicy?: NetworkPolicySpec;
  config?: ConfigData;
  monitor?: MonitorSpec;
  /**
   * Where the resource is a workload written inside another resource (a ClusterServiceVersion's
   * install Deployments, an Argo Workflow's templates): that resource, and the path of the item.
   * Its spans are the item's, in the same file.
   */
  embeddedIn?: { kind: string; name: string | undefined; path: string };
  /**
   * A custom resource's scalar fields below `spec` by dotted path (`spec.service.port`), for
   * the names and ports an operator derives from it (graph/operators.ts). Only custom resources.
   */
  fields?: ReadonlyMap<string, Located<string | number>>;
  /**
   * Set on a Service an operator creates from a custom resource (graph/operators.ts): the graph
   * makes it, it is written nowhere, and its spans are the custom resource's. No rule reports on
   * it and no fix edits it.
   */
  createdBy?: { resource: Resource; operator: string };
}

/**
 * Which kustomize build a resource copy belongs to. The copy keeps its file's URI and spans, so
 * findings land in the file that was written; namespace, names, labels and patches are the build's.
 */
export interface Variant {
  /** The URI of the build's kustomization file: one that no other kustomization includes. */
  kustomization: string;
  /** How many builds include the resource this copy was made from; findings name the build where there is more than one. */
  builds: number;
  /** Every file the build read (kustomizations, resources, patches, generator inputs): a change to any of them changes the copy. */
  dependsOn: readonly string[];
  /** The build renames or patches, so the file's text is not what the build applies: edits written against the text may miss. */
  rewritten: boolean;
  /** The build names something the workspace does not hold (a remote base, a missing file, a Helm chart): a name it cannot find may be there. */
  partial: boolean;
}

export interface LabelSelector {
  matchLabels: ReadonlyMap<string, string>;
  matchExpressions: LabelExpression[];
  span: Span;
  /** True where part of the selector is a template action or otherwise unreadable. */
  incomplete: boolean;
  /**
   * True where a value is a placeholder another template syntax fills in before the object is
   * applied (`{self.path.k8s}`, `${APP}`, Jinja): nothing the workspace holds tells what it selects.
   */
  placeholder?: boolean;
  /**
   * Template includes that write labels into the selector (`include "chart.selectorLabels" .`):
   * a pod template whose labels include the same ones matches them. Values of `matchLabels` may
   * also be an action written as `{{ include "chart.name" . }}`, equal only to the same action.
   */
  includes?: string[];
  /**
   * True where part of the selector is unreadable even as a template expression (an action that
   * is no include, a templated key): a match on the rest may select pods the selector would not.
   */
  unreadable?: boolean;
}

export interface LabelExpression {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
  values: string[];
}

export interface Workload {
  /** Labels of the pod template (for a Pod, its own labels). */
  podLabels: ReadonlyMap<string, string>;
  podLabelsSpan: Span | undefined;
  /** `spec.selector` of a controller (for a CronJob, `spec.jobTemplate.spec.selector`); undefined for a Pod. */
  selector: LabelSelector | undefined;
  /** A Job's `spec.manualSelector` (a CronJob's `spec.jobTemplate.spec.manualSelector`), where it is written as a boolean. */
  manualSelector?: boolean;
  containers: Container[];
  /** The path of the pod spec, for messages: `spec.template.spec`, `spec.jobTemplate.spec.template.spec`. */
  podSpecPath: string;
  /** StatefulSet `spec.serviceName`. */
  serviceName: Located<string> | undefined;
  /** `spec.replicas` where it is a literal integer; undefined where it is absent or computed. */
  replicas?: number;
  /** True where `spec.replicas` is written but not as a literal integer (a template action, a placeholder). */
  replicasUnknown?: boolean;
  /** A StatefulSet's first ordinal (`spec.ordinals.start`) where it is written as a literal integer; its pods are numbered from it. */
  ordinalsStart?: number;
  /** `hostNetwork: true`: the pod shares its node's network, so every containerPort is a port of the node. */
  hostNetwork?: boolean;
  /** ConfigMaps and Secrets the pod mounts as volumes: config files that may say where the process listens. */
  configVolumes?: ConfigVolume[];
  /**
   * Template includes that write the pod labels, with those of the controller's own selector
   * (the API server requires the template's labels to carry the selector's).
   */
  podLabelIncludes?: string[];
  /**
   * True where a template may give the pods labels the model cannot read as plain pairs (an
   * include, an unresolved value), or, in a plain file, a label is another syntax's placeholder.
   */
  podLabelsOpen?: boolean;
  /** True where a template may add or change containers, their ports, env, envFrom or args (what the model read may not be all). */
  portsIncomplete?: boolean;
  /** The port the platform sends traffic to where the container declares none (Knative: 8080). */
  defaultPort?: number;
}

/** A `configMap` or `secret` volume of a pod (or a source of a `projected` one). */
export interface ConfigVolume {
  source: 'configMap' | 'secret';
  name: Located<string>;
  /** `optional: true`: the pod starts without it. */
  optional?: boolean;
}

export type ContainerRole = 'container' | 'init' | 'sidecar';

export interface Container {
  name: Located<string> | undefined;
  /** Plain init containers run to completion and serve nothing; native sidecars (`restartPolicy: Always`) serve. */
  role: ContainerRole;
  /** `image`; absent in a partial object (a kustomize patch), since the API server requires it. */
  image?: Located<string>;
  ports: ContainerPort[];
  env: EnvVar[];
  envFrom: EnvFromSource[];
  probes: Probe[];
  /** `command` then `args`, each item with its place. */
  argv: Located<string>[];
  span: Span;
}

export interface ContainerPort {
  name: Located<string> | undefined;
  containerPort: PortValue | undefined;
  protocol: Protocol;
  protocolSpan: Span | undefined;
  hostPort: PortValue | undefined;
  span: Span;
}

export interface KeyRef {
  name: Located<string>;
  key: Located<string>;
  optional: boolean;
}

export interface EnvVar {
  name: Located<string>;
  /** A literal `value`; undefined where the value comes from a ref (or is absent). */
  value: Located<string> | undefined;
  /**
   * The literal value is (or contains) a template action or `$(VAR)` reference, or the value comes
   * from a ConfigMap or Secret ref whose name or key a template action computes.
   */
  valueUnknown: boolean;
  configMapKeyRef: KeyRef | undefined;
  secretKeyRef: KeyRef | undefined;
  span: Span;
}

export interface EnvFromSource {
  source: 'configMap' | 'secret';
  name: Located<string>;
  prefix: string;
  optional: boolean;
  span: Span;
}

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

export interface Probe {
  kind: ProbeKind;
  handler: 'httpGet' | 'tcpSocket' | 'grpc';
  port: PortValue;
  span: Span;
}

export interface ServiceSpec {
  type: string;
  typeSpan: Span | undefined;
  /** `clusterIP: None`. */
  headless: boolean;
  externalName: Located<string> | undefined;
  /** Undefined where the Service has no selector (its Endpoints are managed by hand or by a controller). */
  selector: LabelSelector | undefined;
  ports: ServicePort[];
  externalTrafficPolicy: Located<string> | undefined;
  /** `spec.healthCheckNodePort`; 0 (unset) is left out. */
  healthCheckNodePort?: PortValue;
  span: Span;
  /** True where a template may add ports, or rename or re-protocol one (what the model read may not be all). */
  portsIncomplete?: boolean;
}

export interface ServicePort {
  index: number;
  name: Located<string> | undefined;
  port: PortValue | undefined;
  targetPort: PortValue | undefined;
  nodePort: PortValue | undefined;
  protocol: Protocol;
  protocolSpan: Span | undefined;
  span: Span;
  /** True where a template action the model cannot resolve may set this entry's name or protocol, or add fields. */
  incomplete?: boolean;
  /** Where `targetPort: 0` or `targetPort: ""` is written: Go's zero value, unset, so the target is `port` (a fix sets it rather than adding a key). */
  unsetTargetPort?: Span;
}

/** Where a request reaches a Service from outside it: an Ingress backend or a route's backendRef. */
export interface Backend {
  serviceName: Located<string>;
  /** For a route backendRef that names another namespace. */
  namespace: Located<string> | undefined;
  port: PortValue | undefined;
  /** How the port is written, for messages and fixes: `port.number`, `port.name`, `servicePort`, `port`. */
  portField: string;
  host: string | undefined;
  path: string | undefined;
  span: Span;
  /** True for an Ingress backend that names a Service and no port at all (the field is absent). */
  portMissing?: boolean;
}

export interface IngressSpec {
  backends: Backend[];
}

export interface RouteSpec {
  /** backendRefs whose kind is Service (the default). */
  backends: Backend[];
  /** True for the route kinds whose backendRefs must carry a port. */
  requiresPort: boolean;
  /**
   * parentRefs of kind Service (Gateway API for service meshes, GAMMA): the route applies to
   * requests sent to that Service. `port` is the parentRef's optional port.
   */
  serviceParents?: Backend[];
  /** parentRefs of kind Gateway (the default): where requests enter before the route sends them on. */
  gatewayParents?: GatewayParent[];
}

/** A route's parentRef to a Gateway: the listeners it asks for by name (`sectionName`) or port, or all that accept it. */
export interface GatewayParent {
  name: Located<string>;
  /** The Gateway's namespace where the ref names one; else the route's own. */
  namespace: Located<string> | undefined;
  sectionName: string | undefined;
  port: number | undefined;
  span: Span;
}

export interface GatewayListener {
  name: Located<string> | undefined;
  port: PortValue | undefined;
  protocol: string;
  span: Span;
  /** `allowedRoutes.namespaces.from`: routes of the Gateway's namespace only (the default), of any, or of those a selector picks. */
  allowedNamespaces?: 'Same' | 'All' | 'Selector';
  /** `allowedRoutes.kinds`, where given: the route kinds the listener accepts instead of those of its protocol. */
  allowedKinds?: string[];
}

export interface GatewaySpec {
  listeners: GatewayListener[];
}

export interface NetworkPolicyPort {
  port: PortValue | undefined;
  endPort: PortValue | undefined;
  protocol: Protocol;
  span: Span;
}

export interface NetworkPolicySpec {
  podSelector: LabelSelector | undefined;
  ingressPorts: NetworkPolicyPort[];
  egressPorts: NetworkPolicyPort[];
}

/**
 * A Prometheus operator ServiceMonitor (scrapes the Services it selects, by Service port name) or
 * PodMonitor (scrapes the pods it selects, by container port name).
 */
export interface MonitorSpec {
  /** What `selector` matches: Service labels for a ServiceMonitor, pod labels for a PodMonitor. */
  targets: 'services' | 'pods';
  /** `spec.selector`; absent or `{}` selects everything in the selected namespaces. */
  selector: LabelSelector | undefined;
  /**
   * `spec.namespaceSelector`: `any: true`, or `matchNames`; undefined means the monitor's own
   * namespace. `incomplete` where a name is a template action.
   */
  namespaces: { any: boolean; names: Located<string>[]; incomplete: boolean; span: Span } | undefined;
  /** `spec.endpoints` (ServiceMonitor) or `spec.podMetricsEndpoints` (PodMonitor). */
  endpoints: MonitorEndpoint[];
}

export interface MonitorEndpoint {
  /** `port`: a Service port name (ServiceMonitor) or a container port name (PodMonitor); the CRD types it as a string. */
  port: PortValue | undefined;
  /** `targetPort` (deprecated) or a PodMonitor's `portNumber`: a container port by number or name. */
  targetPort: PortValue | undefined;
  /** `targetPort` or `portNumber`, for messages. */
  targetPortField: string;
  span: Span;
}

export interface ConfigEntry {
  key: Located<string>;
  /** Decoded text; undefined where it could not be read (binary, undecodable base64, template). */
  value: string | undefined;
  valueSpan: Span;
}

export interface ConfigData {
  source: 'configMap' | 'secret';
  entries: ReadonlyMap<string, ConfigEntry>;
}

export type FileNoteKind = 'yaml-syntax' | 'binary' | 'too-large' | 'unreadable' | 'template';

/** Something about a file that a user should know: why part of it was not read. */
export interface FileNote {
  kind: FileNoteKind;
  message: string;
  span: Span;
}

export interface DisableDirectives {
  /** Rule ids (or `*`) disabled for the whole file. */
  readonly file: ReadonlySet<string>;
  /** Zero-based line → rule ids (or `*`) disabled on that line. */
  readonly lines: ReadonlyMap<number, ReadonlySet<string>>;
}

/** Everything the model knows about one file version. */
export interface ParsedFile {
  uri: string;
  version: number;
  text: string;
  /** Offsets at which each line starts, for offset ↔ line/character (worked out on first use: model/text.ts `newParsedFile`). */
  readonly lineStarts: Uint32Array;
  resources: Resource[];
  notes: FileNote[];
  disabled: DisableDirectives;
  /** How many YAML documents the file holds, Kubernetes or not. */
  documentCount: number;
  /**
   * The plain data of a file named values.yaml or values.yml (a Helm chart's values, where a
   * Chart.yaml sits beside it: the graph decides), for resolving the chart's templates.
   */
  helmValues?: HelmValues;
}
