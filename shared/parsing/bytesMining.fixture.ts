import { expect } from 'vitest';
import { DEFAULT_MASKS } from './masks';
import { normalizeMessage } from './normalizeMessage';
import { ParamsColumn } from './paramsColumn';
import { createTemplateMiner } from './templateMiner';

/** A miner that tokenizes every message anew (masks copied: no message-shape cache is shared with the miner under test). */
const referenceMiner = () => createTemplateMiner({ masks: DEFAULT_MASKS.map((m) => ({ ...m })) });

/**
 * `lines` learned as `templates` learns them (`learnBytes`, the text where it returns null): the
 * ids, clusters and aliases must be those of a reference miner learning the text. Returns how many
 * lines were learned from their bytes.
 */
export function expectLearnedFromBytesAsText(lines: readonly string[]): number {
  const reference = referenceMiner();
  const miner = createTemplateMiner();
  let fromBytes = 0;
  const ids = lines.map((line) => {
    const bytes = Buffer.from(`${line}\n`);
    const id = miner.learnBytes(bytes, 0, bytes.length - 1);
    if (id !== null) fromBytes++;
    return id ?? miner.learn(line);
  });
  expect(ids).toEqual(lines.map((line) => reference.learn(line)));
  expect(miner.toState().drain.clusters).toEqual(reference.toState().drain.clusters);
  expect(miner.toState().drain.aliases).toEqual(reference.toState().drain.aliases);
  return fromBytes;
}

/**
 * `lines` added as `parse` adds them (`addBytesTo`, the normalized text where it returns
 * undefined): the ids, templates, parameters and clusters must be those of a reference miner
 * adding the normalized text. Returns how many lines were added from their bytes.
 */
export function expectAddedFromBytesAsText(lines: readonly string[]): number {
  const reference = referenceMiner();
  const referenceParams = new ParamsColumn();
  const miner = createTemplateMiner();
  const params = new ParamsColumn();
  let fromBytes = 0;
  for (const line of lines) {
    const bytes = Buffer.from(`${line}\n`);
    params.startRow();
    let mined = miner.addBytesTo(bytes, 0, bytes.length - 1, params);
    if (mined) fromBytes++;
    mined ??= miner.addTo(normalizeMessage(line), params);
    params.endRow();
    referenceParams.startRow();
    const expected = reference.addTo(normalizeMessage(line), referenceParams);
    referenceParams.endRow();
    expect([mined.templateId, mined.template], line).toEqual([expected.templateId, expected.template]);
  }
  expect(params.vector().toArray()).toEqual(referenceParams.vector().toArray());
  expect(miner.toState().drain.clusters).toEqual(reference.toState().drain.clusters);
  return fromBytes;
}
