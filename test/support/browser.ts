/**
 * The browser side of the end-to-end tests: Debian's Chromium driven by playwright-core, a watch
 * on every page for console errors, and axe-core run inside the page for accessibility.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import pg from 'pg';
import { type Browser, type BrowserContext, type Page, chromium, selectors } from 'playwright-core';
import { TEST_DATABASE_URL, chromiumPath } from './env.js';

/**
 * The browser suites take turns (a PostgreSQL advisory lock held for the whole file): two
 * Chromiums, two stacks and the other suites at once starve a 2-core machine until pages miss
 * Playwright's timeouts. The other test files still run beside whichever browser suite has its turn.
 * Returns the release.
 */
export async function browserTurn(): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  await client.query(`select pg_advisory_lock(hashtext('lintas-browser-suites'))`);
  return async () => {
    await client.query(`select pg_advisory_unlock(hashtext('lintas-browser-suites'))`).catch(() => undefined);
    await client.end();
  };
}

/** The flags this machine's Chromium needs (no sandbox in a container, no GPU, no phoning home). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** Chromium for a test file; `getByTestId` finds the app's `data-test` attributes. */
export function launchChromium(): Promise<Browser> {
  selectors.setTestIdAttribute('data-test');
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}

/**
 * Collects what pages report as errors: console errors and uncaught exceptions. `allow` names
 * messages a step expects (e.g. the 401 that ends a revoked session).
 */
export class ConsoleWatch {
  readonly errors: string[] = [];
  private allow: RegExp | null = null;
  /** Runs a step during which messages matching `pattern` are expected (and not collected). */
  async expecting<T>(pattern: RegExp, step: () => Promise<T>): Promise<T> {
    this.allow = pattern;
    try {
      return await step();
    } finally {
      this.allow = null;
    }
  }
  watch(page: Page, label: string): Page {
    page.on('console', (m) => {
      if (m.type() === 'error' && !this.allow?.test(m.text())) this.errors.push(`${label} ${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => this.errors.push(`${label} ${page.url()}: ${e.message}`));
    return page;
  }
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
  summary?: string;
  html?: string;
}

/**
 * axe-core's violations on the page as it is now (WCAG 2.1 A/AA rules and best practices). The
 * script is evaluated through the DevTools protocol, so the app's CSP stays as it is.
 */
export async function axe(page: Page): Promise<AxeFinding[]> {
  await page.evaluate(axeSource);
  // A string, evaluated in the page: the server build has no DOM types. Transitions still running
  // (a tab sliding in, a label floating up) are let finish first: text caught half-faded fails the
  // contrast rule though nobody ever reads it so. Endless animations (spinners) are not awaited.
  return page.evaluate(`Promise.race([
      Promise.all(document.getAnimations()
        .filter((a) => a.effect && a.effect.getComputedTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => null))),
      new Promise((done) => setTimeout(done, 2000)),
    ])
    .then(() => axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
      summary: v.nodes[0] && v.nodes[0].failureSummary,
      html: v.nodes[0] && v.nodes[0].html.slice(0, 300),
    }))))`) as Promise<AxeFinding[]>;
}

/**
 * The pages of one browser test file: each in a context of its own (its own session), watched for
 * console errors, all closed at the end.
 */
export class BrowserPages {
  readonly contexts: BrowserContext[] = [];
  constructor(
    private readonly browser: () => Browser,
    private readonly baseUrl: () => string,
    readonly consoleWatch: ConsoleWatch = new ConsoleWatch(),
  ) {}
  async context(
    viewport = { width: 1366, height: 900 },
    options: { timezoneId?: string; acceptDownloads?: boolean } = {},
  ): Promise<BrowserContext> {
    const context = await this.browser().newContext({ baseURL: this.baseUrl(), viewport, locale: 'en-US', ...options });
    this.contexts.push(context);
    return context;
  }
  async page(
    label: string,
    viewport?: { width: number; height: number },
    options?: { timezoneId?: string; acceptDownloads?: boolean },
  ): Promise<Page> {
    return this.consoleWatch.watch(await (await this.context(viewport, options)).newPage(), label);
  }
  async closeAll(): Promise<void> {
    for (const c of this.contexts) await c.close().catch(() => undefined);
  }
}

/** Signs in on the sign-in page with e-mail and password; `wait`: until the app has left it. */
export async function signInAs(page: Page, email: string, password: string, wait = true): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (wait) await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
}

/**
 * Waits until a Vuetify menu chosen from has closed (on a loaded machine its closing transition
 * can outlast the next click, whose target the still-open list then covers); Escape if it stays.
 */
export async function menuClosed(page: Page): Promise<void> {
  const list = page.locator('.v-overlay--active [role="listbox"]');
  try {
    await list.first().waitFor({ state: 'hidden', timeout: 3000 });
  } catch {
    await page.keyboard.press('Escape');
    await list.first().waitFor({ state: 'hidden' });
  }
}

/**
 * Ends a browser test file: writes its report when it keeps one (axe findings and console errors),
 * closes its pages, Chromium and the stack, then whatever else it started (`more`), and gives the
 * browser suites' turn back.
 */
export async function endBrowserSuite(s: {
  pages: BrowserPages;
  browser: Browser | undefined;
  stack: { stop(): Promise<void> } | undefined;
  releaseTurn: (() => Promise<void>) | undefined;
  report?: { file: string; axe: Record<string, AxeFinding[]> };
  more?: () => Promise<unknown>;
}): Promise<void> {
  if (s.report) {
    const { file, axe: found } = s.report;
    writeFileSync(file, JSON.stringify({ axe: found, consoleErrors: s.pages.consoleWatch.errors }, null, 2));
  }
  await s.pages.closeAll();
  await s.browser?.close();
  await s.stack?.stop();
  await s.more?.();
  await s.releaseTurn?.();
}
