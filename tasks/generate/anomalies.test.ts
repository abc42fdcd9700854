import { describe, expect, it } from 'vitest';
import { addDays } from '../../shared/dates';
import { INJECTED_ANOMALY_TYPES } from '../../shared/schemas';
import { isEligible } from './anomalies';
import { planDay } from './generator';
import { resolveGenerateOptions } from './options';

const options = (over: Record<string, unknown> = {}) => resolveGenerateOptions({ from: '2026-01-05', ...over });
const minutes = (iso: string, date: string) => (Date.parse(iso) - Date.parse(date + 'T00:00:00Z')) / 60_000;

describe('anomaly plan', () => {
  it('places about anomaliesPerDay labels inside the day, 3–20 minutes, on whole minutes, apart from each other', () => {
    for (let d = 0; d < 14; d++) {
      const date = addDays('2026-01-05', d);
      const plan = planDay(date, options());
      expect(plan.labels).toHaveLength(12);
      let previousEnd = -Infinity;
      for (const label of plan.labels) {
        const start = minutes(label.start, date);
        const end = minutes(label.end, date);
        expect(Number.isInteger(start) && Number.isInteger(end)).toBe(true);
        expect(start).toBeGreaterThanOrEqual(30);
        expect(end).toBeLessThanOrEqual(1440);
        expect(end - start).toBeGreaterThanOrEqual(3);
        expect(end - start).toBeLessThanOrEqual(20);
        expect(start - previousEnd).toBeGreaterThanOrEqual(10);
        previousEnd = end;
        expect(label.description.length).toBeGreaterThan(10);
      }
    }
  });

  it('uses every type about equally often, on services that can show it', () => {
    const counts: Record<string, number> = {};
    for (let d = 0; d < 7; d++) {
      const plan = planDay(addDays('2026-01-05', d), options());
      for (const a of plan.anomalies) {
        counts[a.type] = (counts[a.type] ?? 0) + 1;
        expect(isEligible(a.type, plan.services[a.serviceIndex])).toBe(true);
        expect(a.label.service).toBe(plan.services[a.serviceIndex].name);
        expect(a.label.session_ids !== undefined).toBe(a.type === 'unusual_sequence');
      }
    }
    for (const type of INJECTED_ANOMALY_TYPES) expect(counts[type]).toBe(14);
  });

  it('puts rate-sensitive anomalies where the service is busy enough to show them in 1-minute windows', () => {
    // Minimum expected records per minute per type (anomalies.ts MIN_RATE). At the default volume
    // a night slot may have no service that busy; then the busiest candidate is taken.
    const minRate: Record<string, number> = { volume_spike: 10, error_burst: 10, latency_degradation: 8, traffic_drop: 15 };
    let met = 0;
    let sensitive = 0;
    for (let d = 0; d < 7; d++) {
      const plan = planDay(addDays('2026-01-05', d), options());
      for (const a of plan.anomalies) {
        if (!(a.type in minRate)) continue;
        const service = plan.services[a.serviceIndex];
        const lowest =
          Math.min(...plan.rates[a.serviceIndex].slice(a.startMinute, a.endMinute)) * (a.type === 'latency_degradation' ? service.latencyShare : 1);
        sensitive++;
        if (lowest >= minRate[a.type]) met++;
        expect(lowest).toBeGreaterThan(3);
      }
    }
    expect(met / sensitive).toBeGreaterThan(0.75);
    const busy = planDay('2026-01-05', options({ logsPerDay: 1_000_000 }));
    for (const a of busy.anomalies) {
      const latencyShare = a.type === 'latency_degradation' ? busy.services[a.serviceIndex].latencyShare : 1;
      if (a.type in minRate)
        expect(Math.min(...busy.rates[a.serviceIndex].slice(a.startMinute, a.endMinute)) * latencyShare).toBeGreaterThanOrEqual(minRate[a.type]);
    }
  });

  it('honours fractional rates, zero and restricted types', () => {
    const total = Array.from({ length: 20 }, (_, d) => planDay(addDays('2026-01-05', d), options({ anomaliesPerDay: 0.5 })).labels.length).reduce(
      (s, n) => s + n,
      0,
    );
    expect(total).toBeGreaterThan(4);
    expect(total).toBeLessThan(16);
    expect(planDay('2026-01-05', options({ anomaliesPerDay: 0 })).labels).toEqual([]);
    const only = planDay('2026-01-05', options({ anomalyTypes: ['traffic_drop'], anomaliesPerDay: 5 }));
    expect(only.labels.map((l) => l.type)).toEqual(Array(5).fill('traffic_drop'));
  });

  it('skips types the services cannot host (no session service with a single service)', () => {
    const plan = planDay('2026-01-05', options({ services: 1 }));
    expect(plan.labels.length).toBe(12);
    expect(plan.labels.every((l) => l.service === 'api-gateway' && l.type !== 'unusual_sequence')).toBe(true);
  });

  it('new_template anomalies use different messages, also across days', () => {
    const names = Array.from({ length: 5 }, (_, d) => planDay(addDays('2026-01-05', d), options()))
      .flatMap((p) => p.anomalies)
      .filter((a) => a.type === 'new_template')
      .map((a) => a.novel!.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('labels are plain JSON that the shared label schema accepts', async () => {
    const { anomalyLabelSchema } = await import('../../shared/schemas');
    const labels = planDay('2026-01-05', options()).labels;
    const roundTrip = JSON.parse(JSON.stringify(labels));
    for (const l of roundTrip) expect(anomalyLabelSchema.parse(l)).toEqual(l);
    expect(Object.keys(roundTrip.find((l: { session_ids?: string[] }) => l.session_ids))).toEqual([
      'id',
      'type',
      'service',
      'start',
      'end',
      'session_ids',
      'description',
    ]);
  });
});
