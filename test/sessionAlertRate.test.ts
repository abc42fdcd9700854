import { describe, expect, it } from 'vitest';
import { createRandom } from '../shared/random';
import { fitSessionModel, loadSessionModel, scoreSessions } from '../shared/models/sessionModel';
import { DEFAULT_SESSION_DETECTORS } from '../shared/detectors/sessions/registry';
import { normalSession, unusualSession, UNUSUAL_SEQUENCES } from '../tasks/generate/sessions';

/** Sessions of the generator's shop grammar, as event kinds (what template ids become after parsing). */
function generated(normal: number, unusual: number, seed: number): { sequences: string[][]; truth: boolean[] } {
  const rng = createRandom(seed);
  const sequences: string[][] = [];
  const truth: boolean[] = [];
  for (let i = 0; i < normal + unusual; i++) {
    const bad = i >= normal;
    sequences.push((bad ? unusualSession(rng, UNUSUAL_SEQUENCES[i % UNUSUAL_SEQUENCES.length]) : normalSession(rng)).map((s) => s.kind));
    truth.push(bad);
  }
  return { sequences, truth };
}

describe('--alert-rate on generated sessions', () => {
  it('moves the number of flagged sessions monotonically, and no detector flags more than the rate in training', async () => {
    const training = generated(4000, 0, 1).sequences;
    const test = generated(4000, 40, 2);
    const flagged: number[] = [];
    for (const alertRate of [0.001, 0.005, 0.02, 0.05, 0.1]) {
      const model = await fitSessionModel(training, { detectors: DEFAULT_SESSION_DETECTORS, alertRate, seed: 42 });
      for (const d of model.detectors) expect(d.threshold.trainingShare).toBeLessThanOrEqual(alertRate + 1e-12);
      const verdicts = await scoreSessions(await loadSessionModel(model), test.sequences);
      flagged.push(verdicts.filter((v) => v.anomalous).length);
    }
    for (let i = 1; i < flagged.length; i++) expect(flagged[i]).toBeGreaterThanOrEqual(flagged[i - 1]);
    expect(flagged[flagged.length - 1]).toBeGreaterThan(3 * flagged[0]);
  });

  it('with auto, finds most unusual sessions and flags few normal ones', async () => {
    const model = await fitSessionModel(generated(4000, 0, 1).sequences, { detectors: DEFAULT_SESSION_DETECTORS, alertRate: 'auto', seed: 42 });
    const test = generated(4000, 40, 2);
    const verdicts = await scoreSessions(await loadSessionModel(model), test.sequences);
    const found = verdicts.filter((v, i) => v.anomalous && test.truth[i]).length;
    const falseAlarms = verdicts.filter((v, i) => v.anomalous && !test.truth[i]).length;
    expect(found).toBeGreaterThanOrEqual(20);
    expect(falseAlarms).toBeLessThanOrEqual(0.01 * 4000);
  });
});
