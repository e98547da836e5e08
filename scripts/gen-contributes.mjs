// Writes package.json `contributes.configuration` from the rule table (server/src/rules/ruleIds.ts)
// and the settings' defaults (server/src/analysis/settings.ts), so VS Code offers a setting for
// every rule id with its real default. `--check` changes nothing and exits 1 when package.json is
// out of date (test/manifest.test.ts runs it). Other `contributes` entries are written by hand.
import { readFileSync, writeFileSync } from 'node:fs';
import * as esbuild from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);

const { RULES, DEFAULT_SETTINGS } = await loadSources();
const SEVERITIES = ['error', 'warning', 'info', 'off'];
const SEVERITY_DESCRIPTIONS = ['Reported as an error.', 'Reported as a warning.', 'Reported as information.', 'Not reported.'];

const properties = {};
RULES.forEach((rule, index) => {
  properties[`portchain.rules.${rule.id}`] = {
    type: 'string',
    enum: SEVERITIES,
    enumDescriptions: SEVERITY_DESCRIPTIONS,
    default: rule.severity,
    description: rule.summary,
    scope: 'resource',
    order: index,
  };
});
Object.assign(properties, {
  'portchain.nodePortRange': {
    type: 'object',
    description: "The cluster's node port range (kube-apiserver --service-node-port-range), inclusive.",
    properties: {
      min: { type: 'integer', minimum: 1, maximum: 65535 },
      max: { type: 'integer', minimum: 1, maximum: 65535 },
    },
    required: ['min', 'max'],
    additionalProperties: false,
    default: DEFAULT_SETTINGS.nodePortRange,
    scope: 'resource',
    order: 100,
  },
  'portchain.bindPortEnvVars': {
    type: 'array',
    items: { type: 'string' },
    uniqueItems: true,
    description: "Env var names that set the port a container's own process listens on (never client settings such as DB_PORT).",
    default: DEFAULT_SETTINGS.bindPortEnvVars,
    scope: 'resource',
    order: 101,
  },
  'portchain.exclude': {
    type: 'array',
    items: { type: 'string' },
    description: 'Glob patterns of files and folders not to read, relative to the workspace folder, in addition to files.exclude.',
    default: DEFAULT_SETTINGS.exclude,
    scope: 'resource',
    order: 102,
  },
  'portchain.inlayHints': {
    type: 'boolean',
    description: 'Show where a targetPort or backend port leads, beside it (→ web:3005).',
    default: DEFAULT_SETTINGS.inlayHints,
    scope: 'resource',
    order: 103,
  },
  'portchain.codeLens': {
    type: 'boolean',
    description: "Show a Service's chain summary and a port-forward command above it, and \"Show in port map\" above each Service and Ingress.",
    default: DEFAULT_SETTINGS.codeLens,
    scope: 'resource',
    order: 104,
  },
  'portchain.includeFixtures': {
    type: 'boolean',
    description: 'Check test fixtures, golden outputs and e2e assertions (files below testdata/, fixtures/, __snapshots__/; *.golden.yaml, *-expected.yaml; NN-assert*.yaml, NN-errors.yaml; chainsaw and kyverno CLI test folders), each as a unit of its own. Left out by default; a fixture open in the editor is always checked on its own.',
    default: DEFAULT_SETTINGS.includeFixtures,
    scope: 'resource',
    order: 105,
  },
  'portchain.operators': {
    type: 'array',
    description: 'Operators portchain does not know: for a custom resource kind, the Services its operator creates ({name} is the custom resource\'s name, {namespace} its namespace, {spec.a.b} a field of it), so that backends and ServiceMonitors naming them resolve to the custom resource.',
    items: {
      type: 'object',
      properties: {
        kind: { type: 'string' },
        group: { type: 'string' },
        services: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              ports: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, port: { type: ['integer', 'string'] }, protocol: { type: 'string' } }, required: ['port'] } },
              headless: { type: 'boolean' },
              labels: { type: 'object', additionalProperties: { type: 'string' } },
            },
            required: ['name'],
          },
        },
        podLabels: { type: 'object', additionalProperties: { type: 'string' } },
      },
      required: ['kind', 'services'],
    },
    default: DEFAULT_SETTINGS.operators,
    scope: 'resource',
    order: 106,
  },
  'portchain.trace.server': {
    type: 'string',
    enum: ['off', 'messages', 'verbose'],
    description: 'Traces the messages between VS Code and the portchain language server (in the portchain output).',
    default: 'off',
    scope: 'window',
    order: 107,
  },
});
const configuration = { title: 'portchain', properties };

const text = readFileSync('package.json', 'utf8');
const manifest = JSON.parse(text);
const upToDate = JSON.stringify(manifest.contributes?.configuration) === JSON.stringify(configuration);
if (process.argv.includes('--check')) {
  if (!upToDate) {
    console.error('package.json contributes.configuration is out of date: run node scripts/gen-contributes.mjs');
    process.exit(1);
  }
  console.log('package.json contributes.configuration is up to date');
} else if (!upToDate) {
  manifest.contributes = { ...manifest.contributes, configuration };
  writeFileSync('package.json', `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`package.json: contributes.configuration written (${RULES.length} rules)`);
}

/** Bundles the TypeScript sources the settings come from and imports them. */
async function loadSources() {
  const result = await esbuild.build({
    stdin: {
      contents: "export { RULES } from './server/src/rules/ruleIds'; export { DEFAULT_SETTINGS } from './server/src/analysis/settings';",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    // CommonJS dependencies the sources reach (the yaml package) need a require inside the ESM bundle.
    banner: { js: `import { createRequire } from 'node:module'; const require = createRequire(${JSON.stringify(root)});` },
    write: false,
    logLevel: 'warning',
  });
  return import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString('base64')}`);
}
