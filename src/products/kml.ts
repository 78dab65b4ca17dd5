// mission.kml / mission.kmz for Google Earth and other KML viewers: last known position, centroid track,
// most likely positions, 50/90/95 % search areas and sampled particle tracks. Every time-dependent feature
// carries a TimeStamp, TimeSpan or gx:Track, so Google Earth's time slider plays the forecast.
import { writeFile } from "node:fs/promises";
import { strToU8, zipSync } from "fflate";
import type { ProductContext } from "./context.js";
import { wrapLon } from "./coordinates.js";
import type { MultiPolygon, Polygon, Position } from "./geojson-types.js";
import { type ShoreStretch, shoreRings, shoreStretches } from "./shore.js";
import { hoursBetween, isoUtc } from "./time-format.js";
import { sampleParticles, shownAt, shownSnapshots } from "./tracks.js";
import type { SearchAreaSnapshot } from "./types.js";

/** Most particle tracks in the KML (they make the file heavy and the map busy). */
export const KML_MAX_TRACKS = 100;

/** Escapes text for XML element content and attribute values. */
export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&apos;",
  );
}

const coord = (lon: number, lat: number) =>
  `${(Math.round(wrapLon(lon) * 1e6) / 1e6).toString()},${(Math.round(lat * 1e6) / 1e6).toString()}`;
const ringText = (ring: Position[]) => ring.map(([x, y]) => `${x},${y}`).join(" ");

function polygonKml(p: Position[][]): string {
  const [outer, ...holes] = p;
  return (
    `<Polygon><outerBoundaryIs><LinearRing><coordinates>${ringText(outer)}</coordinates></LinearRing></outerBoundaryIs>` +
    holes
      .map(
        (h) =>
          `<innerBoundaryIs><LinearRing><coordinates>${ringText(h)}</coordinates></LinearRing></innerBoundaryIs>`,
      )
      .join("") +
    "</Polygon>"
  );
}

function geometryKml(g: Polygon | MultiPolygon): string {
  if (g.type === "Polygon") return polygonKml(g.coordinates);
  return `<MultiGeometry>${g.coordinates.map(polygonKml).join("")}</MultiGeometry>`;
}

/** The time a snapshot stands for on the slider: from its time to the next output time (ordered for KML). */
function spanOf(times: Float64Array, k: number): string {
  const a = times[k];
  const next = k + 1 < times.length ? times[k + 1] : undefined;
  if (next === undefined) {
    // The last snapshot stays visible from its time on (forward) or up to it (backward).
    const backward = times.length > 1 && times[1] < times[0];
    return backward
      ? `<TimeSpan><end>${isoUtc(a)}</end></TimeSpan>`
      : `<TimeSpan><begin>${isoUtc(a)}</begin></TimeSpan>`;
  }
  const [b, e] = a <= next ? [a, next] : [next, a];
  return `<TimeSpan><begin>${isoUtc(b)}</begin><end>${isoUtc(e)}</end></TimeSpan>`;
}

// KML colours are aabbggrr.
const STYLES = `
<Style id="lkp"><IconStyle><color>ff0000ff</color><scale>1.3</scale><Icon><href>http://maps.google.com/mapfiles/kml/shapes/target.png</href></Icon></IconStyle></Style>
<Style id="centroid"><IconStyle><color>ff00ffff</color><scale>1.0</scale><Icon><href>http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png</href></Icon></IconStyle><LineStyle><color>ff00ffff</color><width>3</width></LineStyle></Style>
<Style id="mostlikely"><IconStyle><color>ff0080ff</color><scale>1.0</scale><Icon><href>http://maps.google.com/mapfiles/kml/shapes/star.png</href></Icon></IconStyle></Style>
<Style id="area50"><LineStyle><color>ff0000d0</color><width>2.5</width></LineStyle><PolyStyle><color>400000d0</color></PolyStyle></Style>
<Style id="area90"><LineStyle><color>ff0090ff</color><width>2</width></LineStyle><PolyStyle><color>300090ff</color></PolyStyle></Style>
<Style id="area95"><LineStyle><color>ff00e0ff</color><width>1.5</width></LineStyle><PolyStyle><color>2000e0ff</color></PolyStyle></Style>
<Style id="track"><IconStyle><scale>0.4</scale><Icon><href>http://maps.google.com/mapfiles/kml/shapes/shaded_dot.png</href></Icon></IconStyle><LineStyle><color>a0ffffff</color><width>1</width></LineStyle></Style>`;

/** A folder of 95, 90 and 50 % areas at every time; `of` names whose areas (a scenario's) when not all. */
function areaFolders(ctx: ProductContext, snapshots: readonly SearchAreaSnapshot[], of = ""): string[] {
  const sim = ctx.simulation;
  const out: string[] = [];
  for (const key of ["95", "90", "50"] as const) {
    out.push(`<Folder><name>${key} % areas</name>`);
    for (const s of snapshots) {
      const a = s.areas[key];
      if (!a) continue;
      out.push(
        `<Placemark><name>${xmlEscape(`${of}${key} % at ${formatHours(hoursBetween(sim.startTime, s.time))}`)}</name>`,
        `<description>${xmlEscape(
          `${isoUtc(s.time)}: ${a.areaKm2.toFixed(1)} km² (${a.areaNm2.toFixed(1)} NM²), ` +
            `${(a.containedFraction * 100).toFixed(1)} % of the particles afloat`,
        )}</description>`,
        spanOf(ctx.trajectory.times, s.timeIndex),
        `<styleUrl>#area${key}</styleUrl>`,
        geometryKml(a.geometry),
        "</Placemark>",
      );
    }
    out.push("</Folder>");
  }
  return out;
}

/**
 * A layer per scenario (missions of two or more; hidden at first, the combined areas are the picture): its
 * weight, object type and particles, its release and its own search areas.
 */
function scenarioFolders(ctx: ProductContext): string[] {
  const results = ctx.scenarioResults ?? [];
  if (results.length < 2) return [];
  const out = ["<Folder><name>Scenarios</name>"];
  for (const r of results) {
    const { name, weight, category, particles, release: rel } = r.info;
    const title = `${name} (${(weight * 100).toFixed(0)} %, ${category.key})`;
    const line = rel.lon[0] !== rel.lon[1] || rel.lat[0] !== rel.lat[1];
    const where = rel.polygon
      ? polygonKml([[...rel.polygon, rel.polygon[0]].map(([x, y]) => [x, y] as Position)])
      : line
        ? `<LineString><coordinates>${coord(rel.lon[0], rel.lat[0])} ${coord(rel.lon[1], rel.lat[1])}</coordinates></LineString>`
        : `<Point><coordinates>${coord(rel.lon[0], rel.lat[0])}</coordinates></Point>`;
    out.push(
      `<Folder><name>${xmlEscape(title)}</name><visibility>0</visibility>`,
      `<description>${xmlEscape(
        `Scenario ${r.index + 1}: weight ${(weight * 100).toFixed(1)} %, ${category.key} (${category.description}), ` +
          `${particles} particles; afloat ${(r.afloatWeight * 100).toFixed(1)} %, stranded ` +
          `${(r.strandedWeight * 100).toFixed(1)} % of the mission's probability at the end.`,
      )}</description>`,
      `<Placemark><name>${xmlEscape(`${name}: release`)}</name>`,
      `<TimeStamp><when>${isoUtc(rel.time[0])}</when></TimeStamp>`,
      `<styleUrl>#lkp</styleUrl>${where}</Placemark>`,
      ...areaFolders(ctx, r.searchAreas, `${name}: `),
      "</Folder>",
    );
  }
  out.push("</Folder>");
  return out;
}

/** The KML document (UTF-8 text). */
export function missionKml(
  ctx: ProductContext,
  snapshots: readonly SearchAreaSnapshot[],
  shore: readonly ShoreStretch[] = [],
): string {
  const sim = ctx.simulation;
  const t = ctx.trajectory;
  const r = sim.release;
  const out: string[] = [];
  out.push(
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">',
    "<Document>",
    `<name>${xmlEscape(`Driftline: ${sim.name}`)}</name>`,
    `<description>${xmlEscape(
      `Leeway drift forecast for ${ctx.category.key} (${ctx.category.description}), ${r.number} particles, ` +
        `released ${isoUtc(r.time[0])} at ${r.lat[0]}N ${r.lon[0]}E, ${sim.durationSeconds / 3600} h. ` +
        `Search areas hold 50, 90 and 95 % of the particles afloat at each time. Driftline ${ctx.softwareVersion}.`,
    )}</description>`,
    STYLES,
  );

  // Last known position (start of the release) and the end of a line release.
  out.push(
    "<Placemark>",
    "<name>Last known position</name>",
    `<description>${xmlEscape(`${isoUtc(r.time[0])}, radius ${r.radiusM[0]} m`)}</description>`,
    `<TimeStamp><when>${isoUtc(r.time[0])}</when></TimeStamp>`,
    "<styleUrl>#lkp</styleUrl>",
    `<Point><coordinates>${coord(r.lon[0], r.lat[0])}</coordinates></Point>`,
    "</Placemark>",
  );
  if (r.lon[1] !== r.lon[0] || r.lat[1] !== r.lat[0]) {
    out.push(
      "<Placemark><name>End of release line</name>",
      `<TimeStamp><when>${isoUtc(r.time[1])}</when></TimeStamp>`,
      "<styleUrl>#lkp</styleUrl>",
      `<Point><coordinates>${coord(r.lon[1], r.lat[1])}</coordinates></Point></Placemark>`,
    );
  }

  // Centroid: a gx:Track (drawn progressively by the slider) and a point per time.
  // gx:Track wants increasing times (a backtracking run has them decreasing).
  const withCentroid = snapshots
    .filter((s) => s.centroidLon !== null && s.centroidLat !== null)
    .sort((a, b) => a.time - b.time);
  out.push("<Folder><name>Centroid</name>");
  if (withCentroid.length > 0) {
    out.push(
      "<Placemark><name>Centroid track</name><styleUrl>#centroid</styleUrl><gx:Track>",
      ...withCentroid.map((s) => `<when>${isoUtc(s.time)}</when>`),
      ...withCentroid.map(
        (s) => `<gx:coord>${coord(s.centroidLon!, s.centroidLat!).replace(",", " ")} 0</gx:coord>`,
      ),
      "</gx:Track></Placemark>",
    );
  }
  for (const s of withCentroid) {
    out.push(
      `<Placemark><name>${xmlEscape(`Centroid ${formatHours(hoursBetween(sim.startTime, s.time))}`)}</name>`,
      `<description>${xmlEscape(`${isoUtc(s.time)}; afloat ${s.counts.active ?? 0}, stranded ${s.counts.stranded ?? 0}`)}</description>`,
      spanOf(t.times, s.timeIndex),
      "<styleUrl>#centroid</styleUrl>",
      `<Point><coordinates>${coord(s.centroidLon!, s.centroidLat!)}</coordinates></Point></Placemark>`,
    );
  }
  out.push("</Folder>");

  out.push("<Folder><name>Most likely position</name>");
  for (const s of snapshots) {
    if (s.mostLikelyLon === null || s.mostLikelyLat === null) continue;
    out.push(
      `<Placemark><name>${xmlEscape(`Most likely ${formatHours(hoursBetween(sim.startTime, s.time))}`)}</name>`,
      spanOf(t.times, s.timeIndex),
      "<styleUrl>#mostlikely</styleUrl>",
      `<Point><coordinates>${coord(s.mostLikelyLon, s.mostLikelyLat)}</coordinates></Point></Placemark>`,
    );
  }
  out.push("</Folder>");

  out.push("<Folder><name>Search areas</name>", ...areaFolders(ctx, snapshots), "</Folder>");
  out.push(...scenarioFolders(ctx));

  // Where on the shore to look: the three stretches with most strandings, with a table.
  if (shore.length > 0) {
    const top = shore.slice(0, 3);
    const rows = top
      .map(
        (x, r) =>
          `<tr><td>${r + 1}</td><td>${(x.share * 100).toFixed(1)} %</td><td>${isoUtc(x.firstTime)}</td></tr>`,
      )
      .join("");
    out.push(
      "<Folder><name>Shore to search</name>",
      `<description><![CDATA[<table><tr><th>rank</th><th>share of all particles stranded there</th><th>first stranding</th></tr>${rows}</table>]]></description>`,
      ...top.map(
        (x, r) =>
          `<Placemark><name>${xmlEscape(`Shore ${r + 1}: ${(x.share * 100).toFixed(1)} %`)}</name>` +
          `<description>${xmlEscape(`${x.particles} particles stranded here, the first at ${isoUtc(x.firstTime)}`)}</description>` +
          `<LineString><coordinates>${x.line.map((p) => coord(p[0], p[1])).join(" ")}</coordinates></LineString></Placemark>`,
      ),
      "</Folder>",
    );
  }

  // Sampled particle tracks.
  out.push("<Folder><name>Particle tracks (sample)</name><visibility>0</visibility>");
  const candidates: number[] = [];
  for (let i = 0; i < t.n; i++) {
    let shown = 0;
    for (let k = 0; k < t.times.length && shown < 2; k++) if (shownAt(t, k, i)) shown++;
    if (shown >= 2) candidates.push(i);
  }
  for (const m of sampleParticles(candidates.length, KML_MAX_TRACKS)) {
    const i = candidates[m];
    const ks = shownSnapshots(t, i).sort((a, b) => t.times[a] - t.times[b]);
    out.push(
      `<Placemark><name>Particle ${i + 1}</name><visibility>0</visibility><styleUrl>#track</styleUrl><gx:Track>`,
      ...ks.map((k) => `<when>${isoUtc(t.times[k])}</when>`),
      ...ks.map(
        (k) => `<gx:coord>${coord(t.lon[k * t.n + i], t.lat[k * t.n + i]).replace(",", " ")} 0</gx:coord>`,
      ),
      "</gx:Track></Placemark>",
    );
  }
  out.push("</Folder>", "</Document>", "</kml>", "");
  return out.join("\n");
}

/** Signed hours since the start, e.g. "+6 h", "-12 h" (backtracking). */
function formatHours(h: number): string {
  const v = Number.isInteger(h) ? String(Math.abs(h)) : Math.abs(h).toFixed(2);
  return `${h < 0 ? "-" : "+"}${v} h`;
}

export async function writeMissionKml(
  ctx: ProductContext,
  snapshots: readonly SearchAreaSnapshot[],
  path: string,
): Promise<void> {
  await writeFile(path, missionKml(ctx, snapshots, shoreStretches(ctx, await shoreRings(ctx))), "utf8");
}

/** mission.kmz: the same document zipped as doc.kml (the name Google Earth opens first). */
export async function writeMissionKmz(
  ctx: ProductContext,
  snapshots: readonly SearchAreaSnapshot[],
  path: string,
): Promise<void> {
  const kml = missionKml(ctx, snapshots, shoreStretches(ctx, await shoreRings(ctx)));
  const zip = zipSync({ "doc.kml": strToU8(kml) }, { level: 6 });
  await writeFile(path, zip);
}
