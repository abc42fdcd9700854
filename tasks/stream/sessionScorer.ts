import type { ClosedSession } from '../../shared/features/streamSessions';
import { loadSessions, scoreSessionSequences } from '../../shared/models/bundle';
import type { LiveSessionModel } from '../../shared/models/sessionModel';
import { explainSession } from '../../shared/models/sessionModel';
import { sessionAnomaly } from '../../shared/anomalyRows';
import type { AnomalyRow } from '../../shared/db/anomalies';
import { dateOf } from '../../shared/dates';
import type { ModelInUse } from './windowScorer';

/**
 * Closed sessions → the production bundle's session verdicts, as `score` gives them
 * (`scoreSessionSequences`, `explainSession`, `sessionAnomaly`), `source = stream`. A bundle without
 * a session model decides every session as normal. The live session model is loaded once per version.
 */
export class SessionScorer {
  private loaded: { version: number; live: LiveSessionModel | null } | undefined;

  async score(model: ModelInUse, pending: readonly ClosedSession[]): Promise<{ decided: Set<ClosedSession>; anomalies: AnomalyRow[] }> {
    const decided = new Set(pending);
    if (!pending.length) return { decided, anomalies: [] };
    if (this.loaded?.version !== model.version) this.loaded = { version: model.version, live: await loadSessions(model.bundle) };
    const live = this.loaded.live;
    if (!live) return { decided, anomalies: [] };
    const rows = pending.map((s) => s.row);
    const times = rows.map((r) => Float64Array.from(r.offsets_ms, (o) => r.start + o));
    const verdicts = await scoreSessionSequences(live, { sequences: rows.map((r) => r.sequence), times });
    const anomalies: AnomalyRow[] = [];
    for (let i = 0; i < verdicts.length; i++) {
      const v = verdicts[i];
      if (!v.anomalous) continue;
      const r = rows[i];
      const place = { entity_key: r.session_id, service: r.service, window_start: r.start, window_end: r.end, score: v.score, severity: v.severity };
      const origin = { date: dateOf(r.start), model_name: model.name, model_version: model.version };
      const findings = await explainSession(live, r.sequence, v.detectors, 3, times[i]);
      const { interesting: _interesting, ...row } = sessionAnomaly(origin, place, v.detectors, findings, r.sequence);
      anomalies.push({ ...row, source: 'stream' });
    }
    return { decided, anomalies };
  }
}
