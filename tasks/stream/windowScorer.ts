import type { SealedWindow } from '../../shared/features/streamWindows';
import type { WindowRow } from '../../shared/features/timeWindows';
import { scoreBundle, type ModelBundle } from '../../shared/models/bundle';
import { emptySessionData, windowKey } from '../../shared/models/trainingData';
import { windowAnomaly } from '../../shared/anomalyRows';
import type { AnomalyRow } from '../../shared/db/anomalies';
import { dateOf } from '../../shared/dates';

/**
 * Sealed windows → the production model's verdicts, as `score` gives them. The model's persistence
 * filter takes the median of a window and its two neighbours, so a window is scored once the next
 * window of its service is sealed too (its row waits in `pending` one window longer), with the
 * previous window as context. `final` (shutdown) scores the newest window without its successor,
 * as `score` does at the end of a day.
 */
export interface ScoredWindows {
  /** Windows whose verdicts are decided (anomalous or not): release them once the anomalies are written. */
  decided: Set<SealedWindow>;
  anomalies: AnomalyRow[];
}

export interface ModelInUse {
  name: string;
  version: number;
  bundle: ModelBundle;
}

export class WindowScorer {
  /** The last decided window per service: the left neighbour of the next one. */
  private readonly lastDecided = new Map<string, WindowRow>();

  async score(model: ModelInUse, pending: readonly SealedWindow[], final: boolean): Promise<ScoredWindows> {
    const byService = new Map<string, SealedWindow[]>();
    for (const w of pending) {
      const list = byService.get(w.row.service) ?? [];
      list.push(w);
      byService.set(w.row.service, list);
    }
    const rows: WindowRow[] = [];
    const decidedAt: (SealedWindow | undefined)[] = [];
    for (const [service, list] of byService) {
      const decide = final ? list : list.slice(0, -1);
      if (!decide.length) continue;
      const before = this.lastDecided.get(service);
      if (before) {
        rows.push(before);
        decidedAt.push(undefined);
      }
      for (const w of decide) {
        rows.push(w.row);
        decidedAt.push(w);
      }
      if (!final) {
        rows.push(list[list.length - 1].row);
        decidedAt.push(undefined);
      }
    }
    const decided = new Set(decidedAt.filter((w): w is SealedWindow => w !== undefined));
    if (!decided.size) return { decided, anomalies: [] };

    const columns = model.bundle.windows.columns;
    const data = new Float64Array(rows.length * columns.length);
    rows.forEach((r, i) => {
      const features = r.features as Record<string, number>;
      columns.forEach((c, j) => {
        data[i * columns.length + j] = features[c] ?? Number.NaN;
      });
    });
    const windowSeconds = rows[0].window_seconds;
    const matrix = { columns, rows: rows.length, data, service: rows.map((r) => r.service), windowStart: Float64Array.from(rows, (r) => r.window_start) };
    const scores = await scoreBundle(model.bundle, { matrix, templates: rows.map((r) => r.templates), windowSeconds }, emptySessionData());

    const anomalies: AnomalyRow[] = [];
    for (const v of scores.windows) {
      const w = decidedAt[v.row];
      if (!w || !v.anomalous) continue;
      const r = w.row;
      const place = {
        entity_key: windowKey(r.service, r.window_start),
        service: r.service,
        window_start: r.window_start,
        window_end: r.window_start + windowSeconds * 1000,
        score: v.score,
        severity: v.severity,
      };
      const origin = { date: dateOf(r.window_start), model_name: model.name, model_version: model.version };
      const { interesting: _interesting, ...row } = windowAnomaly(origin, place, v.detectors, scores.explain(v.row));
      anomalies.push({ ...row, source: 'stream' });
    }
    for (const w of decided) {
      const last = this.lastDecided.get(w.row.service);
      if (!last || last.window_start < w.row.window_start) this.lastDecided.set(w.row.service, w.row);
    }
    return { decided, anomalies };
  }
}
