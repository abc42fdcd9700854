import { Utf8, makeData, makeVector, type Vector } from 'apache-arrow';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const QUOTE = 34;
const BACKSLASH = 92;

/**
 * Silver's `params` column built in place: each row is the bytes of `JSON.stringify(params)` as
 * UTF-8, written straight from the message's text (`span`), so no string per parameter, no array
 * and no JSON string per row is made, and nothing is encoded to UTF-8 a second time. Those were
 * about a sixth of `parse` on 1M logs, with the garbage they left (decision 77). Parameters are
 * mostly plain ASCII and copied code by code; one with a quote, a backslash, a control character
 * or anything beyond ASCII goes through JSON.stringify and the encoder, exactly as before.
 */
export class ParamsColumn {
  private bytes = new Uint8Array(1 << 16);
  private offsets = new Int32Array(1 << 12);
  private pos = 0;
  private rows = 0;
  /** No parameter in the current row yet (the next one needs no comma). */
  private first = true;

  /**
   * `lend`: `vector()` gives views of this column's own buffers instead of copies, valid until the
   * next row is started: for a caller that serializes each vector before it goes on (parse writes
   * a Silver part before it mines the next one). A copy per part was ~10 MB of new memory for the
   * garbage collector to find (decision 99).
   */
  constructor(private readonly lend = false) {}

  /** Starts the next row. */
  startRow(): void {
    this.room(1);
    this.bytes[this.pos++] = 91; // [
    this.first = true;
  }

  /** Appends `text.slice(start, end)` to the current row as a JSON string. */
  span(text: string, start: number, end: number): void {
    this.room(end - start + 3);
    const bytes = this.bytes;
    const at = this.pos;
    let pos = at;
    const comma = !this.first;
    if (comma) bytes[pos++] = 44; // ,
    this.first = false;
    bytes[pos++] = QUOTE;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c < 32 || c > 126 || c === QUOTE || c === BACKSLASH) {
        // Escapes and UTF-8 as JSON.stringify and the UTF-8 writer give them.
        const json = JSON.stringify(text.slice(start, end));
        this.pos = at;
        this.room(3 * json.length + 1);
        pos = this.pos;
        if (comma) this.bytes[pos++] = 44;
        this.pos = pos + encoder.encodeInto(json, this.bytes.subarray(pos)).written;
        return;
      }
      bytes[pos++] = c;
    }
    bytes[pos++] = QUOTE;
    this.pos = pos;
  }

  /**
   * Appends `bytes[start, end)` to the current row as a JSON string: printable ASCII (what
   * `TemplateMiner.addBytesTo` gives) is copied byte by byte with quotes and backslashes escaped, as
   * JSON.stringify does; anything else is decoded and goes through `span`.
   */
  spanBytes(bytes: Uint8Array, start: number, end: number): void {
    this.room(2 * (end - start) + 3);
    const out = this.bytes;
    const at = this.pos;
    let pos = at;
    if (!this.first) out[pos++] = 44; // ,
    out[pos++] = QUOTE;
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      if (c < 32 || c > 126) {
        this.pos = at;
        const text = decoder.decode(bytes.subarray(start, end));
        this.span(text, 0, text.length);
        return;
      }
      if (c === QUOTE || c === BACKSLASH) out[pos++] = BACKSLASH;
      out[pos++] = c;
    }
    out[pos++] = QUOTE;
    this.first = false;
    this.pos = pos;
  }

  /** Ends the current row. */
  endRow(): void {
    this.room(1);
    this.bytes[this.pos++] = 93; // ]
    if (this.rows + 1 >= this.offsets.length) {
      const grown = new Int32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[++this.rows] = this.pos;
  }

  /** The rows so far as an Arrow utf8 vector (no nulls, as the writers build one); the column starts over. */
  vector(): Vector {
    const n = this.rows;
    const vector = makeVector(
      makeData({
        type: new Utf8(),
        length: n,
        nullCount: 0,
        nullBitmap: null,
        valueOffsets: this.lend ? this.offsets.subarray(0, n + 1) : this.offsets.slice(0, n + 1),
        data: this.lend ? this.bytes.subarray(0, this.pos) : this.bytes.slice(0, this.pos),
      }),
    );
    this.pos = 0;
    this.rows = 0;
    return vector;
  }

  /** Room for `more` bytes after the current position. */
  private room(more: number): void {
    if (this.pos + more <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.pos + more));
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
  }
}
