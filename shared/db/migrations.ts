/**
 * Versioned schema migrations, applied in order, each once (recorded in schema_migrations).
 * Kept as TypeScript strings so the bundled CLI carries them. Never edit an applied migration:
 * add a new one.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'core tables: runs, models, anomalies',
    sql: `
      CREATE TABLE runs (
        run_id      text PRIMARY KEY,
        task        text NOT NULL,
        partition   text,
        status      text NOT NULL,
        started_at  timestamptz NOT NULL,
        finished_at timestamptz,
        summary     jsonb NOT NULL DEFAULT '{}'::jsonb
      );
      CREATE TABLE models (
        name             text NOT NULL,
        version          integer NOT NULL,
        detectors        text[] NOT NULL,
        params           jsonb NOT NULL,
        train_from       date NOT NULL,
        train_to         date NOT NULL,
        data_fingerprint text NOT NULL,
        metrics          jsonb NOT NULL DEFAULT '{}'::jsonb,
        artifact_uri     text NOT NULL,
        stage            text NOT NULL CHECK (stage IN ('candidate', 'production', 'archived')),
        created_at       timestamptz NOT NULL DEFAULT now(),
        promoted_at      timestamptz,
        note             text,
        PRIMARY KEY (name, version)
      );
      -- At most one production version per model name.
      CREATE UNIQUE INDEX models_one_production ON models (name) WHERE stage = 'production';
      CREATE TABLE anomalies (
        id            bigserial PRIMARY KEY,
        date          date NOT NULL,
        entity_kind   text NOT NULL CHECK (entity_kind IN ('window', 'session')),
        entity_key    text NOT NULL,
        service       text NOT NULL,
        window_start  timestamptz NOT NULL,
        window_end    timestamptz NOT NULL,
        score         double precision NOT NULL,
        severity      integer NOT NULL CHECK (severity BETWEEN 0 AND 100),
        detectors     text[] NOT NULL,
        anomaly_type  text,
        explanation   jsonb NOT NULL,
        model_name    text NOT NULL,
        model_version integer NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        -- A rerun of a date upserts on this key, so rows are never duplicated.
        UNIQUE (date, entity_kind, entity_key)
      );
      CREATE INDEX anomalies_service_time ON anomalies (service, window_start);
    `,
  },
  {
    version: 2,
    name: 'monitoring and alerting',
    sql: `
      CREATE TABLE model_metrics (
        date          date NOT NULL,
        model_name    text NOT NULL,
        model_version integer NOT NULL,
        metric        text NOT NULL,
        value         double precision,
        details       jsonb NOT NULL DEFAULT '{}'::jsonb,
        computed_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (date, model_name, metric)
      );
      CREATE TABLE alerts (
        id              bigserial PRIMARY KEY,
        dedup_key       text NOT NULL,
        service         text NOT NULL,
        anomaly_type    text NOT NULL,
        first_seen      timestamptz NOT NULL,
        last_seen       timestamptz NOT NULL,
        severity        integer NOT NULL,
        anomaly_count   integer NOT NULL,
        summary         text NOT NULL,
        details         jsonb NOT NULL DEFAULT '{}'::jsonb,
        status          text NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
        opened_at       timestamptz NOT NULL DEFAULT now(),
        acknowledged_at timestamptz,
        resolved_at     timestamptz,
        resolved_reason text,
        UNIQUE (dedup_key, first_seen)
      );
      CREATE INDEX alerts_open ON alerts (service, anomaly_type) WHERE status <> 'resolved';
      CREATE TABLE alert_deliveries (
        alert_id     bigint NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        channel      text NOT NULL,
        -- The alert's last_seen when delivered: a grown incident is delivered again, a rerun is not.
        revision     timestamptz NOT NULL,
        status       text NOT NULL CHECK (status IN ('delivered', 'failed', 'skipped')),
        attempts     integer NOT NULL,
        last_error   text,
        delivered_at timestamptz,
        PRIMARY KEY (alert_id, channel, revision)
      );
    `,
  },
  {
    version: 3,
    name: 'pending alert deliveries',
    // A delivery the alert step had no time left for (its budget ran out) waits for the next run.
    sql: `
      ALTER TABLE alert_deliveries DROP CONSTRAINT alert_deliveries_status_check;
      ALTER TABLE alert_deliveries ADD CONSTRAINT alert_deliveries_status_check CHECK (status IN ('delivered', 'failed', 'skipped', 'pending'));
      CREATE INDEX alert_deliveries_pending ON alert_deliveries (alert_id) WHERE status = 'pending';
    `,
  },
  {
    version: 4,
    name: 'stream anomalies: source, template entities',
    // `sentinel stream` writes window anomalies (later replaced by the daily score, the backfill) and
    // per-record new-template anomalies (entity_kind template, which score's per-date replace leaves alone).
    sql: `
      ALTER TABLE anomalies ADD COLUMN source text NOT NULL DEFAULT 'batch' CHECK (source IN ('batch', 'stream'));
      ALTER TABLE anomalies DROP CONSTRAINT anomalies_entity_kind_check;
      ALTER TABLE anomalies ADD CONSTRAINT anomalies_entity_kind_check CHECK (entity_kind IN ('window', 'session', 'template'));
    `,
  },
];
