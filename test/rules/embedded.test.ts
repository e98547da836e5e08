// Workloads written inside other resources (model/podTemplates.ts): an OLM bundle's Deployments,
// Knative Services, KEDA ScaledJobs, OpenKruise workloads and Argo Workflows templates. Each is a
// workload like a Deployment: a Service that selects its pods is judged against its containers.

import { describe, test } from 'node:test';
import { check } from '../support/checkRules';

/** A Service that selects `app: web` and sends port 80 to `targetPort`. */
const service = (targetPort: string, marker = '') => `
# --- app/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: ${targetPort}${marker ? `\n${marker}` : ''}`;

/** `ports: [...]` of the container, or nothing at all. */
const portsLine = (ports: string | undefined, indent: string) => (ports === undefined ? '' : `\n${indent}ports: ${ports}`);

/** Each embedded kind, written with one container whose ports are `ports`, and how messages name the workload. */
const KINDS: { title: string; workload: (ports: string | undefined) => string; named: string }[] = [
  {
    // OLM bundles write `namespace: placeholder`: the Deployments go to the namespace the bundle is installed in.
    title: "an OLM ClusterServiceVersion's install Deployment",
    workload: (ports) => `apiVersion: operators.coreos.com/v1alpha1
kind: ClusterServiceVersion
metadata: {name: web-operator.v0.1.0, namespace: placeholder}
spec:
  install:
    strategy: deployment
    spec:
      deployments:
        - name: web-controller-manager
          spec:
            selector: {matchLabels: {app: web}}
            template:
              metadata: {labels: {app: web}}
              spec:
                containers:
                  - name: manager
                    image: web:v0.1.0${portsLine(ports, '                    ')}`,
    named: 'Deployment web-controller-manager (in ClusterServiceVersion web-operator.v0.1.0)',
  },
  {
    title: 'a Knative Service',
    workload: (ports) => `apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: web-knative}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - image: web${portsLine(ports, '          ')}`,
    named: 'Service web-knative (serving.knative.dev)',
  },
  {
    title: 'a Knative Configuration',
    workload: (ports) => `apiVersion: serving.knative.dev/v1
kind: Configuration
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - image: web${portsLine(ports, '          ')}`,
    named: 'Configuration web',
  },
  {
    title: 'a KEDA ScaledJob',
    workload: (ports) => `apiVersion: keda.sh/v1alpha1
kind: ScaledJob
metadata: {name: web}
spec:
  jobTargetRef:
    template:
      metadata: {labels: {app: web}}
      spec:
        containers:
          - name: worker
            image: web${portsLine(ports, '            ')}`,
    named: 'ScaledJob web',
  },
  {
    title: 'an OpenKruise CloneSet',
    workload: (ports) => `apiVersion: apps.kruise.io/v1alpha1
kind: CloneSet
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: web${portsLine(ports, '          ')}`,
    named: 'CloneSet web',
  },
  {
    title: 'an OpenKruise Advanced StatefulSet',
    workload: (ports) => `apiVersion: apps.kruise.io/v1beta1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: web${portsLine(ports, '          ')}`,
    named: 'StatefulSet web',
  },
  {
    title: 'an Argo Workflows daemon template',
    workload: (ports) => `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: pipeline}
spec:
  entrypoint: main
  templates:
    - name: main
      steps: [[{name: serve, template: server}]]
    - name: server
      daemon: true
      metadata: {labels: {app: web}}
      container:
        image: web${portsLine(ports, '        ')}`,
    named: 'Pod pipeline-server (in Workflow pipeline)',
  },
  {
    title: 'an Argo CronWorkflow template with pod metadata',
    workload: (ports) => `apiVersion: argoproj.io/v1alpha1
kind: CronWorkflow
metadata: {name: nightly}
spec:
  schedule: "0 0 * * *"
  workflowSpec:
    podMetadata: {labels: {app: web}}
    templates:
      - name: server
        daemon: true
        container:
          image: web${portsLine(ports, '          ')}`,
    named: 'Pod nightly-server (in CronWorkflow nightly)',
  },
];

describe('embedded workloads: a Service selects their pods', () => {
  for (const kind of KINDS) {
    test(`${kind.title}: a targetPort its container declares links`, () => {
      check(`${service('http')}
# --- app/workload.yaml
${kind.workload('[{name: http, containerPort: 8080}]')}
`);
    });

    test(`${kind.title}: a targetPort its container does not declare breaks`, () => {
      check(`${service('9090', '#                 ^^^^ error target-port-mismatch: ' + `${kind.named} (app/workload.yaml) declares no containerPort 9090 (its containerPorts are 8080 (http))`)}
# --- app/workload.yaml
${kind.workload('[{name: http, containerPort: 8080}]')}
`);
    });

    test(`${kind.title}: a container that declares no ports leaves the link unknown`, () => {
      check(`${service('9090')}
# --- app/workload.yaml
${kind.workload(undefined)}
`);
    });
  }

  test('each Deployment of a ClusterServiceVersion is a workload of its own', () => {
    check(`
# --- bundle/manifests/webhook-service.yaml
apiVersion: v1
kind: Service
metadata: {name: webhook}
spec:
  selector: {control-plane: webhook}
  ports:
    - port: 443
      targetPort: webhook-server
#                 ^^^^^^^^^^^^^^ error target-port-name-missing: Deployment webhook (in ClusterServiceVersion web-operator.v0.1.0) (bundle/manifests/web.clusterserviceversion.yaml) declares no port named webhook-server (its containerPorts are 9443 (webhook))
# --- bundle/manifests/web.clusterserviceversion.yaml
apiVersion: operators.coreos.com/v1alpha1
kind: ClusterServiceVersion
metadata: {name: web-operator.v0.1.0}
spec:
  install:
    spec:
      deployments:
        - name: controller
          spec:
            selector: {matchLabels: {control-plane: controller}}
            template:
              metadata: {labels: {control-plane: controller}}
              spec:
                containers: [{name: manager, image: m, ports: [{name: webhook-server, containerPort: 9443}]}]
        - name: webhook
          spec:
            selector: {matchLabels: {control-plane: webhook}}
            template:
              metadata: {labels: {control-plane: webhook}}
              spec:
                containers: [{name: webhook, image: w, ports: [{name: webhook, containerPort: 9443}]}]
`);
  });

  test("a ClusterServiceVersion's Deployment is judged on its own, not against an unrelated example beside the bundle", () => {
    // The bundle's metrics Service and the CSV's container agree; an example Deployment elsewhere with the same labels says nothing.
    check(`
# --- bundle/manifests/metrics-service.yaml
apiVersion: v1
kind: Service
metadata: {name: controller-manager-metrics-service}
spec:
  selector: {control-plane: controller-manager}
  ports: [{name: https, port: 8443, targetPort: https}]
# --- bundle/manifests/web.clusterserviceversion.yaml
apiVersion: operators.coreos.com/v1alpha1
kind: ClusterServiceVersion
metadata: {name: web-operator.v0.1.0}
spec:
  install:
    spec:
      deployments:
        - name: controller-manager
          spec:
            selector: {matchLabels: {control-plane: controller-manager}}
            template:
              metadata: {labels: {control-plane: controller-manager}}
              spec:
                containers: [{name: manager, image: m, ports: [{name: https, containerPort: 8443}]}]
# --- config/samples/example.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: example}
spec:
  selector: {matchLabels: {control-plane: controller-manager}}
  template:
    metadata: {labels: {control-plane: controller-manager}}
    spec:
      containers: [{name: example, image: e, ports: [{containerPort: 80}]}]
`);
  });

  test("a kustomize build renames the ClusterServiceVersion, not the Deployments it holds", () => {
    check(`
# --- k/kustomization.yaml
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: ops
namePrefix: p-
resources: [csv.yaml, svc.yaml]
# --- k/csv.yaml
apiVersion: operators.coreos.com/v1alpha1
kind: ClusterServiceVersion
metadata: {name: web.v1, namespace: placeholder}
spec:
  install:
    spec:
      deployments:
        - name: manager
          spec:
            selector: {matchLabels: {app: web}}
            template:
              metadata: {labels: {app: web}}
              spec:
                containers: [{name: manager, image: m, ports: [{name: https, containerPort: 8443}]}]
# --- k/svc.yaml
apiVersion: v1
kind: Service
metadata: {name: metrics}
spec:
  selector: {app: web}
  ports: [{name: https, port: 8443, targetPort: metrics}]
#                                               ^^^^^^^ error target-port-name-missing: Service p-metrics sends port https (8443) to targetPort metrics, but Deployment manager (in ClusterServiceVersion web.v1) (k/csv.yaml) declares no port named metrics
`);
  });

  test("a Service may select a Knative Service's pods by the label Knative gives them", () => {
    check(`
# --- app/service.yaml
apiVersion: v1
kind: Service
metadata: {name: hello-direct}
spec:
  selector: {serving.knative.dev/service: hello}
  ports: [{port: 80, targetPort: 9090}]
#                                ^^^^ error target-port-mismatch: Service hello (serving.knative.dev) (app/hello.yaml) declares no containerPort 9090 (its containerPorts are 8080)
# --- app/hello.yaml
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: hello}
spec:
  template:
    spec:
      containers: [{image: hello, ports: [{containerPort: 8080}]}]
`);
  });

  test('a Knative container that declares no port is sent traffic on 8080, as Knative sets PORT', () => {
    check(`${service('8080')}
# --- app/workload.yaml
${KINDS[2].workload(undefined)}
`);
  });

  test("a ClusterServiceVersion's Deployment whose selector misses its template is rejected when OLM installs it", () => {
    check(`
# --- bundle/web.clusterserviceversion.yaml
apiVersion: operators.coreos.com/v1alpha1
kind: ClusterServiceVersion
metadata: {name: web.v1}
spec:
  install:
    spec:
      deployments:
        - name: manager
          spec:
            selector: {matchLabels: {app: web}}
#                     ^^^^^^^^^^^^^^^^^^^^^^^^^ error selector-mismatch: Deployment manager (in ClusterServiceVersion web.v1) selects pods with app=web, but its pod template's labels (spec.install.spec.deployments[0].spec.template.metadata.labels) miss app=web (the template says app=webapp); the API server rejects the Deployment when OLM installs the bundle
            template:
              metadata: {labels: {app: webapp}}
              spec:
                containers: [{name: manager, image: m}]
`);
  });

  test("an OpenKruise CloneSet whose selector misses its template is rejected by Kruise's webhook", () => {
    check(`
# --- app/cloneset.yaml
apiVersion: apps.kruise.io/v1alpha1
kind: CloneSet
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
#           ^^^^^^^^^^^^^^^^^^^^^^^^^ error selector-mismatch: CloneSet web selects pods with app=web, but its pod template has no labels (spec.template.metadata.labels); OpenKruise's webhook rejects the CloneSet
  template:
    spec:
      containers: [{name: web, image: web}]
`);
  });

  test("a probe of an embedded workload's container is checked like any other", () => {
    check(`
# --- app/workload.yaml
apiVersion: apps.kruise.io/v1alpha1
kind: CloneSet
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: web
          ports: [{name: http, containerPort: 8080}]
          readinessProbe: {httpGet: {path: /, port: health}}
#                                                   ^^^^^^ warning probe-port-missing
`);
  });
});
