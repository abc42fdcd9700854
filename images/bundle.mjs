// Bundles the CLI into one ESM file (dist/sentinel.mjs) for `npx sentinel`, `make demo` and the images.
// Packages that load .wasm or data files relative to their own module stay external and are copied
// beside the bundle (images/Dockerfile); everything else is inlined, so images carry no node_modules tree.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
export const EXTERNAL = [
  'parquet-wasm',
  '@electric-sql/pglite',
  '@electric-sql/pglite-socket',
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-backend-wasm',
  'pino-pretty',
  'pg-native',
];

const started = Date.now();
await build({
  entryPoints: [new URL('../tasks/cli.ts', import.meta.url).pathname],
  outfile: new URL('../dist/sentinel.mjs', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: EXTERNAL,
  sourcemap: 'linked',
  legalComments: 'none',
  define: { 'process.env.SENTINEL_BUNDLED_VERSION': JSON.stringify(pkg.version) },
  // CommonJS dependencies inside an ESM bundle need require/__dirname.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __fu(new URL('.', import.meta.url));",
  },
  logLevel: 'warning',
});
console.log(`dist/sentinel.mjs built in ${Date.now() - started} ms`);
