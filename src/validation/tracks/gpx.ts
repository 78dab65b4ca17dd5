// GPX 1.0/1.1 tracks (<trk><trkseg><trkpt lat lon><time>) and routes of timed points (<rte><rtept>), as GPS
// units and drifter portals write them: one drifter per <trk> (its <name>, else its number), segments joined.
// A file of timed waypoints (<wpt>) alone is one track; beside a track they are marks and left out. Points
// without <time> cannot be compared and are an error.
import { finishTracks, type ObservedTrack, parseTime, TrackError, TrackGrouper } from "../track.js";

const decode = (s: string) =>
  s
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, "$1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&")
    .trim();

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tag);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** Child element text (the first one, not namespaced), or undefined. */
function child(body: string, name: string): string | undefined {
  const m = new RegExp(`<(?:\\w+:)?${name}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:\\w+:)?${name}>`).exec(body);
  return m ? decode(m[1]) : undefined;
}

function addPoints(file: string, grouper: TrackGrouper, id: string, body: string, point: string): void {
  const re = new RegExp(`<${point}(\\s[^>]*?)(?:/>|>([\\s\\S]*?)</${point}>)`, "g");
  for (const m of body.matchAll(re)) {
    const lat = Number(attr(m[1], "lat"));
    const lon = Number(attr(m[1], "lon"));
    const timeText = child(m[2] ?? "", "time");
    const where = `<${point} lat="${attr(m[1], "lat") ?? ""}" lon="${attr(m[1], "lon") ?? ""}">`;
    if (!Number.isFinite(lat) || !Number.isFinite(lon))
      throw new TrackError(file, `${where}: lat and lon must be numbers`);
    if (timeText === undefined)
      throw new TrackError(file, `${where}: no <time> (each point needs one to be compared)`);
    const time = parseTime(timeText);
    if (!Number.isFinite(time))
      throw new TrackError(file, `${where}: <time>${timeText}</time> is not an ISO 8601 time`);
    grouper.add(id, time, lon, lat);
  }
}

export function readGpxTrack(file: string, text: string): ObservedTrack[] {
  if (!/<gpx[\s>]/.test(text)) throw new TrackError(file, "no <gpx> element (GPX 1.0 or 1.1)");
  const body = text.replace(/<!--[\s\S]*?-->/g, "");
  const grouper = new TrackGrouper();
  let n = 0;
  for (const kind of ["trk", "rte"] as const) {
    for (const m of body.matchAll(new RegExp(`<${kind}(?:\\s[^>]*)?>([\\s\\S]*?)</${kind}>`, "g"))) {
      n++;
      const inner = m[1].replace(/<(trkseg|trkpt|rtept)[\s\S]*/, "");
      const id = child(inner, "name") || String(n);
      addPoints(file, grouper, id, m[1], kind === "trk" ? "trkpt" : "rtept");
    }
  }
  if (n === 0) addPoints(file, grouper, "1", body, "wpt");
  if (grouper.groups().length === 0) throw new TrackError(file, "no <trkpt>, <rtept> or <wpt> with a time");
  return finishTracks(file, grouper.groups());
}
