import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * A step (`tasks/<step>/`) imports only `shared/` (and `tasks/options.ts`, the flag parsing every
 * command shares). Only the runners (`tasks/pipeline`, `tasks/demo`) and `tasks/cli.ts` put steps
 * together. Tests beside a step may import another step when what they check is the contract
 * between the two (generate's lines parse with ingest's parser).
 */
const root = resolve(__dirname, '..');
const RUNNERS = new Set(['pipeline', 'demo']);
const TOP_LEVEL_ALLOWED = new Set(['tasks/options.ts']);

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Relative specifiers of static imports, re-exports and dynamic imports. */
function importsOf(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1] ?? m[2]);
  return out.filter((s) => s.startsWith('.'));
}

/** `tasks/<step>/...` → step; anything else in tasks/ (cli.ts, options.ts) → undefined. */
const stepOf = (rel: string) => (rel.split('/').length > 2 ? rel.split('/')[1] : undefined);

function violations(files: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const rel = relative(root, file).split(sep).join('/');
    const step = stepOf(rel);
    if (!step || RUNNERS.has(step) || rel.endsWith('.test.ts')) continue;
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const target = relative(root, resolve(dirname(file), spec))
        .split(sep)
        .join('/');
      if (target.startsWith('shared/') || TOP_LEVEL_ALLOWED.has(target + '.ts')) continue;
      if (target.startsWith('tasks/') && stepOf(target + '.ts') === step) continue;
      found.push(`${rel} imports ${spec} (${target}): a step imports only shared/; move what both need into shared/`);
    }
  }
  return found;
}

describe('import boundaries', () => {
  it('no step imports another step (runners and cli.ts may)', () => {
    expect(violations(tsFiles(join(root, 'tasks')))).toEqual([]);
  });

  it('finds static, re-exported and dynamic imports', () => {
    const src =
      "import { a } from '../x/y';\nimport type { B } from \"./b\";\nexport { c } from '../../shared/c';\nconst d = await import('../d/command');\nimport { z } from 'zod';";
    expect(importsOf(src)).toEqual(['../x/y', './b', '../../shared/c', '../d/command']);
  });
});
