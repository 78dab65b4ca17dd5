// heatmap.png: the probability of the object's position at one output time (default the last), with the
// search areas, markers, coastline and everything a coordinator needs to read the map on its own.
import { type Canvas, createCanvas, type SKRSContext2D } from "@napi-rs/canvas";
import { Status } from "../core/types.js";
import { animationView } from "./animation.js";
import { cellLookup, densityPercentPerKm2, paintDensity } from "./cell-lookup.js";
import { formatPositionDM } from "./coordinates.js";
import { drawAreaOutlines, drawAreaSwatch } from "./map-areas.js";
import { drawCoastline, drawFrame, drawGraticule } from "./map-base.js";
import { clipTo, fitText } from "./map-canvas.js";
import { AREA_KEYS, COLORS, colorbarTicks, rampColor } from "./map-colours.js";
import { font, registerFonts } from "./map-fonts.js";
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
import {
  drawCentroidSymbol,
  drawCentroidTrack,
  drawLastKnownPosition,
  drawLkpSymbol,
  drawMostLikelySymbol,
  drawPositionMarkers,
  drawStrandedSymbol,
} from "./map-markers.js";
import { drawNorthArrow, drawScaleBar, releasePixels } from "./map-scale.js";
import { Bounds, boundsAtTime, fitView, type MapView, type Rect } from "./map-view.js";
import { formatArea, formatCount, formatTick } from "./number-format.js";
import { statusCounts } from "./summary.js";
import { formatHours, formatUtc } from "./time-format.js";

export const HEATMAP_WIDTH = 1200;
export const HEATMAP_HEIGHT = 900;

const MAP: Rect = { x: 84, y: 118, w: 806, h: 716 };
const SIDE_X = 914;
const SIDE_W = HEATMAP_WIDTH - SIDE_X - 16;

/**
 * Renders heatmap.png (1200×900) for output time `timeIndex` (default: the last one).
 * Throws when the time index is outside the trajectory or the density grid's projection is unknown.
 */
export async function renderHeatmapPng(input: MapInput, timeIndex?: number): Promise<Uint8Array> {
  registerFonts();
  const k = resolveTimeIndex(input, timeIndex);
  const { ctx, grids } = input;
  const canvas = createCanvas(HEATMAP_WIDTH, HEATMAP_HEIGHT);
  const g = canvas.getContext("2d");
  g.fillStyle = "#ffffff";
  g.fillRect(0, 0, HEATMAP_WIDTH, HEATMAP_HEIGHT);

  const view = heatmapView(input, k);
  const snap = snapshotAt(input.areas, k);
  const density = densityPercentPerKm2(grids, k);

  g.fillStyle = COLORS.sea;
  g.fillRect(MAP.x, MAP.y, MAP.w, MAP.h);
  drawDensityLayer(g, view, input, density.values, density.max);
  if (input.coastline) drawCoastline(g, view, input.coastline);
  drawGraticule(g, view, 13);
  drawCentroidTrack(g, view, ctx, k);
  drawAreaOutlines(g, view, snap);
  const strandedCount = drawStranded(g, view, input, k);
  drawLastKnownPosition(g, view, ctx);
  drawPositionMarkers(g, view, ctx, snap, k);
  if (density.max === 0) noAfloatNotice(g, view);
  drawFrame(g, MAP);
  drawScaleBar(g, view, 13, releasePixels(view, ctx));
  drawNorthArrow(g, view);

  drawTitle(g, input, k);
  drawSidebar(g, input, k, density.max, strandedCount);
  g.font = font(13);
  g.fillStyle = COLORS.muted;
  g.textAlign = "left";
  g.textBaseline = "bottom";
  g.fillText(fitText(g, footerText(ctx), HEATMAP_WIDTH - 32), 16, HEATMAP_HEIGHT - 10);

  const png = new Uint8Array(await canvas.encode("png"));
  rendered.set(png, canvas);
  return png;
}

/** The canvas behind each heatmap.png rendered by this process, for heatmapPixels. */
const rendered = new WeakMap<Uint8Array, Canvas>();

/**
 * The pixels of a heatmap.png that renderHeatmapPng returned (the very same array), so that the report can
 * embed the map without decoding the PNG: RGBA, every pixel opaque. Undefined for any other array.
 */
export function heatmapPixels(
  png: Uint8Array,
): { width: number; height: number; rgba: Uint8Array } | undefined {
  const canvas = rendered.get(png);
  if (!canvas) return undefined;
  // The canvas stores premultiplied pixels: the same bytes as the PNG's, since the picture is opaque.
  return { width: canvas.width, height: canvas.height, rgba: canvas.data() };
}

/**
 * The map view of heatmap.png at output time k: converts lon/lat to the PNG's pixels (and back), e.g. to
 * georeference the picture or to check it.
 */
export function heatmapView(input: MapInput, timeIndex?: number): MapView {
  return fitView(boundsAtTime(input, resolveTimeIndex(input, timeIndex)), MAP);
}

/**
 * The area the coastline must cover for heatmap.png (at `timeIndex`, default last) and animation.gif, and a
 * simplification tolerance of half a pixel: pass both to coastlinePolygons() and the result as
 * MapInput.coastline. `input.coastline` is not read.
 */
export function picturesArea(
  input: MapInput,
  timeIndex?: number,
): { west: number; east: number; south: number; north: number; simplifyM: number } {
  const views = [heatmapView(input, timeIndex), animationView(input)];
  const lonRef = input.ctx.simulation.release.lon[0];
  const b = new Bounds(lonRef);
  let simplifyM = Infinity;
  for (const v of views) {
    b.add(v.west, v.south);
    b.add(v.east, v.north);
    simplifyM = Math.min(
      simplifyM,
      0.5 * v.metresPerPixel(Math.min(85, Math.max(Math.abs(v.south), Math.abs(v.north)))),
    );
  }
  return { west: b.west, east: b.east, south: b.south, north: b.north, simplifyM };
}

function drawDensityLayer(
  g: SKRSContext2D,
  view: MapView,
  input: MapInput,
  values: Float32Array,
  max: number,
): void {
  const { w, h } = view.rect;
  const layer = createCanvas(w, h);
  const lg = layer.getContext("2d");
  const img = lg.createImageData(w, h);
  const landFallback = input.coastline ? undefined : input.grids.land;
  paintDensity(img.data, cellLookup(view, input.grids), values, max, landFallback);
  lg.putImageData(img, 0, 0);
  g.drawImage(layer, view.rect.x, view.rect.y);
}

/** Stranded particles as small crosses, at most one per 4-pixel square; returns how many particles. */
function drawStranded(g: SKRSContext2D, view: MapView, input: MapInput, k: number): number {
  const t = input.ctx.trajectory;
  const { rect } = view;
  const cell = 4;
  const gw = Math.ceil(rect.w / cell);
  const seen = new Uint8Array(gw * Math.ceil(rect.h / cell));
  const base = k * t.n;
  let count = 0;
  g.save();
  clipTo(g, rect);
  for (let i = 0; i < t.n; i++) {
    if (t.status[base + i] !== Status.stranded) continue;
    count++;
    const x = view.x(t.lon[base + i]);
    const y = view.y(t.lat[base + i]);
    const cx = Math.floor((x - rect.x) / cell);
    const cy = Math.floor((y - rect.y) / cell);
    if (cx < 0 || cy < 0 || cx >= gw || y >= rect.y + rect.h) continue;
    const s = cy * gw + cx;
    if (seen[s]) continue;
    seen[s] = 1;
    drawStrandedSymbol(g, x, y, 3.5);
  }
  g.restore();
  return count;
}

function noAfloatNotice(g: SKRSContext2D, view: MapView): void {
  g.save();
  g.font = font(18, true);
  g.textAlign = "center";
  g.textBaseline = "top";
  g.lineWidth = 5;
  g.strokeStyle = COLORS.halo;
  const text = "No particle afloat at this time";
  g.strokeText(text, view.rect.x + view.rect.w / 2, view.rect.y + 16);
  g.fillStyle = "#a00000";
  g.fillText(text, view.rect.x + view.rect.w / 2, view.rect.y + 16);
  g.restore();
}

/** Hours from the release (start) to output time k, from the analysis or the times. */
export function hoursAt(input: MapInput, k: number): number {
  const snap = snapshotAt(input.areas, k);
  return snap?.hoursElapsed ?? (input.ctx.trajectory.times[k] - input.ctx.simulation.startTime) / 3600;
}

/** "Seeded 2024-05-01 18:00 UTC" or "… 18:00 – 20:00 UTC" for a release window. */
export function releaseTimeText(input: MapInput): string {
  const [t0, t1] = input.ctx.simulation.release.time;
  return t0 === t1 ? formatUtc(t0) : `${formatUtc(t0).replace(" UTC", "")} – ${formatUtc(t1)}`;
}

function drawTitle(g: SKRSContext2D, input: MapInput, k: number): void {
  const { ctx } = input;
  const time = ctx.trajectory.times[k];
  const maxW = HEATMAP_WIDTH - 32;
  g.textAlign = "left";
  g.textBaseline = "alphabetic";
  g.fillStyle = COLORS.text;
  g.font = font(26, true);
  const title = input.title ?? `Drift forecast — ${objectTitle(ctx)}`;
  g.fillText(fitText(g, title, maxW), 16, 38);
  g.font = font(15);
  g.fillStyle = COLORS.muted;
  g.fillText(fitText(g, `${objectDescription(ctx)} · mission “${ctx.simulation.name}”`, maxW), 16, 62);
  g.font = font(18, true);
  g.fillStyle = COLORS.text;
  const what = isBackward(ctx) ? "Backtracked probability at" : "Probability at";
  const when = `${what} ${formatUtc(time)}`;
  g.fillText(when, 16, 92);
  const wWhen = g.measureText(when).width;
  g.font = font(16);
  const rel = `   ${formatHours(hoursAt(input, k))} from last known position (${releaseTimeText(input)})`;
  g.fillText(fitText(g, rel, maxW - wWhen), 16 + wWhen, 92);
}

function sectionTitle(g: SKRSContext2D, text: string, y: number): number {
  g.font = font(15, true);
  g.fillStyle = COLORS.text;
  g.textAlign = "left";
  g.textBaseline = "alphabetic";
  g.fillText(text, SIDE_X, y);
  g.strokeStyle = "#bbbbbb";
  g.lineWidth = 1;
  g.beginPath();
  g.moveTo(SIDE_X, y + 6.5);
  g.lineTo(SIDE_X + SIDE_W, y + 6.5);
  g.stroke();
  return y + 26;
}

function drawSidebar(
  g: SKRSContext2D,
  input: MapInput,
  k: number,
  vmax: number,
  strandedCount: number,
): void {
  const { ctx, grids } = input;
  const snap = snapshotAt(input.areas, k);
  let y = MAP.y + 14;

  // Colour bar, high values on top.
  y = sectionTitle(g, "Probability", y);
  const barX = SIDE_X + 4;
  const barW = 24;
  const barH = 170;
  if (vmax > 0) {
    for (let i = 0; i < barH; i++) {
      g.fillStyle = rampColor(1 - i / (barH - 1));
      g.fillRect(barX, y + i, barW, 1);
    }
    g.strokeStyle = "#444";
    g.lineWidth = 1;
    g.strokeRect(barX - 0.5, y - 0.5, barW + 1, barH + 1);
    g.font = font(13);
    g.fillStyle = COLORS.text;
    g.textBaseline = "middle";
    for (const v of colorbarTicks(vmax)) {
      const ty = y + barH - (v / vmax) * barH;
      g.fillRect(barX + barW, Math.round(ty), 5, 1);
      g.fillText(v === 0 ? "> 0" : formatTick(v), barX + barW + 9, ty);
    }
    g.textBaseline = "alphabetic";
  } else {
    g.font = font(13);
    g.fillStyle = COLORS.text;
    g.fillText("No particle afloat", barX, y + 16);
  }
  y += barH + 22;
  g.font = font(13);
  g.fillStyle = COLORS.text;
  g.fillText("% of afloat particles per km²", SIDE_X, y);
  g.fillStyle = COLORS.muted;
  const cellKm = grids.cellM / 1000;
  if (vmax > 0) g.fillText(`highest ${formatTick(vmax)}; blank = no particle`, SIDE_X, y + 17);
  g.fillText(`grid cells ${formatTick(cellKm)} km × ${formatTick(cellKm)} km`, SIDE_X, y + 34);
  y += 62;

  y = sectionTitle(g, "Search areas", y);
  for (const key of AREA_KEYS) {
    const area = snap?.areas[key] ?? null;
    drawAreaSwatch(g, key, SIDE_X + 2, y - 5, 34);
    g.font = font(14, true);
    g.fillStyle = COLORS.text;
    g.fillText(`${key} %`, SIDE_X + 44, y);
    g.font = font(14);
    g.fillText(
      area ? `${formatArea(area.areaKm2)} km² · ${formatArea(area.areaNm2)} NM²` : "—",
      SIDE_X + 92,
      y,
    );
    y += 24;
  }
  y += 10;

  y = sectionTitle(g, "Positions", y);
  const rel = ctx.simulation.release;
  const centroid = centroidAt(input, k);
  const items: [(x: number, y: number) => void, string, string | null][] = [
    [(x, yy) => drawLkpSymbol(g, x, yy), "Last known position", formatPositionDM(rel.lon[0], rel.lat[0])],
    [
      (x, yy) => drawCentroidSymbol(g, x, yy),
      "Centroid",
      centroid ? formatPositionDM(centroid.lon, centroid.lat) : "—",
    ],
    [
      (x, yy) => drawMostLikelySymbol(g, x, yy),
      "Most likely (density peak)",
      snap && snap.mostLikelyLon !== null && snap.mostLikelyLat !== null
        ? formatPositionDM(snap.mostLikelyLon, snap.mostLikelyLat)
        : "—",
    ],
    [(x, yy) => trackSwatch(g, x - 10, yy), "Centroid track", null],
    [(x, yy) => drawStrandedSymbol(g, x, yy, 4), `Stranded particles (${formatCount(strandedCount)})`, null],
  ];
  for (const [symbol, label, coords] of items) {
    symbol(SIDE_X + 11, y - 5);
    g.font = font(14);
    g.fillStyle = COLORS.text;
    g.textAlign = "left";
    g.fillText(label, SIDE_X + 30, y);
    if (coords) {
      g.font = font(13);
      g.fillStyle = COLORS.muted;
      g.fillText(coords, SIDE_X + 30, y + 17);
      y += 40;
    } else y += 25;
  }
  y += 6;

  y = sectionTitle(g, "Particles at this time", y);
  const c = statusCounts(ctx.trajectory, k);
  g.font = font(14);
  g.fillStyle = COLORS.text;
  g.fillText(`Afloat ${formatCount(c.active ?? 0)} · stranded ${formatCount(c.stranded ?? 0)}`, SIDE_X, y);
  const missing = (c.missing_data ?? 0) + (c.outside_domain ?? 0);
  g.fillText(`No forcing / outside ${formatCount(missing)}`, SIDE_X, y + 20);
  g.fillStyle = COLORS.muted;
  g.font = font(13);
  g.fillText(`of ${formatCount(ctx.trajectory.n)} simulated`, SIDE_X, y + 39);
}

function trackSwatch(g: SKRSContext2D, x: number, y: number): void {
  g.save();
  g.setLineDash([6, 4]);
  g.lineWidth = 1.6;
  g.strokeStyle = COLORS.track;
  g.beginPath();
  g.moveTo(x, y);
  g.lineTo(x + 22, y);
  g.stroke();
  g.restore();
}
