import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import type { ObjectStore } from './store/objectStore';
import { getJson } from './store/objectStore';
import { anomalyLabelSchema, type AnomalyLabel } from './schemas';
import { dateRange } from './dates';
import { BadInputError } from './errors';

/** Where `generate` puts the ground truth for a date (never in landing/, which ingest reads). */
export const labelsKey = (date: string) => `labels/date=${date}/labels.json`;

const labelsFile = z.array(anomalyLabelSchema);

export function parseLabels(text: string, source: string): AnomalyLabel[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BadInputError(`labels file ${source} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = labelsFile.safeParse(Array.isArray(json) ? json : (json as { labels?: unknown })?.labels);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new BadInputError(
      `labels file ${source}: item ${i.path.join('.')}: ${i.message}. Expected [{id, type, service, start, end}] as written by \`sentinel generate\`.`,
    );
  }
  return parsed.data;
}

/** Labels from `--labels FILE`, else the lake's labels for each date of the range (if any). */
export async function loadLabels(lake: ObjectStore, from: string, to: string, file?: string): Promise<AnomalyLabel[] | undefined> {
  if (file) {
    const text = await readFile(file, 'utf8').catch((err) => {
      throw new BadInputError(`cannot read --labels ${file}: ${(err as Error).message}`, { cause: err });
    });
    const all = parseLabels(text, file);
    const lo = Date.parse(from + 'T00:00:00Z');
    const hi = Date.parse(to + 'T00:00:00Z') + 86_400_000;
    return all.filter((l) => Date.parse(l.start) < hi && Date.parse(l.end) > lo);
  }
  let found = false;
  const out: AnomalyLabel[] = [];
  for (const date of dateRange(from, to)) {
    const labels = await getJson<unknown>(lake, labelsKey(date));
    if (labels === undefined) continue;
    found = true;
    out.push(...parseLabels(JSON.stringify(labels), lake.uri + labelsKey(date)));
  }
  return found ? out : undefined;
}
