// report.pdf: a two-page A4 briefing a coordinator can hand over. Page 1: the answer (most likely position,
// search areas) and the map; the mission inputs. Page 2: forcing, search-area corners, position over time,
// particle status and caveats. DejaVu Sans is embedded so °, ′, ² and → print everywhere.
import { deflate } from "node:zlib";
import { agreementOf } from "./agreement.js";
import type { ProductContext } from "./context.js";
import { formatPositionDecimal, formatPositionDM } from "./coordinates.js";
import { heatmapPixels, hoursAt, releaseTimeText, renderHeatmapPng } from "./heatmap.js";
import { AREA_KEYS } from "./map-colours.js";
import {
  centroidAt,
  footerText,
  isBackward,
  type MapInput,
  objectDescription,
  objectTitle,
  resolveTimeIndex,
  snapshotAt,
} from "./map-input.js";
import { Bounds } from "./map-view.js";
import { formatArea, formatCount } from "./number-format.js";
import { pdfInMemory } from "./pdf-document.js";
import { type ShoreStretch, shoreRings, shoreStretches } from "./shore.js";
import { statusCounts } from "./summary.js";
import { formatHours, formatUtc } from "./time-format.js";
import type { SearchAreaSnapshot } from "./types.js";

export interface ReportInput extends MapInput {
  /** heatmap.png already rendered for the final time; rendered here when absent. */
  heatmapPng?: Uint8Array;
  /** Time the briefing is issued, Unix seconds (default: now). */
  generatedAt?: number;
}

const PAGE_W = 595.28;
const PAGE_H = 841.89;
const LEFT = 40;
const WIDTH = PAGE_W - 2 * LEFT;
const TOP = 36;
const FOOTER_Y = PAGE_H - 42;
const INK = "#1a1a1a";
const MUTED = "#555555";
const RULE = "#bbbbbb";
const SHADE = "#eef2f6";

type Doc = PDFKit.PDFDocument;

/** Renders report.pdf for the run's final output time. */
export async function renderReportPdf(input: ReportInput): Promise<Uint8Array> {
  const k = resolveTimeIndex(input);
  const png = input.heatmapPng ?? (await renderHeatmapPng(input, k));
  const generatedAt = input.generatedAt ?? Math.floor(Date.now() / 60_000) * 60;
  const { ctx } = input;
  const { doc, finish } = pdfInMemory({
    size: "A4",
    margins: { top: TOP, bottom: 50, left: LEFT, right: LEFT },
    bufferPages: true,
    info: {
      Title: `Drift forecast briefing — ${ctx.simulation.name}`,
      Author: `Driftline ${ctx.softwareVersion}`,
      Subject: `Leeway drift forecast, ${ctx.category.key}`,
      CreationDate: new Date(generatedAt * 1000),
    },
  });

  const map = mapImage(png);
  pageOne(doc, input, k, map, generatedAt);
  doc.addPage();
  pageTwo(doc, input, k, shoreStretches(ctx, await shoreRings(ctx)).slice(0, 3));
  footers(doc, ctx, generatedAt);
  if (map instanceof RgbImage) await map.finish();
  return finish();
}

// ---------------------------------------------------------------- the map image

type MapImage = Buffer | RgbImage;

/**
 * heatmap.png for pdfkit. pdfkit would decode the PNG, split off its alpha channel and compress the pixels
 * again; when we have the pixels of the PNG (rendered by this process, opaque) the same image (RGB, Flate,
 * without the all-opaque soft mask) is compressed on the thread pool while the pages are laid out.
 */
function mapImage(png: Uint8Array): MapImage {
  const pixels = heatmapPixels(png);
  if (!pixels) return Buffer.from(png);
  const { width, height, rgba } = pixels;
  const n = width * height;
  const rgb = Buffer.allocUnsafe(n * 3);
  let opaque = 255;
  for (let p = 0, i = 0, o = 0; p < n; p++, i += 4, o += 3) {
    rgb[o] = rgba[i];
    rgb[o + 1] = rgba[i + 1];
    rgb[o + 2] = rgba[i + 2];
    opaque &= rgba[i + 3];
  }
  if (opaque !== 255) return Buffer.from(png);
  const data = new Promise<Buffer>((resolve, reject) =>
    deflate(rgb, (err, out) => (err ? reject(err) : resolve(out))),
  );
  return new RgbImage(width, height, data);
}

/** An image XObject (8-bit DeviceRGB, Flate) in pdfkit's image interface: label, width, height, obj, embed. */
class RgbImage {
  readonly label = "Map";
  obj: PDFKit.PDFKitReference | null = null;

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly data: Promise<Buffer>,
  ) {
    data.catch(() => {}); // awaited in finish()
  }

  /** Called by doc.image(): creates the object; its data follows in finish(). */
  embed(doc: Doc): void {
    this.obj ??= doc.ref({
      Type: "XObject",
      Subtype: "Image",
      BitsPerComponent: 8,
      Width: this.width,
      Height: this.height,
      ColorSpace: "DeviceRGB",
      Filter: "FlateDecode",
    });
  }

  /** Writes the compressed pixels (before doc.end()). */
  async finish(): Promise<void> {
    const data = await this.data;
    this.obj?.end(data);
  }
}

// ---------------------------------------------------------------- text helpers

interface TextOpts {
  size?: number;
  bold?: boolean;
  color?: string;
  width?: number;
  align?: "left" | "right" | "center";
}

/** Writes text at (x, y) and returns its height. */
function text(doc: Doc, s: string, x: number, y: number, o: TextOpts = {}): number {
  doc
    .font(o.bold ? "Sans-Bold" : "Sans")
    .fontSize(o.size ?? 9.5)
    .fillColor(o.color ?? INK);
  const width = o.width ?? WIDTH - (x - LEFT);
  doc.text(s, x, y, { width, align: o.align ?? "left", lineGap: 1 });
  return doc.heightOfString(s, { width, lineGap: 1 });
}

function heading(doc: Doc, s: string, y: number): number {
  text(doc, s, LEFT, y, { size: 12, bold: true });
  doc
    .moveTo(LEFT, y + 17)
    .lineTo(LEFT + WIDTH, y + 17)
    .lineWidth(0.6)
    .strokeColor(RULE)
    .stroke();
  return y + 23;
}

/** Label/value rows; returns the y below. */
function keyValues(doc: Doc, rows: [string, string][], y: number, labelW = 130, size = 9.5): number {
  for (const [label, value] of rows) {
    const h1 = text(doc, label, LEFT, y, { size, color: MUTED, width: labelW - 6 });
    const h2 = text(doc, value, LEFT + labelW, y, { size, width: WIDTH - labelW });
    y += Math.max(h1, h2) + 3;
  }
  return y;
}

/** A simple table: header on grey, thin rules; returns the y below. */
function table(
  doc: Doc,
  headers: string[],
  rows: string[][],
  widths: number[],
  y: number,
  size = 8.5,
): number {
  const pad = 3;
  const rowHeight = (cells: string[], bold: boolean) =>
    Math.max(
      ...cells.map((c, i) => {
        doc.font(bold ? "Sans-Bold" : "Sans").fontSize(size);
        return doc.heightOfString(c, { width: widths[i] - 2 * pad, lineGap: 1 });
      }),
    ) +
    2 * pad;
  const drawRow = (cells: string[], bold: boolean, shade: string | null) => {
    const h = rowHeight(cells, bold);
    if (shade) doc.rect(LEFT, y, WIDTH, h).fill(shade);
    let x = LEFT;
    cells.forEach((c, i) => {
      text(doc, c, x + pad, y + pad, { size, bold, width: widths[i] - 2 * pad });
      x += widths[i];
    });
    y += h;
    doc
      .moveTo(LEFT, y)
      .lineTo(LEFT + WIDTH, y)
      .lineWidth(0.4)
      .strokeColor(RULE)
      .stroke();
  };
  drawRow(headers, true, SHADE);
  for (const r of rows) drawRow(r, false, null);
  return y;
}

function dmAndDecimal(lon: number, lat: number): string {
  return `${formatPositionDM(lon, lat)}   (${formatPositionDecimal(lon, lat)})`;
}

// ---------------------------------------------------------------- page 1

function pageOne(doc: Doc, input: ReportInput, k: number, map: MapImage, generatedAt: number): void {
  const { ctx } = input;
  const sim = ctx.simulation;
  let y = TOP;
  text(doc, "DRIFTLINE · SEARCH AND RESCUE DRIFT FORECAST BRIEFING", LEFT, y, { size: 8, color: MUTED });
  text(doc, `Issued ${formatUtc(generatedAt)}`, LEFT, y, { size: 8, color: MUTED, align: "right" });
  y += 13;
  y += text(doc, `${sim.name}`, LEFT, y, { size: 18, bold: true });
  y +=
    text(
      doc,
      ctx.scenarios && ctx.scenarios.length > 1
        ? objectDescription(ctx)
        : `${objectTitle(ctx)}: ${objectDescription(ctx)}`,
      LEFT,
      y,
      { size: 10.5 },
    ) + 8;

  // The answer first, in a shaded box.
  const snap = snapshotAt(input.areas, k);
  const time = ctx.trajectory.times[k];
  const centroid = centroidAt(input, k);
  const counts = statusCounts(ctx.trajectory, k);
  const label = isBackward(ctx) ? "Backtracked to" : "Forecast for";
  const searched = ctx.searchRevision;
  const rows: [string, string][] = [
    ...(searched
      ? ([
          [
            "Searches so far",
            `revision ${searched.revision}: ${searched.searches} unsuccessful search${searched.searches === 1 ? "" : "es"}, ` +
              `cumulative POS ${(searched.cumulativePos * 100).toFixed(1)} % (positions and areas below from the ` +
              "particles re-weighted by them)",
          ],
        ] as [string, string][])
      : []),
    [
      "Most likely position",
      snap && snap.mostLikelyLon !== null && snap.mostLikelyLat !== null
        ? dmAndDecimal(snap.mostLikelyLon, snap.mostLikelyLat) +
          (snap.mostLikely
            ? `  (peak of the smoothed density, ±${snap.mostLikely.radiusKm.toFixed(1)} km)`
            : "")
        : "— (no particle afloat)",
    ],
    [
      "Centroid of the cloud",
      centroid ? `${dmAndDecimal(centroid.lon, centroid.lat)}  (mean position)` : "—",
    ],
    ...AREA_KEYS.map((key): [string, string] => {
      const a = snap?.areas[key];
      return [
        `${key} % search area`,
        a ? `${formatArea(a.areaKm2)} km²  ·  ${formatArea(a.areaNm2)} NM²` : "—",
      ];
    }),
    [
      "Particles",
      `${formatCount(counts.active ?? 0)} afloat · ${formatCount(counts.stranded ?? 0)} stranded on the coast · ${formatCount((counts.missing_data ?? 0) + (counts.outside_domain ?? 0))} without forcing data`,
    ],
  ];
  const boxTop = y;
  doc.font("Sans").fontSize(9.5);
  const boxH =
    22 +
    rows.reduce(
      (h, [, v]) => h + Math.max(12, doc.heightOfString(v, { width: WIDTH - 16 - 130, lineGap: 1 })) + 3,
      0,
    ) +
    6;
  doc.rect(LEFT, boxTop, WIDTH, boxH).fill(SHADE);
  doc.rect(LEFT, boxTop, 3, boxH).fill("#1537d0");
  text(
    doc,
    `${label} ${formatUtc(time)}  (${formatHours(hoursAt(input, k))} from last known position)`,
    LEFT + 10,
    y + 6,
    {
      size: 11,
      bold: true,
      width: WIDTH - 16,
    },
  );
  y += 24;
  for (const [l, v] of rows) {
    const h1 = text(doc, l, LEFT + 10, y, { size: 9.5, color: MUTED, width: 124 });
    const h2 = text(doc, v, LEFT + 10 + 130, y, {
      size: 9.5,
      bold: l === "Most likely position",
      width: WIDTH - 16 - 130,
    });
    y += Math.max(h1, h2) + 3;
  }
  y = boxTop + boxH + 8;

  // The map keeps the PNG's 4:3 aspect: full width, or smaller when long inputs need the room.
  const mission = missionRows(input);
  const missionH = 23 + keyValuesHeight(doc, mission, 130, 9);
  const mapH = Math.min((WIDTH * 900) / 1200, PAGE_H - 50 - y - 10 - missionH - 4);
  const mapW = (mapH * 1200) / 900;
  const mapX = LEFT + (WIDTH - mapW) / 2;
  // pdfkit takes an object with a width and a height as an image it has opened already.
  doc.image(map as Buffer, mapX, y, { width: mapW, height: mapH });
  doc.rect(mapX, y, mapW, mapH).lineWidth(0.5).strokeColor(RULE).stroke();
  y += mapH + 10;

  y = heading(doc, "Mission inputs", y);
  keyValues(doc, mission, y, 130, 9);
}

function missionRows(input: ReportInput): [string, string][] {
  const { ctx } = input;
  const sim = ctx.simulation;
  const rel = sim.release;
  const isLine = rel.lon[0] !== rel.lon[1] || rel.lat[0] !== rel.lat[1];
  const lkp = isLine
    ? `line from ${dmAndDecimal(rel.lon[0], rel.lat[0])}\nto ${dmAndDecimal(rel.lon[1], rel.lat[1])}`
    : dmAndDecimal(rel.lon[0], rel.lat[0]);
  const radius =
    rel.radiusM[0] === rel.radiusM[1]
      ? `${formatCount(rel.radiusM[0])} m`
      : `${formatCount(rel.radiusM[0])} → ${formatCount(rel.radiusM[1])} m`;
  const hours = Math.abs(sim.durationSeconds) / 3600;
  const end = sim.startTime + sim.durationSeconds;
  const direction = isBackward(ctx)
    ? `Backward (backtracking where the object came from), ${hours} h, back to ${formatUtc(end)}`
    : `Forward, ${hours} h, until ${formatUtc(end)}`;
  const coast = {
    stranding: "stranding (particles stop at the coast)",
    previous: "previous (particles reaching land step back)",
    none: "ignored",
  }[sim.coastline];
  const rows: [string, string][] = [
    ["Last known position", lkp],
    ["Time of last known position", releaseTimeText(input)],
    ["Uncertainty radius", `${radius} (${rel.radiusType})`],
    ctx.scenarios && ctx.scenarios.length > 1
      ? [
          "Scenarios",
          `${ctx.scenarios.length} weighted releases and object types (page 2); the first: its position, time and radius above`,
        ]
      : [
          "Object type",
          `${ctx.category.key} (id ${ctx.category.id}, ${ctx.category.group}): ${ctx.category.description}`,
        ],
    ["Particles", formatCount(rel.number)],
    ["Run", direction],
    [
      "Steps",
      `time step ${Math.abs(sim.timeStepSeconds)} s, output every ${formatDuration(sim.outputStepSeconds)}; random seed ${sim.randomSeed}`,
    ],
    [
      "Model options",
      `coastline ${coast}; jibing ${(sim.jibeProbability * 100).toFixed(1)} %/h; capsizing ${sim.capsizing.enabled ? "on" : "off"}`,
    ],
  ];
  if (ctx.releaseOnLand && ctx.releaseOnLand.moved > 0) {
    rows.push([
      "Released on land",
      `${formatCount(ctx.releaseOnLand.moved)} particles moved to the nearest sea point (at most ${formatCount(ctx.releaseOnLand.maxDistanceM)} m)`,
    ]);
  }
  return rows;
}

function formatDuration(seconds: number): string {
  const s = Math.abs(seconds);
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

// ---------------------------------------------------------------- page 2

function pageTwo(doc: Doc, input: ReportInput, k: number, shore: readonly ShoreStretch[]): void {
  const { ctx } = input;
  let y = TOP;

  y = heading(doc, "Forcing (environmental data used)", y);
  const forcingRows = ctx.forcing.length
    ? ctx.forcing.map((f) => [
        f.variable === "wind" ? "Wind (10 m)" : "Surface current",
        f.name,
        provenanceDetails(f),
      ])
    : [["—", "no forcing recorded", ""]];
  y = table(doc, ["Variable", "Source", "Details"], forcingRows, [85, 170, WIDTH - 255], y) + 14;

  const snap = snapshotAt(input.areas, k);
  const time = ctx.trajectory.times[k];
  y = heading(doc, `Search areas at ${formatUtc(time)} (${formatHours(hoursAt(input, k))})`, y);
  const areaRows = AREA_KEYS.map((key) => {
    const a = snap?.areas[key];
    if (!a) return [`${key} %`, "—", "—", "—", "no particle afloat", ""];
    const b = new Bounds(ctx.simulation.release.lon[0]);
    b.addGeometry(a.geometry);
    return [
      `${key} %`,
      formatArea(a.areaKm2),
      formatArea(a.areaNm2),
      `${(a.containedFraction * 100).toFixed(1)} %`,
      formatPositionDM(b.west, b.north),
      formatPositionDM(b.east, b.south),
    ];
  });
  y = table(
    doc,
    ["Area", "km²", "NM²", "Holds", "North-west corner", "South-east corner"],
    areaRows,
    [42, 55, 55, 50, 156.5, 156.7],
    y,
    9,
  );
  y += 3;
  y +=
    text(
      doc,
      "Each area is the region of highest smoothed probability holding that share (pieces smaller than the kernel dropped); corners are of the bounding box around it. Exact outlines: search_areas.geojson, mission.kml; outlines of at most 12 corners: search_areas.csv, search_areas.gpx.",
      LEFT,
      y,
      { size: 8, color: MUTED },
    ) + 12;

  y = scenarioTable(doc, ctx, y);
  y = ensembleTable(doc, input, y);

  // The timeline gets the room the status block and caveats leave on this page (at most 14 rows).
  const notes = caveats(input);
  const status = statusRows(input, k, shore);
  doc.font("Sans").fontSize(8.5);
  const caveatsH = notes.reduce(
    (h, s) => h + doc.heightOfString(s, { width: WIDTH - 12, lineGap: 1 }) + 3,
    23,
  );
  const statusH = 23 + keyValuesHeight(doc, status, 130, 9) + 10;
  doc.font("Sans-Bold").fontSize(8.5);
  const rowH = doc.heightOfString("0", { lineGap: 1 }) + 6 + 0.5;
  const room = PAGE_H - 50 - y - caveatsH - statusH - 23 - rowH - 14 - 4;
  const maxRows = Math.max(2, Math.min(14, Math.floor(room / rowH)));
  y = heading(doc, "Position over time (search areas in km²)", y);
  const rows = timelineIndices(ctx.trajectory.times.length, maxRows).map((i) => timelineRow(input, i));
  y = table(
    doc,
    ["Time (UTC)", "Elapsed", "Centroid", "50 %", "90 %", "95 %", "Afloat", "Stranded"],
    rows,
    [88, 44, 140, 46, 46, 46, 50, 55.28],
    y,
    8.5,
  );
  y += 14;

  y = heading(doc, "Particle status at the final time", y);
  y = keyValues(doc, status, y, 130, 9) + 10;

  y = heading(doc, "Caveats", y);
  for (const s of notes) {
    doc.font("Sans").fontSize(8.5);
    text(doc, "•", LEFT + 2, y, { size: 8.5 });
    y += text(doc, s, LEFT + 12, y, { size: 8.5, width: WIDTH - 12 }) + 3;
  }
}

/** Most scenario rows in the report (summary.json lists them all). */
const REPORT_MAX_SCENARIOS = 6;

/** The scenarios at the final time, each on its own (missions of two or more); returns the y below. */
function scenarioTable(doc: Doc, ctx: ProductContext, y: number): number {
  const results = ctx.scenarioResults ?? [];
  if (results.length < 2) return y;
  y = heading(doc, "Scenarios (each on its own at the final time; areas in km²)", y);
  const rows = results.slice(0, REPORT_MAX_SCENARIOS).map((r) => {
    const end = r.searchAreas[r.searchAreas.length - 1];
    const area = (key: "50" | "90" | "95") => {
      const a = end?.areas[key];
      return a ? formatArea(a.areaKm2) : "—";
    };
    return [
      r.info.name,
      `${(r.info.weight * 100).toFixed(1)} %`,
      r.info.category.key,
      formatCount(r.info.particles),
      `${(r.afloatWeight * 100).toFixed(1)} %`,
      `${(r.strandedWeight * 100).toFixed(1)} %`,
      area("50"),
      area("90"),
      area("95"),
    ];
  });
  y = table(
    doc,
    ["Scenario", "Weight", "Object", "Particles", "Afloat", "Stranded", "50 %", "90 %", "95 %"],
    rows,
    [108, 44, 92, 50, 44, 60, 38.5, 38.5, 40],
    y,
    8.5,
  );
  y += 3;
  const more = results.length - rows.length;
  const note =
    (more > 0 ? `${more} more in summary.json. ` : "") +
    "Afloat and stranded: share of the whole mission's probability. Each scenario's own outlines: search_areas.geojson (scenario_search_area), mission.kml (Scenarios).";
  return y + text(doc, note, LEFT, y, { size: 8, color: MUTED }) + 12;
}

/** Most member rows in the report (summary.json and agreement.geojson list them all). */
const REPORT_MAX_MEMBERS = 3;

/** The forcing ensemble's members and where they agree (runs with two or more members); returns the y below. */
function ensembleTable(doc: Doc, input: ReportInput, y: number): number {
  const layer = agreementOf(input.ctx, input.grids);
  if (!layer) return y;
  y = heading(
    doc,
    `Forcing ensemble (${layer.members.length} members; their agreement at ${formatUtc(layer.time)})`,
    y,
  );
  const shown = layer.members.slice(0, REPORT_MAX_MEMBERS);
  y = table(
    doc,
    ["Member", "Weight", "Particles", "Own 90 % area"],
    shown.map((m) => [
      m.name,
      `${(m.weight * 100).toFixed(1)} %`,
      formatCount(m.particles),
      `${formatArea(m.areaKm2)} km²`,
    ]),
    [285, 60, 80, 90.28],
    y,
    8.5,
  );
  y += 3;
  const cellKm2 = (input.grids.cellM * input.grids.cellM) / 1e6;
  let all = 0;
  for (const v of layer.share) if (v >= 1) all++;
  const more = layer.members.length - shown.length;
  const note =
    (more > 0 ? `${more} more in summary.json. ` : "") +
    `All members' own 90 % areas overlap on ${formatArea(all * cellKm2)} km². Where 25, 50, 75 and 100 % of the members' weight agree: agreement.geojson, and 'agreement' in density.nc.`;
  return y + text(doc, note, LEFT, y, { size: 8, color: MUTED }) + 12;
}

function statusRows(input: ReportInput, k: number, shore: readonly ShoreStretch[]): [string, string][] {
  const { ctx } = input;
  const c = statusCounts(ctx.trajectory, k);
  const mid = (x: ShoreStretch) => x.line[Math.floor(x.line.length / 2)];
  const shoreRows: [string, string][] = shore.map((x, r) => [
    `Shore to search ${r + 1}`,
    `${(x.share * 100).toFixed(1)} % of all particles stranded within ~1 km of ${formatPositionDM(mid(x)[0], mid(x)[1])}, the first at ${formatUtc(x.firstTime)}`,
  ]);
  return [
    ["Afloat", `${formatCount(c.active ?? 0)} — these make up the probability and the search areas`],
    ["Stranded", `${formatCount(c.stranded ?? 0)} — reached the coast; search the shoreline near them`],
    [
      "Without forcing data",
      `${formatCount(c.missing_data ?? 0)} missing data, ${formatCount(c.outside_domain ?? 0)} outside the domain — stopped where the wind or current data ended`,
    ],
    ...shoreRows,
    ["Simulated", formatCount(ctx.trajectory.n)],
  ];
}

function keyValuesHeight(doc: Doc, rows: [string, string][], labelW: number, size: number): number {
  doc.font("Sans").fontSize(size);
  let h = 0;
  for (const [label, value] of rows) {
    h +=
      Math.max(
        doc.heightOfString(label, { width: labelW - 6, lineGap: 1 }),
        doc.heightOfString(value, { width: WIDTH - labelW, lineGap: 1 }),
      ) + 3;
  }
  return h;
}

function provenanceDetails(f: Record<string, string | number>): string {
  const fmt = (key: string, value: string | number) =>
    typeof value === "number" && /time|start|end/i.test(key) && value > 1e8
      ? formatUtc(value)
      : String(value);
  const parts: string[] = [];
  const start = f.time_coverage_start;
  const end = f.time_coverage_end;
  if (start !== undefined && end !== undefined) {
    parts.push(`time ${fmt("start", start)} → ${fmt("end", end)}`);
  }
  for (const [key, value] of Object.entries(f)) {
    if (
      key === "variable" ||
      key === "name" ||
      ((key === "time_coverage_start" || key === "time_coverage_end") && parts.length)
    ) {
      continue;
    }
    parts.push(`${key.replace(/_/g, " ")}: ${fmt(key, value)}`);
  }
  return parts.join("; ") || "—";
}

/** At most `max` evenly spread output times, always with the first and the last. */
function timelineIndices(count: number, max: number): number[] {
  if (count <= max) return Array.from({ length: count }, (_, i) => i);
  const out: number[] = [];
  for (let f = 0; f < max; f++) {
    const i = Math.round((f * (count - 1)) / (max - 1));
    if (out[out.length - 1] !== i) out.push(i);
  }
  return out;
}

function timelineRow(input: ReportInput, i: number): string[] {
  const { ctx } = input;
  const snap: SearchAreaSnapshot | undefined = snapshotAt(input.areas, i);
  const c = centroidAt(input, i);
  const counts = statusCounts(ctx.trajectory, i);
  const area = (key: "50" | "90" | "95") => {
    const a = snap?.areas[key];
    return a ? formatArea(a.areaKm2) : "—";
  };
  return [
    formatUtc(ctx.trajectory.times[i]).replace(" UTC", ""),
    formatHours(hoursAt(input, i)),
    c ? formatPositionDM(c.lon, c.lat, 1) : "—",
    area("50"),
    area("90"),
    area("95"),
    formatCount(counts.active ?? 0),
    formatCount(counts.stranded ?? 0),
  ];
}

function caveats(input: ReportInput): string[] {
  const { ctx } = input;
  const out = [
    "Decision support, not a certainty: the areas show where the simulated object is likely to be if the inputs are right. Combine them with on-scene reports, other drift estimates and local knowledge, and update the forecast when new information arrives.",
    `Leeway model: the object moves with the surface current plus a wind drift (leeway) for its type, from field-measured coefficients with their spread (${ctx.category.key}). Waves, Stokes drift, swimming, paddling, anchoring or a changed object state (e.g. a capsized or swamped craft) are not modelled beyond that spread${ctx.simulation.capsizing.enabled ? " and the capsizing option" : ""}.`,
    "Forcing: the result is only as good as the wind and current data listed above. Forecast fields have errors, coarse grids miss small-scale and coastal currents, and particles stop where the data end (counted as without forcing data).",
    "Probability is the share of afloat particles per grid cell; stranded particles are shown separately and are not in the search areas. With few particles the outer (95 %) areas are noisy.",
    "The search areas do not account for detection probability, search effort or assets: plan patterns with your search-planning tools.",
  ];
  if (isBackward(ctx)) {
    out.splice(
      1,
      0,
      "This is a backtracking run: the map shows where the object may have come from at the times shown, not where it is now.",
    );
  }
  return out;
}

// ---------------------------------------------------------------- footers

function footers(doc: Doc, ctx: ProductContext, generatedAt: number): void {
  const range = doc.bufferedPageRange();
  for (let p = range.start; p < range.start + range.count; p++) {
    doc.switchToPage(p);
    // Writing below the bottom margin would start a new page: lift the margin while writing the footer.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .moveTo(LEFT, FOOTER_Y - 4)
      .lineTo(LEFT + WIDTH, FOOTER_Y - 4)
      .lineWidth(0.4)
      .strokeColor(RULE)
      .stroke();
    const h = text(doc, footerText(ctx), LEFT, FOOTER_Y, { size: 7.5, color: MUTED, width: WIDTH - 70 });
    text(doc, `Page ${p - range.start + 1} of ${range.count}`, LEFT, FOOTER_Y, {
      size: 7.5,
      color: MUTED,
      align: "right",
    });
    text(
      doc,
      `Issued ${formatUtc(generatedAt)} · decision support — verify against on-scene information`,
      LEFT,
      FOOTER_Y + h + 1,
      { size: 7.5, color: MUTED, width: WIDTH - 70 },
    );
    doc.page.margins.bottom = bottom;
  }
}
