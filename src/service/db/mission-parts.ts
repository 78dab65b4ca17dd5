// The parts of a split forcing-ensemble mission (service/worker/split-merge.ts): one row per part, done when
// its result is stored; row -1 is the merge, taken by the first worker that finds every part done.
import type { Database } from "../ports.js";
import { NOW_UTC } from "./migrations.js";

/** Records that mission `id` runs as `parts` parts (again after a retry: rows already there stay). */
export async function recordSplit(db: Database, id: string, parts: number): Promise<void> {
  await db.query(
    `INSERT INTO driftline_mission_parts (mission_id, part, parts)
       SELECT $1, p, $2 FROM generate_series(0, $2 - 1) AS p
     ON CONFLICT (mission_id, part) DO NOTHING`,
    [id, parts],
  );
}

/** Marks part `part` done (idempotent); returns how many parts are not done yet. */
export async function markPartDone(
  db: Database,
  id: string,
  part: number,
  workerId: string,
): Promise<number> {
  await db.query(
    `UPDATE driftline_mission_parts SET done_at = COALESCE(done_at, ${NOW_UTC}), worker_id = COALESCE(worker_id, $3)
      WHERE mission_id = $1 AND part = $2`,
    [id, part, workerId],
  );
  const r = await db.query<{ left: string | number }>(
    "SELECT count(*) AS left FROM driftline_mission_parts WHERE mission_id = $1 AND part >= 0 AND done_at IS NULL",
    [id],
  );
  return Number(r.rows[0]?.left ?? 0);
}

/** True for exactly one caller per mission: the one that is to push the merge job. */
export async function claimMerge(db: Database, id: string, workerId: string): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO driftline_mission_parts (mission_id, part, parts, done_at, worker_id)
       VALUES ($1, -1, 0, ${NOW_UTC}, $2)
     ON CONFLICT (mission_id, part) DO NOTHING RETURNING part`,
    [id, workerId],
  );
  return (r.rowCount ?? r.rows.length) > 0;
}

/** Parts of mission `id` and how many are done (null when it was not split). */
export async function partsOf(db: Database, id: string): Promise<{ parts: number; done: number } | null> {
  const r = await db.query<{ parts: number; done: string | number; n: string | number }>(
    `SELECT max(parts) AS parts, count(done_at) AS done, count(*) AS n
       FROM driftline_mission_parts WHERE mission_id = $1 AND part >= 0`,
    [id],
  );
  const row = r.rows[0];
  if (!row || Number(row.n) === 0) return null;
  return { parts: Number(row.parts), done: Number(row.done) };
}
