// Splitting a large forcing-ensemble mission into parts on the queue (issue 21 item 4): the parts are ranges
// of members (pipeline/ensemble-parts.ts runs, stores and merges them); this module decides how many.

/** Parts a mission of `particles` particles and `count` members is split into: at most `split` particles each. */
export function partsFor(particles: number, count: number, split: number): number {
  if (!(split > 0) || particles <= split || count < 2) return 1;
  return Math.min(count, Math.ceil(particles / split));
}

/** What a job of a split mission is: part `index` of `of`, or the merge of `of` parts. */
export type SplitRole = { kind: "part"; index: number; of: number } | { kind: "merge"; of: number };

const whole = (v: unknown, min: number): v is number => Number.isInteger(v) && (v as number) >= min;

/** The role a job's JSON gives (`driftline_part` / `driftline_merge`), or null for a whole mission's job. */
export function splitRole(raw: string): SplitRole | null {
  let job: { driftline_part?: { index?: unknown; of?: unknown }; driftline_merge?: { of?: unknown } };
  try {
    job = JSON.parse(raw);
  } catch {
    return null;
  }
  const part = job?.driftline_part;
  if (part && whole(part.of, 2) && whole(part.index, 0) && part.index < part.of)
    return { kind: "part", index: part.index, of: part.of };
  const merge = job?.driftline_merge;
  if (merge && whole(merge.of, 2)) return { kind: "merge", of: merge.of };
  return null;
}

/** The job of part `index` of `of` (or, without an index, the merge): the mission's job with the role added. */
export function splitJob(raw: string, of: number, index?: number): string {
  const job = JSON.parse(raw) as Record<string, unknown>;
  delete job.driftline_part;
  delete job.driftline_merge;
  return JSON.stringify(
    index === undefined ? { ...job, driftline_merge: { of } } : { ...job, driftline_part: { index, of } },
  );
}

/** Object key of a part's stored result, beside the mission's products. */
export function partKey(missionId: string, index: number): string {
  return `${missionId}/parts/part-${index}.bin`;
}
