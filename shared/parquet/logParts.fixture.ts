import type { WritableBatch } from '../parquet';

/** Bronze parts and what parse computes from them, for the splicing tests (shared/parquet/spliceParts.ts, encodeOnto.ts). */
const SERVICES = ['api', 'db', 'cache', ' web '];
const LEVELS = ['INFO', 'WARN', 'ERROR'];

/** A Bronze part of `n` rows, with nulls in the nullable columns and in the time. */
export function bronzePart(n: number, seed = 0): WritableBatch {
  const pick = <T>(values: readonly T[], i: number) => values[(i * 7 + seed) % values.length];
  return {
    rows: n,
    columns: {
      ts: Float64Array.from({ length: n }, (_, i) => (i % 997 === 5 ? NaN : 1_767_571_200_000 + i * 37 + seed)),
      service: Array.from({ length: n }, (_, i) => pick(SERVICES, i)),
      level: Array.from({ length: n }, (_, i) => pick(LEVELS, i)),
      message: Array.from({ length: n }, (_, i) => `request ${i} took ${(i * 13) % 1000} ms ✓`),
      host: Array.from({ length: n }, (_, i) => (i % 11 === 0 ? null : `host-${i % 5}`)),
      latency_ms: Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? NaN : (i % 1000) / 7)),
      status: Array.from({ length: n }, (_, i) => (i % 4 === 0 ? null : 200 + (i % 5) * 100)),
      user_id: Array.from({ length: n }, (_, i) => (i % 2 ? `u${i % 300}` : null)),
      session_id: Array.from({ length: n }, (_, i) => `s${i % 1000}`),
      trace_id: Array.from({ length: n }, (_, i) => (i % 9 === 0 ? null : `t-${seed}-${i}`)),
      label: Array.from({ length: n }, (_, i) => (i % 50 === 0 ? 'anomaly' : null)),
      source_file: Array.from({ length: n }, () => 'landing/app.jsonl'),
      source_line: Int32Array.from({ length: n }, (_, i) => i + 1),
    },
  };
}

/** What parse computes for a part: templates, params, and (when it normalized some) the messages. */
export function computedColumns(bronze: WritableBatch, normalized = false): Record<string, WritableBatch['columns'][string]> {
  const n = bronze.rows;
  const out: Record<string, WritableBatch['columns'][string]> = {
    template_id: Array.from({ length: n }, (_, i) => `T${i % 3}`),
    template: Array.from({ length: n }, (_, i) => `request <*> took <*> ms ${i % 3}`),
    params: Array.from({ length: n }, (_, i) => (i % 101 === 0 ? null : `["${i}","${(i * 13) % 1000}"]`)),
  };
  if (normalized) out.message = (bronze.columns.message as string[]).map((m, i) => (i % 1000 === 1 ? m.toUpperCase() : m));
  return out;
}
