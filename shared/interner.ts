/**
 * One string per distinct value: Arrow decodes every row into its own string, and per-event state
 * (session sequences, template ids) repeats a few hundred values millions of times.
 */
export function interner(): (value: string) => string {
  const seen = new Map<string, string>();
  return (value) => seen.get(value) ?? (seen.set(value, value), value);
}
