import { openStore } from '../shared/store/openStore.ts';
import { SIGNAL_FEATURES } from '../shared/schemas.ts';
import { loadSessionData, loadWindowData } from '../shared/models/trainingData.ts';
import { fitModelBundle, scoreBundle } from '../shared/models/bundle.ts';
import { evaluateDetections } from '../shared/eventEvaluation.ts';
import { loadLabels } from '../tasks/report/labels.ts';
import { inferAnomalyType } from '../tasks/score/anomalyType.ts';
const lake = openStore(process.env.LAKE ?? 'file:///tmp/gen/lake');
const dates = (process.env.TRAIN ?? '2026-01-05,2026-01-06,2026-01-07').split(',');
const testDate = process.argv[2] ?? '2026-01-08';
const train = await loadWindowData(lake, dates, SIGNAL_FEATURES);
const test = await loadWindowData(lake, [testDate], SIGNAL_FEATURES);
const labels = ((await loadLabels(lake, testDate, testDate)) ?? []).filter((l) => !l.session_ids);
const detectors = (process.env.DET ?? 'robust_baseline,isolation_forest,rare_templates').split(',');
const bundle = await fitModelBundle(train, await loadSessionData(lake, dates), { detectors, alertRate: 0.005, seed: 42, ...(process.env.COMBINE ? { combine: process.env.COMBINE as 'mean' } : {}), ...(process.env.WEIGHTS ? { weights: JSON.parse(process.env.WEIGHTS) } : {}) });
const scored = await scoreBundle(bundle, test, await loadSessionData(lake, [testDate]));
const flagged = scored.windows.filter((v) => v.anomalous);
const dets = flagged.map((v) => ({ entity_kind: 'window' as const, entity_key: '', service: test.matrix.service[v.row], window_start: test.matrix.windowStart[v.row], window_end: test.matrix.windowStart[v.row] + 60_000, anomaly_type: inferAnomalyType(scored.explain(v.row), v.detectors) }));
const e = evaluateDetections(dets, labels);
console.log('P', e.precision.toFixed(3), 'R', e.recall.toFixed(3), 'F1', e.f1.toFixed(3), 'flagged', flagged.length);
for (const [t, s] of Object.entries(e.byType)) console.log(t, s.precision.toFixed(3), s.recall.toFixed(3));
const tol = 60_000;
flagged.forEach((v, i) => {
  const d = dets[i];
  const hit = labels.some((l) => l.service === d.service && d.window_start < Date.parse(l.end) + tol && d.window_end > Date.parse(l.start));
  if (hit) return;
  const c = scored.explain(v.row).slice(0, 3).map((c: any) => `${c.feature}=${typeof c.value === 'number' ? c.value.toFixed(1) : c.value} (exp ${typeof c.expected === 'number' ? c.expected.toFixed(1) : c.expected}, z ${c.z?.toFixed?.(1)})`);
  console.log('FP', new Date(d.window_start).toISOString().slice(11, 16), d.service, d.anomaly_type, v.detectors.join('+'), v.score.toFixed(3), c.join('; '));
});
for (const m of e.missed) console.log('MISS', m);
if (process.env.SHOW) {
  const [svc, from, to] = process.env.SHOW.split(',');
  scored.windows.forEach((v: any) => {
    const t = test.matrix.windowStart[v.row];
    if (test.matrix.service[v.row] !== svc || t < Date.parse(from) || t > Date.parse(to)) return;
    const c = scored.explain(v.row).slice(0, 3).map((c: any) => `${c.feature}=${c.value?.toFixed?.(1)} (exp ${c.expected?.toFixed?.(1)}, z ${c.z?.toFixed?.(1)}) [${c.detector ?? ''}]`);
    console.log('SHOW', new Date(t).toISOString().slice(11, 16), v.anomalous, v.score.toFixed(3), v.detectors.join('+'), c.join('; '));
  });
  for (const d of bundle.windows.detectors) console.log('threshold', d.name, d.calibration.threshold);
}
const sl = (scored.sessions as any[]);
console.log('sessions', sl.length, 'anomalous', sl.filter((v) => v.anomalous).length, 'by lstm', sl.filter((v) => v.detectors.includes('lstm_next_event')).length, 'by transitions', sl.filter((v) => v.detectors.includes('sequence_transitions')).length, 'lstm threshold', (bundle as any).sessionLstm?.threshold);
const sLabels = ((await loadLabels(lake, testDate, testDate)) ?? []).filter((l) => l.session_ids);
const sessData = await loadSessionData(lake, [testDate]);
for (const det of ['sequence_transitions', 'lstm_next_event']) {
  const d = sl.flatMap((v, i) => (v.detectors.includes(det) ? [{ entity_kind: 'session' as const, entity_key: sessData.ids[i], service: sessData.service[i], window_start: sessData.start[i], window_end: sessData.end[i], anomaly_type: 'unusual_sequence' }] : []));
  const e = evaluateDetections(d, sLabels); console.log(det, 'P', e.precision.toFixed(3), 'R', e.recall.toFixed(3), 'incidents', sLabels.length);
}
