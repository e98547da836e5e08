// The port a container's process really binds, read from its env vars and its listening flags.
// containerPort is documentation; these are the evidence of what the process does.

import type { Container, Located, Resource, Span } from '../model/types';
import { withinBuild } from './kustomize';
import { namespaceKey, type PortGraph } from './portGraph';

export const DEFAULT_BIND_PORT_ENV_NAMES = ['PORT', 'SERVER_PORT', 'HTTP_PORT', 'LISTEN_PORT'];

export interface BindPort {
  /** The port number, or undefined where the value cannot be known (absent ConfigMap, template, `$(VAR)`). */
  port: number | undefined;
  source: 'env' | 'flag' | 'config' | 'image' | 'probe' | 'proxy';
  /** For env: the variable name; for a flag: the flag as written; for config: the file's key. */
  label: string;
  /** Where it is written in the workload's file (the env entry or the argument). */
  span: Span;
  /** Where the value comes from when it is not a literal: a ConfigMap or Secret entry. */
  origin: { resource: Resource; key: string; valueSpan: Span | undefined } | undefined;
  /** One phrase for messages and hovers: `PORT=3005 from ConfigMap app-config`. */
  description: string;
}

/**
 * The ports a container's process binds: env vars named in `envNames` (from `value`,
 * `configMapKeyRef`, `secretKeyRef`, `envFrom`) and listening flags in `command`/`args`.
 */
export function bindPorts(graph: PortGraph, workload: Resource, container: Container, envNames: readonly string[]): BindPort[] {
  const out: BindPort[] = [];
  const ns = namespaceKey(workload);
  const wanted = new Set(envNames);
  const fromEnvFrom = new Map<string, BindPort>();
  for (const source of container.envFrom) {
    const resources = withinBuild(workload, graph.configsNamed(source.source, ns, source.name.value, workload.uri));
    const resource = resources[0];
    if (!resource?.config) continue;
    for (const [key, entry] of resource.config.entries) {
      const name = source.prefix + key;
      if (!wanted.has(name)) continue;
      const port = parsePortNumber(entry.value);
      fromEnvFrom.set(name, {
        port,
        source: 'env',
        label: name,
        span: source.span,
        origin: { resource, key, valueSpan: entry.valueSpan },
        description: `${name}=${entry.value ?? '?'} from ${kindLabel(source.source)} ${source.name.value}`,
      });
    }
  }
  const fromEnv = new Map<string, BindPort>();
  for (const variable of container.env) {
    const name = variable.name.value;
    if (!wanted.has(name)) continue;
    if (variable.configMapKeyRef || variable.secretKeyRef) {
      const source = variable.configMapKeyRef ? 'configMap' : 'secret';
      const ref = (variable.configMapKeyRef ?? variable.secretKeyRef)!;
      // Within the workload's kustomize build: two overlays often generate one ConfigMap name with different values.
      const candidates = withinBuild(workload, graph.configsNamed(source, ns, ref.name.value, workload.uri));
      const holder = candidates.find((candidate) => candidate.config?.entries.has(ref.key.value)) ?? candidates[0];
      const found = holder ? { resource: holder, entry: holder.config?.entries.get(ref.key.value) } : undefined;
      const value = found?.entry?.value;
      fromEnv.set(name, {
        port: parsePortNumber(value),
        source: 'env',
        label: name,
        span: ref.key.span,
        origin: found ? { resource: found.resource, key: ref.key.value, valueSpan: found.entry?.valueSpan } : undefined,
        description: `${name}${value !== undefined ? `=${value}` : ''} from ${kindLabel(source)} ${ref.name.value}${found ? '' : ' (not in the workspace)'}`,
      });
    } else if (variable.value) {
      fromEnv.set(name, {
        port: variable.valueUnknown ? undefined : parsePortNumber(variable.value.value),
        source: 'env',
        label: name,
        span: variable.value.span,
        origin: undefined,
        description: `${name}=${variable.value.value}`,
      });
    } else if (variable.valueUnknown) {
      // A ref whose name or key a template computes: set, to a value the workspace cannot read.
      fromEnv.set(name, { port: undefined, source: 'env', label: name, span: variable.span, origin: undefined, description: `${name} from a ref a template computes` });
    }
  }
  // `env` wins over `envFrom` for the same name, as the kubelet applies them.
  for (const [name, port] of fromEnvFrom) if (!fromEnv.has(name)) out.push(port);
  out.push(...fromEnv.values());
  out.push(...listeningFlags(container.argv));
  out.push(...imageDefaultPorts(container));
  const router = istioGatewayRouter(container.argv);
  if (router) out.push(router);
  const proxy = runtimeListeners(graph, workload, container);
  if (proxy) out.push(proxy);
  return out;
}

/**
 * The ports a container's probes check by number: the kubelet connects to them, so a container
 * that passes its probes has something bound there (a failing liveness probe restarts it, a
 * failing readiness probe takes it out of the Service). Kept apart from `bindPorts`, which
 * probe-port-missing compares probes against.
 */
export function probeBindPorts(container: Container): BindPort[] {
  return container.probes.flatMap((probe) =>
    probe.port.kind === 'number'
      ? [{ port: probe.port.number, source: 'probe' as const, label: `${probe.kind}Probe`, span: probe.port.span, origin: undefined, description: `its ${probe.kind}Probe (${probe.handler}) checks ${probe.port.number}` }]
      : [],
  );
}

/**
 * The port a platform tells a container to bind where it declares none: Knative sets `PORT` to
 * its default (8080) and sends the queue-proxy's traffic there (model/podTemplates.ts `defaultPort`).
 */
export function platformBindPorts(workload: Resource, container: Container): BindPort[] {
  const port = workload.workload?.defaultPort;
  if (port === undefined || container.role !== 'container' || container.ports.length > 0) return [];
  return [{ port, source: 'env', label: 'PORT', span: container.name?.span ?? container.span, origin: undefined, description: `${workload.kind} ${workload.name?.value ?? ''} sets PORT=${port} where the container declares no port`.replace('  ', ' ') }];
}

/**
 * Proxies whose listeners come from run-time configuration: xDS from a control plane, their own
 * custom resources, a ConfigMap their controller watches. Which ports they bind is not written in
 * the pod, so an undeclared port is unknown, not broken. Keyed by image repository (without
 * registry, tag or digest); `dynamic` where the image also runs from static configuration, and
 * only a bootstrap with dynamic listeners says so.
 */
const RUNTIME_LISTENERS: readonly { repository: RegExp; what: string; dynamic?: true }[] = [
  { repository: /(^|\/)envoy(-distroless|-alpine|-dev|-contrib)?$/, what: 'an Envoy whose listeners come over xDS (its bootstrap has dynamic resources)', dynamic: true },
  { repository: /(^|\/)proxyv2$/, what: 'an Istio proxy, whose listeners istiod pushes at run time' },
  { repository: /(^|\/)linkerd\/proxy$|(^|\/)linkerd2-proxy$/, what: 'a Linkerd proxy, which serves the ports its control plane gives it' },
  { repository: /(^|\/)ingress-nginx\/controller(-chroot)?$|(^|\/)nginx-ingress-controller$|(^|\/)nginx\/nginx-ingress$/, what: 'an NGINX ingress controller, which opens the ports of its Ingresses and TCP/UDP services ConfigMaps at run time' },
  { repository: /(^|\/)(emissary|ambassador)$|(^|\/)emissaryingress\//, what: 'Emissary-ingress, which listens on the ports of its Listener resources' },
  { repository: /(^|\/)traefik$/, what: 'Traefik, whose entry points come from its static configuration' },
  { repository: /(^|\/)kong(-gateway)?$/, what: 'Kong, whose proxy listeners come from its configuration' },
  { repository: /(^|\/)haproxytech\/kubernetes-ingress$|(^|\/)haproxy-ingress$/, what: 'an HAProxy ingress controller, which opens the ports of its configuration at run time' },
];

/** Words in an Envoy bootstrap that make its listeners dynamic: LDS, or everything over ADS. */
const DYNAMIC_BOOTSTRAP = /\b(dynamic_resources|lds_config|ads_config)\b/;

/** A proxy whose listeners the pod does not spell out: the evidence that its undeclared ports are unknown. */
function runtimeListeners(graph: PortGraph, workload: Resource, container: Container): BindPort | undefined {
  const image = container.image;
  const repository = image ? imageRepository(image.value) : '';
  const proxy = RUNTIME_LISTENERS.find((entry) => entry.repository.test(repository)) ?? (container.argv.some((arg) => /(^|\/)pilot-agent$/.test(arg.value.trim())) ? RUNTIME_LISTENERS[1] : undefined);
  if (!proxy || (proxy.dynamic && !dynamicBootstrap(graph, workload, container))) return undefined;
  const span = image?.span ?? container.name?.span ?? container.span;
  return { port: undefined, source: 'proxy', label: repository, span, origin: undefined, description: proxy.what };
}

/**
 * Whether an Envoy's bootstrap makes its listeners dynamic: a mounted ConfigMap or Secret, or a
 * `--config-yaml` argument, that says so, or an init container of the pod that writes a bootstrap
 * (`contour bootstrap`, which always points Envoy at its xDS server).
 */
function dynamicBootstrap(graph: PortGraph, workload: Resource, container: Container): boolean {
  if (container.argv.some((arg) => DYNAMIC_BOOTSTRAP.test(arg.value))) return true;
  const spec = workload.workload!;
  if (spec.containers.some((other) => other.role === 'init' && other.argv.some((arg) => arg.value.trim() === 'bootstrap'))) return true;
  const ns = namespaceKey(workload);
  for (const volume of spec.configVolumes ?? []) {
    const resource = withinBuild(workload, graph.configsNamed(volume.source, ns, volume.name.value, workload.uri))[0];
    for (const entry of resource?.config?.entries.values() ?? []) if (entry.value !== undefined && DYNAMIC_BOOTSTRAP.test(entry.value)) return true;
  }
  return false;
}

/**
 * Ports that well-known images listen on by default without any flag or env var, and that their
 * manifests routinely leave undeclared. Evidence like a flag: it explains an undeclared targetPort.
 * Keyed by repository, without registry, tag or digest.
 */
const IMAGE_DEFAULT_PORTS: Record<string, readonly number[]> = {
  // Jaeger all-in-one: agent (5775, 6831, 6832 UDP; 5778 config), collector (14250 gRPC, 14268
  // HTTP, 9411 Zipkin, 4317/4318 OTLP), admin 14269, query UI 16686. The old TChannel port 14267
  // is left out: current releases no longer open it.
  'jaegertracing/all-in-one': [5775, 5778, 6831, 6832, 9411, 14250, 14268, 14269, 16686, 4317, 4318],
  'jaegertracing/jaeger-collector': [9411, 14250, 14268, 14269, 4317, 4318],
  // SeaweedFS `weed server`: master 9333, volume 8080, filer 8888, S3 8333, IAM 8111, WebDAV 7333;
  // each HTTP port's gRPC twin is 10,000 higher.
  'chrislusf/seaweedfs': [7333, 8080, 8111, 8333, 8888, 9333, 18080, 18888, 19333],
};

/** The repository of an image reference: `docker.io/jaegertracing/all-in-one:1.6` → `jaegertracing/all-in-one`. */
export function imageRepository(image: string): string {
  let name = image.split('@')[0];
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  if (colon >= 0) name = name.slice(0, colon);
  const parts = name.split('/');
  // A first part with a dot or a port, or `localhost`, is a registry.
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost')) parts.shift();
  if (parts[0] === 'library') parts.shift();
  return parts.join('/');
}

function imageDefaultPorts(container: Container): BindPort[] {
  const image = container.image;
  if (!image) return [];
  const ports = IMAGE_DEFAULT_PORTS[imageRepository(image.value)];
  if (!ports) return [];
  return ports.map((port) => ({ port, source: 'image' as const, label: image.value, span: image.span, origin: undefined, description: `image ${imageRepository(image.value)} listens on ${port} by default` }));
}

/**
 * Istio's gateway agent, `pilot-agent proxy router`, runs an Envoy whose listeners are the ports
 * of the Istio Gateway resources that select its pods, pushed by istiod at run time: which ports
 * it binds is not written in the pod at all.
 */
function istioGatewayRouter(argv: Located<string>[]): BindPort | undefined {
  const at = argv.findIndex((arg, index) => arg.value === 'proxy' && argv[index + 1]?.value === 'router');
  if (at < 0) return undefined;
  return {
    port: undefined,
    source: 'flag',
    label: 'proxy router',
    span: { start: argv[at].span.start, end: argv[at + 1].span.end },
    origin: undefined,
    description: 'proxy router: an Istio gateway, listening on the ports of the Istio Gateway resources that select it',
  };
}

/** A decimal port number in a config value, tolerating quotes and spaces. */
export function parsePortNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim().replace(/^["']|["']$/g, '');
  if (!/^\d{1,5}$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

/** Flag names that set a port the process listens on. */
const LISTEN_FLAG = /^--?([a-z0-9][a-z0-9._-]*)$/i;
// Protocol words (`--tcp 19090`, `--grpc=17070`, `--metrics=15014`) name listeners of echo servers and exporters.
const LISTEN_WORDS = /(^|[._-])(port|listen|bind|address|addr|tcp|udp|grpc|http|https|metrics|health|admin)([._-]|$)|port$|^listen|^bind/i;
/** Words in a flag name that mean the port belongs to another service the process talks to. */
const CLIENT_WORDS = /(^|[._-])(db|database|redis|mysql|postgres|pg|mongo|mongodb|kafka|amqp|rabbit|rabbitmq|nats|memcached?|etcd|upstream|backend|remote|target|proxy|sentinel|smtp|ldap|cache|broker|statsd|jaeger|zipkin|otlp|collector|agent|api-?server|master|peer|cluster|advertise|external|public)([._-]|$)/i;

/**
 * Listening flags in argv: `--port=8080`, `--port 8080`, `--listen=:8080`, `--bind 0.0.0.0:8080`,
 * `--metrics-bind-address=:8443`, `-p 8080`. Shell strings (`sh -c "app --port 80"`) are split.
 */
export function listeningFlags(argv: Located<string>[]): BindPort[] {
  const out: BindPort[] = [];
  // Tokens across all items: `["--port", "8080"]` and `["sh", "-c", "app --port 8080"]` read alike.
  const tokens = argv.flatMap((arg) => tokenize(arg.value).map((text) => ({ text, arg })));
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    let flag = token.text;
    let value: string | undefined;
    let consumedNext = false;
    const eq = flag.indexOf('=');
    if (eq > 0) {
      value = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    } else if (i + 1 < tokens.length && !tokens[i + 1].text.startsWith('-')) {
      value = tokens[i + 1].text;
      consumedNext = true;
    }
    const match = LISTEN_FLAG.exec(flag);
    if (!match || value === undefined) continue;
    const isShortPort = flag === '-p';
    if (!isShortPort && (!LISTEN_WORDS.test(match[1]) || CLIENT_WORDS.test(match[1]))) continue;
    const port = portOfAddress(value.replace(/^["']|["']$/g, ''));
    if (port === undefined) continue;
    const last = consumedNext ? tokens[i + 1].arg : token.arg;
    out.push({
      port: port === 'unknown' ? undefined : port,
      source: 'flag',
      label: flag,
      span: { start: token.arg.span.start, end: last.span.end },
      origin: undefined,
      description: `${flag}${eq > 0 ? '=' : ' '}${value}`,
    });
    if (consumedNext) i++;
  }
  return out;
}

/** `8080`, `:8080`, `0.0.0.0:8080`, `[::]:8080`, `http://0.0.0.0:8080/x` → 8080; `$(PORT)` → unknown. */
function portOfAddress(value: string): number | 'unknown' | undefined {
  if (/\$\(|\$\{|\$[A-Z_]/.test(value)) return 'unknown';
  let digits: string | undefined;
  if (/^\d{1,5}$/.test(value)) digits = value;
  else digits = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:\[[^\]]*\]|[^:/\s]*):(\d{1,5})(?:\/.*)?$/i.exec(value)?.[1];
  if (digits === undefined) return undefined;
  const port = Number(digits);
  return port >= 1 && port <= 65535 ? port : undefined;
}

function tokenize(text: string): string[] {
  return text
    .split(/\s+/)
    .map((token) => token.replace(/[;&|]+$/, ''))
    .filter((token) => token !== '');
}

function kindLabel(source: 'configMap' | 'secret'): string {
  return source === 'configMap' ? 'ConfigMap' : 'Secret';
}

/**
 * Ports a pod's config files say its process listens on, read from the ConfigMaps and Secrets it
 * mounts: listen addresses on every interface (`0.0.0.0:5317`, `:9090`, `[::]:8080`), `listen 8080`
 * and `bind_port = 8443`-style entries. Loopback addresses are left out (nothing outside the pod
 * reaches them), and so are ports of other services (`db_port`, `redis.port`). These only ever
 * explain a port; they never make a link broken.
 */
export function configFileBindPorts(graph: PortGraph, workload: Resource): BindPort[] {
  const out: BindPort[] = [];
  const ns = namespaceKey(workload);
  for (const volume of workload.workload?.configVolumes ?? []) {
    const resource = withinBuild(workload, graph.configsNamed(volume.source, ns, volume.name.value, workload.uri))[0];
    if (!resource?.config) continue;
    for (const [key, entry] of resource.config.entries) {
      if (entry.value === undefined) continue;
      for (const { port, text } of listenPortsInConfig(entry.value)) {
        out.push({
          port,
          source: 'config',
          label: key,
          span: volume.name.span,
          origin: { resource, key, valueSpan: entry.valueSpan },
          description: `${text} in ${kindLabel(volume.source)} ${volume.name.value} (${key})`,
        });
      }
    }
  }
  return out;
}

const LOOPBACK = /^(127\.|localhost$|\[?::1\]?$)/i;
/** `host:port` where the host is every interface or absent. */
const LISTEN_ADDRESS = /(?<![\w.\-\/\]:@])((?:0\.0\.0\.0|\[::\]|::|\*)?:(\d{2,5}))(?![\d.:\w])/g;
/** `listen 8080;`, `bind *:8080`, `Listen 0.0.0.0:80` (nginx, haproxy, Apache). */
const LISTEN_DIRECTIVE = /(?:^|[\s;{])(?:listen|bind)\s+(?:([\w.\-\[\]:*]*):)?(\d{2,5})\b/gim;
/** `port = 8443`, `bind_port: "8081"`, `http_port 3000`: a key that names a port, then a number. */
const PORT_ENTRY = /(?:^|[\s,{;])["']?([A-Za-z][\w.\-]*)["']?\s*[:=]?\s*["']?(\d{2,5})["']?\s*(?=[,;}\r\n#]|$)/gm;
const PORT_KEY = /(^|[._-])(port|listen|bind)|port$/i;

/** The ports a config file's text listens on, each with the text that says so. */
export function listenPortsInConfig(text: string): { port: number; text: string }[] {
  const out: { port: number; text: string }[] = [];
  const add = (port: number, written: string) => {
    if (port >= 1 && port <= 65535 && !out.some((item) => item.port === port)) out.push({ port, text: written.trim() });
  };
  for (const match of text.matchAll(LISTEN_ADDRESS)) add(Number(match[2]), match[1]);
  for (const match of text.matchAll(LISTEN_DIRECTIVE)) {
    if (match[1] && LOOPBACK.test(match[1])) continue;
    add(Number(match[2]), match[0]);
  }
  for (const match of text.matchAll(PORT_ENTRY)) {
    if (!PORT_KEY.test(match[1]) || CLIENT_WORDS.test(match[1])) continue;
    add(Number(match[2]), match[0]);
  }
  return out;
}
