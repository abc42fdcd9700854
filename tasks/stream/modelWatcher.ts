import type pg from 'pg';
import { getModel } from '../../shared/db/models';
import { loadModelJson } from '../../shared/models/artifacts';
import type { ModelBundle } from '../../shared/models/bundle';
import type { ObjectStore } from '../../shared/store/objectStore';
import type { Logger } from '../../shared/logger';
import type { ModelInUse } from './windowScorer';

/**
 * The production model, followed without a restart: `check` asks the registry which version is in
 * production (one indexed query) and loads the bundle when it changed, so a promotion by `train` or
 * `sentinel models promote` reaches the stream within one check interval.
 */
export class ModelWatcher {
  private model: ModelInUse | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly lake: ObjectStore,
    private readonly name: string,
    private readonly log: Logger,
  ) {}

  get current(): ModelInUse | undefined {
    return this.model;
  }

  /**
   * `check` between batches: a registry or lake that does not answer for a moment (a PostgreSQL
   * restart, an S3 hiccup) keeps the model in use and is asked again at the next check, instead of
   * ending the stream. At start-up the stream calls `check` itself, and fails there.
   */
  async recheck(): Promise<boolean> {
    try {
      return await this.check();
    } catch (err) {
      this.log.warn({ err, model: this.name, version: this.model?.version ?? null }, 'model check failed: scoring with the model in use until the next check');
      return false;
    }
  }

  /** True when the version changed (or was loaded for the first time). */
  async check(): Promise<boolean> {
    const production = await getModel(this.pool, this.name);
    if (!production || production.version === this.model?.version) return false;
    const bundle = await loadModelJson<ModelBundle>(this.lake, this.name, production.version);
    const previous = this.model?.version;
    this.model = { name: this.name, version: production.version, bundle };
    this.log.info({ model: this.name, from: previous ?? null, to: production.version }, previous ? 'production model switched' : 'production model loaded');
    return true;
  }
}
