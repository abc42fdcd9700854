// Copies the runtime closure of the given packages (dependencies, recursively) from node_modules
// into <dest>/node_modules: what the bundle leaves external (TensorFlow.js) and a step needs.
import { cpSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const [dest, ...roots] = process.argv.slice(2);
const seen = new Set();
const visit = (name) => {
  if (seen.has(name)) return;
  const dir = path.join('node_modules', name);
  if (!existsSync(dir)) return; // optional dependency not installed (e.g. tfjs-node here)
  seen.add(name);
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep);
};
roots.forEach(visit);
// Source maps, type declarations, sources and browser bundles are 98 % of tfjs's 290 MB and never
// run in Node: a @tensorflow package keeps its package.json, its `main` (the Node bundle) and wasm files.
const runtimeOnly = (name) => {
  const root = path.join('node_modules', name);
  const declared = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).main;
  const main = path.join(root, typeof declared === 'string' ? declared : 'index.js');
  return (src) => {
    if (/\.(map|d\.ts|ts|md)$/.test(src) || /[\\/](src|test)([\\/]|$)/.test(path.relative(root, src))) return false;
    if (!name.startsWith('@tensorflow/') || !/\.(js|mjs|cjs)$/.test(src)) return true;
    return src === main;
  };
};
for (const name of seen) {
  if (name.startsWith('@types/')) continue;
  cpSync(path.join('node_modules', name), path.join(dest, 'node_modules', name), { recursive: true, dereference: true, filter: runtimeOnly(name) });
}
console.log(`${seen.size} packages staged into ${dest}/node_modules`);
