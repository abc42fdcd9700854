import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectStore } from './objectStore';
import { BadInputError, ExternalServiceError } from '../errors';

/**
 * S3 (or MinIO) as the lake. The SDK reads AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_REGION itself; path-style addressing is on by default because
 * MinIO and most S3-compatible stores need it. A PUT is atomic on S3, so no temp-and-rename.
 */
export function createS3Store(bucket: string, prefix: string, options: { forcePathStyle: boolean; client?: S3Client }): ObjectStore {
  // The SDK's multi-line "will require node >=22" warning on every client; the images pin Node 20 on purpose.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = options.client ?? new S3Client({ forcePathStyle: options.forcePathStyle, region: process.env.AWS_REGION ?? 'us-east-1' });
  const base = prefix.replace(/^\/+|\/+$/g, '');
  const full = (key: string) => (base ? `${base}/${key}` : key);
  const uri = `s3://${bucket}/${base ? base + '/' : ''}`;
  const wrap = (what: string, err: unknown): never => {
    const name = (err as { name?: string }).name ?? 'Error';
    throw new ExternalServiceError(`S3 ${what} failed (${name}) at ${uri}: ${(err as Error).message}. Check the endpoint, bucket and credentials.`, { cause: err });
  };
  async function getOptional(key: string): Promise<Uint8Array | undefined> {
    try {
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: full(key) }));
      return await res.Body!.transformToByteArray();
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return undefined;
      return wrap(`GET ${key}`, err);
    }
  }
  return {
    uri,
    getOptional,
    async get(key) {
      const v = await getOptional(key);
      if (v === undefined) throw new BadInputError(`object not found: ${uri}${key}`);
      return v;
    },
    async put(key, bytes) {
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: full(key), Body: bytes }));
      } catch (err) {
        wrap(`PUT ${key}`, err);
      }
    },
    async list(listPrefix) {
      const keys: string[] = [];
      let token: string | undefined;
      try {
        do {
          const res = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: full(listPrefix), ContinuationToken: token }));
          for (const o of res.Contents ?? []) if (o.Key) keys.push(base ? o.Key.slice(base.length + 1) : o.Key);
          token = res.IsTruncated ? res.NextContinuationToken : undefined;
        } while (token);
      } catch (err) {
        wrap(`LIST ${listPrefix}`, err);
      }
      return keys.sort();
    },
    async delete(keys) {
      // DeleteObjects takes at most 1,000 keys per call.
      for (let i = 0; i < keys.length; i += 1000) {
        const chunk = keys.slice(i, i + 1000);
        try {
          await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: chunk.map((k) => ({ Key: full(k) })), Quiet: true } }));
        } catch (err) {
          wrap(`DELETE ${chunk.length} keys`, err);
        }
      }
    },
  };
}
