// package.json's `contributes` and .vscodeignore: what VS Code offers a user, checked against the
// code that reads it.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { COMMANDS, LENS_COMMANDS } from '../client/src/commands';
import { COPY_PORT_FORWARD_COMMAND } from '../server/src/features/codeLens';
import { DEFAULT_SETTINGS } from '../server/src/analysis/settings';
import { readEditorConfiguration } from '../server/src/features/configuration';
import { RULES } from '../server/src/rules/ruleIds';
import { globToRegExp } from '../server/src/workspace/glob';

const root = process.cwd();
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const properties: Record<string, { default?: unknown; enum?: string[]; description?: string }> = manifest.contributes?.configuration?.properties ?? {};

/** The `portchain` section as VS Code answers workspace/configuration when every setting has its default. */
function defaultSection(): Record<string, unknown> {
  const section: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(properties)) {
    const path = key.split('.').slice(1);
    let target = section;
    for (const part of path.slice(0, -1)) target = (target[part] ??= {}) as Record<string, unknown>;
    target[path[path.length - 1]] = schema.default;
  }
  return section;
}

describe('package.json contributes', () => {
  test('is what scripts/gen-contributes.mjs generates from the rule table', () => {
    const result = spawnSync(process.execPath, ['scripts/gen-contributes.mjs', '--check'], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.status, 0, `${result.stderr}${result.stdout}`);
  });

  test('a portchain.rules.<id> setting for every rule id, with its default severity and summary', () => {
    const ruleKeys = Object.keys(properties).filter((key) => key.startsWith('portchain.rules.'));
    assert.deepEqual(ruleKeys.sort(), RULES.map((rule) => `portchain.rules.${rule.id}`).sort());
    for (const rule of RULES) {
      const schema = properties[`portchain.rules.${rule.id}`];
      assert.deepEqual(schema.enum, ['error', 'warning', 'info', 'off'], rule.id);
      assert.equal(schema.default, rule.severity, rule.id);
      assert.equal(schema.description, rule.summary, rule.id);
    }
  });

  test('the other settings, with the defaults the server uses', () => {
    assert.equal(manifest.contributes.configuration.title, 'portchain');
    assert.deepEqual(properties['portchain.nodePortRange'].default, DEFAULT_SETTINGS.nodePortRange);
    assert.deepEqual(properties['portchain.bindPortEnvVars'].default, DEFAULT_SETTINGS.bindPortEnvVars);
    assert.deepEqual(properties['portchain.exclude'].default, []);
    assert.equal(properties['portchain.inlayHints'].default, true);
    assert.equal(properties['portchain.codeLens'].default, true);
    assert.deepEqual(properties['portchain.trace.server'].enum, ['off', 'messages', 'verbose']);
  });

  test('the server reads the defaults as VS Code sends them, without a complaint', () => {
    const { settings, problems, excludeGlobs } = readEditorConfiguration(defaultSection(), { '**/.git': true, '**/node_modules': false });
    assert.deepEqual(problems, []);
    assert.deepEqual(settings.rules, Object.fromEntries(RULES.map((rule) => [rule.id, rule.severity])));
    assert.deepEqual({ ...settings, rules: {} }, DEFAULT_SETTINGS);
    assert.deepEqual(excludeGlobs, ['**/.git']);
  });

  test('every command the client registers is contributed', () => {
    const contributed = (manifest.contributes.commands as { command: string; title: string }[]).map((command) => command.command);
    assert.deepEqual(contributed.sort(), Object.values(COMMANDS).sort());
  });

  test('the command the code lens carries is the one the client registers', () => {
    assert.equal(COPY_PORT_FORWARD_COMMAND, LENS_COMMANDS.copyPortForward);
  });
});

describe('package.json for VS Code and npm', () => {
  test('works in Restricted Mode (it reads files and runs nothing), not in a virtual workspace (the server reads the disk)', () => {
    assert.deepEqual(manifest.capabilities.untrustedWorkspaces, { supported: true });
    assert.equal(manifest.capabilities.virtualWorkspaces.supported, false);
    assert.match(manifest.capabilities.virtualWorkspaces.description, /reads the manifests .* from its folder on disk/);
  });

  test('the npm package depends on nothing at run time: every dependency is bundled into dist/', () => {
    assert.equal(manifest.dependencies, undefined);
    for (const bin of Object.values(manifest.bin as Record<string, string>)) assert.ok((manifest.files as string[]).includes(bin.replace(/^\.\//, '')), `${bin} is not in files`);
  });
});

describe('.vscodeignore', () => {
  // vsce reads it like .gitignore: the last pattern that matches a path decides.
  const patterns = readFileSync(join(root, '.vscodeignore'), 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => ({ include: line.startsWith('!'), regexp: globToRegExp(line.replace(/^!/, '')) }));
  const packaged = (path: string) => {
    let included = true;
    for (const pattern of patterns) if (pattern.regexp.test(path)) included = pattern.include;
    return included;
  };

  test('packages the bundles (the port map page too), the manifest, the docs, the grammars and the icon', () => {
    for (const path of ['dist/client.js', 'dist/server.js', 'dist/portMap.js', 'dist/portMap.css', 'package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'syntaxes/portchain-yaml.injection.tmLanguage.json', 'images/icon.png']) {
      assert.ok(packaged(path), `${path} is packaged`);
    }
    assert.equal(manifest.main, './dist/client.js');
  });

  test('leaves out sources, tests, sourcemaps, node_modules and the CLI bundle', () => {
    for (const path of ['dist/client.js.map', 'dist/server.js.map', 'dist/portMap.js.map', 'dist/cli.js', 'server/src/server.ts', 'client/src/extension.ts', 'test/lsp/diagnostics.test.ts', 'node_modules/yaml/dist/index.js', 'out/test/manifest.test.js', 'scripts/build.mjs', 'tsconfig.json', 'images/screenshot.png']) {
      assert.ok(!packaged(path), `${path} is left out`);
    }
  });
});

describe('the client and the server agree', () => {
  test("the status bar's problem list filters by the source the server sets", async () => {
    const { DIAGNOSTIC_SOURCE } = await import('../server/src/features/diagnostics');
    const client = await import('../client/src/commands');
    assert.equal(client.DIAGNOSTIC_SOURCE, DIAGNOSTIC_SOURCE);
  });
});
