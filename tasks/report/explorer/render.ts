import type { ExplorerData } from './shape';

/** The page's parts: the HTML template (explorer.html) and the chart library's minified source. */
export interface ExplorerAssets {
  template: string;
  chartLibrary: string;
}

const DATA_SLOT = '/*__EXPLORER_DATA__*/null';
const LIBRARY_SLOT = '/*__CHART_LIBRARY__*/';
const TITLE_SLOT = '__TITLE__';

/**
 * JSON that is safe inside a <script> element: `<` never appears raw (no `</script>` or `<!--` in a
 * log line can end the element), nor do the line separators that older parsers reject.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** One self-contained page: the template with the library and the data inlined (nothing fetched when viewed). */
export function renderExplorer(data: ExplorerData, assets: ExplorerAssets): string {
  for (const slot of [DATA_SLOT, LIBRARY_SLOT, TITLE_SLOT]) if (!assets.template.includes(slot)) throw new Error(`the explorer template has no ${slot} slot`);
  const title = `log-sentinel ${data.from === data.to ? data.from : `${data.from} .. ${data.to}`}`;
  // Function replacers: `$&` or `$1` inside the library or a log line must stay literal.
  return assets.template
    .replace(TITLE_SLOT, () => title)
    .replace(LIBRARY_SLOT, () => assets.chartLibrary.replace(/<\/script/gi, '<\\/script'))
    .replace(DATA_SLOT, () => scriptSafeJson(data));
}
