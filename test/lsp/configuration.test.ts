// Settings in every shape an editor sends them, without a server: VS Code's nested objects,
// dotted keys as other editors write them, pushed settings, and files.exclude globs with dots.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pushedSections, readEditorConfiguration } from '../../server/src/features/configuration';

describe('editor configuration', () => {
  test('nested and dotted rule keys mean the same; null means the default', () => {
    const nested = readEditorConfiguration({ rules: { 'host-port': 'off' }, nodePortRange: null }, undefined);
    const dotted = readEditorConfiguration({ 'rules.host-port': 'off' }, undefined);
    assert.deepEqual(nested, dotted);
    assert.deepEqual(nested.settings.rules, { 'host-port': 'off' });
    assert.deepEqual(nested.settings.nodePortRange, { min: 30000, max: 32767 });
    assert.deepEqual(nested.problems, []);
  });

  test('files.exclude globs keep their dots and only true entries count; portchain.exclude is added', () => {
    const { excludeGlobs } = readEditorConfiguration({ exclude: ['charts/**'] }, { '**/*.min.yaml': true, '**/keep.yaml': false, '**/*.js': { when: '$(basename).ts' } });
    assert.deepEqual(excludeGlobs, ['**/*.min.yaml', 'charts/**']);
  });

  test('pushed settings: under portchain, with dotted keys, or the section alone', () => {
    assert.deepEqual(pushedSections({ portchain: { rules: { 'host-port': 'info' } }, files: { exclude: { '**/*.min.yaml': true } } }), {
      section: { rules: { 'host-port': 'info' } },
      filesExclude: { '**/*.min.yaml': true },
    });
    assert.deepEqual(pushedSections({ 'portchain.rules.host-port': 'info', 'files.exclude': { '**/gen': true } }), {
      section: { rules: { 'host-port': 'info' } },
      filesExclude: { '**/gen': true },
    });
    assert.deepEqual(pushedSections({ rules: { 'host-port': 'info' } }), { section: { rules: { 'host-port': 'info' } }, filesExclude: undefined });
    assert.deepEqual(pushedSections(null), { section: undefined, filesExclude: undefined });
    assert.deepEqual(pushedSections('garbage'), { section: undefined, filesExclude: undefined });
  });

  test('bad values are problems, never exceptions', () => {
    const { settings, problems } = readEditorConfiguration({ rules: 'all', bindPortEnvVars: [1], exclude: 'x' }, 42);
    assert.equal(problems.length, 3);
    assert.deepEqual(settings.rules, {});
  });
});
