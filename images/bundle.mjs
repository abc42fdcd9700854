// Bundles the CLI (dist/sentinel.mjs and its chunks, plus its Parquet workers dist/parquetWorker.mjs and dist/parquetDecodeWorker.mjs) for `npx sentinel`, `make demo` and the images.
// parquet-wasm is inlined and its .wasm copied beside the bundle (it loads it from __dirname). PGlite
// (laptop only) and TensorFlow.js (backend chosen at run time) stay external; everything else is
// inlined, so an image carries the bundle, the wasm assets and only the external packages it needs.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

export const EXTERNAL = [
  '@electric-sql/pglite',
  '@electric-sql/pglite-socket',
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-backend-wasm',
  'pino-pretty',
  'pg-native',
];

const started = Date.now();
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: EXTERNAL,
  sourcemap: 'linked',
  legalComments: 'none',
  // CommonJS dependencies inside an ESM bundle need require/__dirname.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __fu(new URL('.', import.meta.url));",
  },
  logLevel: 'warning',
  plugins: [wasmBesideBundle()],
};

/**
 * @platformatic/wasm-utils (the Kafka client's CRC32C and codecs) reads `../dist/native.wasm` relative
 * to the module that holds it: inlined in a bundle, that is the folder above the bundle's. That only
 * held for dist/ itself; in a step image (/app/sentinel.mjs) it is /dist/native.wasm, which is not
 * there, and every command that loads the Kafka client (stream, check) failed at start. The bundle
 * reads the file beside itself instead, as it does parquet-wasm's; a library version that words the
 * path differently fails the build rather than the images.
 */
function wasmBesideBundle() {
  const from = "new URL('../dist/native.wasm', import.meta.url)";
  return {
    name: 'wasm-beside-bundle',
    setup(b) {
      b.onLoad({ filter: /@platformatic[\\/]wasm-utils[\\/]dist[\\/]index\.js$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes(from)) throw new Error(`${args.path} no longer loads ${from}: update images/bundle.mjs`);
        return { contents: source.replace(from, "new URL('./native.wasm', import.meta.url)"), loader: 'js' };
      });
    },
  };
}
/**
 * The CLI is split at its lazy imports (tasks/cli.ts loads each command's module when it runs):
 * `sentinel.mjs` and one `chunk-*.mjs` per command and per piece of code several share, all in
 * dist/ so that every chunk finds the wasm and other assets beside itself. One file of 5 MB was
 * compiled whole by every process: `sentinel --version` took 0.30 s, 0.18 s split, and each step
 * starts ~0.1 s sooner (docs/decisions.md 114).
 */
const dist = new URL('../dist/', import.meta.url).pathname;
const split = await build({
  ...common,
  entryPoints: { sentinel: new URL('../tasks/cli.ts', import.meta.url).pathname },
  outdir: dist,
  splitting: true,
  chunkNames: 'chunk-[hash]',
  outExtension: { '.js': '.mjs' },
  metafile: true,
  // Written below, after the check: a build that fails it leaves the last good bundle in place.
  write: false,
});
checkLazyCommonJs(split.metafile);
checkZodLocales(split.metafile);
mkdirSync(dist, { recursive: true });
for (const file of readdirSync(dist)) if (file.startsWith('chunk-')) rmSync(`${dist}${file}`);
for (const output of split.outputFiles) writeFileSync(output.path, output.contents);

/**
 * A CommonJS package imported lazily (`await import('pkg')`) becomes a chunk of the split bundle
 * that exports the package as its default only: `(await import('pkg')).Name` is undefined there,
 * while it works from the sources and in tests that run them. It broke the S3 store once (decision
 * 114). Each such import must read the package through a fallback to `.default` (shared/store/s3Store.ts
 * `loadSdk`) and is listed here, by the file that imports it; any other fails the build instead of the images.
 */
function checkLazyCommonJs(metafile) {
  const handled = new Set(['shared/store/s3Store.ts imports @aws-sdk/client-s3']);
  const unhandled = [];
  for (const [file, input] of Object.entries(metafile.inputs)) {
    for (const imported of input.imports) {
      if (imported.kind !== 'dynamic-import' || imported.external || handled.has(`${file} imports ${imported.original}`)) continue;
      if (metafile.inputs[imported.path]?.format === 'cjs') unhandled.push(`${file} imports ${imported.original} (${imported.path})`);
    }
  }
  if (unhandled.length > 0) {
    throw new Error(
      `lazily imported CommonJS modules export only \`default\` from the split bundle:\n  ${unhandled.join('\n  ')}\n` +
        `read them with a fallback to .default (as shared/store/s3Store.ts loadSdk does) and list them in images/bundle.mjs checkLazyCommonJs`,
    );
  }
}
/**
 * `import { z } from 'zod'` brings zod's every locale with it (the `z` object holds them all): 366 KB of
 * the 1.15 MB `templates` bundle, compiled by every process. `import * as z from 'zod'` (zod's own
 * advice) leaves only English; a build that bundles another locale fails here (decision 118).
 */
function checkZodLocales(metafile) {
  const bundled = new Set();
  for (const output of Object.values(metafile.outputs))
    for (const [file, { bytesInOutput }] of Object.entries(output.inputs))
      if (bytesInOutput > 0 && /zod\/v4\/locales\/(?!en\.js)/.test(file)) bundled.add(file);
  if (bundled.size > 0) {
    throw new Error(
      `zod's locales are bundled (${[...bundled].slice(0, 3).join(', ')}, ...): import zod as \`import * as z from 'zod'\`, not \`import { z } from 'zod'\``,
    );
  }
}
/** The other bundles, each one file: its entry point and its file in dist/. */
const BUNDLES = [
  // `sentinel templates` alone (bin/sentinel.mjs runs it for that command): it need not load the whole CLI.
  ['tasks/templatesCli.ts', 'templates.mjs'],
  // The reading thread of `templates` (tasks/templates/contentLines.ts) loads this file from beside the bundle.
  ['tasks/templates/readWorker.ts', 'templatesReadWorker.mjs'],
  // The Parquet encoding worker thread (shared/parquetEncoder.ts) loads this file from beside the bundle.
  ['shared/parquetWorker.ts', 'parquetWorker.mjs'],
  // The Parquet decoding worker thread (shared/parquetDecoder.ts), the same way.
  ['shared/parquetDecodeWorker.ts', 'parquetDecodeWorker.mjs'],
];
for (const [entry, file] of BUNDLES) {
  const bundle = await build({
    ...common,
    entryPoints: [new URL(`../${entry}`, import.meta.url).pathname],
    outfile: `${dist}${file}`,
    metafile: true,
  });
  checkZodLocales(bundle.metafile);
}
copyFileSync(new URL('../node_modules/parquet-wasm/node/parquet_wasm_bg.wasm', import.meta.url), new URL('../dist/parquet_wasm_bg.wasm', import.meta.url));
// The report's anomaly explorer reads its template and ECharts from beside the bundle (tasks/report/explorer/assets.ts).
copyFileSync(new URL('../tasks/report/explorer/explorer.html', import.meta.url), new URL('../dist/explorer.html', import.meta.url));
copyFileSync(new URL('../node_modules/echarts/dist/echarts.min.js', import.meta.url), new URL('../dist/echarts.min.js', import.meta.url));
// The Kafka client's CRC32C and compression codecs (@platformatic/wasm-utils) load `native.wasm` from beside the bundle (wasmBesideBundle).
copyFileSync(new URL('../node_modules/@platformatic/wasm-utils/dist/native.wasm', import.meta.url), new URL('../dist/native.wasm', import.meta.url));
// A new embedded database unpacks this pre-initialized data directory instead of running initdb (shared/db/embeddedTemplate.ts).
const { templateName, writeTemplate } = await import('./pgliteTemplate.mjs');
if (!existsSync(new URL(`../dist/${templateName}`, import.meta.url))) await writeTemplate(new URL('../dist/', import.meta.url));
console.log(`dist/sentinel.mjs and its Parquet workers built in ${Date.now() - started} ms`);
