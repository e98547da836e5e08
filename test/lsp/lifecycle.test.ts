// The server as a process: its command line, a clean shutdown, and surviving whatever it is sent.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { LSP_TEST_TIMEOUT_MS, serverPath, startServer } from '../support/lspClient';
import { BROKEN_CHAIN } from './chains';

describe('the language server process', { timeout: LSP_TEST_TIMEOUT_MS }, () => {
  test('--version and --help print and exit; without a transport it says how to start it', () => {
    const server = serverPath();
    const { version } = JSON.parse(readFileSync(join(server, '..', '..', 'package.json'), 'utf8')) as { version: string };
    const printed = spawnSync(process.execPath, [server, '--version'], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(printed.status, 0);
    assert.equal(printed.stdout, `${version}\n`);
    const help = spawnSync(process.execPath, [server, '--help'], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /portchain-language-server --stdio/);
    const bare = spawnSync(process.execPath, [server], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(bare.status, 2);
    assert.match(bare.stderr, /--stdio/);
    assert.equal(bare.stdout, '');
    assert.ok(readFileSync(server, 'utf8').startsWith('#!/usr/bin/env node\n'), 'the bundle runs as a bin');
  });

  test('initialize names the server and its capabilities', async (t) => {
    const { client } = await startServer(t, BROKEN_CHAIN);
    const { version } = JSON.parse(readFileSync(join(serverPath(), '..', '..', 'package.json'), 'utf8')) as { version: string };
    assert.deepEqual(client.initializeResult?.serverInfo, { name: 'portchain', version });
    assert.deepEqual(client.initializeResult?.capabilities.textDocumentSync, { openClose: true, change: 2 });
    assert.deepEqual(client.initializeResult?.capabilities.workspace?.workspaceFolders, { supported: true, changeNotifications: true });
  });

  test('shutdown then exit ends the process with code 0', async (t) => {
    const { client } = await startServer(t, BROKEN_CHAIN);
    await client.waitForIdle();
    assert.equal(await client.stop(), 0);
  });

  test('exit without shutdown ends the process with code 1, as the protocol says', async (t) => {
    const { client } = await startServer(t, BROKEN_CHAIN);
    await client.waitForIdle();
    client.notify('exit');
    assert.equal(await client.waitForExit(), 1);
  });

  test('shutdown in the middle of the scan still ends cleanly', async (t) => {
    const files = Array.from({ length: 200 }, (_, i) => `# --- many/${i}.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}\n`).join('\n');
    const { client } = await startServer(t, files);
    assert.equal(await client.stop(), 0);
  });

  test('the server survives garbage: a binary file, unknown URIs, malformed params, unknown requests', async (t) => {
    const { client, workspace } = await startServer(t, BROKEN_CHAIN, {
      beforeStart(workspace) {
        workspace.write('apps/blob.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0xff, 0xfe, 0x0a]));
        workspace.write('apps/empty.yaml', '');
        workspace.write('apps/folder.yaml/inner.txt', 'not a manifest');
      },
    });
    await client.waitForIdle();
    await client.waitForStatus({ files: 4, resources: 2 });
    assert.equal(client.diagnostics.get(workspace.uriOf('apps/blob.yaml'))?.[0]?.code, 'binary');

    client.change('file:///nowhere/unknown.yaml', 'kind: Service\n');
    client.close('file:///nowhere/never-opened.yaml');
    client.notify('textDocument/didOpen', { textDocument: null });
    client.notify('textDocument/didOpen', { textDocument: { uri: 42, text: { not: 'text' } } });
    client.notify('textDocument/didChange', { textDocument: { uri: workspace.uriOf('apps/service.yaml') }, contentChanges: 'garbage' });
    client.notify('workspace/didChangeWatchedFiles', { changes: [null, { uri: 7, type: 9 }, { uri: 'not a uri', type: 1 }, { uri: 'file:///%E0%A4%A', type: 3 }] });
    client.notify('workspace/didChangeWatchedFiles', null);
    client.notify('workspace/didChangeConfiguration', null);
    client.notify('workspace/didChangeWorkspaceFolders', { event: null });
    client.notify('portchain/noSuchNotification', { x: 1 });
    await assert.rejects(client.request('portchain/noSuchRequest', [1, 2, 3]), /Unhandled method|not found/i);
    client.filesChanged([{ uri: workspace.uriOf('apps/blob.yaml'), type: 2 }]);

    // It still reads, links and publishes: the Deployment edited to declare 8081 fixes the Service.
    const service = workspace.uriOf('apps/service.yaml');
    client.open(workspace.uriOf('apps/deploy.yaml'), workspace.text('apps/deploy.yaml').replace('8080', '8081'));
    await client.waitForDiagnostics(service, (diagnostics) => diagnostics.length === 0, 'the Service fixed by the edited Deployment');

    const blob = client.diagnostics.get(workspace.uriOf('apps/blob.yaml'));
    assert.deepEqual(
      blob?.map((diagnostic) => [diagnostic.code, diagnostic.severity, diagnostic.source, diagnostic.range.start.line]),
      [['binary', 3, 'portchain', 0]],
      'a binary file is an information diagnostic, not silence',
    );
    const withDiagnostics = [...client.diagnostics].filter(([, diagnostics]) => diagnostics.length > 0).map(([uri]) => uri);
    assert.deepEqual(withDiagnostics, [workspace.uriOf('apps/blob.yaml')]);
    assert.equal(await client.stop(), 0);
    assert.doesNotMatch(client.stderrText, /Error|Uncaught/);
  });
});
