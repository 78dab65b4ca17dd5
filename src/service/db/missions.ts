// The mission rows the worker reads and writes, in the platform's tables. Statuses move
// queued → processing → completed | failed. Every write is one statement, hence atomic on any driver.
import type { Database } from "../ports.js";
import { NOW_UTC } from "./migrations.js";

export interface MissionRow {
  id: string;
  status: string | null;
  /** The worker that last took it (processing: the one running it). */
  workerId: string | null;
  name: string | null;
  lastKnownLat: number | null;
  lastKnownLon: number | null;
  /** RFC 3339, UTC. */
  lastKnownTime: string | null;
  objectType: string | null;
  uncertaintyRadiusM: number | null;
  forecastHours: number | null;
  ensembleSize: number | null;
  config: Record<string, unknown> | null;
}

/** What a completed run leaves in `mission_results`. */
export interface MissionResultRecord {
  centroidLat: number | null;
  centroidLon: number | null;
  /** RFC 3339, UTC. */
  centroidTime: string | null;
  searchArea50: unknown;
  searchArea90: unknown;
  searchArea95: unknown;
  netcdfPath: string | null;
  geojsonPath: string | null;
  heatmapPath: string | null;
  pdfReportPath: string | null;
  particleCount: number;
  strandedCount: number;
  computationTimeSeconds: number;
  timestepContours: unknown[];
  /** Product name → URI of every stored product. */
  products: Record<string, string>;
  forcingSources: unknown;
  summary: unknown;
  mostLikelyLat: number | null;
  mostLikelyLon: number | null;
  workerId: string;
}

/** The mission row disappeared (deleted by its user) while the job ran. */
export class MissionGoneError extends Error {
  constructor(id: string) {
    super(`mission ${id} no longer exists (deleted while it ran)`);
    this.name = "MissionGoneError";
  }
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

export async function loadMission(db: Database, id: string): Promise<MissionRow | null> {
  const r = await db.query<Record<string, unknown>>(
    `SELECT id::text AS id, status, worker_id, name, last_known_lat, last_known_lon,
            to_char(last_known_time, ${ISO}) AS last_known_time, object_type, uncertainty_radius_m,
            forecast_hours, ensemble_size, config
       FROM missions WHERE id = $1`,
    [id],
  );
  const row = r.rows[0];
  if (!row) return null;
  let config = row.config as unknown;
  if (typeof config === "string") {
    try {
      config = JSON.parse(config);
    } catch {
      config = null;
    }
  }
  return {
    id: String(row.id),
    status: (row.status as string | null) ?? null,
    workerId: (row.worker_id as string | null) ?? null,
    name: (row.name as string | null) ?? null,
    lastKnownLat: num(row.last_known_lat),
    lastKnownLon: num(row.last_known_lon),
    lastKnownTime: (row.last_known_time as string | null) ?? null,
    objectType: row.object_type === null || row.object_type === undefined ? null : String(row.object_type),
    uncertaintyRadiusM: num(row.uncertainty_radius_m),
    forecastHours: num(row.forecast_hours),
    ensembleSize: num(row.ensemble_size),
    config:
      config && typeof config === "object" && !Array.isArray(config)
        ? (config as Record<string, unknown>)
        : null,
  };
}

/**
 * Sets `processing`; false when the mission is already completed (a stale re-delivery), gone, or no longer
 * as `seen` (status and worker as loaded): of two deliveries that loaded it together, only one takes it.
 */
export async function markProcessing(
  db: Database,
  id: string,
  info: { workerId: string; attempt: number; seen?: Pick<MissionRow, "status" | "workerId"> },
): Promise<boolean> {
  const seen = info.seen ? " AND status IS NOT DISTINCT FROM $4 AND worker_id IS NOT DISTINCT FROM $5" : "";
  const r = await db.query(
    `UPDATE missions
        SET status = 'processing', started_at = ${NOW_UTC}, updated_at = ${NOW_UTC}, completed_at = NULL,
            worker_id = $2, attempts = $3, progress = 0, progress_message = 'starting', error_message = NULL
      WHERE id = $1 AND status IS DISTINCT FROM 'completed'${seen}
      RETURNING id`,
    [id, info.workerId, info.attempt, ...(info.seen ? [info.seen.status, info.seen.workerId] : [])],
  );
  return r.rowCount > 0;
}

/**
 * Progress of the worker that runs the mission (a worker that lost the job to another writes nothing).
 * False when nothing was written: the row is no longer this worker's, or is gone.
 */
export async function updateProgress(
  db: Database,
  id: string,
  workerId: string,
  fraction: number,
  message: string,
): Promise<boolean> {
  const r = await db.query(
    `UPDATE missions SET progress = $3, progress_message = $4, updated_at = ${NOW_UTC}
      WHERE id = $1 AND status = 'processing' AND worker_id = $2`,
    [id, workerId, Math.max(0, Math.min(1, fraction)), message.slice(0, 500)],
  );
  return r.rowCount > 0;
}

/** Back to `queued` for a later attempt (transient failure or shutdown); keeps the reason in last_error. */
export async function requeueMission(
  db: Database,
  id: string,
  workerId: string,
  reason: string,
): Promise<void> {
  await db.query(
    `UPDATE missions SET status = 'queued', progress = NULL, progress_message = $3, last_error = $4,
            updated_at = ${NOW_UTC}
      WHERE id = $1 AND status = 'processing' AND worker_id = $2`,
    [id, workerId, "waiting for another attempt", reason.slice(0, 4000)],
  );
}

/** Sets `failed` with the message; a mission completed meanwhile stays completed. */
export async function failMission(db: Database, id: string, message: string): Promise<boolean> {
  const r = await db.query(
    `UPDATE missions
        SET status = 'failed', error_message = $2, last_error = $2, progress_message = 'failed',
            completed_at = ${NOW_UTC}, updated_at = ${NOW_UTC}
      WHERE id = $1 AND status IS DISTINCT FROM 'completed'
      RETURNING id`,
    [id, message.slice(0, 4000)],
  );
  return r.rowCount > 0;
}

/** The contract's mission_results columns the worker fills (besides id, mission_id, created_at). */
export const CONTRACT_RESULT_COLUMNS = [
  "centroid_lat",
  "centroid_lon",
  "centroid_time",
  "search_area_50_geom",
  "search_area_90_geom",
  "search_area_95_geom",
  "netcdf_path",
  "geojson_path",
  "heatmap_path",
  "pdf_report_path",
  "particle_count",
  "stranded_count",
  "computation_time_seconds",
  "timestep_contours",
] as const;

/** In the order of the INSERT's parameters below. */
const RESULT_COLUMNS = [
  ...CONTRACT_RESULT_COLUMNS,
  "products",
  "forcing_sources",
  "summary",
  "most_likely_lat",
  "most_likely_lon",
  "worker_id",
];

function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/**
 * Writes the result row and sets `completed` in one statement. Idempotent: a re-delivered job replaces this
 * worker's row (unique on mission_id where produced_by = 'driftline') instead of adding a second one.
 */
export async function completeMission(db: Database, id: string, result: MissionResultRecord): Promise<void> {
  const updates = [...RESULT_COLUMNS, "created_at"].map((c) => `${c} = EXCLUDED.${c}`).join(", ");
  try {
    const r = await db.query(
      `WITH result AS (
         INSERT INTO mission_results (mission_id, ${RESULT_COLUMNS.join(", ")}, created_at, produced_by)
         VALUES ($1, $2, $3, $4::timestamp, $5::jsonb, $6::jsonb, $7::jsonb, $8, $9, $10, $11, $12, $13, $14,
                 $15::jsonb, $16::jsonb, $17::jsonb, $18::jsonb, $19, $20, $21, ${NOW_UTC}, 'driftline')
         ON CONFLICT (mission_id) WHERE produced_by = 'driftline' DO UPDATE SET ${updates}
         RETURNING id)
       UPDATE missions
          SET status = 'completed', completed_at = ${NOW_UTC}, updated_at = ${NOW_UTC}, progress = 1,
              progress_message = 'completed', error_message = NULL, last_error = NULL, forcing_sources = $17::jsonb
        WHERE id = $1 AND EXISTS (SELECT 1 FROM result)
        RETURNING id`,
      [
        id,
        result.centroidLat,
        result.centroidLon,
        result.centroidTime,
        json(result.searchArea50),
        json(result.searchArea90),
        json(result.searchArea95),
        result.netcdfPath,
        result.geojsonPath,
        result.heatmapPath,
        result.pdfReportPath,
        Math.round(result.particleCount),
        Math.round(result.strandedCount),
        result.computationTimeSeconds,
        json(result.timestepContours),
        json(result.products),
        json(result.forcingSources),
        json(result.summary),
        result.mostLikelyLat,
        result.mostLikelyLon,
        result.workerId,
      ],
    );
    if (r.rowCount === 0) throw new MissionGoneError(id);
  } catch (err) {
    if ((err as { code?: string }).code === "23503") throw new MissionGoneError(id);
    throw err;
  }
}

export interface NewMission {
  userId?: string | null;
  name?: string | null;
  description?: string | null;
  lastKnownLat: number;
  lastKnownLon: number;
  /** RFC 3339. */
  lastKnownTime: string;
  objectType: string;
  uncertaintyRadiusM?: number | null;
  forecastHours: number;
  ensembleSize: number;
  config?: Record<string, unknown> | null;
  status?: "created" | "queued";
  /** The platform's job id column (the API sets one). */
  jobId?: string | null;
}

/** Inserts a mission row the way the platform's API server does; returns its id. */
export async function insertMission(db: Database, m: NewMission): Promise<string> {
  const r = await db.query<{ id: string }>(
    `INSERT INTO missions (user_id, name, description, last_known_lat, last_known_lon, last_known_time, object_type,
                           uncertainty_radius_m, forecast_hours, ensemble_size, config, status, job_id, created_at,
                           updated_at)
     VALUES ($1, $2, $3, $4, $5, $6::timestamp, $7, $8, $9, $10, $11::jsonb, $12, $13, ${NOW_UTC}, ${NOW_UTC})
     RETURNING id::text AS id`,
    [
      m.userId ?? null,
      m.name ?? null,
      m.description ?? null,
      m.lastKnownLat,
      m.lastKnownLon,
      m.lastKnownTime,
      m.objectType,
      m.uncertaintyRadiusM ?? null,
      m.forecastHours,
      m.ensembleSize,
      json(m.config),
      m.status ?? "queued",
      m.jobId ?? null,
    ],
  );
  return r.rows[0].id;
}
