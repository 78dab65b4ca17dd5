// Field types the simulation spec and its scenarios share (JSON, snake_case), and the check of a release's
// time window: one wording of every error whichever part of the spec it is in.
import { z } from "zod";

/** One problem of a spec: the field's path ("scenarios.1.release.lat") and what is allowed. */
export interface SpecIssue {
  path: string;
  message: string;
}

export const rfc3339 = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i,
    "must be an RFC 3339 time such as 2016-02-01T12:00:00Z",
  )
  .refine(isRealDate, "is not a valid date");

/** Date.parse accepts 2016-02-31 (as 2 March): check the calendar date really exists. */
export function isRealDate(text: string): boolean {
  if (!Number.isFinite(Date.parse(text))) return false;
  const [y, m, d] = text.slice(0, 10).split("-").map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

export const finite = (what: string) =>
  z.number({ error: `must be a number (${what})` }).finite(`must be finite (${what})`);
export const latitude = finite("degrees north")
  .min(-90, "must be between -90 and 90")
  .max(90, "must be between -90 and 90");
export const longitude = finite("degrees east")
  .min(-180, "must be in [-180, 360)")
  .lt(360, "must be in [-180, 360)");
export const pair = <T extends z.ZodTypeAny>(item: T) => z.union([item, z.tuple([item, item])]);
export const radiusM = pair(finite("metres").min(0, "must be ≥ 0").max(1_000_000, "must be ≤ 1,000,000 m"));
export const radiusType = z
  .enum(["gaussian", "uniform"], { error: 'must be "gaussian" or "uniform"' })
  .default("gaussian");

export const toPair = <T>(v: T | [T, T]): [T, T] => (Array.isArray(v) ? [v[0], v[1]] : [v, v]);

/**
 * A release's time window (one time or [start, end]; default the start of the run) as Unix seconds, with
 * an issue for each time outside the simulated period or against the direction of the run.
 */
export function releaseTimes(
  time: string | [string, string] | undefined,
  startTimeText: string,
  durationSeconds: number,
  path: string,
  issues: SpecIssue[],
): [number, number] {
  const startTime = Date.parse(startTimeText) / 1000;
  const sign = Math.sign(durationSeconds);
  const times = toPair(time ?? startTimeText).map((s) => Date.parse(s) / 1000) as [number, number];
  const endTime = startTime + durationSeconds;
  const [lo, hi] = sign > 0 ? [startTime, endTime] : [endTime, startTime];
  times.forEach((t, k) => {
    if (t < lo || t > hi)
      issues.push({
        path: `${path}${Array.isArray(time) ? `.${k}` : ""}`,
        message: "must lie within the simulated period",
      });
  });
  if (sign > 0 ? times[1] < times[0] : times[1] > times[0]) {
    issues.push({
      path,
      message: "must be in the direction of the run (end after start, or before it when backtracking)",
    });
  }
  return times;
}
