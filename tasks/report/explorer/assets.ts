import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ExplorerAssets } from './render';

/**
 * Finds the template and Apache ECharts' minified build. From the sources they sit beside this file
 * and in node_modules; in the bundle (dist/, the images) images/bundle.mjs copies both beside
 * sentinel.mjs, where import.meta.url then points.
 */
export async function loadExplorerAssets(): Promise<ExplorerAssets> {
  const beside = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));
  const libraryFile = existsSync(beside('echarts.min.js')) ? beside('echarts.min.js') : createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js');
  const [template, chartLibrary] = await Promise.all([readFile(beside('explorer.html'), 'utf8'), readFile(libraryFile, 'utf8')]);
  return { template, chartLibrary };
}
