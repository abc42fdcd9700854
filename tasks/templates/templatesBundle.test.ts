import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../shared/random';
import { eventsCsv } from './command';
import { structureLines } from './structured';

/**
 * bin/sentinel.mjs runs `templates` from its own bundle (dist/templates.mjs), the rest from the
 * whole CLI (dist/sentinel.mjs): both must behave alike. `make test` builds dist/ first.
 */
const root = path.resolve(__dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'sentinel-bundle-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Its spool under the test's own directory: command.test.ts checks that none is left in the system's. */
async function sentinel(bundle: string, args: string[]) {
  return promisify(execFile)('node', [path.join(root, 'dist', bundle), ...args], { cwd: dir, env: { ...process.env, TMPDIR: dir } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );
}

describe('the templates bundle', () => {
  it('writes the CSV, the summary and the errors of `templates` in the whole CLI', { timeout: 30_000 }, async () => {
    expect(existsSync(path.join(root, 'dist', 'templates.mjs')), 'run `npm run build` first').toBe(true);
    const log = path.join(dir, 'a.log');
    writeFileSync(log, Array.from({ length: 3000 }, (_, i) => `INFO: job ${i % 7} done in ${i} ms\r\nWARN: disk ${i % 3} at ${i % 100}%`).join('\n'));
    for (const extra of [[], ['--full'], ['--similarity', '0.6', '--templates-out', 'T.csv']]) {
      const runs = [];
      for (const bundle of ['templates.mjs', 'sentinel.mjs']) {
        const out = path.join(dir, `${bundle}.csv`);
        const r = await sentinel(bundle, ['templates', log, '--log-format', '<Level>: <Content>', '--out', out, ...extra]);
        runs.push({ code: r.code, summary: JSON.parse(r.stdout).templates, csv: readFileSync(out, 'utf8') });
      }
      expect(runs[0], extra.join(' ')).toEqual(runs[1]);
      expect(runs[0].code).toBe(0);
    }
    // Hex ids make many first sightings: the CSV is what the string path of the sources gives.
    const random = createRandom(9);
    const lines = Array.from({ length: 20_000 }, (_, i) => {
      const id = random.int(0x7fffffff).toString(16);
      return random.int(3) === 0
        ? `WARN: cart c-${id} for user u-${i % 977} rejected: ${['stock', 'price', 'limit'][i % 3]} in ${i % 300}ms`
        : `INFO: GET /api/v1/orders/${id}/items ${[200, 404, 500][i % 3]} in ${i % 90}ms from 10.0.${i % 256}.${i % 7}`;
    });
    const mixed = path.join(dir, 'mixed.log');
    writeFileSync(mixed, `${lines.join('\n')}\n`);
    for (const format of ['<Level>: <Content>', '<Content>']) {
      const out = path.join(dir, 'mixed.csv');
      expect((await sentinel('templates.mjs', ['templates', mixed, '--log-format', format, '--out', out])).code).toBe(0);
      expect(readFileSync(out, 'utf8'), format).toBe(eventsCsv(structureLines(lines, format)));
    }
    // Bad input: the same message and exit code 2; help and a missing option through commander.
    for (const args of [
      ['templates', path.join(dir, 'missing.log'), '--log-format', 'hdfs'],
      ['templates', log],
      ['templates', log, '--log-format', '<A> <A>'],
    ]) {
      const [small, whole] = [await sentinel('templates.mjs', args), await sentinel('sentinel.mjs', args)];
      expect(small, args.join(' ')).toEqual(whole);
      expect(small.code).toBe(2);
    }
    const help = await sentinel('templates.mjs', ['templates', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe((await sentinel('sentinel.mjs', ['templates', '--help'])).stdout);
  });
});
