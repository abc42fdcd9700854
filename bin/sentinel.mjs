#!/usr/bin/env node
// Runs the bundled CLI when it has been built (`npm run build`), otherwise the TypeScript sources via tsx.
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'sentinel.mjs');
// `templates` has a bundle of its own: a tenth of the whole CLI's, so it starts faster.
const templates = join(root, 'dist', 'templates.mjs');
if (existsSync(bundle) && process.env.SENTINEL_FROM_SOURCE !== '1') {
  const ownBundle = process.argv[2] === 'templates' && existsSync(templates);
  if (ownBundle) startTemplatesReaders();
  await import(pathToFileURL(ownBundle ? templates : bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'tasks', 'cli.ts')).href);
}

/**
 * `templates` reads a file on two worker threads (tasks/templates/contentLines.ts, which adopts
 * these): started here, they boot while the bundle loads, ~40 ms of a run of under a second. Their
 * options are contentLines' READER_LIMITS; SENTINEL_PARQUET_WORKER=0 means no threads, as in
 * shared/config.ts. A thread that is not adopted (gzip, --help, bad input) is unreferenced: it
 * does not keep the process alive.
 */
function startTemplatesReaders() {
  const file = join(root, 'dist', 'templatesReadWorker.mjs');
  if (!existsSync(file) || process.env.SENTINEL_PARQUET_WORKER === '0') return;
  const workers = [0, 1].map(() => {
    const worker = new Worker(file, { resourceLimits: { maxYoungGenerationSizeMb: 16 } });
    worker.unref();
    // Until adopted: an error ends the thread, and the adopter starts another (which reports it).
    worker.on('error', () => {});
    worker.once('exit', () => {
      worker.exited = true;
    });
    return worker;
  });
  globalThis[Symbol.for('sentinel.templatesReaders')] = { file, workers };
}
