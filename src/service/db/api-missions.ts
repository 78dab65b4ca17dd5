// The HTTP API's reads and writes of missions and their results (the worker's are in missions.ts). Rows
// come back as the database gives them (snake_case); api/rows.ts turns them into the API's JSON.
// `ownerId` limits a read to one user's missions; null reads any (open mode's local user sees all).
import type { Database } from "../ports.js";
import { NOW_UTC } from "./migrations.js";

export type Row = Record<string, unknown>;

export async function findMission(
  db: Database,
  id: string,
  ownerId: string | null,
): Promise<Row | undefined> {
  const { rows } =
    ownerId === null
      ? await db.query<Row>("SELECT * FROM missions WHERE id = $1", [id])
      : await db.query<Row>("SELECT * FROM missions WHERE id = $1 AND user_id = $2", [id, ownerId]);
  return rows[0];
}

/** A page of missions, newest first, with the count of all that match. */
export async function listMissions(
  db: Database,
  filter: { ownerId: string | null; status?: string; limit: number; offset: number },
): Promise<{ rows: Row[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.ownerId !== null) {
    params.push(filter.ownerId);
    where.push(`user_id = $${params.length}`);
  }
  if (filter.status) {
    params.push(filter.status);
    where.push(`status = $${params.length}`);
  }
  const whereSql = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
  const total = await db.query<{ n: string | number }>(
    `SELECT count(*) AS n FROM missions ${whereSql}`,
    params,
  );
  const { rows } = await db.query<Row>(
    `SELECT * FROM missions ${whereSql} ORDER BY created_at DESC, id
      LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, filter.limit, filter.offset],
  );
  return { rows, total: Number(total.rows[0]?.n ?? 0) };
}

/**
 * What one user has created, queued or running: missions, those not yet running, and their cost in
 * particle-steps (particles × forecast hours × 3600 / time step; 600 s when the row does not say).
 */
export async function queuedWork(
  db: Database,
  userId: string,
): Promise<{ missions: number; waiting: number; particleSteps: number }> {
  const { rows } = await db.query<{ n: string | number; w: string | number; cost: string | number | null }>(
    `SELECT count(*) AS n,
            count(*) FILTER (WHERE status IN ('created', 'queued')) AS w,
            sum(coalesce(ensemble_size, 1000)::float8 * forecast_hours * 3600
                / coalesce(nullif(config->>'time_step_seconds', '')::float8, 600)) AS cost
       FROM missions WHERE user_id = $1 AND status IN ('created', 'queued', 'processing')`,
    [userId],
  );
  const r = rows[0];
  return { missions: Number(r?.n ?? 0), waiting: Number(r?.w ?? 0), particleSteps: Number(r?.cost ?? 0) };
}

/** Its job could not be queued: the mission fails with the reason. */
export async function failUnqueued(db: Database, id: string, message: string): Promise<void> {
  await db.query(
    `UPDATE missions SET status = 'failed', error_message = $2, updated_at = ${NOW_UTC},
            completed_at = ${NOW_UTC} WHERE id = $1`,
    [id, message],
  );
}

/** created → queued once its job is on the queue; a worker that took it already has moved it further. */
export async function markQueued(db: Database, id: string): Promise<void> {
  await db.query(
    `UPDATE missions SET status = 'queued', updated_at = ${NOW_UTC} WHERE id = $1 AND status = 'created'`,
    [id],
  );
}

/** Deletes the mission and its results (ON DELETE CASCADE, and explicitly for schemas without it). */
export async function deleteMission(db: Database, id: string): Promise<void> {
  await db.query("DELETE FROM mission_results WHERE mission_id = $1", [id]);
  await db.query("DELETE FROM missions WHERE id = $1", [id]);
}

/** The newest results row of a mission. */
export async function latestResult(db: Database, missionId: string): Promise<Row | undefined> {
  const { rows } = await db.query<Row>(
    "SELECT * FROM mission_results WHERE mission_id = $1 ORDER BY created_at DESC NULLS LAST LIMIT 1",
    [missionId],
  );
  return rows[0];
}
