/**
 * A line number as ASCII digits, counted up in place: `templates` writes one at the start of every
 * CSV row, and formatting each as a string would make a string per row.
 */
export class DecimalCounter {
  private readonly digits = new Uint8Array(20).fill(48);
  /** Where the number's digits start in `digits` (the rest are leading zeros). */
  private first = this.digits.length - 1;

  increment(): void {
    const digits = this.digits;
    let d = digits.length - 1;
    while (digits[d] === 57) digits[d--] = 48;
    digits[d]++;
    if (d < this.first) this.first = d;
  }

  /** Writes the number's digits into `buffer` from `at`; returns where they end. */
  writeTo(buffer: Uint8Array, at: number): number {
    const digits = this.digits;
    for (let k = this.first; k < digits.length; k++) buffer[at++] = digits[k];
    return at;
  }
}
