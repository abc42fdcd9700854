/**
 * TF-IDF weights of template counts per window (the "text representation" of a window):
 * tf = count / window total, idf = ln((1 + N) / (1 + df)) + 1 (scikit-learn's smooth idf) over the
 * N windows of the partition. Rare templates weigh more than chatty ones.
 */
export interface TemplateCountRow {
  window_start: number;
  service: string;
  template_id: string;
  count: number;
  tfidf: number;
}

type TemplateWindow = { window_start: number; service: string; templates: ReadonlyMap<string, number> };

/** A row at a time: a day's 140K rows built at once were most of `features`' last peak. */
export function* tfidfRows(windows: readonly TemplateWindow[]): Generator<TemplateCountRow> {
  const nonEmpty = windows.filter((w) => w.templates.size > 0);
  const df = new Map<string, number>();
  for (const w of nonEmpty) for (const t of w.templates.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const n = nonEmpty.length;
  for (const w of nonEmpty) {
    let total = 0;
    for (const c of w.templates.values()) total += c;
    for (const [t, c] of [...w.templates.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const idf = Math.log((1 + n) / (1 + df.get(t)!)) + 1;
      yield { window_start: w.window_start, service: w.service, template_id: t, count: c, tfidf: (c / total) * idf };
    }
  }
}
