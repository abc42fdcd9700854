import * as z from 'zod';
import type { TableSpec } from './parquet';

/**
 * Every table of the lake and every column name, in one module (logai habit: columns are constants).
 * Bronze = validated raw records; Silver = parsed (template, params); Gold = features per window or
 * session; Scored = Gold plus verdicts.
 */

export const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type Level = (typeof LEVELS)[number];

/** A raw record after field mapping, before it is trusted. */
export const rawRecordSchema = z.object({
  ts: z.number().finite(),
  service: z.string().min(1, 'service is empty').max(200),
  level: z.enum(LEVELS),
  message: z.string().min(1, 'message is empty'),
  host: z.string().nullable().default(null),
  latency_ms: z.number().finite().nonnegative().nullable().default(null),
  status: z.number().int().min(100).max(599).nullable().default(null),
  user_id: z.string().nullable().default(null),
  session_id: z.string().nullable().default(null),
  trace_id: z.string().nullable().default(null),
  /** Ground truth carried from the source when it has one (loghub's <Label>, a JSON `label`); never used to train. */
  label: z.string().nullable().default(null),
});
export type LogRecord = z.infer<typeof rawRecordSchema>;

const recordColumns = [
  { name: 'ts', type: 'timestamp_ms' },
  { name: 'service', type: 'utf8' },
  { name: 'level', type: 'utf8' },
  { name: 'message', type: 'utf8', unique: true },
  { name: 'host', type: 'utf8' },
  { name: 'latency_ms', type: 'float64' },
  { name: 'status', type: 'int32' },
  { name: 'user_id', type: 'utf8' },
  { name: 'session_id', type: 'utf8' },
  { name: 'trace_id', type: 'utf8', unique: true },
  { name: 'label', type: 'utf8' },
  { name: 'source_file', type: 'utf8' },
  { name: 'source_line', type: 'int32', unique: true },
] as const;

export const bronzeLogs: TableSpec = { path: 'bronze/logs', columns: recordColumns };

export const quarantine: TableSpec = {
  path: 'bronze/quarantine',
  columns: [
    { name: 'source_file', type: 'utf8' },
    { name: 'source_line', type: 'int32' },
    { name: 'raw', type: 'utf8', unique: true },
    { name: 'reason', type: 'utf8' },
  ],
};

export const silverLogs: TableSpec = {
  path: 'silver/logs',
  columns: [
    ...recordColumns,
    { name: 'template_id', type: 'utf8' },
    { name: 'template', type: 'utf8' },
    /** JSON array of the values at the template's wildcards. */
    { name: 'params', type: 'utf8', unique: true },
  ],
};

/** Numeric features of a time window, in the order detectors see them. */
export const WINDOW_FEATURES = [
  'count',
  'error_count',
  'warn_count',
  'error_rate',
  'latency_mean',
  'latency_p50',
  'latency_p95',
  'latency_p99',
  'status_5xx_rate',
  'status_4xx_rate',
  'distinct_users',
  'distinct_templates',
  'new_templates',
  'count_roll_mean',
  'count_roll_std',
  'count_roll_z',
  'hour_of_day',
  'day_of_week',
] as const;
export type WindowFeature = (typeof WINDOW_FEATURES)[number];

/**
 * What the window detectors score. Calendar fields are context (the baseline's seasonality uses the
 * window start), and the rolling mean/std only feed count_roll_z.
 */
export const SIGNAL_FEATURES: readonly WindowFeature[] = WINDOW_FEATURES.filter(
  (f) => !['hour_of_day', 'day_of_week', 'count_roll_mean', 'count_roll_std'].includes(f),
);

export const goldWindows: TableSpec = {
  path: 'gold/windows',
  columns: [
    { name: 'window_start', type: 'timestamp_ms' },
    { name: 'window_seconds', type: 'int32' },
    { name: 'service', type: 'utf8' },
    ...WINDOW_FEATURES.map((name) => ({ name, type: 'float64' as const })),
  ],
};

/**
 * `features` commits Gold as one set: gold/window_templates and gold/sessions first, then
 * gold/windows naming their run ids under these keys (`PartitionManifest.companions`).
 */
export const GOLD_COMPANIONS = { windowTemplates: 'window_templates', sessions: 'sessions' } as const;

/** Long format: per window and service, the count and TF-IDF weight of each template. */
export const goldWindowTemplates: TableSpec = {
  path: 'gold/window_templates',
  columns: [
    { name: 'window_start', type: 'timestamp_ms' },
    { name: 'service', type: 'utf8' },
    { name: 'template_id', type: 'utf8' },
    { name: 'count', type: 'float64' },
    { name: 'tfidf', type: 'float64' },
  ],
};

export const goldSessions: TableSpec = {
  path: 'gold/sessions',
  columns: [
    { name: 'session_id', type: 'utf8' },
    { name: 'service', type: 'utf8' },
    { name: 'start', type: 'timestamp_ms' },
    { name: 'end', type: 'timestamp_ms' },
    { name: 'event_count', type: 'float64' },
    { name: 'error_count', type: 'float64' },
    { name: 'duration_s', type: 'float64' },
    /** JSON array of template ids in time order. */
    { name: 'sequence', type: 'utf8' },
    /** JSON array of each event's time in ms after `start`, parallel to `sequence`. */
    { name: 'offsets_ms', type: 'utf8' },
    /** JSON object template id → count. */
    { name: 'template_counts', type: 'utf8' },
  ],
};

export const scoredWindows: TableSpec = {
  path: 'scored/windows',
  columns: [
    { name: 'entity_kind', type: 'utf8' },
    { name: 'entity_key', type: 'utf8' },
    { name: 'service', type: 'utf8' },
    { name: 'window_start', type: 'timestamp_ms' },
    { name: 'window_end', type: 'timestamp_ms' },
    { name: 'score', type: 'float64' },
    { name: 'severity', type: 'float64' },
    { name: 'anomalous', type: 'bool' },
    /** JSON array of detector names whose calibrated score passed their threshold. */
    { name: 'detectors', type: 'utf8' },
  ],
};

/**
 * Anomaly types, one vocabulary: `score` names each anomaly with one of them (shared/anomalyType.ts),
 * alerts and reports group by them, and `generate` injects and labels all but `other`, which score
 * uses when no rule names what deviated. The injected order is the generator's plan order (a seed's
 * output depends on it): append, never reorder.
 */
export const INJECTED_ANOMALY_TYPES = ['volume_spike', 'error_burst', 'latency_degradation', 'new_template', 'traffic_drop', 'unusual_sequence'] as const;
export type InjectedAnomalyType = (typeof INJECTED_ANOMALY_TYPES)[number];
export const ANOMALY_TYPES = [...INJECTED_ANOMALY_TYPES, 'other'] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];

/** What the generator's labels file holds (and what `report --labels` accepts for windows). */
export const anomalyLabelSchema = z.object({
  id: z.string(),
  type: z.string(),
  service: z.string(),
  start: z.string(),
  end: z.string(),
  session_ids: z.array(z.string()).optional(),
  description: z.string().optional(),
});
export type AnomalyLabel = z.infer<typeof anomalyLabelSchema>;
