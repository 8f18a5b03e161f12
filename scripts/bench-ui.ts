/**
 * The web app's weight and first load: starts the whole system as `npm start` does, fills the demo
 * agent's queue, then in Debian's Chromium loads the console N times (default 20) with an empty cache (a new
 * browser context each time, signed in) and times navigation → first queue row on screen. Prints
 * the figures, the JavaScript and CSS the first view downloads (raw and gzip) and the whole build's.
 * With `--screenshots DIR` it also saves the README's screenshots there.
 * Usage: npm run bench:ui [-- N] [-- --screenshots docs/screenshots]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../test/support/browser.js';
import { pct, startEmbeddedSystem } from './embedded-system.js';

const args = process.argv.slice(2);
const shotsAt = args.indexOf('--screenshots');
const shotsDir = shotsAt >= 0 ? args[shotsAt + 1] : undefined;
const N = Number(args.find((a, i) => /^\d+$/.test(a) && (shotsAt < 0 || i !== shotsAt + 1)) ?? 20);
const assetsDir = fileURLToPath(new URL('../../ui/dist/assets', import.meta.url));
const kB = (n: number) => `${(n / 1024).toFixed(1)} kB`;
const gz = (b: Buffer) => gzipSync(b, { level: 6 }).length;

const system = await startEmbeddedSystem();
let browser: Browser | undefined;
try {
  const api = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${system.origin}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const agent = await system.signIn('agent');
  const requester = await system.signIn('requester');
  const me = await api(agent.accessToken, 'GET', '/me');
  const titles = [
    'VPN drops every 10 minutes',
    'Laptop will not boot after update',
    'Shared drive is read-only',
    'E-mail stuck in outbox',
    'Printer on floor 3 prints blank pages',
    'Cannot join the Teams meeting room',
    'Password reset link expired',
    'New starter needs a laptop',
  ];
  const levels = ['high', 'medium', 'low'] as const;
  const keys: string[] = [];
  for (let i = 0; i < 40; i++) {
    const raised = await api(requester.accessToken, 'POST', '/incidents', {
      title: `${titles[i % titles.length]} (${i + 1})`,
      description: 'Reported through the portal.',
      impact: levels[i % 3],
      urgency: levels[(i * 2) % 3],
    });
    keys.push(raised.key);
    if (i % 4 !== 3) await api(agent.accessToken, 'POST', `/incidents/${raised.key}/assignment`, { assigneeId: me.id });
  }

  browser = await launchChromium();
  /** A fresh, signed-in browser context: nothing cached. */
  const signedInPage = async (
    tokens: { accessToken: string; refreshToken: string },
    viewport = { width: 1366, height: 800 },
  ) => {
    const context = await browser!.newContext({ baseURL: system.origin, viewport, locale: 'en-US' });
    await context.addInitScript(
      ([a, r]) => {
        const w = globalThis as unknown as { sessionStorage: Storage; localStorage: Storage };
        w.sessionStorage.setItem('lintas.access', a!);
        w.localStorage.setItem('lintas.refresh', r!);
        w.localStorage.setItem('lintas.queue.view', 'mine');
      },
      [tokens.accessToken, tokens.refreshToken],
    );
    return context.newPage();
  };

  // ---- first load, cold cache
  const cold: number[] = [];
  const fcp: number[] = [];
  let firstView: { url: string; bytes: Buffer; sent: number }[] = [];
  for (let i = 0; i < N + 1; i++) {
    const page = await signedInPage(agent);
    // Asset bodies, read after the timed part (reading them during it would slow it down).
    const assets: import('playwright-core').Response[] = [];
    page.on('response', (r) => void (r.url().includes('/assets/') && assets.push(r)));
    const t0 = performance.now();
    await page.goto('/console');
    await page.locator('[data-test=queue] tbody tr a').first().waitFor();
    const ms = performance.now() - t0;
    const paint = (await page.evaluate(
      "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null",
    )) as number | null;
    if (i > 0) {
      // the first run warms the server (and the OS file cache), as a user's first visit would not
      cold.push(ms);
      if (paint !== null) fcp.push(paint);
    }
    firstView = await Promise.all(
      assets.map(async (r) => ({
        url: r.url(),
        bytes: await r.body(),
        sent: (await r.request().sizes()).responseBodySize, // as it crossed the wire (gzipped)
      })),
    );
    await page.context().close();
  }
  cold.sort((a, b) => a - b);
  fcp.sort((a, b) => a - b);

  // ---- what the first view downloads, and the whole build
  const sent = (ext: string) => firstView.filter((x) => x.url.endsWith(ext)).reduce((a, x) => a + x.sent, 0);
  const sum = (files: { url: string; bytes: Buffer }[], ext: string) => {
    const f = files.filter((x) => x.url.endsWith(ext));
    return {
      count: f.length,
      raw: f.reduce((a, x) => a + x.bytes.length, 0),
      gzip: f.reduce((a, x) => a + gz(x.bytes), 0),
    };
  };
  const build = readdirSync(assetsDir).map((name) => ({ url: name, bytes: readFileSync(join(assetsDir, name)) }));
  const [viewJs, viewCss, allJs, allCss] = [
    sum(firstView, '.js'),
    sum(firstView, '.css'),
    sum(build, '.js'),
    sum(build, '.css'),
  ];
  const entry = build
    .filter((f) => /^index-.*\.js$/.test(f.url))
    .map((f) => `${f.url} ${kB(f.bytes.length)} (gzip ${kB(gz(f.bytes))})`);

  console.log(
    [
      `web app first load: the agent console (${system.databaseLabel}, Temporal dev server, Chromium ${browser.version()}, headless, loopback)`,
      `  navigation → first queue row on screen, empty cache, ${N} runs: p50 ${pct(cold, 50).toFixed(0)} ms   p95 ${pct(cold, 95).toFixed(0)} ms   max ${cold.at(-1)!.toFixed(0)} ms`,
      fcp.length
        ? `  first contentful paint: p50 ${pct(fcp, 50).toFixed(0)} ms   max ${fcp.at(-1)!.toFixed(0)} ms`
        : '',
      `  downloaded for that view: JS ${viewJs.count} files ${kB(viewJs.raw)} (gzip ${kB(viewJs.gzip)}; sent ${kB(sent('.js'))}), CSS ${viewCss.count} files ${kB(viewCss.raw)} (gzip ${kB(viewCss.gzip)}; sent ${kB(sent('.css'))})`,
      `  entry chunk: ${entry.join(', ')}`,
      `  whole build: JS ${allJs.count} files ${kB(allJs.raw)} (gzip ${kB(allJs.gzip)}), CSS ${kB(allCss.raw)} (gzip ${kB(allCss.gzip)})`,
      '  (gzip: level 6 computed here; sent: the bytes that crossed the wire, gzip level 9 from the API)',
    ]
      .filter(Boolean)
      .join('\n'),
  );

  if (shotsDir) {
    await mkdir(shotsDir, { recursive: true });
    const shot = async (page: Page, name: string) => {
      await page.waitForTimeout(400); // let transitions settle
      await page.screenshot({ path: join(shotsDir, `${name}.png`) });
    };
    const key = keys[0]!;
    await api(agent.accessToken, 'POST', `/incidents/${key}/transitions`, { to: 'in_progress' });
    await api(agent.accessToken, 'POST', `/incidents/${key}/comments`, {
      body: 'Checked the VPN gateway logs: the tunnel renegotiates every 600 s. Testing a longer lifetime.',
      internal: true,
    });
    await api(requester.accessToken, 'POST', `/incidents/${key}/comments`, { body: 'It happened again at 10:40.' });

    const consolePage = await signedInPage(agent);
    await consolePage.goto('/console');
    await consolePage.locator('[data-test=queue] tbody tr a').first().waitFor();
    await shot(consolePage, 'console-queue');
    await consolePage.goto(`/console/${key}`);
    await consolePage.getByTestId('timeline').waitFor();
    await shot(consolePage, 'console-incident');

    const phone = await signedInPage(requester, { width: 390, height: 844 });
    await phone.goto(`/portal/${key}`);
    await phone.getByTestId('status').waitFor();
    await shot(phone, 'portal-phone');
    const agentPhone = await signedInPage(agent, { width: 390, height: 844 });
    await agentPhone.goto('/console');
    await agentPhone.locator('[data-test=queue] a').first().waitFor();
    await shot(agentPhone, 'console-phone');

    const admin = await signedInPage(await system.signIn('admin'));
    await admin.goto('/admin/sla');
    await admin.getByTestId('new-policy').click();
    await admin.getByTestId('policy-name').locator('input').fill('Business hours, Jakarta');
    await shot(admin, 'admin-sla-policy');
    await admin.goto('/admin/settings');
    await admin.getByTestId('settings-matrix').waitFor();
    await shot(admin, 'admin-settings');

    const auditor = await signedInPage(await system.signIn('auditor'));
    await auditor.goto('/audit');
    await auditor.getByTestId('verify').click();
    await auditor.getByTestId('verification').waitFor();
    await shot(auditor, 'audit-workspace');

    const dark = await signedInPage(agent);
    await dark.addInitScript(() => {
      const w = globalThis as unknown as { localStorage: Storage };
      w.localStorage.setItem('lintas.theme', 'dark');
      w.localStorage.setItem('lintas.locale', 'id');
    });
    await api(agent.accessToken, 'PATCH', '/me/preferences', { locale: 'id' });
    await dark.goto('/console');
    await dark.locator('[data-test=queue] tbody tr a').first().waitFor();
    await shot(dark, 'console-dark-id');
    await api(agent.accessToken, 'PATCH', '/me/preferences', { locale: 'en' });
    console.log(
      `  screenshots: ${readdirSync(shotsDir)
        .filter((f) => f.endsWith('.png'))
        .map((f) => `${f} (${kB(statSync(join(shotsDir, f)).size)})`)
        .join(', ')}`,
    );
  }
} finally {
  await browser?.close();
  await system.stop();
}
