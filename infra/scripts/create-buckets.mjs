// Creates S3 buckets on the MinIO at AWS_ENDPOINT_URL_S3 (default 127.0.0.1:9000); existing ones are fine.
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

// The SDK's multi-line "node >= 22" warning: Node 20 is pinned on purpose (shared/config.ts quietAwsSdkNodeWarning).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const client = new S3Client({ endpoint: process.env.AWS_ENDPOINT_URL_S3 ?? 'http://127.0.0.1:9000', region: 'us-east-1', forcePathStyle: true });
for (const Bucket of process.argv.slice(2)) {
  try {
    await client.send(new CreateBucketCommand({ Bucket }));
  } catch (err) {
    if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(err.name)) throw err;
  }
}
