/**
 * The harness every browser test file shares: one Chromium, one real local
 * stack on a temporary data folder (seeded demo), the pages a file opens and
 * the errors they throw, and a picture of the last page when a test fails.
 *
 * `useBrowserSession` registers the file's beforeAll / afterEach / afterAll
 * hooks and returns the session the tests drive. Call it once, at module level.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startEmbeddedStack, type EmbeddedStack, type EmbeddedStackOptions } from '../../functions/src/runtime/start-embedded-stack.js';
import { expectAccessible } from './axe.js';
import { collectPageErrors, launchChromium, screenshot } from './browser.js';
import { callCallable, idTokenFor, type CallResult } from './crm-rest.js';

/** The password of every demo login the stack creates. */
export const DEMO_PASSWORD = 'crm-demo-123';

const WEB_DIST_DIR = join(import.meta.dirname, '..', '..', 'web', 'dist');

export interface BrowserSessionOptions {
  /** Prefix of the temporary folders, e.g. `crm-e2e-wf-` (data) and `crm-e2e-wf-web-` (private SPA copy). */
  readonly tempPrefix: string;
  /** Prefix of the screenshot a failing test leaves, e.g. `failed-dash-` → `failed-dash-<test name>.png`. */
  readonly failureShotPrefix: string;
  /** Writes into the data folder before the stack starts on it. */
  readonly prepare?: (dataDir: string) => Promise<void>;
  /**
   * Serve a private copy of `web/dist`: a rebuild of web/dist during the run
   * would otherwise break lazy chunks mid-test.
   */
  readonly privateWebDist?: boolean;
  /** Extra start options (port, authPort, dataDir and seed are the harness's). */
  readonly stack?: Omit<EmbeddedStackOptions, 'port' | 'authPort' | 'dataDir' | 'seed'>;
  /** Browser context options for every page; default 1440x900, en-US, UTC. */
  readonly context?: BrowserContextOptions;
  /** Runs once the stack is up, still inside beforeAll (data the tests expect). */
  readonly setup?: (session: BrowserSession) => Promise<void>;
}

export interface SignInOptions {
  readonly password?: string;
  /** Browser context options for this page only (a phone viewport, a locale). */
  readonly context?: BrowserContextOptions;
}

export interface BrowserSession {
  readonly stack: EmbeddedStack;
  readonly browser: Browser;
  readonly dataDir: string;
  /** One list per page opened; a test asserts `pageErrors.flat()` is empty. */
  readonly pageErrors: string[][];
  /** A fresh context and page, its errors collected; nothing else (no sign-in). */
  newPage(context?: BrowserContextOptions): Promise<Page>;
  /** A fresh page signed in through the sign-in form; dialogs are accepted. */
  signIn(email: string, options?: SignInOptions): Promise<Page>;
  /** An ID token of a demo login, for calling the callables directly. */
  idToken(email: string, password?: string): Promise<string>;
  /** Calls a callable over HTTP as `email` (signed in afresh). */
  call(email: string, name: string, data: unknown): Promise<CallResult>;
}

const DEFAULT_CONTEXT: BrowserContextOptions = { viewport: { width: 1440, height: 900 }, locale: 'en-US', timezoneId: 'UTC' };

export function useBrowserSession(options: BrowserSessionOptions): BrowserSession {
  let stack: EmbeddedStack | undefined;
  let browser: Browser | undefined;
  let dataDir: string | undefined;
  let webDistDir: string | undefined;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[][] = [];
  let lastPage: Page | null = null;
  /** Pages opened since the last test ended: checked for accessibility when it ends. */
  const pagesOfTest: Page[] = [];

  const started = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`The browser session's ${name} is not ready: use it inside a test or hook.`);
    return value;
  };

  const session: BrowserSession = {
    get stack() {
      return started(stack, 'stack');
    },
    get browser() {
      return started(browser, 'browser');
    },
    get dataDir() {
      return started(dataDir, 'data folder');
    },
    pageErrors,
    async newPage(contextOptions) {
      const context = await session.browser.newContext({ ...DEFAULT_CONTEXT, ...options.context, ...contextOptions });
      contexts.push(context);
      const page = await context.newPage();
      lastPage = page;
      pagesOfTest.push(page);
      pageErrors.push(collectPageErrors(page));
      return page;
    },
    async signIn(email, signInOptions = {}) {
      const page = await session.newPage(signInOptions.context);
      page.setDefaultTimeout(20_000);
      // Confirmations (delete, deactivate) are answered yes; the test asserts what follows.
      page.on('dialog', (dialog) => void dialog.accept());
      await page.goto(session.stack.url);
      // By input type, not label: the form may be in any language (a context's locale picks it).
      await page.locator('input[type=email]').fill(email);
      await page.locator('input[type=password]').fill(signInOptions.password ?? DEMO_PASSWORD);
      await page.locator('.auth-card button[type=submit]').click();
      await page.locator('input[type=password]').waitFor({ state: 'detached' });
      return page;
    },
    idToken(email, password = DEMO_PASSWORD) {
      return idTokenFor(session.stack, email, password);
    },
    async call(email, name, data) {
      return callCallable(session.stack, await session.idToken(email), name, data);
    },
  };

  beforeAll(async () => {
    browser = await launchChromium();
    dataDir = await mkdtemp(join(tmpdir(), options.tempPrefix));
    await options.prepare?.(dataDir);
    if (options.privateWebDist) {
      webDistDir = await mkdtemp(join(tmpdir(), `${options.tempPrefix}web-`));
      await cp(WEB_DIST_DIR, webDistDir, { recursive: true });
    }
    stack = await startEmbeddedStack({ ...options.stack, port: 0, authPort: 0, dataDir, seed: true, ...(webDistDir ? { webDistDir } : {}) });
    await options.setup?.(session);
  });

  afterEach(async (context) => {
    // A failing journey leaves a picture of where it stopped.
    if (context.task.result?.state === 'fail') {
      pagesOfTest.splice(0);
      if (lastPage) await screenshot(lastPage, `${options.failureShotPrefix}${context.task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
      return;
    }
    // Every page the test left open is checked with axe as it ended: 0 serious / critical violations.
    const open = pagesOfTest.splice(0).filter((page) => !page.isClosed());
    for (const page of open) await expectAccessible(page, context.task.name);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await stack?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (webDistDir) await rm(webDistDir, { recursive: true, force: true });
  });

  return session;
}
