/**
 * A text file's lines, streamed in chunks: memory stays flat whatever the file's size. Same lines
 * as shared/sourceFiles.ts decodeLines: gzip detected by its magic bytes, lines end at `\n` or
 * `\r\n`, the final newline ends a line rather than starting one, invalid UTF-8 becomes U+FFFD.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';

/** Read size: large enough that per-chunk work is negligible, small enough to keep memory flat. */
export const CHUNK_BYTES = 1 << 20;

/** gzip by its magic bytes (a file of two bytes or fewer is text). */
export async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    // decodeLines needs more than the magic (a 2-byte file is text): so does this.
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b && (await handle.stat()).size > 2;
  } finally {
    await handle.close();
  }
}

/** Batches of consecutive lines (each batch one read chunk's worth), in file order. */
export async function* fileLines(file: string): AsyncGenerator<string[]> {
  const raw = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  const bytes = (await isGzip(file)) ? raw.pipe(createGunzip({ chunkSize: CHUNK_BYTES })) : raw;
  if (bytes !== raw) raw.on('error', (err) => bytes.destroy(err));
  const decoder = new StringDecoder('utf8');
  let carry = '';
  for await (const chunk of bytes as AsyncIterable<Buffer>) {
    const text = carry + decoder.write(chunk);
    const lines = text.split('\n');
    carry = lines.pop() ?? '';
    // Most files have no CR at all: one search per chunk instead of a test per line.
    if (text.includes('\r')) for (let i = 0; i < lines.length; i++) if (lines[i].endsWith('\r')) lines[i] = lines[i].slice(0, -1);
    if (lines.length) yield lines;
  }
  const last = carry + decoder.end();
  // `a\r` without a final newline: decodeLines splits on \r?\n only, so the \r stays.
  if (last !== '') yield [last];
}
