import { ksAgainst, profileFromQuantiles, psiAgainst, type FeatureProfile } from '../../shared/models/profile';

/**
 * Drift of one day against the production model's training profile, as pure functions: the
 * command reads Gold, the scored windows and Silver's template ids, and passes them in.
 */

/** Row-major features, as loadWindowData returns them. */
export interface FeatureRows {
  rows: number;
  columns: readonly string[];
  data: ArrayLike<number>;
}

/** PSI and KS per feature the model has a training profile for. */
export function featureDrift(
  m: FeatureRows,
  profiles: Readonly<Record<string, FeatureProfile>>,
): { featurePsi: Record<string, number>; featureKs: Record<string, number> } {
  const featurePsi: Record<string, number> = {};
  const featureKs: Record<string, number> = {};
  m.columns.forEach((c, j) => {
    const profile = profiles[c];
    if (!profile) return;
    const values = Float64Array.from({ length: m.rows }, (_, r) => m.data[r * m.columns.length + j]);
    featurePsi[c] = psiAgainst(profile, values);
    featureKs[c] = ksAgainst(profile, values);
  });
  return { featurePsi, featureKs };
}

/** The day's window scores against the training scores (sessions are left out), and the share flagged. */
export function scoreShift(
  scored: { entityKind: ArrayLike<string>; score: ArrayLike<number>; anomalous: ArrayLike<boolean | null> },
  trainingScoreQuantiles: readonly number[],
): { scorePsi: number; anomalyRate: number } {
  const windowRows: number[] = [];
  for (let i = 0; i < scored.entityKind.length; i++) if (scored.entityKind[i] === 'window') windowRows.push(i);
  const scores = windowRows.map((i) => scored.score[i]);
  const anomalous = windowRows.filter((i) => scored.anomalous[i]).length;
  return { scorePsi: psiAgainst(profileFromQuantiles(trainingScoreQuantiles), scores), anomalyRate: windowRows.length ? anomalous / windowRows.length : 0 };
}

/** Counts events whose template the model has never seen, batch by batch. */
export class UnseenTemplates {
  private readonly vocabulary: ReadonlySet<string>;
  readonly templates = new Set<string>();
  events = 0;
  unseenEvents = 0;

  constructor(vocabulary: Iterable<string>) {
    this.vocabulary = new Set(vocabulary);
  }

  add(templateIds: Iterable<string>): void {
    for (const t of templateIds) {
      this.events++;
      if (!this.vocabulary.has(t)) {
        this.unseenEvents++;
        this.templates.add(t);
      }
    }
  }

  /** Share of events with an unseen template (0 for a day without events). */
  get share(): number {
    return this.events ? this.unseenEvents / this.events : 0;
  }
}
