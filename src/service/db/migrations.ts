// Schema migrations over the Database port, for PostgreSQL and PGlite alike. They create the platform's
// tables where they do not exist and otherwise only ADD: nullable columns and indexes. Never drop, rename
// or retype: an existing platform database and its API server keep working unchanged.
//
// Each migration runs as one DO block: a single statement, hence one transaction on any driver, holding a
// transaction-level advisory lock so that several workers starting at once apply it exactly once.
import type { Database } from "../ports.js";

export interface Migration {
  /** Unique, sortable id; recorded in driftline_migrations. */
  id: string;
  description: string;
  /** Statements separated by semicolons; no parameters, no dollar-quoted blocks. */
  sql: string;
}

/** Timestamps are TIMESTAMP WITHOUT TIME ZONE holding UTC (platform convention), whatever the session zone. */
export const NOW_UTC = "(now() AT TIME ZONE 'utc')";

export const MIGRATIONS: readonly Migration[] = [
  {
    id: "0001_platform_tables",
    description: "the platform's tables, created only where they do not exist",
    sql: `
CREATE TABLE IF NOT EXISTS users (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  email VARCHAR(255) UNIQUE NOT NULL,
  password_hash VARCHAR(255),
  name VARCHAR(255),
  created_at TIMESTAMP DEFAULT ${NOW_UTC},
  updated_at TIMESTAMP DEFAULT ${NOW_UTC}
);
CREATE TABLE IF NOT EXISTS api_keys (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id UUID REFERENCES users(id) ON DELETE CASCADE,
  name VARCHAR(255),
  key_hash VARCHAR(255) UNIQUE NOT NULL,
  created_at TIMESTAMP DEFAULT ${NOW_UTC},
  last_used_at TIMESTAMP,
  expires_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS missions (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id UUID REFERENCES users(id) ON DELETE CASCADE,
  name VARCHAR(255),
  description TEXT,
  last_known_lat FLOAT NOT NULL,
  last_known_lon FLOAT NOT NULL,
  last_known_time TIMESTAMP NOT NULL,
  object_type VARCHAR(100) NOT NULL,
  uncertainty_radius_m FLOAT,
  forecast_hours INT NOT NULL,
  ensemble_size INT DEFAULT 1000,
  config JSONB,
  status VARCHAR(50) DEFAULT 'created',
  job_id UUID,
  error_message TEXT,
  created_at TIMESTAMP DEFAULT ${NOW_UTC},
  updated_at TIMESTAMP DEFAULT ${NOW_UTC},
  completed_at TIMESTAMP
);
CREATE INDEX IF NOT EXISTS idx_missions_user_id ON missions(user_id);
CREATE INDEX IF NOT EXISTS idx_missions_status ON missions(status);
CREATE TABLE IF NOT EXISTS mission_results (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  mission_id UUID REFERENCES missions(id) ON DELETE CASCADE,
  centroid_lat FLOAT,
  centroid_lon FLOAT,
  centroid_time TIMESTAMP,
  search_area_50_geom JSONB,
  search_area_90_geom JSONB,
  search_area_95_geom JSONB,
  netcdf_path VARCHAR(500),
  geojson_path VARCHAR(500),
  heatmap_path VARCHAR(500),
  pdf_report_path VARCHAR(500),
  particle_count INT,
  stranded_count INT,
  computation_time_seconds FLOAT,
  created_at TIMESTAMP DEFAULT ${NOW_UTC},
  timestep_contours JSONB
);
CREATE INDEX IF NOT EXISTS idx_mission_results_mission_id ON mission_results(mission_id)`,
  },
  {
    id: "0002_driftline_worker_columns",
    description:
      "nullable columns for progress, retries and provenance; one driftline result row per mission",
    sql: `
ALTER TABLE missions ADD COLUMN IF NOT EXISTS progress REAL;
ALTER TABLE missions ADD COLUMN IF NOT EXISTS progress_message TEXT;
ALTER TABLE missions ADD COLUMN IF NOT EXISTS attempts INT;
ALTER TABLE missions ADD COLUMN IF NOT EXISTS started_at TIMESTAMP;
ALTER TABLE missions ADD COLUMN IF NOT EXISTS worker_id VARCHAR(255);
ALTER TABLE missions ADD COLUMN IF NOT EXISTS forcing_sources JSONB;
ALTER TABLE missions ADD COLUMN IF NOT EXISTS last_error TEXT;
ALTER TABLE mission_results ADD COLUMN IF NOT EXISTS produced_by VARCHAR(50);
ALTER TABLE mission_results ADD COLUMN IF NOT EXISTS products JSONB;
ALTER TABLE mission_results ADD COLUMN IF NOT EXISTS forcing_sources JSONB;
ALTER TABLE mission_results ADD COLUMN IF NOT EXISTS summary JSONB;
ALTER TABLE mission_results ADD COLUMN IF NOT EXISTS most_likely_lat FLOAT;
ALTER TABLE mission_results ADD COLUMN IF NOT EXISTS most_likely_lon FLOAT;
ALTER TABLE mission_results ADD COLUMN IF NOT EXISTS worker_id VARCHAR(255);
CREATE UNIQUE INDEX IF NOT EXISTS uq_mission_results_driftline ON mission_results(mission_id) WHERE produced_by = 'driftline'`,
  },
  {
    id: "0003_mission_parts",
    description: "parts of split forcing-ensemble missions (issue 21): which are done, who merges",
    sql: `
CREATE TABLE IF NOT EXISTS driftline_mission_parts (
  mission_id UUID NOT NULL,
  part INT NOT NULL,
  parts INT NOT NULL,
  done_at TIMESTAMP,
  worker_id VARCHAR(255),
  PRIMARY KEY (mission_id, part)
)`,
  },
];

const LOCK = "pg_advisory_xact_lock(hashtext('driftline_migrations'))";

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function checkMigration(m: Migration): void {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(m.id))
    throw new Error(`migration id ${JSON.stringify(m.id)}: use 1–100 of A-Z a-z 0-9 _ . -`);
  if (m.sql.includes("$"))
    throw new Error(`migration ${m.id}: sql must not contain "$" (no parameters or dollar quotes)`);
}

/**
 * Applies MIGRATIONS then `extra` (other modules' migrations, e.g. the API's) in order; returns the ids
 * applied now. Safe to call from many processes at once.
 */
export async function migrate(db: Database, extra: readonly Migration[] = []): Promise<string[]> {
  const all = [...MIGRATIONS, ...extra];
  const ids = new Set<string>();
  for (const m of all) {
    checkMigration(m);
    if (ids.has(m.id)) throw new Error(`migration id ${m.id} appears twice`);
    ids.add(m.id);
  }
  await db.query(`DO $driftline$ BEGIN PERFORM ${LOCK};
CREATE TABLE IF NOT EXISTS driftline_migrations (
  id VARCHAR(100) PRIMARY KEY,
  description TEXT,
  applied_at TIMESTAMP NOT NULL DEFAULT ${NOW_UTC}
); END $driftline$`);
  const done = new Set(
    (await db.query<{ id: string }>("SELECT id FROM driftline_migrations")).rows.map((r) => r.id),
  );
  const applied: string[] = [];
  for (const m of all) {
    if (done.has(m.id)) continue;
    const result = await db.query<{ applied: boolean }>(
      `DO $driftline$ BEGIN PERFORM ${LOCK};
IF NOT EXISTS (SELECT 1 FROM driftline_migrations WHERE id = ${literal(m.id)}) THEN
${m.sql};
INSERT INTO driftline_migrations (id, description) VALUES (${literal(m.id)}, ${literal(m.description)});
END IF; END $driftline$`,
    );
    void result;
    applied.push(m.id);
  }
  return applied;
}

/** Ids of the migrations recorded in the database. */
export async function appliedMigrations(db: Database): Promise<string[]> {
  const r = await db.query<{ id: string }>("SELECT id FROM driftline_migrations ORDER BY id");
  return r.rows.map((row) => row.id);
}
