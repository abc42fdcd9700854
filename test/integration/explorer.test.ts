import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger';
import { listAnomalies } from '../../shared/db/anomalies';
import { openDatabase, type Database } from '../../shared/db/database';
import { run as generate } from '../../tasks/generate/command';
import { run as ingest } from '../../tasks/ingest/command';
import { run as parse } from '../../tasks/parse/command';
import { run as features } from '../../tasks/features/command';
import { run as train } from '../../tasks/train/command';
import { run as score } from '../../tasks/score/command';
import { run as alert } from '../../tasks/alert/command';
import { buildReport, reportKey } from '../../tasks/report/command';
import { openStore } from '../../shared/store/openStore';
import { createTestDatabase, createTestLake } from '../support/services';
import { Browser } from '../support/browser';
import { shapeExplorer } from '../../tasks/report/explorer/shape';
import { renderExplorer } from '../../tasks/report/explorer/render';
import { loadExplorerAssets } from '../../tasks/report/explorer/assets';

/**
 * The anomaly explorer in a real headless Chromium: a small pipeline run on generated data (MinIO,
 * PostgreSQL), `report --html`, then the page as a person uses it. The screenshot goes to
 * .sentinel/explorer/ for people to look at (docs/explorer.png is one of these).
 */
const DATE = '2026-03-09';
const OUT = resolve(__dirname, '../../.sentinel/explorer');
const log = createLogger('warn');
let lake: string;
let dbUrl: string;
let dropDb: () => Promise<void>;
let database: Database;
let browser: Browser;
let anomalyCount = 0;
const step = () => ({ log, database, env: { ...process.env, DATABASE_URL: dbUrl, SENTINEL_LAKE: lake } });

/** What the page shows, read from its DOM. */
const PAGE_STATE = `
  const markers = [...document.querySelectorAll('.service-chart')].reduce((n, c) => n + Number(c.dataset.markers), 0);
  return {
    rows: document.querySelectorAll('#anomalies tbody tr').length,
    markers,
    incidents: document.querySelectorAll('#incidents tbody tr').length,
    serviceCharts: document.querySelectorAll('.service-chart svg').length,
    swimlaneSvg: document.querySelectorAll('#swimlane svg').length,
    scoreSvg: document.querySelectorAll('#score svg').length,
    rowServices: [...new Set([...document.querySelectorAll('#anomalies tbody tr')].map((r) => r.children[1].textContent))],
  };`;
interface PageState {
  rows: number;
  markers: number;
  incidents: number;
  serviceCharts: number;
  swimlaneSvg: number;
  scoreSvg: number;
  rowServices: string[];
}

beforeAll(async () => {
  lake = await createTestLake();
  ({ url: dbUrl, drop: dropDb } = await createTestDatabase());
  database = await openDatabase({ databaseUrl: dbUrl, embeddedDbDir: 'unused' }, log);
  await generate({ from: DATE, days: 1, logsPerDay: 150_000, services: 4, seed: 21, lake }, step());
  await ingest({ date: DATE, lake }, step());
  await parse({ date: DATE, lake }, step());
  await features({ date: DATE, lake }, step());
  await train({ from: DATE, to: DATE, lake }, step());
  await score({ date: DATE, lake }, step());
  await alert({ date: DATE, lake }, step());
  anomalyCount = (await listAnomalies(database.pool, DATE, DATE)).length;
  await mkdir(OUT, { recursive: true });
  await buildReport({ from: DATE, to: DATE, lake, html: join(OUT, 'report.html'), format: 'json' }, step());
  browser = await Browser.start(1400, 1000);
  await browser.open(pathToFileURL(join(OUT, 'report.html')).href);
  await browser.waitFor("return document.body.dataset.ready === 'true'", 'the explorer rendered');
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await database?.close();
  await dropDb?.();
});

describe('anomaly explorer in Chromium', () => {
  it('renders the swimlane, a chart per service with one marker per anomaly, and the incident list, with no console errors', async () => {
    expect(anomalyCount).toBeGreaterThan(0);
    const s = await browser.execute<PageState>(PAGE_STATE);
    expect(s.swimlaneSvg).toBe(1);
    expect(s.scoreSvg).toBe(1);
    expect(s.serviceCharts).toBe(4);
    expect(s.rows).toBe(anomalyCount);
    expect(s.markers).toBe(anomalyCount);
    expect(s.incidents).toBeGreaterThan(0);
    expect(s.incidents).toBeLessThan(anomalyCount);
    const errors = (await browser.consoleLog()).filter((e) => e.level === 'SEVERE');
    expect(errors).toEqual([]);
  });

  it('clicking a swimlane cell opens that incident with its sample lines', async () => {
    await browser.execute('window.scrollTo(0, 0)');
    // Where ECharts drew the first cell, in viewport pixels; then a real mouse click there.
    const cell = await browser.execute<{ x: number; y: number; incident: number }>(`
      const node = document.querySelector('#swimlane');
      const chart = echarts.getInstanceByDom(node);
      const d = chart.getOption().series[0].data[0];
      const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, [d.value[0], d.value[1]]);
      const r = node.getBoundingClientRect();
      return { x: r.left + x, y: r.top + y, incident: d.incident };`);
    await browser.clickAt(cell.x, cell.y);
    const shown = await browser.waitFor<{ incident: string; lines: string[]; expected: string[] }>(
      `const d = document.querySelector('#detail');
       if (d.dataset.incident === undefined) return null;
       return { incident: d.dataset.incident, lines: [...d.querySelectorAll('.sample-line')].map((l) => l.textContent),
                expected: DATA.incidents[Number(d.dataset.incident)].samples.map((l) => l.message) };`,
      'the incident detail after a click',
    );
    expect(Number(shown.incident)).toBe(cell.incident);
    expect(shown.expected.length).toBeGreaterThan(0);
    expect(shown.lines).toHaveLength(shown.expected.length);
    for (const [i, line] of shown.lines.entries()) expect(line).toContain(shown.expected[i]);
  });

  it('a filter changes the visible rows and markers together', async () => {
    const all = await browser.execute<PageState>(PAGE_STATE);
    // The service with the fewest anomalies (but some): its rows are a strict subset.
    const [service, count] = await browser.execute<[string, number]>(`
      const n = {};
      for (const a of DATA.anomalies) n[a.service] = (n[a.service] || 0) + 1;
      return Object.entries(n).sort((a, b) => a[1] - b[1])[0];`);
    await browser.click(`#f-service option[value="${service}"]`);
    const one = await browser.waitFor<PageState>(`const s = (() => {${PAGE_STATE}})(); return s.serviceCharts === 1 ? s : null;`, 'one service shown');
    expect(one.rows).toBe(count);
    expect(one.markers).toBe(count);
    expect(one.rowServices).toEqual([service]);
    expect(one.rows).toBeLessThan(all.rows);
    await browser.click('#f-service option[value="all"]');
    await browser.click('#f-severity option[value="critical"]');
    const critical = await browser.waitFor<PageState>(`const s = (() => {${PAGE_STATE}})(); return s.serviceCharts === 4 ? s : null;`, 'all services again');
    const expected = await browser.execute<number>('return DATA.anomalies.filter((a) => a.severity >= 90).length');
    expect(critical.rows).toBe(expected);
    expect(critical.markers).toBe(expected);
    await browser.click('#f-severity option[value="low"]');
    expect((await browser.consoleLog()).filter((e) => e.level === 'SEVERE')).toEqual([]);
  });

  it('report --publish (the daily DAG) puts the same page in the lake at reports/date=D/report.html and names it', async () => {
    const published = await buildReport({ from: DATE, to: DATE, lake, publish: true, format: 'json' }, step());
    expect(reportKey(DATE, DATE)).toBe(`reports/date=${DATE}/report.html`);
    expect(published.report).toBe(`${lake.replace(/\/+$/, '')}/reports/date=${DATE}/report.html`);
    const html = Buffer.from(await openStore(lake).get(reportKey(DATE, DATE))).toString('utf8');
    const local = await readFile(join(OUT, 'report.html'), 'utf8');
    expect(html).toBe(local);
  });

  it('saves a screenshot for people to look at', async () => {
    await browser.resize(1400, 1500);
    await browser.execute('window.scrollTo(0, 0)');
    const png = await browser.screenshot();
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    await writeFile(join(OUT, 'explorer.png'), png);
  });

  it('never runs markup from the logs: a hostile service name, reason and log line stay text', async () => {
    const t = Date.UTC(2026, 2, 9, 10);
    const service = '<img src=x onerror="window.__xss=1">';
    const data = shapeExplorer({
      from: DATE,
      to: DATE,
      windowMs: 60_000,
      windows: [0, 1, 2].map((m) => ({ service, t: t + m * 60_000, values: { count: 5, error_count: 0, latency_p95: 10, distinct_templates: 2 }, score: 0.5 })),
      anomalies: [
        {
          date: DATE,
          entity_kind: 'window',
          entity_key: 'k',
          service,
          window_start: t + 60_000,
          window_end: t + 120_000,
          score: 0.9999,
          severity: 95,
          detectors: ['robust_baseline'],
          anomaly_type: 'volume_spike',
          explanation: {
            summary: '<img src=y onerror="window.__xss=2"></script><script>window.__xss=3</script>',
            sample_lines: [
              {
                ts: new Date(t).toISOString(),
                level: 'ERROR',
                template_id: 'T',
                message: '<script>window.__xss=4</script><img src=z onerror="window.__xss=5">',
              },
            ],
          },
          model_name: 'sentinel',
          model_version: 1,
        },
      ],
      alerts: [],
      incidentGapMs: 300_000,
      metrics: [],
      metricThresholds: {},
    });
    const file = join(OUT, 'hostile.html');
    await writeFile(file, renderExplorer(data, await loadExplorerAssets()));
    await browser.open(pathToFileURL(file).href);
    await browser.waitFor("return document.body.dataset.ready === 'true'", 'the hostile page rendered');
    // Every place a log-derived string is shown: both tooltips (HTML in ECharts), the tables and the detail.
    const shown = await browser.execute<{ xss: unknown; images: number; text: string }>(`
      const swim = echarts.getInstanceByDom(document.querySelector('#swimlane'));
      swim.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: 0 });
      const chart = echarts.getInstanceByDom(document.querySelector('.service-chart'));
      const marks = chart.getOption().series.findIndex((s) => s.name === 'anomalies');
      chart.dispatchAction({ type: 'showTip', seriesIndex: marks, dataIndex: 0 });
      document.querySelector('#anomalies tbody tr').click();
      return { xss: window.__xss ?? 'never set', images: document.querySelectorAll('img').length, text: document.body.innerText };`);
    expect(shown.xss).toBe('never set');
    expect(shown.images).toBe(0);
    expect(shown.text).toContain('<img src=y onerror="window.__xss=2">');
    expect(shown.text).toContain('<script>window.__xss=4</script>');
    expect((await browser.consoleLog()).filter((e) => e.level === 'SEVERE')).toEqual([]);
  });
});
