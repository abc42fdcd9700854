/**
 * A plain-text table for the CLI's listings (`models list`, `check`): columns as wide as their widest
 * cell, two spaces apart, the `rightAligned` ones (numbers) padded on the left. The last column is
 * never padded, so a long cell there (a detector list, an error) never shifts another column.
 */
export function textTable(head: readonly string[], rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number> = new Set()): string {
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, j) => (j === cells.length - 1 ? c : rightAligned.has(j) ? c.padStart(widths[j]) : c.padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}
