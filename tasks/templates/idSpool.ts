/**
 * One 32-bit number per input line, spooled to a file: `templates` learns from every line before
 * it can say a line's final template, and keeping a number per line in memory would grow with the
 * file (40 MB per 10M lines). Written and read sequentially through a fixed buffer.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

const BUFFERED = 1 << 16;

export class IdSpoolWriter {
  private readonly fd: number;
  private readonly buffer = new Uint32Array(BUFFERED);
  private used = 0;
  count = 0;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'w');
  }

  push(value: number): void {
    this.buffer[this.used++] = value;
    this.count++;
    if (this.used === BUFFERED) this.flush();
  }

  private flush(): void {
    if (this.used) writeSync(this.fd, new Uint8Array(this.buffer.buffer, 0, this.used * 4));
    this.used = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** The numbers in the order they were pushed; `next()` past the end throws (the caller counts). */
export class IdSpoolReader {
  private readonly fd: number;
  private readonly buffer = new Uint32Array(BUFFERED);
  private available = 0;
  private at = 0;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'r');
  }

  next(): number {
    if (this.at === this.available) {
      const bytes = readSync(this.fd, new Uint8Array(this.buffer.buffer), 0, BUFFERED * 4, null);
      if (bytes === 0) throw new Error(`${this.file}: fewer ids than lines (the file changed while it was read?)`);
      this.available = bytes >>> 2;
      this.at = 0;
    }
    return this.buffer[this.at++];
  }

  close(): void {
    closeSync(this.fd);
  }
}
