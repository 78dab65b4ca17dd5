// The plan's files: plan.json (the document), plan.gpx (one route per unit, waypoints with times), plan.kml
// (each unit's area and route), plan_waypoints.csv (positions in degrees and decimal minutes, as charts and
// the briefing write them) and tasking.pdf (one page per unit).
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { formatDegreesMinutes, wrapLon } from "../products/coordinates.js";
import { xmlEscape } from "../products/kml.js";
import type { PlanDocument } from "./plan-document.js";
import { renderTaskingPdf } from "./tasking.js";

export const PLAN_FILES = {
  json: "plan.json",
  gpx: "plan.gpx",
  kml: "plan.kml",
  csv: "plan_waypoints.csv",
  pdf: "tasking.pdf",
} as const;

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

export function planGpx(doc: PlanDocument): string {
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<gpx version="1.1" creator="Driftline ${xmlEscape(doc.software)}" xmlns="http://www.topografix.com/GPX/1/1">`,
    `<metadata><name>${xmlEscape(doc.mission)}: search plan</name><time>${doc.created}</time></metadata>`,
  ];
  for (const u of doc.units) {
    out.push(
      `<rte><name>${xmlEscape(u.name)}</name><desc>${xmlEscape(
        `${u.pattern}, track spacing ${u.track_spacing_nm} NM, POD ${pct(u.pod)}; ${u.start} to ${u.end}`,
      )}</desc>`,
    );
    u.waypoints.forEach((w, k) => {
      out.push(
        `<rtept lat="${w.lat.toFixed(6)}" lon="${wrapLon(w.lon).toFixed(6)}"><time>${w.time}</time><name>${xmlEscape(`${u.name} ${k + 1}`)}</name></rtept>`,
      );
    });
    out.push("</rte>");
  }
  out.push("</gpx>");
  return `${out.join("\n")}\n`;
}

const kmlCoords = (pts: readonly (readonly [number, number])[]) =>
  pts.map(([lon, lat]) => `${wrapLon(lon)},${lat}`).join(" ");

export function planKml(doc: PlanDocument): string {
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>',
    `<name>${xmlEscape(doc.mission)}: search plan</name>`,
    `<description>${xmlEscape(`Joint POS ${pct(doc.joint_pos)} (even split of the same effort ${pct(doc.even_split_pos)}); ${doc.window.from} to ${doc.window.to}`)}</description>`,
    '<Style id="area"><LineStyle><color>ff00a0ff</color><width>2</width></LineStyle><PolyStyle><color>3000a0ff</color></PolyStyle></Style>',
    '<Style id="route"><LineStyle><color>ffff6000</color><width>2</width></LineStyle></Style>',
  ];
  for (const u of doc.units) {
    const ring = [...u.area.corners, u.area.corners[0]];
    out.push(
      `<Folder><name>${xmlEscape(u.name)}</name>`,
      `<Placemark><name>${xmlEscape(`${u.name}: area`)}</name><description>${xmlEscape(
        `${u.area.length_nm} × ${u.area.width_nm} NM at ${u.area.reference_time}; POC ${pct(u.poc)}, POD ${pct(u.pod)}, coverage ${u.coverage}`,
      )}</description><styleUrl>#area</styleUrl><Polygon><outerBoundaryIs><LinearRing><coordinates>${kmlCoords(ring)}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>`,
      `<Placemark><name>${xmlEscape(`${u.name}: ${u.pattern}`)}</name><description>${xmlEscape(
        `track spacing ${u.track_spacing_nm} NM, ${u.start} to ${u.end}`,
      )}</description><styleUrl>#route</styleUrl><LineString><coordinates>${kmlCoords(u.waypoints.map((w) => [w.lon, w.lat]))}</coordinates></LineString></Placemark>`,
      `<Placemark><name>${xmlEscape(`${u.name}: CSP`)}</name><TimeStamp><when>${u.start}</when></TimeStamp><Point><coordinates>${kmlCoords([u.commence_search_point])}</coordinates></Point></Placemark>`,
      "</Folder>",
    );
  }
  out.push("</Document></kml>");
  return `${out.join("\n")}\n`;
}

export function planCsv(doc: PlanDocument): string {
  const rows = ["unit,waypoint,time,latitude,longitude,lat_deg,lon_deg"];
  for (const u of doc.units) {
    u.waypoints.forEach((w, k) => {
      const name = /[",\n]/.test(u.name) ? `"${u.name.replace(/"/g, '""')}"` : u.name;
      rows.push(
        `${name},${k + 1},${w.time},${formatDegreesMinutes(w.lat, "lat")},${formatDegreesMinutes(w.lon, "lon")},${w.lat},${wrapLon(w.lon)}`,
      );
    });
  }
  return `${rows.join("\n")}\n`;
}

/** Writes every plan file into dir (created); returns their paths. */
export async function writePlanFiles(
  doc: PlanDocument,
  dir: string,
): Promise<Record<keyof typeof PLAN_FILES, string>> {
  await mkdir(dir, { recursive: true });
  const at = (k: keyof typeof PLAN_FILES) => path.join(dir, PLAN_FILES[k]);
  await writeFile(at("json"), `${JSON.stringify(doc, null, 2)}\n`);
  await writeFile(at("gpx"), planGpx(doc));
  await writeFile(at("kml"), planKml(doc));
  await writeFile(at("csv"), planCsv(doc));
  await writeFile(at("pdf"), await renderTaskingPdf(doc));
  return { json: at("json"), gpx: at("gpx"), kml: at("kml"), csv: at("csv"), pdf: at("pdf") };
}
