// What a person does in the VS Code window, as playwright calls: open a file by name (Ctrl+P),
// point at a word, read the hover, open the quick fix menu (Ctrl+. or the lightbulb), read the
// status bar and the Problems view. Selectors are the workbench's own (ids, aria labels, the
// classes VS Code's smoke tests use), never positions on the screen.

import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';

/** The page's document, as far as the functions below that run in the page use it (the type-check has no DOM library). */
declare const document: { getElementById(id: string): { getAttribute(name: string): string | null } | null };

/** How long the window may take to answer one action (the language server runs behind it). */
const ANSWER_MS = 20_000;

/** One VS Code window in the browser. */
export class Workbench {
  constructor(readonly page: Page) {}

  /** Opens a workspace file the way a person does who knows its name: Ctrl+P, the path, Enter. */
  async openFile(relativePath: string): Promise<void> {
    const name = relativePath.split('/').pop()!;
    const tab = this.page.locator('.tab.active', { hasText: name });
    // Quick open lists recently opened files first and then filters them as it searches; an Enter
    // pressed in between is lost, so a person (and this) looks again and tries once more.
    for (let attempt = 1; ; attempt += 1) {
      await this.page.keyboard.press('Control+P');
      await this.page.locator('.quick-input-widget input').fill(relativePath);
      await this.page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: name }).waitFor({ timeout: ANSWER_MS });
      await this.page.keyboard.press('Enter');
      try {
        await tab.waitFor({ timeout: attempt === 1 ? 5_000 : ANSWER_MS });
        break;
      } catch (error) {
        if (attempt === 2) throw error;
        await this.page.keyboard.press('Escape');
      }
    }
    await this.activeEditor().locator('.view-line').first().waitFor({ timeout: ANSWER_MS });
  }

  /** The editor that has the cursor. */
  activeEditor(): Locator {
    return this.page.locator('.editor-group-container.active .monaco-editor').first();
  }

  /**
   * The word `token` as the editor draws it on the line that starts with `line` (indentation aside;
   * an inlay hint may follow it on screen, so the line need only start with it).
   */
  token(line: string, token: string, nth = 0): Locator {
    // The editor draws spaces as no-break spaces, which \s matches.
    const lineRegExp = new RegExp(`^\\s*${escapeRegExp(line).replace(/ /g, '\\s+')}(?![\\w-])`);
    return this.activeEditor()
      .locator('.view-line')
      .filter({ hasText: lineRegExp })
      .locator('span > span')
      .filter({ hasText: new RegExp(`^${escapeRegExp(token)}$`) })
      .nth(nth);
  }

  /** The status bar's problem count as a screen reader reads it: `Errors: 6, Warnings: 1` or `No Problems`. */
  async problemCount(): Promise<string> {
    return (await this.page.locator('[id="status.problems"]').getAttribute('aria-label')) ?? '';
  }

  /** Waits until the status bar's problem count reads `expected`. */
  async waitForProblemCount(expected: string, timeoutMs = ANSWER_MS): Promise<void> {
    await this.page.waitForFunction((label) => document.getElementById('status.problems')?.getAttribute('aria-label') === label, expected, { timeout: timeoutMs }).catch(async () => {
      assert.equal(await this.problemCount(), expected, 'the status bar problem count');
    });
  }

  /** The text of an extension's status bar item; its id is `<extension id>.<item id>`, e.g. `portchain.portchain.portchain.status`. */
  async statusItem(id: string): Promise<string> {
    const item = this.page.locator(`[id="${id}"]`);
    await item.waitFor({ timeout: ANSWER_MS });
    return (await item.innerText()).trim();
  }

  /** Whether a red squiggle is drawn under `token`: the squiggle overlaps its box on the same line. */
  async hasErrorSquiggleUnder(token: Locator): Promise<boolean> {
    const word = await token.boundingBox();
    if (!word) return false;
    const squiggles = await this.activeEditor().locator('.squiggly-error').evaluateAll((elements) => elements.map((element) => element.getBoundingClientRect().toJSON() as { x: number; y: number; width: number; height: number }));
    return squiggles.some((box) => box.x < word.x + word.width && word.x < box.x + box.width && Math.abs(box.y - word.y) < word.height);
  }

  /**
   * Rests the mouse on `token` and returns the hover's text once it shows `expected`. A hover asked
   * for just after an edit may answer from before it (or not at all) and VS Code does not ask again
   * while the mouse stays; so, like a person, this moves the mouse off and back until it does.
   */
  async hover(token: Locator, expected: RegExp): Promise<string> {
    const widget = this.page.locator('.monaco-hover:not(.hidden)').filter({ hasText: expected }).first();
    const deadline = Date.now() + ANSWER_MS;
    for (;;) {
      await this.page.mouse.move(0, 0);
      await token.hover();
      try {
        await widget.waitFor({ timeout: 3_000 });
        return await widget.innerText();
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
    }
  }

  /** Moves the mouse away and presses Escape, so that no hover or menu stays open. */
  async dismiss(): Promise<void> {
    await this.page.mouse.move(0, 0);
    await this.page.keyboard.press('Escape');
    await this.page.locator('.monaco-hover:not(.hidden)').waitFor({ state: 'detached', timeout: 5_000 }).catch(() => {});
  }

  /** Puts the cursor on `token` and opens the quick fix menu with Ctrl+.; returns the titles it lists. */
  async quickFixMenuByKeyboard(token: Locator): Promise<string[]> {
    await token.click();
    // Asked before the server's code actions arrive, VS Code answers "no code actions" and shows
    // nothing; a person presses again, and so does the test (a few times, then it fails).
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Control+.');
      const shown = await this.quickFixMenu().waitFor({ timeout: attempt < 4 ? 5_000 : ANSWER_MS }).then(() => true, () => false);
      if (shown || attempt >= 4) break;
      await this.page.keyboard.press('Escape');
      await token.click();
    }
    return this.quickFixTitles();
  }

  /** Puts the cursor on `token` and clicks the lightbulb that appears beside its line; returns the titles the menu lists. */
  async quickFixMenuByLightbulb(token: Locator): Promise<string[]> {
    await token.click();
    const lightbulb = this.activeEditor().locator('.lightBulbWidget');
    for (let attempt = 1; ; attempt++) {
      await lightbulb.waitFor({ timeout: ANSWER_MS });
      await lightbulb.click();
      const shown = await this.quickFixMenu().waitFor({ timeout: attempt < 4 ? 5_000 : ANSWER_MS }).then(() => true, () => false);
      if (shown || attempt >= 4) break;
      await this.page.keyboard.press('Escape');
      await token.click();
    }
    return this.quickFixTitles();
  }

  /** Picks a fix in the open quick fix menu by its title. */
  async pickQuickFix(title: string): Promise<void> {
    await this.quickFixMenu().locator('.monaco-list-row.action', { hasText: title }).first().click();
    await this.quickFixMenu().waitFor({ state: 'hidden', timeout: ANSWER_MS });
  }

  /**
   * Selects the word `token` (a double click), types `typed` over it and asks for completion
   * (Ctrl+Space); returns the rows the suggest widget lists, label and detail as drawn.
   */
  async completionList(token: Locator, typed: string): Promise<string[]> {
    await token.dblclick();
    await this.page.keyboard.type(typed);
    const rows = this.page.locator('.suggest-widget.visible .monaco-list-row');
    // Asked before the language server has answered, the widget may say "No suggestions": ask again.
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Control+Space');
      const shown = await rows.first().waitFor({ timeout: attempt < 4 ? 5_000 : ANSWER_MS }).then(() => true, () => false);
      if (shown || attempt >= 4) break;
      await this.page.keyboard.press('Escape');
    }
    return (await rows.allInnerTexts()).map((row) => row.replace(/\s+/g, ' ').trim());
  }

  /**
   * The focused completion item's detail and documentation, from the suggest widget's side panel
   * (Ctrl+Space with the list open shows it; VS Code remembers whether it was open, so this looks first).
   */
  async completionDetails(): Promise<{ detail: string; documentation: string }> {
    const panel = this.page.locator('.suggest-details-container .suggest-details');
    if (!(await panel.isVisible())) await this.page.keyboard.press('Control+Space');
    const detail = panel.locator('.header .type');
    await this.page.waitForFunction(() => ((globalThis as unknown as { document: { querySelector(selector: string): { textContent: string | null } | null } }).document.querySelector('.suggest-details .header .type')?.textContent ?? '') !== '', undefined, { timeout: ANSWER_MS });
    return { detail: (await detail.innerText()).trim(), documentation: (await panel.locator('.docs').innerText()).trim() };
  }

  /** Picks the focused row of the open suggest widget with Enter. */
  async acceptCompletion(): Promise<void> {
    await this.page.keyboard.press('Enter');
    await this.page.locator('.suggest-widget.visible').waitFor({ state: 'hidden', timeout: ANSWER_MS });
  }

  /** The text of the active editor's line that starts with `start` (indentation aside), as drawn. */
  async lineText(start: RegExp, nth = 0): Promise<string> {
    const line = this.activeEditor().locator('.view-line').filter({ hasText: start }).nth(nth);
    return (await line.innerText()).replace(/\u00a0/g, ' ');
  }

  /** Runs a command from the command palette (F1) by its title, e.g. `View: Toggle Maximized Panel`. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.fill(`>${title}`);
    await this.page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor({ timeout: ANSWER_MS });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: ANSWER_MS });
  }

  /**
   * Opens the Problems view (Ctrl+Shift+M), maximized so that every row is drawn (the list draws
   * only what fits), and returns its rows as a screen reader reads them.
   */
  async problemsView(): Promise<string[]> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) await this.page.keyboard.press('Control+Shift+M');
    await panel.waitFor({ timeout: ANSWER_MS });
    await this.runCommand('View: Toggle Maximized Panel');
    const rows = panel.locator('.monaco-list-row');
    await rows.first().waitFor({ timeout: ANSWER_MS });
    return rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('aria-label') ?? ''));
  }

  /** Restores the panel from maximized and closes it. */
  async closeProblemsView(): Promise<void> {
    await this.runCommand('View: Toggle Maximized Panel');
    await this.page.keyboard.press('Control+J');
    await this.page.locator('.markers-panel').waitFor({ state: 'hidden', timeout: ANSWER_MS });
  }

  private quickFixMenu(): Locator {
    return this.page.locator('.action-widget').filter({ has: this.page.locator('.monaco-list-row.action') }).first();
  }

  private async quickFixTitles(): Promise<string[]> {
    const menu = this.quickFixMenu();
    await menu.waitFor({ timeout: ANSWER_MS });
    return (await menu.locator('.monaco-list-row.action').allInnerTexts()).map((title) => title.trim());
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
