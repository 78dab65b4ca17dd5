// GeoJSON tracks: a FeatureCollection (or one Feature) of
//  - LineString / MultiLineString features with times in properties.times (or coordTimes, as togeojson writes
//    from GPX; one time per vertex, nested per line for MultiLineString), one drifter per feature;
//  - Point features with properties.time (or timestamp / datetime), grouped by properties.id (or drifter,
//    name, trajectory).
// Coordinates are [lon, lat] as RFC 7946 says.
import { finishTracks, type ObservedTrack, parseTime, TrackError, TrackGrouper } from "../track.js";

type Json = Record<string, unknown>;

const TIME_KEYS = ["time", "timestamp", "datetime", "date_time"];
const ID_KEYS = ["id", "drifter", "drifter_id", "buoy", "name", "trajectory"];

function toTime(v: unknown): number {
  return typeof v === "number"
    ? v > 1e11
      ? v / 1000
      : v
    : typeof v === "string"
      ? parseTime(v)
      : Number.NaN;
}

export function readGeojsonTrack(file: string, text: string): ObservedTrack[] {
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (e) {
    throw new TrackError(file, `not JSON: ${(e as Error).message}`);
  }
  const features: Json[] =
    doc?.type === "FeatureCollection" && Array.isArray(doc.features)
      ? (doc.features as Json[])
      : doc?.type === "Feature"
        ? [doc]
        : [];
  if (features.length === 0)
    throw new TrackError(file, "no features (a GeoJSON Feature or FeatureCollection)");
  const grouper = new TrackGrouper();
  features.forEach((f, n) => {
    const geometry = f.geometry as Json | null;
    const props = (f.properties ?? {}) as Json;
    const idValue = ID_KEYS.map((k) => props[k]).find((v) => v !== undefined && v !== null) ?? f.id;
    const where = `feature ${n}`;
    if (!geometry) return;
    if (geometry.type === "Point") {
      const [lon, lat] = geometry.coordinates as number[];
      const t = toTime(TIME_KEYS.map((k) => props[k]).find((v) => v !== undefined));
      if (!Number.isFinite(t)) throw new TrackError(file, `${where}: properties.time missing or not a time`);
      grouper.add(idValue === undefined ? "1" : String(idValue), t, Number(lon), Number(lat));
      return;
    }
    if (geometry.type !== "LineString" && geometry.type !== "MultiLineString") return;
    const lines = (
      geometry.type === "LineString" ? [geometry.coordinates] : geometry.coordinates
    ) as number[][][];
    const rawTimes = (props.times ?? props.coordTimes) as unknown;
    if (!Array.isArray(rawTimes)) {
      throw new TrackError(file, `${where}: ${geometry.type} without properties.times (one time per vertex)`);
    }
    const times = (
      geometry.type === "MultiLineString" && Array.isArray(rawTimes[0]) ? rawTimes.flat() : rawTimes
    ) as unknown[];
    const coords = lines.flat();
    if (times.length !== coords.length) {
      throw new TrackError(
        file,
        `${where}: ${coords.length} vertices but ${times.length} times (one per vertex)`,
      );
    }
    const id = idValue === undefined ? String(n + 1) : String(idValue);
    coords.forEach((c, i) => {
      const t = toTime(times[i]);
      if (!Number.isFinite(t))
        throw new TrackError(file, `${where}: times[${i}] "${String(times[i])}" is not a time`);
      grouper.add(id, t, Number(c[0]), Number(c[1]));
    });
  });
  if (grouper.groups().length === 0)
    throw new TrackError(file, "no Point, LineString or MultiLineString features with times");
  return finishTracks(file, grouper.groups());
}
