// Database rows → API JSON (camelCase, ISO 8601 UTC times).

import { tryFindObjectCategory } from "../../core/objects.js";
import { CONTRACT_RESULT_COLUMNS } from "../db/missions.js";

/** TIMESTAMP columns hold UTC without a zone; drivers return a Date or a string depending on the adapter. */
export function isoTime(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === "string") {
    const withZone = /([zZ]|[+-]\d{2}(:?\d{2})?)$/.test(value) ? value : `${value.replace(" ", "T")}Z`;
    const t = Date.parse(withZone);
    return Number.isFinite(t) ? new Date(t).toISOString() : value;
  }
  return String(value);
}

function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function json(value: unknown): unknown {
  if (typeof value === "string") {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value ?? null;
}

export type Row = Record<string, unknown>;

export function missionJson(row: Row) {
  const category = tryFindObjectCategory(String(row.object_type ?? ""));
  const config = (json(row.config) ?? {}) as Record<string, unknown>;
  return {
    id: row.id as string,
    name: row.name ?? null,
    description: row.description ?? null,
    lastKnownLat: num(row.last_known_lat),
    lastKnownLon: num(row.last_known_lon),
    lastKnownTime: isoTime(row.last_known_time),
    objectType: row.object_type ?? null,
    objectCategory: category
      ? { id: category.id, key: category.key, description: category.description }
      : null,
    uncertaintyRadiusM: num(row.uncertainty_radius_m),
    forecastHours: num(row.forecast_hours),
    particleCount: num(row.ensemble_size),
    /** Old name of particleCount. */
    ensembleSize: num(row.ensemble_size),
    backtracking: config.backtracking === true,
    config,
    status: row.status ?? null,
    progress: num(row.progress),
    progressMessage: row.progress_message ?? null,
    errorMessage: row.error_message ?? null,
    jobId: row.job_id ?? null,
    createdAt: isoTime(row.created_at),
    updatedAt: isoTime(row.updated_at),
    startedAt: isoTime(row.started_at),
    completedAt: isoTime(row.completed_at),
  };
}

export function statusJson(row: Row) {
  return {
    id: row.id as string,
    status: row.status ?? null,
    progress: num(row.progress) ?? (row.status === "completed" ? 1 : 0),
    progressMessage: row.progress_message ?? null,
    errorMessage: row.error_message ?? null,
    updatedAt: isoTime(row.updated_at),
    startedAt: isoTime(row.started_at),
    completedAt: isoTime(row.completed_at),
  };
}

const snakeToCamel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A mission_results row, including the timestep_contours entries, in camelCase. */
export function resultJson(row: Row) {
  const contours = json(row.timestep_contours);
  return {
    id: row.id ?? null,
    missionId: row.mission_id ?? null,
    centroidLat: num(row.centroid_lat),
    centroidLon: num(row.centroid_lon),
    centroidTime: isoTime(row.centroid_time),
    searchArea50Geom: json(row.search_area_50_geom),
    searchArea90Geom: json(row.search_area_90_geom),
    searchArea95Geom: json(row.search_area_95_geom),
    netcdfPath: row.netcdf_path ?? null,
    geojsonPath: row.geojson_path ?? null,
    heatmapPath: row.heatmap_path ?? null,
    pdfReportPath: row.pdf_report_path ?? null,
    particleCount: num(row.particle_count),
    strandedCount: num(row.stranded_count),
    computationTimeSeconds: num(row.computation_time_seconds),
    createdAt: isoTime(row.created_at),
    timestepContours: Array.isArray(contours)
      ? contours.map((c: Record<string, unknown>) =>
          Object.fromEntries(
            Object.entries(c).map(([k, v]) => [snakeToCamel(k), k === "timestamp" ? isoTime(v) : v]),
          ),
        )
      : [],
    // Columns this project adds (forcing sources, product paths …) come through camelCased as well.
    extra: Object.fromEntries(
      Object.entries(row)
        .filter(([k]) => !KNOWN_RESULT_COLUMNS.has(k))
        .map(([k, v]) => [snakeToCamel(k), v instanceof Date ? v.toISOString() : json(v)]),
    ),
  };
}

const KNOWN_RESULT_COLUMNS = new Set<string>(["id", "mission_id", ...CONTRACT_RESULT_COLUMNS, "created_at"]);
