/**
 * `make bench`: every benchmark, printed as tables and saved to bench/results/latest.json.
 * `--only steps,iforest,...` runs a subset. Sections: steps, templates, iforest, detectors, bgl, hdfs, lstm, scale (1M vs 10M logs: about 10 minutes), stream (needs the Kafka of `make services`),
 * peers (PySpark and Drain3 on the same input, .venv-bench and Java 17+: about 15 minutes).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { benchScale, benchSteps, ensureBuilt } from './steps';
import { benchIsolationForest } from './iforest';
import { benchBgl, benchBglPipeline, benchGenerated } from './detectors';
import { benchHdfsSample, benchHdfsSessions } from './sessions';
import { benchLstm } from './lstm';
import { benchStream } from './stream';
import { benchPeers } from './againstPeers';

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',') : undefined;
const sections: Record<string, () => unknown> = {
  steps: () => benchSteps(),
  templates: () => spawnSync('npx', ['tsx', 'bench/templates.ts'], { stdio: 'inherit' }).status,
  iforest: () => benchIsolationForest(),
  // Two generator seeds: per-type precision over ~10 incidents per type moves by 0.1 per false alarm.
  detectors: async () => [...(await benchGenerated(42)), ...(await benchGenerated(7))],
  bgl: () => [...benchBgl(), ...benchBglPipeline()],
  hdfs: async () => ({ sessions: await benchHdfsSessions(), sample: await benchHdfsSample() }),
  lstm: () => benchLstm(),
  scale: () => benchScale(),
  stream: () => benchStream(),
  peers: () => benchPeers(),
};

ensureBuilt();
const results: Record<string, unknown> = { machine: `${process.platform} ${process.arch}, node ${process.version}`, at: new Date().toISOString() };
for (const [name, run] of Object.entries(sections)) {
  if (only && !only.includes(name)) continue;
  const started = performance.now();
  try {
    results[name] = await run();
  } catch (err) {
    console.log(`\n${name}: FAILED — ${(err as Error).message}`);
    results[name] = { error: (err as Error).message };
  }
  console.log(`(${name}: ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', JSON.stringify(results, null, 2));
