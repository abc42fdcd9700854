/** Severity (0–100) → the level reports, filters and colours use; the same cut-offs everywhere. */
export type SeverityLevel = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITY_LEVELS: readonly SeverityLevel[] = ['critical', 'high', 'medium', 'low'];

export function severityLevel(severity: number): SeverityLevel {
  if (severity >= 90) return 'critical';
  if (severity >= 75) return 'high';
  if (severity >= 60) return 'medium';
  return 'low';
}
