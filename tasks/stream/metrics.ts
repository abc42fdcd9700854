/**
 * The stream's Prometheus metrics, written by hand in the text exposition format (a handful of
 * counters, gauges and one histogram do not need a client library).
 */
const LATENCY_BUCKETS_S = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

const RECENT = 100_000;

class Histogram {
  readonly counts = new Array<number>(LATENCY_BUCKETS_S.length).fill(0);
  count = 0;
  sum = 0;
  /** The last RECENT samples (a ring), for exact percentiles in the log and the bench. */
  private readonly ring = new Float64Array(RECENT);

  observe(seconds: number): void {
    this.count++;
    this.sum += seconds;
    for (let i = 0; i < LATENCY_BUCKETS_S.length; i++) if (seconds <= LATENCY_BUCKETS_S[i]) this.counts[i]++;
    this.ring[(this.count - 1) % RECENT] = seconds;
  }

  /** The q-quantile of the recent samples (NaN before any). */
  quantile(q: number): number {
    const n = Math.min(this.count, RECENT);
    if (!n) return Number.NaN;
    const sorted = this.ring.slice(0, n).sort();
    return sorted[Math.min(n - 1, Math.floor(q * n))];
  }
}

export type LatencyKind = 'record' | 'new_template' | 'window';

export class StreamMetrics {
  recordsIn = 0;
  recordsLanded = 0;
  quarantined = 0;
  lateEvents = 0;
  sessionEventsNotCounted = 0;
  anomaliesWritten: Record<'window' | 'session' | 'new_template', number> = { window: 0, session: 0, new_template: 0 };
  batches = 0;
  alertsRaised = 0;
  rebalances = 0;
  alertDeliveries: Record<'delivered' | 'failed' | 'pending', number> = { delivered: 0, failed: 0, pending: 0 };
  modelVersion = 0;
  modelSwitches = 0;
  watermarkMs = 0;
  openWindows = 0;
  openSessions = 0;
  lag = new Map<string, number>();
  readonly latency: Record<LatencyKind, Histogram> = { record: new Histogram(), new_template: new Histogram(), window: new Histogram() };

  render(): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, samples: [string, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
    };
    metric('sentinel_stream_records_in_total', 'counter', 'Records consumed.', [['', this.recordsIn]]);
    metric('sentinel_stream_records_landed_total', 'counter', 'Records written to the landing zone.', [['', this.recordsLanded]]);
    metric('sentinel_stream_records_quarantined_total', 'counter', 'Bad records sent to the dead-letter topic.', [['', this.quarantined]]);
    metric('sentinel_stream_late_events_total', 'counter', 'Records whose window was already sealed.', [['', this.lateEvents]]);
    metric(
      'sentinel_stream_session_events_not_counted_total',
      'counter',
      "Records in no session: re-delivered, or later than their key's written session (a key on several partitions whose event times differ by more than the allowed lateness).",
      [['', this.sessionEventsNotCounted]],
    );
    metric(
      'sentinel_stream_anomalies_written_total',
      'counter',
      'Anomaly rows upserted.',
      Object.entries(this.anomaliesWritten).map(([k, v]) => [`{kind="${k}"}`, v]),
    );
    metric('sentinel_stream_alerts_opened_total', 'counter', 'Alerts opened (the alert path: incidents deduplicated within the cooldown).', [
      ['', this.alertsRaised],
    ]);
    metric(
      'sentinel_stream_alert_deliveries_total',
      'counter',
      'Webhook deliveries by outcome.',
      Object.entries(this.alertDeliveries).map(([k, v]) => [`{status="${k}"}`, v]),
    );
    metric('sentinel_stream_rebalances_total', 'counter', 'Partition assignments (each rebuilds the per-partition state from the committed offsets).', [
      ['', this.rebalances],
    ]);
    metric('sentinel_stream_batches_total', 'counter', 'Micro-batches committed.', [['', this.batches]]);
    metric('sentinel_stream_model_version', 'gauge', 'Production model version in use.', [['', this.modelVersion]]);
    metric('sentinel_stream_model_switches_total', 'counter', 'Model versions loaded without a restart.', [['', this.modelSwitches]]);
    metric('sentinel_stream_watermark_seconds', 'gauge', 'Event-time watermark.', [['', this.watermarkMs / 1000]]);
    metric('sentinel_stream_open_windows', 'gauge', 'Windows not yet sealed.', [['', this.openWindows]]);
    metric('sentinel_stream_open_sessions', 'gauge', 'Sessions not yet closed by their gap.', [['', this.openSessions]]);
    metric(
      'sentinel_stream_consumer_lag',
      'gauge',
      'Records not yet consumed, per partition.',
      [...this.lag].map(([tp, v]) => [`{partition="${tp}"}`, v]),
    );
    lines.push(
      '# HELP sentinel_stream_latency_seconds End to end, from the producer timestamp to the committed write.',
      '# TYPE sentinel_stream_latency_seconds histogram',
    );
    for (const [kind, h] of Object.entries(this.latency)) {
      LATENCY_BUCKETS_S.forEach((b, i) => {
        lines.push(`sentinel_stream_latency_seconds_bucket{kind="${kind}",le="${b}"} ${h.counts[i]}`);
      });
      lines.push(`sentinel_stream_latency_seconds_bucket{kind="${kind}",le="+Inf"} ${h.count}`);
      lines.push(`sentinel_stream_latency_seconds_sum{kind="${kind}"} ${h.sum}`);
      lines.push(`sentinel_stream_latency_seconds_count{kind="${kind}"} ${h.count}`);
    }
    lines.push(
      '# HELP sentinel_stream_latency_recent_seconds Exact quantiles of the last 100,000 latencies of each kind (for the bench; the histogram is for Prometheus).',
      '# TYPE sentinel_stream_latency_recent_seconds gauge',
    );
    for (const [kind, h] of Object.entries(this.latency))
      for (const q of [0.5, 0.99]) lines.push(`sentinel_stream_latency_recent_seconds{kind="${kind}",q="${q}"} ${h.count ? h.quantile(q) : 0}`);
    return lines.join('\n') + '\n';
  }
}
