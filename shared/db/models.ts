import type pg from 'pg';
import { BadInputError } from '../errors';

/**
 * The model registry (MLflow-like stages): every `train` registers a candidate; the promotion rule
 * decides whether it becomes production; `rollback` restores the previous production version.
 */
export type Stage = 'candidate' | 'production' | 'archived';

export interface ModelVersion {
  name: string;
  version: number;
  detectors: string[];
  params: Record<string, unknown>;
  train_from: string;
  train_to: string;
  data_fingerprint: string;
  metrics: Record<string, number>;
  artifact_uri: string;
  stage: Stage;
  created_at: string;
  promoted_at: string | null;
  note: string | null;
}

const COLUMNS = `name, version, detectors, params, to_char(train_from, 'YYYY-MM-DD') AS train_from, to_char(train_to, 'YYYY-MM-DD') AS train_to,
  data_fingerprint, metrics, artifact_uri, stage, created_at, promoted_at, note`;

const fix = (r: Record<string, unknown>): ModelVersion =>
  ({
    ...r,
    created_at: new Date(r.created_at as string).toISOString(),
    promoted_at: r.promoted_at ? new Date(r.promoted_at as string).toISOString() : null,
  }) as ModelVersion;

/** Next version number, allocated under a row lock so concurrent trainings never collide. */
export async function registerCandidate(
  client: pg.ClientBase,
  m: Omit<ModelVersion, 'version' | 'stage' | 'created_at' | 'promoted_at' | 'note' | 'artifact_uri'> & { artifactUriFor: (version: number) => string },
): Promise<ModelVersion> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`models:${m.name}`]);
  const next = (await client.query<{ v: number }>('SELECT COALESCE(max(version), 0) + 1 AS v FROM models WHERE name = $1', [m.name])).rows[0].v;
  const res = await client.query(
    `INSERT INTO models (name, version, detectors, params, train_from, train_to, data_fingerprint, metrics, artifact_uri, stage)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'candidate') RETURNING ${COLUMNS}`,
    [m.name, next, m.detectors, JSON.stringify(m.params), m.train_from, m.train_to, m.data_fingerprint, JSON.stringify(m.metrics), m.artifactUriFor(next)],
  );
  return fix(res.rows[0]);
}

export async function getModel(db: pg.Pool | pg.ClientBase, name: string, version?: number): Promise<ModelVersion | undefined> {
  const res =
    version === undefined
      ? await db.query(`SELECT ${COLUMNS} FROM models WHERE name = $1 AND stage = 'production'`, [name])
      : await db.query(`SELECT ${COLUMNS} FROM models WHERE name = $1 AND version = $2`, [name, version]);
  return res.rows[0] ? fix(res.rows[0]) : undefined;
}

/** The latest version of `name` trained on the same content and params (see shared/trainingFingerprint.ts). */
export async function findByFingerprint(db: pg.Pool | pg.ClientBase, name: string, fingerprint: string): Promise<ModelVersion | undefined> {
  const res = await db.query(`SELECT ${COLUMNS} FROM models WHERE name = $1 AND data_fingerprint = $2 ORDER BY version DESC LIMIT 1`, [name, fingerprint]);
  return res.rows[0] ? fix(res.rows[0]) : undefined;
}

export async function listModels(db: pg.Pool | pg.ClientBase, name?: string): Promise<ModelVersion[]> {
  const res = await db.query(`SELECT ${COLUMNS} FROM models ${name ? 'WHERE name = $1' : ''} ORDER BY name, version DESC`, name ? [name] : []);
  return res.rows.map(fix);
}

/** Makes `version` production and archives the previous production version (one transaction). */
export async function promote(client: pg.ClientBase, name: string, version: number, note: string): Promise<ModelVersion> {
  const target = await getModel(client, name, version);
  if (!target) throw new BadInputError(`model ${name} has no version ${version}; see \`sentinel models list\``);
  await client.query(`UPDATE models SET stage = 'archived' WHERE name = $1 AND stage = 'production' AND version <> $2`, [name, version]);
  const res = await client.query(
    `UPDATE models SET stage = 'production', promoted_at = now(), note = $3 WHERE name = $1 AND version = $2 RETURNING ${COLUMNS}`,
    [name, version, note],
  );
  return fix(res.rows[0]);
}

export async function setNote(client: pg.ClientBase, name: string, version: number, note: string): Promise<void> {
  await client.query('UPDATE models SET note = $3 WHERE name = $1 AND version = $2', [name, version, note]);
}

/** Production goes back to the most recently promoted archived version before it. */
export async function rollback(client: pg.ClientBase, name: string): Promise<{ from: ModelVersion; to: ModelVersion }> {
  const current = await getModel(client, name);
  if (!current) throw new BadInputError(`model ${name} has no production version to roll back`);
  const prev = await client.query(
    `SELECT ${COLUMNS} FROM models WHERE name = $1 AND stage = 'archived' AND promoted_at IS NOT NULL AND version <> $2 ORDER BY promoted_at DESC, version DESC LIMIT 1`,
    [name, current.version],
  );
  if (!prev.rows[0]) throw new BadInputError(`model ${name} has no earlier production version to roll back to`);
  const to = fix(prev.rows[0]);
  await client.query(`UPDATE models SET stage = 'archived', note = $3 WHERE name = $1 AND version = $2`, [
    name,
    current.version,
    `rolled back to v${to.version}`,
  ]);
  const res = await client.query(
    `UPDATE models SET stage = 'production', promoted_at = now(), note = $3 WHERE name = $1 AND version = $2 RETURNING ${COLUMNS}`,
    [name, to.version, `rollback from v${current.version}`],
  );
  return { from: current, to: fix(res.rows[0]) };
}

/**
 * The promotion rule: a candidate replaces production unless its validation score is worse than
 * production's by more than `margin` (higher is better). No production yet → promote.
 */
export function promotionDecision(candidate: number, production: number | undefined, margin: number): { promote: boolean; reason: string } {
  if (production === undefined) return { promote: true, reason: 'no production version yet' };
  if (candidate >= production - margin)
    return { promote: true, reason: `validation ${candidate.toFixed(4)} ≥ production ${production.toFixed(4)} − margin ${margin}` };
  return {
    promote: false,
    reason: `validation ${candidate.toFixed(4)} is worse than production ${production.toFixed(4)} by more than ${margin}; production kept`,
  };
}
