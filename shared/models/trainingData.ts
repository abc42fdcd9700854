import type { ObjectStore } from '../store/objectStore';
import { checkCompanion, readCommitted, readCommittedAll, readManifest, requireCompanion } from '../lake';
import { GOLD_COMPANIONS, goldSessions, goldWindows, goldWindowTemplates } from '../schemas';
import type { FeatureMatrix } from '../detectors/types';
import type { Batch } from '../parquet';
import { BadInputError } from '../errors';
import { createRandom } from '../random';
import { interner } from '../interner';

/**
 * Gold partitions → what detectors consume: a FeatureMatrix of window features, per-row template
 * counts, and session sequences. (What a version was trained on is named by
 * shared/trainingFingerprint, which hashes the Gold content.)
 */
export interface WindowData {
  matrix: FeatureMatrix;
  /** Per matrix row: template id → count. */
  templates: Map<string, number>[];
  /** Window length of the Gold partitions (all dates share it; features writes it per row). */
  windowSeconds: number;
}

export interface SessionData {
  ids: string[];
  service: string[];
  start: Float64Array;
  end: Float64Array;
  sequences: string[][];
  /** Each event's time (epoch ms), parallel to its sequence. */
  times: Float64Array[];
  eventCount: Float64Array;
  errorCount: Float64Array;
}

export function windowKey(service: string, windowStart: number): string {
  return `${service}@${windowStart}`;
}

export function toMatrix(batch: Batch, columns: readonly string[]): FeatureMatrix {
  const data = new Float64Array(batch.rows * columns.length);
  columns.forEach((name, j) => {
    const col = batch.columns[name] as Float64Array;
    if (!col) throw new BadInputError(`gold/windows has no column "${name}"; rerun \`sentinel features\` for this date`);
    for (let i = 0; i < batch.rows; i++) data[i * columns.length + j] = col[i];
  });
  return { columns, rows: batch.rows, data, service: batch.columns.service as string[], windowStart: batch.columns.window_start as Float64Array };
}

function attachTemplates(windows: Batch, templates: Batch): Map<string, number>[] {
  const index = new Map<string, number>();
  const ws = windows.columns.window_start as Float64Array;
  for (let i = 0; i < windows.rows; i++) index.set(windowKey(windows.columns.service[i] as string, ws[i]), i);
  const out = Array.from({ length: windows.rows }, () => new Map<string, number>());
  const ts = templates.columns.window_start as Float64Array;
  const counts = templates.columns.count as Float64Array;
  for (let i = 0; i < templates.rows; i++) {
    const row = index.get(windowKey(templates.columns.service[i] as string, ts[i]));
    if (row !== undefined) out[row].set(templates.columns.template_id[i] as string, counts[i]);
  }
  return out;
}

function concatMatrices(parts: FeatureMatrix[]): FeatureMatrix {
  if (parts.length === 1) return parts[0];
  const cols = parts[0].columns;
  const rows = parts.reduce((s, p) => s + p.rows, 0);
  const data = new Float64Array(rows * cols.length);
  const windowStart = new Float64Array(rows);
  const service: string[] = [];
  let r = 0;
  for (const p of parts) {
    data.set(p.data, r * cols.length);
    windowStart.set(p.windowStart, r);
    service.push(...p.service);
    r += p.rows;
  }
  return { columns: cols, rows, data, service, windowStart };
}

export async function loadWindowData(lake: ObjectStore, dates: readonly string[], columns: readonly string[]): Promise<WindowData & { missing: string[] }> {
  const matrices: FeatureMatrix[] = [];
  const templates: Map<string, number>[] = [];
  const missing: string[] = [];
  let windowSeconds = 60;
  for (const date of dates) {
    const manifest = await readManifest(lake, goldWindows, date);
    if (!manifest) {
      missing.push(date);
      continue;
    }
    // The templates must be the ones features committed with these windows (a crash between its commits).
    const templatesManifest = await requireCompanion(
      lake,
      manifest,
      goldWindowTemplates,
      GOLD_COMPANIONS.windowTemplates,
      'features',
      `run \`sentinel features --date ${date}\``,
    );
    const w = await readCommittedAll(lake, goldWindows, manifest);
    const t = await readCommittedAll(lake, goldWindowTemplates, templatesManifest);
    if (w.rows) windowSeconds = Number((w.columns.window_seconds as ArrayLike<number>)[0]);
    matrices.push(toMatrix(w, columns));
    templates.push(...attachTemplates(w, t));
  }
  if (!matrices.length) throw new BadInputError(`no Gold windows for ${dates[0]}..${dates[dates.length - 1]}: run \`sentinel features\` for those dates first`);
  return { matrix: concatMatrices(matrices), templates, windowSeconds, missing };
}

export const emptySessionData = (): SessionData => ({
  ids: [],
  service: [],
  start: new Float64Array(0),
  end: new Float64Array(0),
  sequences: [],
  times: [],
  eventCount: new Float64Array(0),
  errorCount: new Float64Array(0),
});

/**
 * A committed Gold sessions partition, one part file at a time: the one committed with the date's
 * gold/windows (InconsistentCommitError when features stopped between its commits). None when the
 * date has no sessions, or no windows (sessions alone are a features run that never finished).
 */
export async function* readSessionParts(lake: ObjectStore, date: string): AsyncGenerator<SessionData> {
  const windows = await readManifest(lake, goldWindows, date);
  const sessions = await readManifest(lake, goldSessions, date);
  if (!windows || !sessions) return;
  checkCompanion(windows, GOLD_COMPANIONS.sessions, sessions.runId, 'features');
  const intern = interner();
  for await (const s of readCommitted(lake, goldSessions, sessions)) {
    yield {
      ids: s.columns.session_id as string[],
      service: s.columns.service as string[],
      sequences: (s.columns.sequence as string[]).map((text) => (JSON.parse(text) as string[]).map(intern)),
      times: (s.columns.offsets_ms as string[]).map((text, i) => {
        const start = (s.columns.start as Float64Array)[i];
        return Float64Array.from(JSON.parse(text) as number[], (offset) => start + offset);
      }),
      start: s.columns.start as Float64Array,
      end: s.columns.end as Float64Array,
      eventCount: s.columns.event_count as Float64Array,
      errorCount: s.columns.error_count as Float64Array,
    };
  }
}

export interface SessionSample {
  /** Keep at most this many sessions: a uniform sample (reservoir), so memory stays bounded. */
  maxSessions: number;
  seed: number;
}

/** Gold sessions of the dates; all of them, or a seeded uniform sample of at most `sample.maxSessions`. */
export async function loadSessionData(lake: ObjectStore, dates: readonly string[], sample?: SessionSample): Promise<SessionData> {
  const limit = sample?.maxSessions ?? Infinity;
  const random = createRandom(sample?.seed ?? 0);
  const ids: string[] = [];
  const service: string[] = [];
  const sequences: string[][] = [];
  const times: Float64Array[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const events: number[] = [];
  const errors: number[] = [];
  let seen = 0;
  for (const date of dates) {
    for await (const part of readSessionParts(lake, date)) {
      for (let i = 0; i < part.ids.length; i++, seen++) {
        // Algorithm R: the first `limit` sessions, then each later one replaces a random slot with probability limit/seen.
        const slot = seen < limit ? seen : random.int(seen + 1);
        if (slot >= limit) continue;
        ids[slot] = part.ids[i];
        service[slot] = part.service[i];
        sequences[slot] = part.sequences[i];
        times[slot] = part.times[i];
        starts[slot] = part.start[i];
        ends[slot] = part.end[i];
        events[slot] = part.eventCount[i];
        errors[slot] = part.errorCount[i];
      }
    }
  }
  return {
    ids,
    service,
    sequences,
    times,
    start: Float64Array.from(starts),
    end: Float64Array.from(ends),
    eventCount: Float64Array.from(events),
    errorCount: Float64Array.from(errors),
  };
}
