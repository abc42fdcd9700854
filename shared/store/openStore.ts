import { fileURLToPath } from 'node:url';
import type { ObjectStore } from './objectStore';
import { createLocalStore } from './localStore';
import { createS3Store } from './s3Store';
import { createMemoryStore } from './memoryStore';
import { BadInputError } from '../errors';

/** `file://…`, a plain path, `s3://bucket/prefix` or `memory://` → the matching store. */
export function openStore(uri: string, options: { forcePathStyle?: boolean } = {}): ObjectStore {
  if (uri.startsWith('s3://')) {
    const rest = uri.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    if (!bucket) throw new BadInputError(`lake URI ${uri} has no bucket; use s3://bucket/prefix`);
    return createS3Store(bucket, slash === -1 ? '' : rest.slice(slash + 1), { forcePathStyle: options.forcePathStyle ?? true });
  }
  if (uri.startsWith('memory://')) return createMemoryStore(uri);
  if (uri.startsWith('file://')) {
    // file://./relative is not a valid file URL, but users write it; treat it as a relative path.
    const path = uri.startsWith('file://.') ? uri.slice('file://'.length) : fileURLToPath(uri);
    return createLocalStore(path);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) throw new BadInputError(`unsupported store URI ${uri}: use file://, s3:// or a local path`);
  return createLocalStore(uri);
}
