import { createHash } from 'node:crypto';
import type { ObjectStore } from './store/objectStore';
import { getJson } from './store/objectStore';
import { decodeParquetColumns, decodeParquetSlices, type Batch, type TableSpec, type WritableBatch } from './parquet';
import { ParquetEncoder } from './parquetEncoder';
import { ParquetDecoder } from './parquetDecoder';
import { prefetchParquetColumns } from './parquetChunks';
import { encodeOnto } from './parquet/encodeOnto';
import type { Utf8ChunkDecoder } from './utf8Column';
import { BatchBuilder } from './batchBuilder';
import { BadInputError, CommitConflictError, InconsistentCommitError } from './errors';
import { crashPoint } from './faultInjection';
import { BufferPool, type ViewPool } from './bufferPool';

/**
 * Date partitions with a commit manifest. A partition is `<table>/date=YYYY-MM-DD/`; its data files
 * are named after the run that wrote them, and `_SUCCESS` (written last) lists them. Readers only read
 * what a manifest lists, so a crashed or concurrent run is never half-visible, and a rerun replaces
 * the partition atomically: new files, then the new manifest.
 *
 * The manifest write is a compare-and-swap against the manifest the run saw when it started: if
 * another run committed in between, this run's commit fails (CommitConflictError, exit 3) instead of
 * overwriting it. No commit deletes the files of the manifest it replaces (a reader may still hold
 * it); parts no manifest references are removed only after a grace period (vacuum). See
 * docs/decisions.md 32.
 */
export interface PartitionManifest {
  readonly table: string;
  readonly date: string;
  readonly runId: string;
  readonly rows: number;
  /** `sha256` of each part's bytes (commits before it was added lack it): content fingerprints use it. */
  readonly files: readonly { key: string; rows: number; sha256?: string }[];
  readonly committedAt: string;
  /** Step-specific counts (e.g. ingest's read/written/quarantined). */
  readonly extra?: Record<string, unknown>;
  /**
   * The run ids of the step's other outputs, committed before this manifest (e.g. Bronze names its
   * quarantine). A reader of a companion checks that it holds the named run (`checkCompanion`).
   */
  readonly companions?: Readonly<Record<string, string>>;
}

export const MANIFEST = '_SUCCESS';
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
/**
 * How long an unreferenced part is kept: longer than any step run (so an in-flight run's parts are
 * never taken) and than any reader of a replaced manifest.
 */
export const VACUUM_GRACE_MS = 24 * 3_600_000;

export function partitionPrefix(spec: TableSpec, date: string): string {
  if (!DATE_RE.test(date)) throw new BadInputError(`invalid partition date "${date}": use YYYY-MM-DD`);
  return `${spec.path}/date=${date}/`;
}

export async function readManifest(store: ObjectStore, spec: TableSpec, date: string): Promise<PartitionManifest | undefined> {
  return getJson<PartitionManifest>(store, partitionPrefix(spec, date) + MANIFEST);
}

export interface CommitOptions {
  extra?: Record<string, unknown>;
  companions?: Record<string, string>;
  now?: Date;
  graceMs?: number;
}

export interface WriterOptions {
  /**
   * Encode on the calling thread instead of the shared worker: for a small output of a step that
   * starts no worker otherwise (score's scored/windows), where the worker thread's own heap and
   * wasm memory (about 65 MB) would cost more than the encoding it takes off the main thread.
   */
  onCallingThread?: boolean;
}

/**
 * Writes one partition part file by part file, so a step can emit rows as it goes instead of holding
 * the whole partition; nothing is visible to readers until `commit` writes the manifest. A part is
 * encoded and stored while the step builds the next one (at most two in flight).
 */
export class PartitionWriter {
  private readonly prefix: string;
  private readonly files: { key: string; rows: number; sha256?: string }[] = [];
  private readonly inFlight: Promise<void>[] = [];
  private readonly encoder: ParquetEncoder;
  /**
   * Buffers of spliced parts (`writeOnto`) already stored, written into again instead of a new,
   * zero-filled ~10 MB per Silver part (parse at 10M logs: 1.7 s less CPU; decision 102). A buffer comes back only once its put has resolved: a store
   * keeps no reference to the bytes it was given (the memory store copies them).
   */
  private readonly spliceBuffers = new BufferPool(3);
  /** The manifest this run replaces, read when it starts: the commit's compare-and-swap expects it. */
  private readonly base: Promise<{ version: string; manifest: PartitionManifest } | undefined>;

  constructor(
    private readonly store: ObjectStore,
    private readonly spec: TableSpec,
    private readonly date: string,
    private readonly runId: string,
    options: WriterOptions = {},
  ) {
    this.encoder = options.onCallingThread ? new ParquetEncoder() : ParquetEncoder.shared();
    this.prefix = partitionPrefix(spec, date);
    this.base = store.getVersioned(this.prefix + MANIFEST).then((v) => v && { version: v.version, manifest: parseManifest(v.bytes) });
    this.base.catch(() => undefined); // awaited in commit, which rethrows
  }

  async write(batch: WritableBatch): Promise<void> {
    if (batch.rows === 0) return;
    await this.storePart(batch.rows, this.encoder.encode(this.spec, batch));
  }

  /**
   * `write` for a batch that holds only some of the table's columns, the others taken as bytes
   * from `base`, a Parquet file with the same rows that has them (e.g. parse's Silver part from its
   * Bronze part): they are neither decoded nor encoded again (shared/parquet/encodeOnto.ts).
   * `baseDone`: called once nothing reads `base` any more (the part is spliced, or encoded whole),
   * which may be after this returns: the caller may then write over `base`. Not called on a failure.
   */
  async writeOnto(batch: WritableBatch, base: Uint8Array, source: string, baseDone?: () => void): Promise<void> {
    if (batch.rows === 0) {
      baseDone?.();
      return;
    }
    const pooled = new WeakSet<Uint8Array>();
    const into = (bytes: number) => {
      const view = new Uint8Array(this.spliceBuffers.take(bytes), 0, bytes);
      pooled.add(view);
      return view;
    };
    const encoded = encodeOnto(this.encoder, this.spec, batch, base, source, into);
    if (baseDone) encoded.then(baseDone, () => undefined);
    await this.storePart(batch.rows, encoded, (bytes) => {
      if (pooled.has(bytes)) this.spliceBuffers.give([bytes.buffer as ArrayBuffer]);
    });
  }

  /** Stores a part once encoded, while the caller builds the next one (at most two in flight). `stored`: given the bytes once their put has resolved. */
  private async storePart(rows: number, encoded: Promise<Uint8Array>, stored?: (bytes: Uint8Array) => void): Promise<void> {
    const key = `${this.prefix}part-${this.runId}-${String(this.files.length).padStart(5, '0')}.parquet`;
    const file: { key: string; rows: number; sha256?: string } = { key, rows };
    this.files.push(file);
    const first = this.files.length === 1;
    const done = encoded.then(async (bytes) => {
      file.sha256 = sha256(bytes);
      await this.store.put(key, bytes);
      stored?.(bytes);
      if (first) crashPoint(`lake:${this.spec.path}:part`);
    });
    done.catch(() => undefined); // awaited below or in commit, which rethrows
    this.inFlight.push(done);
    while (this.inFlight.length >= 2) await this.inFlight.shift();
  }

  /**
   * Writes the manifest if no other run committed since this one started (else CommitConflictError),
   * then removes parts that were unreferenced for longer than the grace period.
   */
  async commit(options: CommitOptions = {}): Promise<PartitionManifest> {
    const base = await this.base;
    while (this.inFlight.length) await this.inFlight.shift();
    // An empty partition still gets one (empty) part file, so readers see its schema.
    if (this.files.length === 0) {
      const key = `${this.prefix}part-${this.runId}-00000.parquet`;
      const bytes = await this.encoder.encode(this.spec, new BatchBuilder(this.spec, 1).flush());
      await this.store.put(key, bytes);
      this.files.push({ key, rows: 0, sha256: sha256(bytes) });
    }
    const manifest: PartitionManifest = {
      table: this.spec.path,
      date: this.date,
      runId: this.runId,
      rows: this.files.reduce((s, f) => s + f.rows, 0),
      files: this.files,
      committedAt: (options.now ?? new Date()).toISOString(),
      extra: options.extra,
      ...(options.companions ? { companions: options.companions } : {}),
    };
    const bytes = Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
    crashPoint(`lake:${this.spec.path}:before-commit`);
    if (!(await this.store.putIfVersion(this.prefix + MANIFEST, bytes, base?.version))) {
      const winner = await readManifest(this.store, this.spec, this.date).catch(() => undefined);
      throw new CommitConflictError(
        `partition ${this.store.uri}${this.prefix} was committed by run ${winner?.runId ?? '(unknown)'} while this run (${this.runId}) was writing it; ` +
          `this run's output was not committed. Rerun the step if its output should replace that commit.`,
      );
    }
    crashPoint(`lake:${this.spec.path}:after-commit`);
    // The replaced manifest's parts stay: a reader may hold it. They go at a later commit or vacuum.
    const keep = new Set([...this.files, ...(base?.manifest.files ?? [])].map((f) => f.key));
    await removeUnreferenced(this.store, this.prefix, keep, base?.manifest.committedAt, options.graceMs ?? VACUUM_GRACE_MS, new Date()).catch(() => undefined); // best effort: the next commit or vacuum retries
    return manifest;
  }
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function parseManifest(bytes: Uint8Array): PartitionManifest {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as PartitionManifest;
}

/**
 * Deletes the parts under `prefix` that are not in `keep` and older than the grace period, provided
 * they have been unreferenced for that long too: `unreferencedSince` is when the manifest that stopped
 * listing them was committed (undefined: no manifest ever did).
 */
async function removeUnreferenced(
  store: ObjectStore,
  prefix: string,
  keep: ReadonlySet<string>,
  unreferencedSince: string | undefined,
  graceMs: number,
  now: Date,
): Promise<string[]> {
  if (unreferencedSince !== undefined && now.getTime() - Date.parse(unreferencedSince) < graceMs) return [];
  const objects = await store.listModified(prefix);
  const stale = objects.filter((o) => !o.key.endsWith('/' + MANIFEST) && !keep.has(o.key) && now.getTime() - o.modified.getTime() >= graceMs).map((o) => o.key);
  if (stale.length) await store.delete(stale);
  return stale;
}

/**
 * Removes the parts of a partition that its current manifest does not list, once both they and that
 * manifest are older than `graceMs` (default VACUUM_GRACE_MS): what crashed or losing runs left, and
 * the files of replaced manifests. Returns the deleted keys.
 */
export async function vacuumPartition(store: ObjectStore, spec: TableSpec, date: string, options: { graceMs?: number; now?: Date } = {}): Promise<string[]> {
  const current = await readManifest(store, spec, date);
  const keep = new Set(current?.files.map((f) => f.key) ?? []);
  return removeUnreferenced(store, partitionPrefix(spec, date), keep, current?.committedAt, options.graceMs ?? VACUUM_GRACE_MS, options.now ?? new Date());
}

export async function writePartition(
  store: ObjectStore,
  spec: TableSpec,
  date: string,
  batches: Iterable<WritableBatch> | AsyncIterable<WritableBatch>,
  options: CommitOptions & { runId: string },
): Promise<PartitionManifest> {
  const writer = new PartitionWriter(store, spec, date, options.runId);
  for await (const batch of batches) await writer.write(batch);
  return writer.commit(options);
}

/**
 * Stores a batch in a partition's directory without committing it: no manifest lists it, so readers
 * never see it, and vacuum removes it after the grace period (e.g. a rejected run's report, kept for
 * inspection). Returns its key.
 */
export async function writeUncommitted(store: ObjectStore, spec: TableSpec, date: string, name: string, batch: WritableBatch): Promise<string> {
  const key = `${partitionPrefix(spec, date)}${name}.parquet`;
  await store.put(key, await ParquetEncoder.shared().encode(spec, batch));
  return key;
}

/**
 * Streams a committed partition one part file at a time. `columns`: read only these (Parquet column
 * projection); the batches then hold only them. `arrow`: columns to keep as Arrow vectors in
 * `batch.arrow`, for a step that passes them through to its output unread.
 */
export async function* readPartition(
  store: ObjectStore,
  spec: TableSpec,
  date: string,
  hint?: string,
  columns?: readonly string[],
  arrow?: readonly string[],
): AsyncGenerator<Batch> {
  yield* readCommitted(store, spec, await requireManifest(store, spec, date, hint), columns, arrow);
}

/** The current manifest of a partition, or BadInputError naming it (and `hint`, what to run first). */
export async function requireManifest(store: ObjectStore, spec: TableSpec, date: string, hint?: string): Promise<PartitionManifest> {
  const manifest = await readManifest(store, spec, date);
  if (!manifest) throw new BadInputError(`no committed partition ${store.uri}${partitionPrefix(spec, date)}${hint ? `: ${hint}` : ''}`);
  return manifest;
}

/** The parts a given manifest lists (one a reader already checked), as `readPartition` streams them. */
export async function* readCommitted(
  store: ObjectStore,
  spec: TableSpec,
  manifest: PartitionManifest,
  columns?: readonly string[],
  arrow?: readonly string[],
): AsyncGenerator<Batch> {
  for (const f of manifest.files) yield await decodeParquetColumns(spec, await store.get(f.key), `${store.uri}${f.key}`, columns, arrow);
}

/** What `readCommittedAhead` reads of each part and how (see there). */
export interface ReadAheadOptions {
  /** Read only these columns (Parquet column projection; default: all). */
  columns?: readonly string[];
  /** Columns kept as Arrow vectors in `batch.arrow`, as `readPartition`'s `arrow`. */
  arrow?: readonly string[];
  /** Whether a part's Arrow buffers take a later part's columns once the caller asks for the next part. */
  reuse?: boolean;
  /** A pool the parts' bytes are read into (`readCommittedAheadWithBytes`). */
  into?: ViewPool;
}

/**
 * `readCommitted`, with the next part fetched and decoded (on the decoding worker thread, see
 * shared/parquetDecoder.ts) while the caller works on the current one: for a step that spends
 * longer on each part than decoding it (`parse`). At most two decoded parts are held at a time.
 * The caller must give the event loop a turn now and then while it works on a part (parse does
 * every 1,024 rows): the next part's read and its hand-over to the worker run there.
 * `reuse`: the caller reads a part's `arrow` columns only until it asks for the next part (no view,
 * slice or vector of them is kept or read later); their buffers then take a later part's columns
 * (`ParquetDecoder.release`), instead of each part's being new memory freed when the garbage
 * collector gets to it.
 */
export async function* readCommittedAhead(...args: Parameters<typeof readCommittedAheadWithBytes>): AsyncGenerator<Batch> {
  for await (const { batch } of readCommittedAheadWithBytes(...args)) yield batch;
}

/**
 * `readCommittedAhead`, each part with its file's bytes (the whole object, on S3 too): for a step
 * that writes the columns it does not read back as those bytes (`PartitionWriter.writeOnto`).
 * `into`: a pool the parts' bytes are read into (when the store can, `getInto`), transferred to the
 * decoding thread and back rather than copied; the caller gives each part's bytes back to it
 * (`into.give(bytes)`) once nothing reads them. Without it, each part is a new buffer from the
 * store, and a copy of it for the decoding thread.
 */
export async function* readCommittedAheadWithBytes(
  store: ObjectStore,
  spec: TableSpec,
  manifest: PartitionManifest,
  { columns, arrow, reuse = false, into }: ReadAheadOptions = {},
): AsyncGenerator<{ batch: Batch; bytes: Uint8Array; source: string }> {
  const decoder = ParquetDecoder.shared();
  // The thread starts (its module and wasm) while the first part is read from the store.
  decoder.warmUp();
  const read = async (f: PartitionManifest['files'][number]) => {
    const source = `${store.uri}${f.key}`;
    if (into && store.getInto) {
      const pooled = await store.getInto(f.key, (size) => into.take(size));
      const decoded = await decoder.decodeHandingBack(spec, pooled, source, columns, arrow);
      into.adopt(decoded.bytes);
      return { ...decoded, source };
    }
    const bytes = await store.get(f.key);
    return { batch: await decoder.decode(spec, bytes, source, columns, arrow), bytes, source };
  };
  let next = manifest.files.length ? read(manifest.files[0]) : undefined;
  let previous: Batch | undefined;
  try {
    for (let i = 0; next; i++) {
      const current = next;
      // The caller asked for part i, so it is done with part i - 1: part i + 1 is decoded into its buffers.
      if (reuse && previous) decoder.release(previous);
      previous = undefined;
      next = i + 1 < manifest.files.length ? read(manifest.files[i + 1]) : undefined;
      // A read that fails while the caller still works on the one before is reported when reached.
      next?.catch(() => undefined);
      const part = await current;
      previous = part.batch;
      yield part;
    }
  } finally {
    // The decoder is the process's: buffers released for a request that will not come are not kept.
    if (reuse) decoder.dropReleased();
  }
}

/**
 * The parts a manifest lists, each as its rows in slices (`decodeParquetSlices`): a reader that
 * holds only a slice's columns at a time, and still knows where each part ends. Consume every slice
 * of a part before asking for the next part. `inPlace`: see decodeParquetSlices.
 */
export async function* readCommittedSlices(
  store: ObjectStore,
  spec: TableSpec,
  manifest: PartitionManifest,
  columns?: readonly string[],
  sliceRows?: number,
  inPlace?: readonly string[],
): AsyncGenerator<AsyncGenerator<Batch>> {
  // One set of utf8 decoders for all the parts: a set per part (~1 MB of typed arrays) lived through
  // the part, was promoted, and the sets of many parts waited for a full GC (decision 94).
  const decoders = new Map<string, Utf8ChunkDecoder>();
  for (const f of manifest.files)
    yield decodeParquetSlices(spec, await partBlob(store, f.key, columns), `${store.uri}${f.key}`, columns, sliceRows, inPlace, decoders);
}

/**
 * A part as a Blob the reader reads only the footer and the wanted column chunks of, without a copy
 * of the part in memory: a local lake opens it where it lies; S3 reads it by ranges, fetching ahead
 * the column chunks of `columns` (decision 91). A store without `openBlob` (a test's wrapper) has
 * the part fetched whole. Each part fetched whole and copied into a Blob left ~10 MB of
 * ArrayBuffers that only a full GC freed: score's peak at 10M logs was 200 MB of them (decision 87).
 */
async function partBlob(store: ObjectStore, key: string, columns: readonly string[] | undefined): Promise<Blob> {
  if (!store.openBlob) return new Blob([await store.get(key)]);
  return store.openBlob(key, (blob) => prefetchParquetColumns(blob, `${store.uri}${key}`, columns));
}

/**
 * Multi-output commits (docs/decisions.md 37): a step commits its secondary outputs first
 * and its main manifest last, naming their run ids. A reader that uses a companion calls this with
 * the run id the companion holds; a mismatch means the step stopped between its commits, and only a
 * rerun of that step makes the set whole. Manifests from before companions were named pass.
 */
export function checkCompanion(main: PartitionManifest, companion: string, actualRunId: string | undefined, step: string): void {
  const named = main.companions?.[companion];
  if (named === undefined || named === actualRunId) return;
  throw new InconsistentCommitError(
    `${main.table} for ${main.date} (run ${main.runId}) goes with ${companion} of run ${named}, but the lake holds ${actualRunId ? `run ${actualRunId}` : 'none'}: ` +
      `a run of ${step} stopped between its commits. Rerun ${step} for ${main.date} (\`sentinel ${step} --date ${main.date}\`).`,
  );
}

/**
 * The current manifest of a companion output that `main` names, checked to be the run it names
 * (`checkCompanion`): what a reader of a multi-output commit reads instead of the companion's
 * manifest alone, e.g. gold/sessions of the gold/windows it goes with. BadInputError (with `hint`)
 * when the companion was never committed.
 */
export async function requireCompanion(
  store: ObjectStore,
  main: PartitionManifest,
  spec: TableSpec,
  companion: string,
  step: string,
  hint?: string,
): Promise<PartitionManifest> {
  const manifest = await readManifest(store, spec, main.date);
  checkCompanion(main, companion, manifest?.runId, step);
  if (!manifest) throw new BadInputError(`no committed partition ${store.uri}${partitionPrefix(spec, main.date)}${hint ? `: ${hint}` : ''}`);
  return manifest;
}

/** A whole manifest's parts in one batch (a manifest a reader already checked); only `columns` when given. */
export async function readCommittedAll(store: ObjectStore, spec: TableSpec, manifest: PartitionManifest, columns?: readonly string[]): Promise<Batch> {
  const parts: Batch[] = [];
  for await (const b of readCommitted(store, spec, manifest, columns)) parts.push(b);
  return concatBatches(spec, parts, columns);
}

/** Reads a whole committed partition into one batch (for small tables such as Gold windows). */
export async function readPartitionAll(store: ObjectStore, spec: TableSpec, date: string, hint?: string): Promise<Batch> {
  return readCommittedAll(store, spec, await requireManifest(store, spec, date, hint));
}

export function concatBatches(spec: TableSpec, parts: readonly Batch[], only?: readonly string[]): Batch {
  if (parts.length === 1) return parts[0];
  const rows = parts.reduce((s, p) => s + p.rows, 0);
  const columns: Record<string, Batch['columns'][string]> = {};
  for (const col of spec.columns) {
    if (only && !only.includes(col.name)) continue;
    const first = parts[0]?.columns[col.name];
    if (first instanceof Float64Array) {
      const out = new Float64Array(rows);
      let o = 0;
      for (const p of parts) {
        out.set(p.columns[col.name] as Float64Array, o);
        o += p.rows;
      }
      columns[col.name] = out;
    } else {
      columns[col.name] = parts.flatMap((p) => Array.from(p.columns[col.name] as ArrayLike<unknown>)) as (string | null)[];
    }
  }
  return { rows, columns };
}

/** Dates with a committed partition, sorted. */
export async function committedDates(store: ObjectStore, spec: TableSpec): Promise<string[]> {
  const keys = await store.list(`${spec.path}/date=`);
  const dates = keys.filter((k) => k.endsWith('/' + MANIFEST)).map((k) => /date=(\d{4}-\d{2}-\d{2})\//.exec(k)?.[1]);
  return [...new Set(dates.filter((d): d is string => !!d))].sort();
}
