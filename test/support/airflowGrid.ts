import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { Browser } from './browser';

/**
 * Airflow's grid view of a DAG in a real headless Chromium, the way an operator sees it: sign in
 * through the Simple Auth Manager's form, open one run of the DAG (the grid on the left, that run's
 * task instances on the right) and save a screenshot. Run by test/dags/test_rest_api.py against its
 * `airflow standalone`; `make screenshots` copies the picture to docs/airflow-grid.png.
 *
 *   npx tsx test/support/airflowGrid.ts --url http://127.0.0.1:8080 --dag D --run RUN_ID --out F.png
 *
 * Prints one JSON line: every grid cell (`grid-<run>-<task>`) with its badge colour, and the colour
 * of the run's own state badge, so the caller can check the grid against the REST API's states.
 */
const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    dag: { type: 'string' },
    run: { type: 'string' },
    out: { type: 'string' },
    user: { type: 'string', default: 'admin' },
    password: { type: 'string', default: 'admin' },
  },
});
if (!args.url || !args.dag || !args.run || !args.out) {
  throw new Error('usage: airflowGrid.ts --url URL --dag DAG_ID --run RUN_ID --out FILE.png [--user U --password P]');
}

/** The grid's cells: anchor ids are `grid-<run id>-<task id>`, the badge inside carries the state colour. */
const GRID_CELLS = `
  return Object.fromEntries([...document.querySelectorAll('a[id^="grid-"]')].map((a) => {
    const badge = a.querySelector('[data-testid="task-state-badge"]');
    return [a.id, badge ? getComputedStyle(badge).backgroundColor : ''];
  }));`;

// A 1400×1040 window gives a viewport of about 1400×900 (headless Chromium keeps room for its frame).
const browser = await Browser.start(1400, 1040);
try {
  await browser.open(`${args.url}/auth/login`);
  await browser.waitFor("return document.querySelector('input[name=password]')", 'the sign-in form');
  await browser.type('input[name=username]', args.user);
  await browser.type('input[name=password]', args.password);
  await browser.click('button[type=submit]');
  await browser.waitFor("return document.cookie.includes('_token=')", 'signed in (the _token cookie)');

  await browser.open(`${args.url}/dags/${encodeURIComponent(args.dag)}/runs/${encodeURIComponent(args.run)}`);
  const runCell = JSON.stringify(`grid-${args.run}-`);
  await browser.waitFor(
    `return document.fonts.status === 'loaded'
      && document.querySelector('[data-testid="state-badge"]')
      && [...document.querySelectorAll('a[id^="grid-"]')].some((a) => a.id.startsWith(${runCell}))
      && document.querySelectorAll('tbody tr').length > 0`,
    `the grid and the task instances of run ${args.run}`,
    600,
  );
  // The grid fills in as its API calls answer: take the picture once two reads 0.5 s apart agree.
  let cells = await browser.execute<Record<string, string>>(GRID_CELLS);
  for (let i = 0; i < 20; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const again = await browser.execute<Record<string, string>>(GRID_CELLS);
    if (JSON.stringify(again) === JSON.stringify(cells)) break;
    cells = again;
  }
  // The grid panel opens at a fifth of the width and scrolls the older runs out of sight: drag the
  // splitter right by what its content overflows, as a person would (at most to half the window).
  const splitter = await browser.execute<{ x: number; y: number; overflow: number; max: number }>(
    `const handle = document.querySelector('[data-panel-resize-handle-id]').getBoundingClientRect();
     const overflow = Math.max(0, ...[...document.querySelectorAll('#main-panel *')].map((e) => e.scrollWidth - e.clientWidth));
     return { x: handle.x + handle.width / 2, y: handle.y + 30, overflow, max: innerWidth / 2 };`,
  );
  if (splitter.overflow > 0) {
    await browser.drag(splitter.x, splitter.y, Math.min(splitter.x + splitter.overflow + 24, splitter.max), splitter.y);
    await browser.waitFor(
      `return Math.max(...[...document.querySelectorAll('#main-panel *')].map((e) => e.scrollWidth - e.clientWidth)) <= 0
        || document.querySelector('[data-panel-resize-handle-id]').getBoundingClientRect().x >= innerWidth / 2 - 8`,
      'the grid panel widened to show every run',
    );
  }
  const runState = await browser.execute<{ text: string; colour: string }>(
    `const b = document.querySelector('[data-testid="state-badge"]');
     return { text: b.textContent.trim(), colour: getComputedStyle(b).backgroundColor };`,
  );
  await mkdir(dirname(args.out), { recursive: true });
  await writeFile(args.out, await browser.screenshot());
  const errors = (await browser.consoleLog()).filter((e) => e.level === 'SEVERE').map((e) => e.message);
  console.log(JSON.stringify({ cells, runState, errors, screenshot: args.out }));
} finally {
  await browser.close();
}
