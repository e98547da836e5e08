// Evidence of the port a process binds, beyond containerPort: probes, and proxies whose listeners
// come from run-time configuration. Messages say "declares" unless there is such evidence.
import { describe, test } from 'node:test';
import { check } from '../support/checkRules';

function service(targetPort: string, marker = ''): string {
  return `
# --- service.yaml
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports:
    - port: 80
      targetPort: ${targetPort}${marker ? `\n${marker}` : ''}
`;
}

function deployment(container: string, extra = ''): string {
  return `
# --- deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
${container}${extra}`;
}

describe('a probe is evidence that its port is bound', () => {
  for (const [handler, probe] of [
    ['httpGet', 'readinessProbe: {httpGet: {path: /healthz, port: 9090}}'],
    ['tcpSocket', 'livenessProbe: {tcpSocket: {port: 9090}}'],
    ['grpc', 'startupProbe: {grpc: {port: 9090}}'],
  ]) {
    test(`a ${handler} probe on the targetPort explains it`, () => {
      check(`${service('9090')}${deployment(`          image: api
          ports: [{name: http, containerPort: 8080}]
          ${probe}
`)}`);
    });
  }

  test('a probe on another port is evidence of that port only', () => {
    check(`${service('9090', '#                 ^^^^ error target-port-mismatch: Deployment api (deploy.yaml) declares no containerPort 9090 (its containerPorts are 8080 (http)), and its process listens on 9091 (its livenessProbe checks it)')}${deployment(`          image: api
          ports: [{name: http, containerPort: 8080}]
          livenessProbe: {tcpSocket: {port: 9091}}
`)}`);
  });

  test("a probe of another container says nothing about this container's port", () => {
    check(`${service('9090', '#                 ^^^^ error target-port-mismatch: declares no containerPort 9090')}${deployment(`          image: api
          ports: [{name: http, containerPort: 8080}]
      initContainers:
        - name: setup
          image: setup
          readinessProbe: {tcpSocket: {port: 9090}}
`)}`);
  });

  test('a probe by name says nothing new: the name is a declared port', () => {
    check(`${service('9090', '#                 ^^^^ error target-port-mismatch: Deployment api (deploy.yaml) declares no containerPort 9090 (its containerPorts are 8080 (http))')}${deployment(`          image: api
          ports: [{name: http, containerPort: 8080}]
          readinessProbe: {httpGet: {path: /, port: http}}
`)}`);
  });
});

describe('probes in NetworkPolicy ports', () => {
  test('a probe on the port a policy allows is evidence the pod exposes it', () => {
    check(`
# --- policy.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: metrics}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{ports: [{port: 9090}, {port: 9091}]}]
#                                         ^^^^ warning network-policy-port: NetworkPolicy metrics allows ingress to port 9091/TCP, but no pod it selects declares it: Deployment api (deploy.yaml) declares 8080
${deployment(`          image: api
          ports: [{containerPort: 8080}]
          livenessProbe: {httpGet: {path: /metrics, port: 9090}}
`)}`);
  });
});

describe('messages say what the evidence shows', () => {
  test('without evidence of a listener, a message speaks of declarations', () => {
    check(`${service('9090', '#                 ^^^^ error target-port-mismatch: Service api sends port 80 to targetPort 9090, but Deployment api (deploy.yaml) declares no containerPort 9090 (its containerPorts are 8080)')}${deployment(`          image: api
          ports: [{containerPort: 8080}]
`)}`);
  });

  test('with evidence, it says where the process listens', () => {
    check(`${service('9090', '#                 ^^^^ error target-port-mismatch: declares no containerPort 9090 (its containerPorts are 8080), and its process listens on 3000 (PORT=3000)')}${deployment(`          image: api
          ports: [{containerPort: 8080}]
          env: [{name: PORT, value: "3000"}]
`)}`, { only: ['target-port-mismatch'] });
  });

  test('an implicit target says the same', () => {
    check(`${service('80', '').replace('      targetPort: 80\n', '')}`.replace('    - port: 80', '    - port: 80\n#           ^^ warning implicit-target-port: has no targetPort, so traffic goes to 80, but Deployment api (deploy.yaml) declares no containerPort 80 (its containerPorts are 8080)') + deployment(`          image: api
          ports: [{containerPort: 8080}]
`));
  });
});

describe('proxies whose listeners come from run-time configuration', () => {
  test('an Envoy with a dynamic_resources bootstrap leaves an undeclared port unknown', () => {
    check(`${service('8443')}${deployment(`          image: docker.io/envoyproxy/envoy:distroless-v1.31.0
          args: [-c, /config/envoy.yaml]
          ports: [{name: http, containerPort: 8080}]
          volumeMounts: [{name: config, mountPath: /config}]
`, `      volumes: [{name: config, configMap: {name: envoy-bootstrap}}]
# --- bootstrap.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: envoy-bootstrap}
data:
  envoy.yaml: |
    node: {id: envoy, cluster: envoy}
    dynamic_resources:
      ads_config: {api_type: GRPC, grpc_services: [{envoy_grpc: {cluster_name: xds}}]}
      lds_config: {ads: {}}
      cds_config: {ads: {}}
`)}`);
  });

  test('an Envoy whose bootstrap an init container writes (contour bootstrap) is the same', () => {
    check(`${service('8443')}${deployment(`          image: envoyproxy/envoy:v1.31.0
          args: [-c, /config/envoy.json]
          ports: [{name: http, containerPort: 8080}]
      initContainers:
        - name: envoy-initconfig
          image: ghcr.io/projectcontour/contour:v1.30.0
          command: [contour]
          args: [bootstrap, /config/envoy.json, --xds-address=contour]
`)}`);
  });

  test('an Envoy with a static bootstrap is judged on what it declares', () => {
    check(`${service('8443', '#                 ^^^^ error target-port-mismatch: declares no containerPort 8443 (its containerPorts are 8080 (http))')}${deployment(`          image: envoyproxy/envoy:v1.31.0
          ports: [{name: http, containerPort: 8080}]
`, `      volumes: [{name: config, configMap: {name: envoy-static}}]
# --- bootstrap.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: envoy-static}
data:
  envoy.yaml: |
    static_resources:
      listeners: [{name: http, address: {socket_address: {address: 0.0.0.0, port_value: 8080}}}]
`)}`);
  });

  for (const [what, image] of [
    ['an Istio proxy', 'docker.io/istio/proxyv2:1.22.0'],
    ['a Linkerd proxy', 'cr.l5d.io/linkerd/proxy:stable-2.14.10'],
    ['an NGINX ingress controller', 'registry.k8s.io/ingress-nginx/controller:v1.10.1@sha256:e24f39d3eed6bcc239a56f20098878845f62baa34b9f2be2fd2c38ce9fb0f29e'],
    ['Emissary-ingress', 'docker.io/emissaryingress/emissary:3.9.1'],
    ['Traefik', 'traefik:v3.0'],
  ]) {
    test(`${what} leaves an undeclared port unknown`, () => {
      check(`${service('6789')}${deployment(`          image: ${image}
          ports: [{name: http, containerPort: 8080}]
`)}`);
    });
  }

  test('a mesh sidecar run by pilot-agent, whatever its image', () => {
    check(`${service('15021')}${deployment(`          image: registry.example.com/mesh/proxy:1.0
          args: [pilot-agent, proxy, sidecar]
          ports: [{name: http, containerPort: 8080}]
`)}`);
  });
});
