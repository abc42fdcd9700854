/**
 * One string per distinct value: Arrow decodes every row into its own string, and per-event state
 * (session sequences, template ids) repeats a few hundred values millions of times.
 */
export function interner(): (value: string) => string {
  const seen = new Map<string, string>();
  return (value) => {
    const known = seen.get(value);
    if (known !== undefined) return known;
    seen.set(value, value);
    return value;
  };
}
