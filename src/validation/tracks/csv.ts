// CSV tracks: one position a line, columns time, lon, lat and optionally id (drifter name), in that order
// without a header, or in any order under a header naming them (time|datetime|timestamp, lon|longitude,
// lat|latitude, id|drifter|buoy|name|trajectory). Comma, semicolon or tab separated; # lines are comments.
// Times are ISO 8601 (UTC when no zone is given) or Unix seconds.
import { finishTracks, type ObservedTrack, parseTime, TrackError, TrackGrouper } from "../track.js";

const NAMES: Record<string, "time" | "lon" | "lat" | "id"> = {
  time: "time",
  datetime: "time",
  timestamp: "time",
  date_time: "time",
  time_utc: "time",
  lon: "lon",
  longitude: "lon",
  lng: "lon",
  lat: "lat",
  latitude: "lat",
  id: "id",
  drifter: "id",
  drifter_id: "id",
  buoy: "id",
  name: "id",
  trajectory: "id",
};

export function readCsvTrack(file: string, text: string): ObservedTrack[] {
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== "" && !l.trimStart().startsWith("#"));
  if (first < 0) throw new TrackError(file, "no positions (CSV: time, lon, lat[, id])");
  const sep = [",", ";", "\t"].find((s) => lines[first].includes(s));
  if (!sep)
    throw new TrackError(file, `line ${first + 1}: no comma, semicolon or tab (CSV: time, lon, lat[, id])`);
  const cells = (l: string) => l.split(sep).map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
  const head = cells(lines[first]).map((c) => c.toLowerCase());
  let col = { time: 0, lon: 1, lat: 2, id: 3 as number | undefined };
  let start = first;
  if (Number.isNaN(Number(head[1]))) {
    const at = (k: "time" | "lon" | "lat" | "id") => {
      const i = head.findIndex((h) => NAMES[h.replace(/\s*\(.*\)$/, "")] === k);
      return i >= 0 ? i : undefined;
    };
    const [time, lon, lat] = [at("time"), at("lon"), at("lat")];
    if (time === undefined || lon === undefined || lat === undefined) {
      throw new TrackError(
        file,
        `header "${lines[first].trim()}" lacks ${[time === undefined ? "time" : "", lon === undefined ? "lon" : "", lat === undefined ? "lat" : ""].filter(Boolean).join(", ")} (columns time, lon, lat[, id])`,
      );
    }
    col = { time, lon, lat, id: at("id") };
    start = first + 1;
  } else if (head.length < 4) col.id = undefined;
  const grouper = new TrackGrouper();
  for (let n = start; n < lines.length; n++) {
    const line = lines[n];
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const c = cells(line);
    const time = parseTime(c[col.time] ?? "");
    const lon = Number(c[col.lon]);
    const lat = Number(c[col.lat]);
    if (!Number.isFinite(time))
      throw new TrackError(file, `line ${n + 1}: time "${c[col.time] ?? ""}" (ISO 8601 or Unix seconds)`);
    if (c[col.lon] === "" || !Number.isFinite(lon))
      throw new TrackError(file, `line ${n + 1}: lon "${c[col.lon] ?? ""}" (degrees east)`);
    if (c[col.lat] === "" || !Number.isFinite(lat))
      throw new TrackError(file, `line ${n + 1}: lat "${c[col.lat] ?? ""}" (degrees north)`);
    grouper.add(col.id !== undefined && c[col.id] ? c[col.id] : "1", time, lon, lat);
  }
  return finishTracks(file, grouper.groups());
}
