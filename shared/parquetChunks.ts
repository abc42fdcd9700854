import * as parquetWasm from 'parquet-wasm';
import type { ByteRange, PrefetchingBlob } from './store/rangedBlob';
import { BadInputError } from './errors';

/**
 * Fetches ahead what a read of `columns` (all when undefined) from a Parquet part needs: its footer
 * and the column chunks of those columns in every row group. Used on stores that read over the
 * network (`ObjectStore.openBlob`'s `prepare`): parquet-wasm's reader then finds every range it
 * asks for in memory, and a missing or changed object is an error of this call, named, rather
 * than a panic inside the reader (parquet-wasm 0.8 unwraps a failed read of its Blob).
 */
export async function prefetchParquetColumns(blob: PrefetchingBlob, source: string, columns: readonly string[] | undefined): Promise<void> {
  const size = blob.size;
  const end = new Uint8Array(await blob.slice(size - 8, size).arrayBuffer());
  const footer = size >= 12 && new TextDecoder().decode(end.subarray(4)) === 'PAR1' ? new DataView(end.buffer).getUint32(0, true) : -1;
  if (footer < 0 || footer + 12 > size)
    throw new BadInputError(`${source} is not a readable Parquet file (no Parquet footer in its ${size} bytes): rerun the step that writes it.`);
  const footerStart = size - 8 - footer;
  await blob.prefetch([[footerStart, size]]);
  let file: parquetWasm.ParquetFile;
  try {
    file = await parquetWasm.ParquetFile.fromFile(blob as unknown as Blob);
  } catch (err) {
    throw new BadInputError(`${source} is not a readable Parquet file: ${(err as Error).message}`, { cause: err });
  }
  let ranges: ByteRange[];
  try {
    ranges = columnChunkRanges(file, columns, footerStart);
  } finally {
    file.free();
  }
  await blob.prefetch(ranges);
}

/**
 * Where the column chunks of `columns` lie. parquet-wasm's metadata gives each chunk's compressed
 * size but not its offset; the writers we know (arrow-rs, parquet-mr, ours) write a row group's
 * chunks back to back after the 4-byte magic, in schema order, row group after row group. A file
 * laid out otherwise is read correctly all the same: the reader then fetches what it asks for
 * itself (`unplanned` reads), it only loses the fetch ahead.
 */
function columnChunkRanges(file: parquetWasm.ParquetFile, columns: readonly string[] | undefined, footerStart: number): ByteRange[] {
  const meta = file.metadata();
  const ranges: ByteRange[] = [];
  let offset = 4;
  try {
    for (let g = 0; g < meta.numRowGroups(); g++) {
      const group = meta.rowGroup(g);
      for (const chunk of group.columns()) {
        const length = chunk.compressedSize();
        if (!columns || columns.includes(chunk.columnPath()[0])) ranges.push([offset, offset + length]);
        offset += length;
        chunk.free();
      }
      group.free();
    }
  } finally {
    meta.free();
  }
  // Chunks that would overrun the footer: not the layout assumed; fetch nothing ahead.
  return offset <= footerStart ? ranges : [];
}
