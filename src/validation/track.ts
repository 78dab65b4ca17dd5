// An observed drift track (a drifter, an SLDMB datum buoy, the object itself): positions at times, one per
// drifter. Every reader in tracks/ returns these; metrics.ts compares them with a forecast.

import { timeBracket } from "../forcing/field.js";

export interface ObservedTrack {
  /** Drifter name or number as the file gives it ("1" when the file has one track and no name). */
  id: string;
  /** Unix seconds, strictly increasing. */
  times: Float64Array;
  lon: Float64Array;
  lat: Float64Array;
}

/** A track file that cannot be read: names the file, and the field or line and what is allowed. */
export class TrackError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "TrackError";
  }
}

/** Raw points of one drifter in file order, before sorting and checks. */
export interface TrackPoints {
  id: string;
  times: number[];
  lon: number[];
  lat: number[];
}

/**
 * Points grouped by id → tracks sorted by time. Checks every position (lon −180…360, lat −90…90, finite time)
 * and drops exact duplicate times; throws TrackError for two different positions at one time or a drifter with
 * fewer than 2 positions.
 */
export function finishTracks(file: string, groups: readonly TrackPoints[]): ObservedTrack[] {
  if (groups.length === 0) throw new TrackError(file, "no positions (at least 2 per drifter)");
  return groups.map((g) => {
    const order = g.times.map((_, i) => i).sort((a, b) => g.times[a] - g.times[b]);
    const times: number[] = [];
    const lon: number[] = [];
    const lat: number[] = [];
    for (const i of order) {
      const [t, x, y] = [g.times[i], g.lon[i], g.lat[i]];
      if (!Number.isFinite(t)) throw new TrackError(file, `drifter ${g.id}: a time is missing or not a time`);
      if (!(x >= -180 && x <= 360))
        throw new TrackError(file, `drifter ${g.id}: lon ${x} (allowed −180…360)`);
      if (!(y >= -90 && y <= 90)) throw new TrackError(file, `drifter ${g.id}: lat ${y} (allowed −90…90)`);
      const last = times.length - 1;
      if (last >= 0 && times[last] === t) {
        if (lon[last] === x && lat[last] === y) continue;
        throw new TrackError(
          file,
          `drifter ${g.id}: two positions at ${new Date(t * 1000).toISOString()} (one per time allowed)`,
        );
      }
      times.push(t);
      lon.push(x > 180 ? x - 360 : x);
      lat.push(y);
    }
    if (times.length < 2) {
      throw new TrackError(file, `drifter ${g.id}: ${times.length} position(s) (at least 2 per drifter)`);
    }
    return {
      id: g.id,
      times: Float64Array.from(times),
      lon: Float64Array.from(lon),
      lat: Float64Array.from(lat),
    };
  });
}

/** Groups points by id, keeping first-seen order of the ids. */
export class TrackGrouper {
  private readonly byId = new Map<string, TrackPoints>();
  add(id: string, time: number, lon: number, lat: number): void {
    let g = this.byId.get(id);
    if (!g) {
      g = { id, times: [], lon: [], lat: [] };
      this.byId.set(id, g);
    }
    g.times.push(time);
    g.lon.push(lon);
    g.lat.push(lat);
  }
  groups(): TrackPoints[] {
    return [...this.byId.values()];
  }
}

/** Unix seconds of an ISO 8601 / RFC 3339 time; a time without a zone is UTC. NaN when not a time. */
export function parseTime(text: string): number {
  const s = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s); // Unix seconds
  const iso = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(s)
    ? `${s.replace(" ", "T")}Z`
    : s;
  const withTime = /^\d{4}-\d{2}-\d{2}Z$/.test(iso) ? iso.replace("Z", "T00:00:00Z") : iso;
  const ms = Date.parse(withTime);
  return Number.isFinite(ms) ? ms / 1000 : Number.NaN;
}

const bracket = new Float64Array(3);

/**
 * The observed position at time t, linear in lon/lat between the neighbouring fixes (lon unwrapped across
 * the antimeridian); null outside the track's time span.
 */
export function observedAt(track: ObservedTrack, t: number): { lon: number; lat: number } | null {
  if (!timeBracket(track.times, t, bracket)) return null;
  const { lon, lat } = track;
  const [lo, hi, f] = bracket;
  let dl = lon[hi] - lon[lo];
  if (dl > 180) dl -= 360;
  else if (dl < -180) dl += 360;
  let x = lon[lo] + f * dl;
  if (x > 180) x -= 360;
  else if (x < -180) x += 360;
  return { lon: x, lat: lat[lo] + f * (lat[hi] - lat[lo]) };
}
