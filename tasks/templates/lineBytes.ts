/**
 * A text file's lines as byte ranges, streamed in chunks: `templates` matches most lines on their
 * UTF-8 bytes (a known message shape, shared/parsing/messageShapes.ts `findBytes`) and decodes only
 * the others. The same lines as fileLines.ts: gzip detected by its magic bytes, lines end at `\n`
 * or `\r\n`, the final newline ends a line rather than starting one, a final line without a
 * newline keeps its `\r`. Decoding a range as UTF-8 (`bytes.toString('utf8', start, end)`) gives
 * fileLines' string for it, invalid bytes included: a `\n` byte never belongs to a multi-byte
 * character, so a decoder meets the same bytes line by line as across a whole chunk.
 */
import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { CHUNK_BYTES, isGzip } from './fileLines';

/** Lines `i < count` are `bytes[starts[i]..ends[i])`, without their line ending. */
export interface LineBatch {
  readonly bytes: Buffer;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly count: number;
}

/**
 * Batches of consecutive lines (each about one read chunk), in file order. A batch is valid until
 * the loop asks for the next one: its arrays are reused.
 */
export async function* fileLineBytes(file: string, chunkBytes = CHUNK_BYTES): AsyncGenerator<LineBatch> {
  const raw = createReadStream(file, { highWaterMark: chunkBytes });
  const bytes = (await isGzip(file)) ? raw.pipe(createGunzip({ chunkSize: chunkBytes })) : raw;
  if (bytes !== raw) raw.on('error', (err) => bytes.destroy(err));
  const splitter = new LineSplitter();
  for await (const chunk of bytes as AsyncIterable<Buffer>) yield* splitter.push(chunk);
  const last = splitter.end();
  if (last) yield last;
}

/** Cuts a stream of byte chunks into lines; a line may span any number of chunks. Pure (no I/O). */
export class LineSplitter {
  /** Chunks since the last newline: the start of the next line. */
  private pending: Buffer[] = [];
  private starts = new Int32Array(1 << 14);
  private ends = new Int32Array(1 << 14);
  /** The one line that ends in a chunk but began in an earlier one. */
  private readonly joinedStart = new Int32Array(1);
  private readonly joinedEnd = new Int32Array(1);

  /**
   * The lines that end in `chunk`: a line begun in earlier chunks comes first as a batch of its
   * own (only its bytes are copied, not the chunk), then the chunk's lines.
   */
  push(chunk: Buffer): LineBatch[] {
    const firstNewline = chunk.indexOf(10);
    if (firstNewline < 0) {
      // Copied: a stream may reuse its chunks.
      if (chunk.length > 0) this.pending.push(Buffer.from(chunk));
      return [];
    }
    const batches: LineBatch[] = [];
    let pos = 0;
    if (this.pending.length > 0) {
      const joined = Buffer.concat([...this.pending, chunk.subarray(0, firstNewline)]);
      this.pending = [];
      this.joinedStart[0] = 0;
      this.joinedEnd[0] = joined.length > 0 && joined[joined.length - 1] === 13 ? joined.length - 1 : joined.length;
      batches.push({ bytes: joined, starts: this.joinedStart, ends: this.joinedEnd, count: 1 });
      pos = firstNewline + 1;
    }
    let count = 0;
    for (let nl = chunk.indexOf(10, pos); nl >= 0; nl = chunk.indexOf(10, pos)) {
      if (count === this.starts.length) this.grow();
      this.starts[count] = pos;
      this.ends[count] = nl > pos && chunk[nl - 1] === 13 ? nl - 1 : nl;
      count++;
      pos = nl + 1;
    }
    if (count > 0) batches.push({ bytes: chunk, starts: this.starts, ends: this.ends, count });
    if (pos < chunk.length) this.pending.push(Buffer.from(chunk.subarray(pos)));
    return batches;
  }

  /** The last line, when the input does not end with a newline (its `\r`, if any, stays). */
  end(): LineBatch | null {
    if (this.pending.length === 0) return null;
    const bytes = Buffer.concat(this.pending);
    this.pending = [];
    this.joinedStart[0] = 0;
    this.joinedEnd[0] = bytes.length;
    return { bytes, starts: this.joinedStart, ends: this.joinedEnd, count: 1 };
  }

  private grow(): void {
    const starts = new Int32Array(this.starts.length * 2);
    const ends = new Int32Array(this.ends.length * 2);
    starts.set(this.starts);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }
}

/** Bytes read past a region's end at first to finish its last line (more when that line is longer). */
const OVERHANG = 4096;

/**
 * The lines of a plain (not gzipped) file that start in regions `first`, `first + step`, … of
 * `regionBytes` bytes each, one batch per region, in order: `step` readers, each given its own
 * `first`, together read every line once, and a region's batch may be empty (a line may be longer
 * than a region). The same lines as `fileLineBytes`; each batch's bytes are a buffer of its own,
 * from `allocate` (which may hand out memory given back by an earlier batch's consumer).
 */
export async function* regionLineBytes(
  file: string,
  first: number,
  step: number,
  regionBytes = CHUNK_BYTES,
  allocate: (size: number) => Buffer = Buffer.allocUnsafeSlow,
): AsyncGenerator<LineBatch> {
  const handle = await open(file, 'r');
  // Line offsets of a region, reused: a batch is valid until the loop asks for the next one, as with fileLineBytes.
  let starts = new Int32Array(1 << 14);
  let ends = new Int32Array(1 << 14);
  try {
    const size = (await handle.stat()).size;
    for (let region = first; region * regionBytes < size; region += step) {
      const from = region * regionBytes;
      const to = Math.min(size, from + regionBytes);
      // From the byte before the region: a line starts at `from` if that byte is a newline.
      const readFrom = Math.max(0, from - 1);
      // Memory of its own (not a small Buffer's pool): the batch's bytes may be transferred.
      let bytes = allocate(Math.min(size, to + OVERHANG) - readFrom);
      let length = await readFully(handle, bytes, 0, bytes.length, readFrom);
      let atEnd = readFrom + length >= size || length < bytes.length;
      const regionEnd = Math.min(to - readFrom, length);
      let pos = 0;
      if (from > 0) {
        const nl = bytes.indexOf(10);
        // No newline in the region: every byte of it belongs to a line begun earlier.
        pos = nl >= 0 && nl < regionEnd ? nl + 1 : regionEnd;
      }
      let count = 0;
      while (pos < regionEnd) {
        const nl = bytes.indexOf(10, pos);
        if (count === starts.length) [starts, ends] = [grown(starts), grown(ends)];
        if (nl >= 0 && nl < length) {
          starts[count] = pos;
          ends[count++] = nl > pos && bytes[nl - 1] === 13 ? nl - 1 : nl;
          pos = nl + 1;
        } else if (atEnd) {
          // The file's last line, without a newline: its `\r`, if any, stays.
          starts[count] = pos;
          ends[count++] = length;
          pos = length;
        } else {
          // The region's last line goes on past what was read: read on.
          const more = allocate(Math.min(size - readFrom, bytes.length * 2));
          bytes.copy(more, 0, 0, length);
          bytes = more;
          const read = await readFully(handle, bytes, length, bytes.length - length, readFrom + length);
          length += read;
          atEnd = read === 0 || readFrom + length >= size;
        }
      }
      // The offsets are reused for the next region (the batch's are copied, withContentRanges).
      yield { bytes, starts, ends, count };
    }
  } finally {
    await handle.close();
  }
}

/** Reads `length` bytes at `position` (fewer only at the end of the file); returns how many. */
async function readFully(handle: FileHandle, buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, offset + done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/** `array` in twice the room. */
function grown(array: Int32Array) {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
