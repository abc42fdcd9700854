#!/usr/bin/env node
// Runs the bundled CLI when it has been built (`npm run build`), otherwise the TypeScript sources via tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'sentinel.mjs');
// `templates` has a bundle of its own: a tenth of the whole CLI's, so it starts faster.
const templates = join(root, 'dist', 'templates.mjs');
if (existsSync(bundle) && process.env.SENTINEL_FROM_SOURCE !== '1') {
  const ownBundle = process.argv[2] === 'templates' && existsSync(templates);
  await import(pathToFileURL(ownBundle ? templates : bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'tasks', 'cli.ts')).href);
}
