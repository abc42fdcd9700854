import type { ObjectStore } from '../store/objectStore';
import { checkCompanion, readCommittedAll, readCommittedSlices, readManifest, requireCompanion, type PartitionManifest } from '../lake';
import { GOLD_COMPANIONS, goldSessions, goldWindows, goldWindowTemplates } from '../schemas';
import type { FeatureMatrix } from '../detectors/types';
import type { Batch } from '../parquet';
import { BadInputError } from '../errors';
import { createRandom, type Random } from '../random';
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
  // service → window start → row: no key string per window and per template row (100K a day).
  const index = new Map<string, Map<number, number>>();
  const ws = windows.columns.window_start as Float64Array;
  const services = windows.columns.service as string[];
  for (let i = 0; i < windows.rows; i++) {
    let starts = index.get(services[i]);
    if (!starts) index.set(services[i], (starts = new Map()));
    starts.set(ws[i], i);
  }
  const out = Array.from({ length: windows.rows }, () => new Map<string, number>());
  const ts = templates.columns.window_start as Float64Array;
  const counts = templates.columns.count as Float64Array;
  const templateServices = templates.columns.service as string[];
  const ids = templates.columns.template_id as string[];
  for (let i = 0; i < templates.rows; i++) {
    const row = index.get(templateServices[i])?.get(ts[i]);
    if (row !== undefined) out[row].set(ids[i], counts[i]);
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
 * The committed Gold sessions manifest of a date: the one committed with the date's gold/windows
 * (InconsistentCommitError when features stopped between its commits). None when the date has no
 * sessions, or no windows (sessions alone are a features run that never finished).
 */
async function sessionManifest(lake: ObjectStore, date: string): Promise<PartitionManifest | undefined> {
  const windows = await readManifest(lake, goldWindows, date);
  const sessions = await readManifest(lake, goldSessions, date);
  if (!windows || !sessions) return undefined;
  checkCompanion(windows, GOLD_COMPANIONS.sessions, sessions.runId, 'features');
  return sessions;
}

/** Rows of a Gold sessions batch → SessionData; `rows`: only these rows, in this order (all when omitted). */
function sessionData(s: Batch, intern: (value: string) => string, rows?: readonly number[]): SessionData {
  const pick = rows ?? Array.from({ length: s.rows }, (_, i) => i);
  const ids = s.columns.session_id as string[];
  const service = s.columns.service as string[];
  const sequence = s.columns.sequence as string[];
  const offsets = s.columns.offsets_ms as string[];
  const start = s.columns.start as Float64Array;
  const end = s.columns.end as Float64Array;
  const events = s.columns.event_count as Float64Array;
  const errors = s.columns.error_count as Float64Array;
  return {
    ids: pick.map((i) => ids[i]),
    service: pick.map((i) => service[i]),
    sequences: pick.map((i) => (JSON.parse(sequence[i]) as string[]).map(intern)),
    times: eventTimes(pick, offsets, start),
    start: Float64Array.from(pick, (i) => start[i]),
    end: Float64Array.from(pick, (i) => end[i]),
    eventCount: Float64Array.from(pick, (i) => events[i]),
    errorCount: Float64Array.from(pick, (i) => errors[i]),
  };
}

/**
 * Each picked session's event times (its start plus each offset), as views of one array per batch:
 * a Float64Array per session was an ArrayBuffer per session, thousands per slice, which V8 frees
 * late (half of score's peak memory at 10M logs was such buffers).
 */
function eventTimes(pick: readonly number[], offsets: readonly string[], start: Float64Array): Float64Array[] {
  const parsed = pick.map((i) => JSON.parse(offsets[i]) as number[]);
  const all = new Float64Array(parsed.reduce((sum, p) => sum + p.length, 0));
  const out: Float64Array[] = [];
  let o = 0;
  parsed.forEach((p, k) => {
    const from = start[pick[k]];
    for (let j = 0; j < p.length; j++) all[o + j] = from + p[j];
    out.push(all.subarray(o, o + p.length));
    o += p.length;
  });
  return out;
}

/**
 * A date's committed Gold sessions (see sessionManifest), `sliceRows` sessions at a time in part
 * order: each slice's sequences are parsed when it is asked for and die young, so a reader that
 * scores and drops them holds one slice, not one part file (10K sessions), whatever the day's size.
 */
export async function* readSessionParts(lake: ObjectStore, date: string, sliceRows = SESSION_SLICE_ROWS): AsyncGenerator<SessionData> {
  const manifest = await sessionManifest(lake, date);
  if (!manifest) return;
  const intern = interner();
  for await (const part of readCommittedSlices(lake, goldSessions, manifest, undefined, sliceRows)) for await (const s of part) yield sessionData(s, intern);
}

/** Sessions per slice of readSessionParts: a few MB of parsed sequences. */
export const SESSION_SLICE_ROWS = 2_048;

export interface SessionSample {
  /** Keep at most this many sessions: a uniform sample (reservoir), so memory stays bounded. */
  maxSessions: number;
  seed: number;
}

/**
 * Gold sessions of the dates; all of them, or a seeded uniform sample of at most `sample.maxSessions`.
 * Which sessions the sample keeps depends only on how many there are (Algorithm R's draws), so it is
 * decided from the manifests' row counts before reading, and only the kept sessions' sequences are
 * parsed: parsing every session and dropping most was most of train's peak memory at 10M logs.
 */
export async function loadSessionData(lake: ObjectStore, dates: readonly string[], sample?: SessionSample): Promise<SessionData> {
  const limit = sample?.maxSessions ?? Infinity;
  const manifests: PartitionManifest[] = [];
  for (const date of dates) {
    const manifest = await sessionManifest(lake, date);
    if (manifest) manifests.push(manifest);
  }
  const total = manifests.reduce((sum, m) => sum + m.rows, 0);
  const slotOf = reservoirSlots(total, limit, createRandom(sample?.seed ?? 0));
  const size = Math.min(total, limit);
  const ids = new Array<string>(size);
  const service = new Array<string>(size);
  const sequences = new Array<string[]>(size);
  const times = new Array<Float64Array>(size);
  const start = new Float64Array(size);
  const end = new Float64Array(size);
  const eventCount = new Float64Array(size);
  const errorCount = new Float64Array(size);
  let seen = 0;
  for (const manifest of manifests) {
    const intern = interner();
    for await (const part of readCommittedSlices(lake, goldSessions, manifest, undefined, SESSION_SLICE_ROWS)) {
      for await (const s of part) {
        const rows: number[] = [];
        const slots: number[] = [];
        for (let i = 0; i < s.rows; i++, seen++) {
          const slot = slotOf(seen);
          if (slot === undefined) continue;
          rows.push(i);
          slots.push(slot);
        }
        const kept = sessionData(s, intern, rows);
        slots.forEach((slot, k) => {
          ids[slot] = kept.ids[k];
          service[slot] = kept.service[k];
          sequences[slot] = kept.sequences[k];
          times[slot] = kept.times[k];
          start[slot] = kept.start[k];
          end[slot] = kept.end[k];
          eventCount[slot] = kept.eventCount[k];
          errorCount[slot] = kept.errorCount[k];
        });
      }
    }
  }
  if (seen !== total)
    throw new BadInputError(
      `Gold sessions of ${dates.join(', ')} hold ${seen} rows where their manifests list ${total}; rerun \`sentinel features\` for those dates`,
    );
  return { ids, service, sequences, times, start, end, eventCount, errorCount };
}

/**
 * Algorithm R over `total` items: the first `limit` fill the slots, then item `seen` replaces a
 * random slot with probability limit/(seen+1). Returns item index → its slot in the final sample
 * (undefined: not kept). The same draws in the same order as sampling while reading.
 */
export function reservoirSlots(total: number, limit: number, random: Random): (index: number) => number | undefined {
  if (total <= limit) return (index) => index;
  const owner = new Int32Array(limit);
  for (let seen = 0; seen < total; seen++) {
    const slot = seen < limit ? seen : random.int(seen + 1);
    if (slot < limit) owner[slot] = seen;
  }
  const slotOf = new Map<number, number>();
  for (let slot = 0; slot < limit; slot++) slotOf.set(owner[slot], slot);
  return (index) => slotOf.get(index);
}
