// The picture of one drifter's validation (PNG): the forecast cloud and its 50/90/95 % areas at the last
// compared time, the forecast centroid's path, and the observed track over them, with the figures beside it.
import path from "node:path";
import { createCanvas, GlobalFonts } from "@napi-rs/canvas";
import { coastlinePolygons } from "../coastline/index.js";
import { Status } from "../core/types.js";
import { drawAreaOutlines, drawAreaSwatch } from "../products/map-areas.js";
import { drawCoastline, drawFrame, drawGraticule } from "../products/map-base.js";
import { fitText } from "../products/map-canvas.js";
import { AREA_KEYS, AREA_STYLES, COLORS } from "../products/map-colours.js";
import { font, registerFonts, SANS_TTF } from "../products/map-fonts.js";
import { drawCentroidTrack, drawLkpSymbol, drawPositionMarkers } from "../products/map-markers.js";
import { drawNorthArrow, drawScaleBar } from "../products/map-scale.js";
import { Bounds, fitView, type Rect } from "../products/map-view.js";
import { formatUtc } from "../products/time-format.js";
import type { DrifterCase } from "./validate.js";

export const PICTURE_WIDTH = 1200;
export const PICTURE_HEIGHT = 800;
const MAP: Rect = { x: 64, y: 76, w: 780, h: 680 };
const SIDE_X = 866;
const OBSERVED = "#d2141e";

/** DejaVu Sans Mono, for the table of figures (columns line up). */
export const MONO_TTF = path.join(path.dirname(SANS_TTF), "DejaVuSansMono.ttf");
let monoRegistered = false;
function registerMono(): void {
  if (!monoRegistered && !GlobalFonts.registerFromPath(MONO_TTF, "Driftline Mono")) {
    throw new Error(`validation picture: cannot load font ${MONO_TTF}`);
  }
  monoRegistered = true;
}

const km = (v: number | null) => (v === null ? "–" : `${v.toFixed(v < 10 ? 2 : 1)} km`);
const pct = (v: number | null) => (v === null ? "–" : `${(v * 100).toFixed(0)} %`);
const num = (v: number | null) => (v === null ? "–" : v.toFixed(2));

/** The picture's lines of figures (also the PDF page's). */
export function figureLines(c: DrifterCase): string[] {
  const v = c.validation;
  return [
    `Observed from ${formatUtc(v.firstTime)}`,
    `      to   ${formatUtc(v.lastTime)}, ${v.observedKm.toFixed(1)} km`,
    "",
    "Separation     centroid   most likely",
    ...v.leads.map(
      (l) =>
        `${l.label.padEnd(5)} (${l.hours.toFixed(0).padStart(2)} h)  ${km(l.centroidKm).padStart(9)}  ${km(l.mostLikelyKm).padStart(9)}`,
    ),
    "",
    `Liu–Weisberg s ${num(v.skillCentroid.s)}, SS ${num(v.skillCentroid.ss)} (1 − s ${num(v.skillCentroid.unclipped)})`,
    `  most likely: s ${num(v.skillMostLikely.s)}, SS ${num(v.skillMostLikely.ss)}`,
    "",
    `Hit rate 50 % area ${pct(v.hitRates["50"].rate)} (${v.hitRates["50"].hits}/${v.hitRates["50"].n})`,
    `Hit rate 90 % area ${pct(v.hitRates["90"].rate)} (${v.hitRates["90"].hits}/${v.hitRates["90"].n})`,
    `Hit rate 95 % area ${pct(v.hitRates["95"].rate)} (${v.hitRates["95"].hits}/${v.hitRates["95"].n})`,
    `Mean rank in the density ${num(v.meanRank)}`,
    "  (0.5 when calibrated)",
  ];
}

export async function renderValidationPng(c: DrifterCase): Promise<Uint8Array> {
  registerFonts();
  registerMono();
  const { ctx, track, validation: v, snapshots } = c;
  const t = ctx.trajectory;
  // The last compared time with something afloat (the "end" lead).
  const endTime = v.points[0].time + (v.leads[v.leads.length - 1].hours - v.points[0].hours) * 3600;
  const k = Math.max(
    0,
    snapshots.findLastIndex((s) => s.time <= endTime + 1e-6),
  );
  const snap = snapshots[k];
  const canvas = createCanvas(PICTURE_WIDTH, PICTURE_HEIGHT);
  const g = canvas.getContext("2d");
  g.fillStyle = "#ffffff";
  g.fillRect(0, 0, PICTURE_WIDTH, PICTURE_HEIGHT);

  const b = new Bounds(track.lon[0]);
  for (let i = 0; i < track.times.length; i++)
    if (track.times[i] <= v.lastTime) b.add(track.lon[i], track.lat[i]);
  for (let i = 0; i < t.n; i++)
    if (t.status[k * t.n + i] === Status.active) b.add(t.lon[k * t.n + i], t.lat[k * t.n + i]);
  for (const key of AREA_KEYS) if (snap?.areas[key]) b.addGeometry(snap.areas[key]!.geometry);
  const view = fitView(b, MAP, 0.08, 4);

  g.fillStyle = COLORS.sea;
  g.fillRect(MAP.x, MAP.y, MAP.w, MAP.h);
  const coast = await coastlinePolygons(
    { west: view.west, east: view.east, south: view.south, north: view.north },
    { simplifyM: 0.5 * view.metresPerPixel(Math.min(85, Math.abs(view.north))) },
  ).catch(() => undefined);
  if (coast) drawCoastline(g, view, coast);
  drawGraticule(g, view, 12);
  // The cloud at time k.
  g.fillStyle = "rgba(11, 45, 107, 0.35)";
  for (let i = 0; i < t.n; i++) {
    const j = k * t.n + i;
    if (t.status[j] !== Status.active) continue;
    g.fillRect(view.x(t.lon[j]) - 1, view.y(t.lat[j]) - 1, 2, 2);
  }
  drawAreaOutlines(g, view, snap);
  drawCentroidTrack(g, view, ctx, k);
  // The observed track up to the last compared time, fixes as dots.
  g.save();
  g.beginPath();
  for (let i = 0; i < track.times.length && track.times[i] <= v.lastTime; i++) {
    const x = view.x(track.lon[i]);
    const y = view.y(track.lat[i]);
    if (i === 0) g.moveTo(x, y);
    else g.lineTo(x, y);
  }
  g.strokeStyle = "rgba(255,255,255,0.9)";
  g.lineWidth = 5;
  g.stroke();
  g.strokeStyle = OBSERVED;
  g.lineWidth = 2.5;
  g.stroke();
  const last = v.points[v.points.length - 1];
  g.fillStyle = OBSERVED;
  g.beginPath();
  g.arc(view.x(last.observedLon), view.y(last.observedLat), 6, 0, 2 * Math.PI);
  g.fill();
  g.restore();
  drawLkpSymbol(g, view.x(track.lon[0]), view.y(track.lat[0]));
  drawPositionMarkers(g, view, ctx, snap, k);
  drawFrame(g, MAP);
  drawScaleBar(g, view, 12);
  drawNorthArrow(g, view);

  g.fillStyle = COLORS.text;
  g.font = font(22, true);
  g.fillText(
    fitText(g, `Validation: drifter ${v.id} against "${ctx.simulation.name}"`, PICTURE_WIDTH - 48),
    24,
    34,
  );
  g.font = font(14);
  g.fillStyle = COLORS.muted;
  g.fillText(
    fitText(
      g,
      `${ctx.category.key} · ${snap ? `forecast at ${formatUtc(snap.time)} (+${snap.hoursElapsed.toFixed(0)} h)` : ""}`,
      PICTURE_WIDTH - 48,
    ),
    24,
    58,
  );
  // Legend and figures.
  let y = 92;
  g.font = font(14);
  const legend = (draw: (x: number, y: number) => void, label: string) => {
    draw(SIDE_X, y);
    g.fillStyle = COLORS.text;
    g.fillText(label, SIDE_X + 40, y + 5);
    y += 24;
  };
  legend((x, yy) => {
    g.strokeStyle = OBSERVED;
    g.lineWidth = 3;
    g.beginPath();
    g.moveTo(x, yy);
    g.lineTo(x + 30, yy);
    g.stroke();
  }, "observed track");
  legend((x, yy) => {
    g.fillStyle = "rgba(11, 45, 107, 0.6)";
    for (let d = 0; d < 6; d++) g.fillRect(x + 3 + 5 * d, yy - 2 + (d % 2) * 3, 2, 2);
  }, "forecast particles");
  for (const key of AREA_KEYS)
    legend((x, yy) => drawAreaSwatch(g, key, x, yy, 30), `${AREA_STYLES[key].label} search area`);
  y += 8;
  g.font = '12px "Driftline Mono"';
  for (const line of figureLines(c)) {
    g.fillStyle = COLORS.text;
    g.fillText(fitText(g, line, PICTURE_WIDTH - SIDE_X - 12), SIDE_X, y);
    y += 19;
  }
  return canvas.encode("png");
}
