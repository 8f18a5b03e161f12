/**
 * The flow designer's weight and canvas speed: starts the whole system as `npm start` does, then in
 * Debian's Chromium opens the designer and reports
 *  - the JavaScript and CSS the designer page adds to the web app (loaded when a flow is opened:
 *    raw and gzip, by file), and
 *  - the canvas's frame times (median, 95th percentile, worst) while a node is dragged across it
 *    and while the canvas is panned, on a 200-node flow and — in the same run, side by side — a
 *    20-node one, with their ratio.
 * Usage: npm run bench:designer [-- ROUNDS]   (default 3 rounds of each)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../test/support/browser.js';
import type { Flow, FlowNode } from '../workflows/kernel/flow.js';
import { pct, startEmbeddedSystem } from './embedded-system.js';

const ROUNDS = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 3);
const assetsDir = fileURLToPath(new URL('../../ui/dist/assets', import.meta.url));
const kB = (n: number) => `${(n / 1024).toFixed(1)} kB`;

/** A chain of `n` nodes (start, tasks, end) drawn on a grid, 10 to a row. */
function chain(n: number, teamId: string): Flow {
  const nodes: FlowNode[] = [{ id: 'start', type: 'start' }];
  for (let i = 1; i < n - 1; i++)
    nodes.push({ id: `t${i}`, type: 'task', teamId, title: `Step ${i}`, label: `Step ${i}` });
  nodes.push({ id: 'done', type: 'end', outcome: 'completed' });
  const edges = nodes.slice(1).map((m, i) => ({ from: nodes[i]!.id, to: m.id }));
  const layout = Object.fromEntries(nodes.map((m, i) => [m.id, { x: (i % 10) * 260, y: Math.floor(i / 10) * 140 }]));
  return { nodes, edges, layout };
}

const system = await startEmbeddedSystem();
let browser: Browser | undefined;
try {
  const admin = await system.signIn('admin');
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${system.origin}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.accessToken}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const teamId = (await api('GET', '/teams')).items[0].id as string;
  const flows: Record<number, string> = {};
  for (const n of [20, 200])
    flows[n] = (await api('POST', '/flows', { name: `Bench ${n} ${Date.now()}`, definition: chain(n, teamId) })).id;

  browser = await launchChromium();
  const context = await browser.newContext({ baseURL: system.origin, viewport: { width: 1440, height: 900 } });
  await context.addInitScript(
    ([a, r]) => {
      const w = globalThis as unknown as { sessionStorage: Storage; localStorage: Storage };
      w.sessionStorage.setItem('lintas.access', a!);
      w.localStorage.setItem('lintas.refresh', r!);
    },
    [admin.accessToken, admin.refreshToken],
  );
  const page = await context.newPage();

  // What opening the designer adds: the files fetched when a flow is opened from the list.
  await page.goto('/admin/flows');
  await page.locator('[data-test="flow-list"]').waitFor();
  const added: string[] = [];
  page.on('response', (r) => {
    const m = /\/assets\/([^/?]+\.(js|css))/.exec(r.url());
    if (m) added.push(m[1]!);
  });
  await page.locator(`[data-test="open-${flows[20]}"]`).click();
  await page.locator('.vue-flow__node').first().waitFor();
  let raw = 0;
  let gzip = 0;
  const rows = [...new Set(added)].map((f) => {
    const b = readFileSync(join(assetsDir, f));
    const g = gzipSync(b, { level: 6 }).length;
    raw += b.length;
    gzip += g;
    return `  ${f.padEnd(44)} ${kB(b.length).padStart(10)} ${kB(g).padStart(10)} gzip`;
  });

  /** Frame times (ms) while `act` runs, from requestAnimationFrame. */
  async function frames(p: Page, act: () => Promise<void>): Promise<number[]> {
    await p.evaluate(() => {
      const w = globalThis as unknown as {
        dzFrames: number[];
        dzOn: boolean;
        requestAnimationFrame: (cb: (t: number) => void) => void;
      };
      w.dzFrames = [];
      w.dzOn = true;
      let last = performance.now();
      const tick = (t: number) => {
        w.dzFrames.push(t - last);
        last = t;
        if (w.dzOn) w.requestAnimationFrame(tick);
      };
      w.requestAnimationFrame(tick);
    });
    await act();
    return p.evaluate(() => {
      const w = globalThis as unknown as { dzFrames: number[]; dzOn: boolean };
      w.dzOn = false;
      return w.dzFrames.slice(1);
    });
  }
  async function measure(n: number) {
    await page.goto(`/admin/flows/${flows[n]}/design`);
    await page
      .locator('.vue-flow__node')
      .nth(n - 1)
      .waitFor({ state: 'attached' });
    await page.waitForTimeout(500);
    const target = page.locator('.vue-flow__node[data-id="t1"]');
    await target.scrollIntoViewIfNeeded();
    const box = (await target.boundingBox())!;
    const drag = await frames(page, async () => {
      await page.mouse.move(box.x + box.width / 2, box.y + 20);
      await page.mouse.down();
      for (let i = 1; i <= 60; i++) await page.mouse.move(box.x + box.width / 2 + i * 4, box.y + 20 + i * 2);
      await page.mouse.up();
    });
    const pane = (await page.locator('.vue-flow__pane').boundingBox())!;
    const pan = await frames(page, async () => {
      await page.mouse.move(pane.x + pane.width - 30, pane.y + 30);
      await page.mouse.down();
      for (let i = 1; i <= 60; i++) await page.mouse.move(pane.x + pane.width - 30 - i * 5, pane.y + 30 + i * 3);
      await page.mouse.up();
    });
    // Leave without the unsaved-changes prompt.
    page.once('dialog', (d) => void d.accept());
    return { drag, pan };
  }
  const results: Record<number, { drag: number[]; pan: number[] }> = {
    20: { drag: [], pan: [] },
    200: { drag: [], pan: [] },
  };
  for (let r = 0; r < ROUNDS; r++)
    for (const n of [20, 200]) {
      const m = await measure(n);
      results[n]!.drag.push(...m.drag);
      results[n]!.pan.push(...m.pan);
    }

  const line = (label: string, xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `  ${label.padEnd(26)} median ${pct(s, 50).toFixed(1).padStart(5)} ms   p95 ${pct(s, 95).toFixed(1).padStart(5)} ms   worst ${s[s.length - 1]!.toFixed(1).padStart(6)} ms   (${s.length} frames)`;
  };
  const med = (xs: number[]) =>
    pct(
      [...xs].sort((a, b) => a - b),
      50,
    );
  console.log(`\nflow designer (${system.databaseLabel}, Chromium ${browser.version()}, headless, 1440×900)`);
  console.log(`\nwhat opening the designer loads beyond the web app: ${kB(raw)} raw, ${kB(gzip)} gzip`);
  console.log(rows.join('\n'));
  console.log(`\ncanvas frame times, ${ROUNDS} rounds each, side by side:`);
  for (const n of [20, 200]) {
    console.log(line(`${n} nodes, dragging a node`, results[n]!.drag));
    console.log(line(`${n} nodes, panning`, results[n]!.pan));
  }
  console.log(
    `  ratio 200 / 20 nodes (median): drag ${(med(results[200]!.drag) / med(results[20]!.drag)).toFixed(2)}×, pan ${(med(results[200]!.pan) / med(results[20]!.pan)).toFixed(2)}×`,
  );
} finally {
  await browser?.close();
  await system.stop();
}
