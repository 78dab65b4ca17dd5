// Searched tracks from a GPX file: every <trk> (all its segments) and every <rte> whose points carry <time>,
// named by <name> (the unit). A plan's plan.gpx (routes with times) is read the same way, so uploading it
// marks the planned patterns done. A small reader of what GPX 1.0/1.1 writers put there; no DTD, no
// entities beyond the five of XML.

import { PlanningInputError } from "./errors.js";

export interface TimedTrack {
  name: string;
  lon: number[];
  lat: number[];
  /** Unix seconds. */
  times: number[];
}

const xmlUnescape = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

function attr(tag: string, name: string): number {
  const m = new RegExp(`\\b${name}\\s*=\\s*["']([^"']+)["']`).exec(tag);
  return m ? Number(m[1]) : Number.NaN;
}

/** The timed tracks and routes of a GPX text; throws naming what is wrong (no times, no points). */
export function readGpxTracks(text: string, where = "GPX"): TimedTrack[] {
  const tracks: TimedTrack[] = [];
  const blocks = text.matchAll(/<(trk|rte)\b[^>]*>([\s\S]*?)<\/\1>/g);
  let index = 0;
  for (const [, kind, body] of blocks) {
    index++;
    const name = xmlUnescape(
      /<name>([\s\S]*?)<\/name>/.exec(body.replace(/<(trkpt|rtept)\b[\s\S]*?<\/\1>/g, ""))?.[1]?.trim() ?? "",
    );
    const pointTag = kind === "trk" ? "trkpt" : "rtept";
    const track: TimedTrack = { name: name || `${kind} ${index}`, lon: [], lat: [], times: [] };
    for (const [, open, inner] of body.matchAll(
      new RegExp(`<${pointTag}\\b([^>]*)>([\\s\\S]*?)</${pointTag}>`, "g"),
    )) {
      const lat = attr(open, "lat");
      const lon = attr(open, "lon");
      const time = /<time>([^<]+)<\/time>/.exec(inner)?.[1];
      const t = time ? Date.parse(time.trim()) / 1000 : Number.NaN;
      if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90)
        throw new PlanningInputError(`${where}: ${track.name}: a point without a valid lat/lon`);
      if (!Number.isFinite(t))
        throw new PlanningInputError(
          `${where}: ${track.name}: every point needs a <time> (when the unit passed there)`,
        );
      track.lon.push(lon);
      track.lat.push(lat);
      track.times.push(t);
    }
    if (track.times.length < 2)
      throw new PlanningInputError(`${where}: ${track.name}: at least 2 timed points`);
    for (let j = 1; j < track.times.length; j++) {
      if (track.times[j] < track.times[j - 1])
        throw new PlanningInputError(`${where}: ${track.name}: times must not go backwards (point ${j + 1})`);
    }
    tracks.push(track);
  }
  if (tracks.length === 0) throw new PlanningInputError(`${where}: no <trk> or <rte> with timed points`);
  return tracks;
}
