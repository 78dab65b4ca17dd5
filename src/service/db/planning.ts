// Search plans and revisions of a mission (issue 22): additive tables beside the platform's. A revision is
// the mission's products recomputed after an unsuccessful search (revision 0 is the run itself and has no
// row); a plan belongs to the revision it was computed on. Their files live in the products bucket under
// the mission's prefix: {id}/revisions/{n}/… and {id}/plans/{plan id}/….
import type { Database } from "../ports.js";
import { type Migration, NOW_UTC } from "./migrations.js";

export const PLANNING_MIGRATIONS: readonly Migration[] = [
  {
    id: "0110_mission_plans_and_revisions",
    description: "search plans and the revisions after unsuccessful searches (issue 22)",
    sql: `
CREATE TABLE IF NOT EXISTS mission_revisions (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  mission_id UUID REFERENCES missions(id) ON DELETE CASCADE,
  revision INT NOT NULL,
  parent_revision INT NOT NULL,
  cumulative_pos FLOAT,
  search JSONB,
  most_likely_lat FLOAT,
  most_likely_lon FLOAT,
  created_at TIMESTAMP DEFAULT ${NOW_UTC}
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_mission_revisions ON mission_revisions(mission_id, revision);
CREATE TABLE IF NOT EXISTS mission_plans (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  mission_id UUID REFERENCES missions(id) ON DELETE CASCADE,
  revision INT NOT NULL,
  joint_pos FLOAT,
  document JSONB,
  created_at TIMESTAMP DEFAULT ${NOW_UTC}
);
CREATE INDEX IF NOT EXISTS idx_mission_plans_mission_id ON mission_plans(mission_id)`,
  },
];

export interface RevisionRow {
  revision: number;
  parent_revision: number;
  cumulative_pos: number;
  search: unknown;
  most_likely_lat: number | null;
  most_likely_lon: number | null;
  created_at: Date;
}

export async function listRevisions(db: Database, missionId: string): Promise<RevisionRow[]> {
  const { rows } = await db.query<RevisionRow>(
    `SELECT revision, parent_revision, cumulative_pos, search, most_likely_lat, most_likely_lon, created_at
       FROM mission_revisions WHERE mission_id = $1 ORDER BY revision`,
    [missionId],
  );
  return rows;
}

/** Inserts a revision; false when that number exists already (another search won the race). */
export async function insertRevision(
  db: Database,
  missionId: string,
  r: Omit<RevisionRow, "created_at">,
): Promise<boolean> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO mission_revisions (mission_id, revision, parent_revision, cumulative_pos, search, most_likely_lat, most_likely_lon)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (mission_id, revision) DO NOTHING RETURNING id`,
    [
      missionId,
      r.revision,
      r.parent_revision,
      r.cumulative_pos,
      JSON.stringify(r.search),
      r.most_likely_lat,
      r.most_likely_lon,
    ],
  );
  return rows.length > 0;
}

export interface PlanRow {
  id: string;
  revision: number;
  joint_pos: number;
  document: unknown;
  created_at: Date;
}

export async function insertPlan(
  db: Database,
  missionId: string,
  revision: number,
  jointPos: number,
  document: unknown,
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    "INSERT INTO mission_plans (mission_id, revision, joint_pos, document) VALUES ($1, $2, $3, $4) RETURNING id",
    [missionId, revision, jointPos, JSON.stringify(document)],
  );
  return rows[0].id;
}

export async function listPlans(db: Database, missionId: string): Promise<Omit<PlanRow, "document">[]> {
  const { rows } = await db.query<Omit<PlanRow, "document">>(
    "SELECT id, revision, joint_pos, created_at FROM mission_plans WHERE mission_id = $1 ORDER BY created_at",
    [missionId],
  );
  return rows;
}

export async function findPlan(
  db: Database,
  missionId: string,
  planId: string,
): Promise<PlanRow | undefined> {
  const { rows } = await db.query<PlanRow>(
    "SELECT id, revision, joint_pos, document, created_at FROM mission_plans WHERE mission_id = $1 AND id = $2",
    [missionId, planId],
  );
  return rows[0];
}
