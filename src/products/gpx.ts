// search_areas.gpx: every search area's outline (outline.ts: at most 12 corners, holding the piece's
// probability) as a GPX 1.1 route a chart plotter can load, one route per piece, area and output time, named
// by percent, hours and time; plus the last known position, and per time the most likely position.
import { writeFile } from "node:fs/promises";
import type { ProductContext } from "./context.js";
import { areaOutlines } from "./outline.js";
import { isoUtc } from "./time-format.js";
import type { SearchAreaSnapshot } from "./types.js";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const wrapLon = (lon: number) => ((((lon + 180) % 360) + 360) % 360) - 180;
const pt = (tag: string, lon: number, lat: number, inner = "") =>
  `<${tag} lat="${lat.toFixed(6)}" lon="${wrapLon(lon).toFixed(6)}">${inner}</${tag}>`;

export function searchAreasGpx(ctx: ProductContext, snapshots: readonly SearchAreaSnapshot[]): string {
  const r = ctx.simulation.release;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<gpx version="1.1" creator="Driftline ${esc(ctx.softwareVersion)}" xmlns="http://www.topografix.com/GPX/1/1">`,
    `<metadata><name>${esc(ctx.simulation.name)}: search areas</name><time>${isoUtc(Date.now() / 1000)}</time></metadata>`,
    pt("wpt", r.lon[0], r.lat[0], `<time>${isoUtc(r.time[0])}</time><name>Last known position</name>`),
  ];
  for (const s of snapshots) {
    const hours = `+${Math.round(s.hoursElapsed * 100) / 100} h`;
    if (s.mostLikelyLon !== null && s.mostLikelyLat !== null) {
      out.push(
        pt(
          "wpt",
          s.mostLikelyLon,
          s.mostLikelyLat,
          `<time>${isoUtc(s.time)}</time><name>Most likely ${hours}</name>`,
        ),
      );
    }
    for (const key of ["50", "90", "95"] as const) {
      const a = s.areas[key];
      if (!a) continue;
      areaOutlines(a.geometry).forEach((poly, p) => {
        const piece = a.pieces.length > 1 ? ` piece ${p + 1}` : "";
        const held = a.pieces[p] ? ` holds ${(a.pieces[p].probability * 100).toFixed(1)} %` : "";
        const ring = poly.coordinates[0];
        out.push(
          `<rte><name>${key} % ${hours}${piece}</name><desc>${isoUtc(s.time)}: outline of the ${key} % search area${piece}${held}</desc>`,
          ...ring.map((c, v) =>
            pt("rtept", c[0], c[1], `<name>${key}-${p + 1}-${v === ring.length - 1 ? 1 : v + 1}</name>`),
          ),
          "</rte>",
        );
      });
    }
  }
  out.push("</gpx>");
  return `${out.join("\n")}\n`;
}

export async function writeSearchAreasGpx(
  ctx: ProductContext,
  snapshots: readonly SearchAreaSnapshot[],
  path: string,
): Promise<void> {
  await writeFile(path, searchAreasGpx(ctx, snapshots), "utf8");
}
