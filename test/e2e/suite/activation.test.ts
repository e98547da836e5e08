// The extension starts in a real VS Code: it activates, starts the language server over IPC and
// registers its commands. (The workspace holds manifests, so `workspaceContains` may have
// activated it before the first file opens; either way it is running once a manifest is open.)

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventually, openFile, portchainExtension } from './helpers';
import { suite, test } from './mocha';

suite('activation', () => {
  test('opening a manifest activates portchain and starts its language server', async () => {
    const extension = portchainExtension();
    const document = await openFile('shop/service.yaml');
    assert.equal(document.languageId, 'yaml');
    const api = await eventually(() => {
      assert.ok(extension.isActive, 'portchain is not active');
      return extension.exports;
    });
    await api.ready;
    assert.ok(api.client.isRunning(), 'the language client is not running');
  });

  test('its commands are registered', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const command of ['portchain.restartServer', 'portchain.showOutput', 'portchain.showProblems', 'portchain.showPortMap', 'portchain.statusMenu']) {
      assert.ok(commands.includes(command), `${command} is not registered`);
    }
  });
});
