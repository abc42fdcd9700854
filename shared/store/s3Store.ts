import type { S3Client } from '@aws-sdk/client-s3';
import type { ObjectStore } from './objectStore';
import { createPrefetchingBlob } from './rangedBlob';
import { BadInputError, ExternalServiceError } from '../errors';
import { loadProcessConfig, quietAwsSdkNodeWarning } from '../config';

/**
 * The SDK is loaded on a store's first request, not with the module: every step's process loads
 * this file, and evaluating the SDK was ~20 ms of each start-up, also on a local lake (decision 103).
 */
type Sdk = typeof import('@aws-sdk/client-s3');
let sdkLoading: Promise<Sdk> | undefined;
// The CLI bundle is split at this import (decision 114), and a split-off CommonJS package comes as
// its default export only; from the sources Node also names its exports.
const loadSdk = () => (sdkLoading ??= import('@aws-sdk/client-s3').then((sdk) => ('S3Client' in sdk ? sdk : (sdk as unknown as { default: Sdk }).default)));

/** Bytes read with a part's first request: its footer (Silver's is ~19 KB with the page index) and, for a small part, all of it. */
const TAIL_BYTES = 64 * 1024;

/**
 * S3 (or MinIO) as the lake. The SDK reads AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY itself and the region through config (AWS_REGION); path-style addressing is on by default because
 * MinIO and most S3-compatible stores need it. A PUT is atomic on S3, so no temp-and-rename; the
 * manifest commit is a conditional PUT (If-Match / If-None-Match), which AWS S3 and MinIO enforce.
 * Readers of Parquet parts get them by ranges (`openBlob`): only the footer and the column chunks read.
 */
export function createS3Store(bucket: string, prefix: string, options: { forcePathStyle: boolean; client?: S3Client }): ObjectStore {
  quietAwsSdkNodeWarning();
  let clientMade: S3Client | undefined = options.client;
  /** The SDK's commands and this store's client. */
  const s3 = async () => {
    const sdk = await loadSdk();
    clientMade ??= new sdk.S3Client({ forcePathStyle: options.forcePathStyle, region: loadProcessConfig().awsRegion });
    return { sdk, client: clientMade };
  };
  const base = prefix.replace(/^\/+|\/+$/g, '');
  const full = (key: string) => (base ? `${base}/${key}` : key);
  const uri = `s3://${bucket}/${base ? base + '/' : ''}`;
  const wrap = (what: string, err: unknown): never => {
    const name = (err as { name?: string }).name ?? 'Error';
    throw new ExternalServiceError(`S3 ${what} failed (${name}) at ${uri}: ${(err as Error).message}. Check the endpoint, bucket and credentials.`, {
      cause: err,
    });
  };
  async function getVersioned(key: string): Promise<{ bytes: Uint8Array; version: string } | undefined> {
    try {
      const { sdk, client } = await s3();
      const res = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: full(key) }));
      return { bytes: await res.Body!.transformToByteArray(), version: res.ETag ?? '' };
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
      return wrap(`GET ${key}`, err);
    }
  }
  const getOptional = async (key: string) => (await getVersioned(key))?.bytes;
  /**
   * Bytes [start, end) of `key` (or its last `-start` bytes when `end` is undefined), of version
   * `etag` when given. An error names the object and what to do; it never holds a signature (the SDK
   * signs headers, and its messages carry none).
   */
  async function getRange(key: string, start: number, end: number | undefined, etag?: string) {
    const Range = end === undefined ? `bytes=${start}` : `bytes=${start}-${end - 1}`;
    try {
      const { sdk, client } = await s3();
      const res = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: full(key), Range, IfMatch: etag || undefined }));
      return { bytes: await res.Body!.transformToByteArray(), etag: res.ETag ?? '', contentRange: res.ContentRange };
    } catch (err) {
      // S3 answers a suffix range of an empty object with 416: an object of no bytes.
      if (end === undefined && (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 416)
        return { bytes: new Uint8Array(0), etag: undefined, contentRange: undefined };
      throw rangeError(key, err, etag);
    }
  }
  function rangeError(key: string, err: unknown, etag: string | undefined): Error {
    const name = (err as { name?: string }).name ?? 'Error';
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const object = `${uri}${key}`;
    if (name === 'NoSuchKey' || status === 404)
      return new BadInputError(
        `object not found: ${object}${etag ? ' (it was there when its reading began: removed since)' : ''}. A manifest that lists it is ` +
          'damaged or was vacuumed under a reader: rerun the step that writes this partition.',
        { cause: err },
      );
    if (status === 412)
      return new ExternalServiceError(
        `${object} changed while it was read (its ETag is no longer ${etag}): parts are written once, so another process replaced it. ` +
          'Rerun this step; if it happens again, check that no other writer uses this lake prefix.',
        { cause: err },
      );
    if (status === 403 || name === 'AccessDenied')
      return new ExternalServiceError(
        `access denied reading ${object} (${name}): the credentials in use need s3:GetObject on this bucket and prefix. ` +
          'Check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the role, and the bucket policy.',
        { cause: err },
      );
    return new ExternalServiceError(`S3 ranged GET ${key} failed (${name}) at ${uri}: ${(err as Error).message}. Check the endpoint, bucket and credentials.`, {
      cause: err,
    });
  }
  async function list(listPrefix: string): Promise<{ key: string; modified: Date }[]> {
    const out: { key: string; modified: Date }[] = [];
    let token: string | undefined;
    try {
      do {
        const { sdk, client } = await s3();
        const res = await client.send(new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: full(listPrefix), ContinuationToken: token }));
        for (const o of res.Contents ?? []) if (o.Key) out.push({ key: base ? o.Key.slice(base.length + 1) : o.Key, modified: o.LastModified ?? new Date(0) });
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      wrap(`LIST ${listPrefix}`, err);
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  return {
    uri,
    getOptional,
    async openBlob(key, prepare) {
      // One suffix request tells the size and the version and holds a Parquet file's footer; every
      // later range is read If-Match that version, so a reader never mixes two versions of a part.
      const first = await getRange(key, -TAIL_BYTES, undefined);
      const size = Number(/\/(\d+)$/.exec(first.contentRange ?? '')?.[1] ?? first.bytes.length);
      const blob = createPrefetchingBlob(size, first.bytes, async (start, end) => {
        const { bytes } = await getRange(key, start, end, first.etag);
        if (bytes.length !== end - start)
          throw new ExternalServiceError(
            `S3 returned ${bytes.length} bytes for bytes ${start}–${end - 1} of ${uri}${key} (${end - start} asked for): rerun this step.`,
          );
        return bytes;
      });
      if (prepare) await prepare(blob);
      return blob as unknown as Blob;
    },
    getVersioned,
    async getInto(key, into) {
      let res: import('@aws-sdk/client-s3').GetObjectCommandOutput;
      try {
        const { sdk, client } = await s3();
        res = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: full(key) }));
      } catch (err) {
        if ((err as { name?: string }).name === 'NoSuchKey') throw new BadInputError(`object not found: ${uri}${key}`, { cause: err });
        return wrap(`GET ${key}`, err);
      }
      const size = res.ContentLength;
      if (size === undefined) throw new ExternalServiceError(`S3 GET ${key} at ${uri} answered without a Content-Length: rerun this step.`);
      const out = into(size);
      let read = 0;
      // The body's chunks go straight into the caller's memory: no copy of the whole object first.
      try {
        for await (const chunk of res.Body as AsyncIterable<Uint8Array>) {
          if (read + chunk.length > size) throw new Error(`more than the ${size} bytes announced`);
          out.set(chunk, read);
          read += chunk.length;
        }
      } catch (err) {
        return wrap(`GET ${key}`, err);
      }
      if (read !== size) throw new ExternalServiceError(`S3 GET ${key} at ${uri} ended after ${read} of ${size} bytes: rerun this step.`);
      return out;
    },
    async get(key) {
      const v = await getOptional(key);
      if (v === undefined) throw new BadInputError(`object not found: ${uri}${key}`);
      return v;
    },
    async put(key, bytes) {
      try {
        const { sdk, client } = await s3();
        await client.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: full(key), Body: bytes }));
      } catch (err) {
        wrap(`PUT ${key}`, err);
      }
    },
    list: async (listPrefix) => (await list(listPrefix)).map((o) => o.key),
    listModified: list,
    async putIfVersion(key, bytes, expected) {
      // S3 conditional writes: If-Match <etag> replaces only that version, If-None-Match * only creates.
      // 412: another writer changed it; 409: a concurrent conditional write is in progress (also lost).
      try {
        const { sdk, client } = await s3();
        await client.send(
          new sdk.PutObjectCommand({ Bucket: bucket, Key: full(key), Body: bytes, ...(expected === undefined ? { IfNoneMatch: '*' } : { IfMatch: expected }) }),
        );
        return true;
      } catch (err) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 412 || status === 409) return false;
        return wrap(`conditional PUT ${key}`, err);
      }
    },
    async delete(keys) {
      // DeleteObjects takes at most 1,000 keys per call.
      for (let i = 0; i < keys.length; i += 1000) {
        const chunk = keys.slice(i, i + 1000);
        try {
          const { sdk, client } = await s3();
          await client.send(new sdk.DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: chunk.map((k) => ({ Key: full(k) })), Quiet: true } }));
        } catch (err) {
          wrap(`DELETE ${chunk.length} keys`, err);
        }
      }
    },
  };
}
