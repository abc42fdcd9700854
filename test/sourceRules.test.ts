import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Rules checked by grep rather than by review, over the non-test sources of shared/ and tasks/:
 * SQL lives in shared/db/, and configuration is read from the environment only in
 * shared/config.ts (and shared/logger.ts, which picks its output before any config exists).
 */
const root = resolve(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [rel] : [];
  });
}

function matches(files: readonly string[], pattern: RegExp, allowed: (file: string) => boolean): string[] {
  const out: string[] = [];
  for (const file of files) {
    if (allowed(file)) continue;
    readFileSync(join(root, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (pattern.test(line)) out.push(`${file}:${i + 1}: ${line.trim()}`);
      });
  }
  return out;
}

const files = [...sources('shared'), ...sources('tasks')].map((f) => relative(root, join(root, f)).split(sep).join('/'));

/** A statement: SELECT … FROM, INSERT INTO, UPDATE … SET, DELETE FROM (upper case, as our SQL is written). */
const SQL = /\bSELECT\b.*\bFROM\b|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b/;
/** Reading a variable (process.env.X, process.env['X'], destructuring); passing the whole object on is fine. */
const ENV_READ = /process\.env\s*(\.\s*\w|\[)|\}\s*=\s*process\.env\b/;

describe('source rules', () => {
  it('SQL only in shared/db/', () => {
    // The generator writes SQL-looking log messages (fake database logs), not queries.
    const allowed = (f: string) => f.startsWith('shared/db/') || f === 'tasks/generate/platformMessages.ts';
    expect(matches(files, SQL, allowed)).toEqual([]);
  });

  it('process.env read only in shared/config.ts and shared/logger.ts', () => {
    const allowed = (f: string) => f === 'shared/config.ts' || f === 'shared/logger.ts';
    expect(matches(files, ENV_READ, allowed)).toEqual([]);
  });

  it('the patterns catch what they should, and not prose', () => {
    for (const s of ['SELECT * FROM alerts', "'INSERT INTO model_metrics (date)", 'UPDATE alerts SET status', 'DELETE FROM anomalies WHERE'])
      expect(SQL.test(s)).toBe(true);
    for (const s of ['select the rows from x', 'wrap(`DELETE 12 keys`)', 'UPDATE the model']) expect(SQL.test(s)).toBe(false);
    for (const s of ['process.env.AWS_REGION', "process.env['X']", 'const { A } = process.env;']) expect(ENV_READ.test(s)).toBe(true);
    for (const s of ['loadConfig(options.env ?? process.env)', '{ ...process.env, SENTINEL_LAKE: lake }']) expect(ENV_READ.test(s)).toBe(false);
  });
});
