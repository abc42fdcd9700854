/**
 * One line that says why a window or session is anomalous, for reports and alerts: the
 * explanation's own summary, else its first findings, else its top feature contributions.
 */
export function reasonOf(explanation: unknown): string {
  const e = explanation as { summary?: string; contributions?: { feature: string; value: number; expected: number }[]; findings?: { text: string }[] } | null;
  if (e?.summary) return e.summary;
  if (e?.findings?.length)
    return e.findings
      .slice(0, 2)
      .map((f) => f.text)
      .join('; ');
  return (e?.contributions ?? [])
    .slice(0, 3)
    .map((c) => `${c.feature}=${round(c.value)} (normal ${round(c.expected)})`)
    .join(', ');
}

const round = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : v);
