// Types for browser.mjs, for the UI tests (test/e2e/ui), which are TypeScript.
import type { BrowserContext, Page } from 'playwright-core';

export function workbenchUrl(origin: string, options: { folder: string; extensionDevelopmentPath?: string; extensionTestsPath?: string }): string;

export function launchBrowser(options?: { viewport?: { width: number; height: number } }): Promise<{ context: BrowserContext; page: Page; close: () => Promise<void> }>;
