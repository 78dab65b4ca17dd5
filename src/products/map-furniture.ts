// Map furniture drawn with @napi-rs/canvas: coastline, graticule, frame, scale bar, north arrow, search-area
// outlines and swatches, the markers (last known position, centroid, most likely, stranded) and halo text.
import type { SKRSContext2D } from "@napi-rs/canvas";
import type { ProductContext } from "./context.js";
import { normaliseLon } from "./coordinates.js";
import type { Geometry, Position } from "./geojson-types.js";
import { AREA_STYLES, COLORS, niceFloor } from "./map-colours.js";
import { font } from "./map-fonts.js";
import type { MapView, Rect } from "./map-view.js";
import { formatTick } from "./number-format.js";
import type { SearchAreaSnapshot } from "./types.js";

const DEG = Math.PI / 180;
const pad2 = (n: number) => String(n).padStart(2, "0");

type Ctx = SKRSContext2D;

export function fillRect(g: Ctx, r: Rect, color: string): void {
  g.fillStyle = color;
  g.fillRect(r.x, r.y, r.w, r.h);
}

/** Text with a white halo so it stays readable over colour. */
export function haloText(g: Ctx, text: string, x: number, y: number, color: string = COLORS.text): void {
  g.lineJoin = "round";
  g.lineWidth = 4;
  g.strokeStyle = COLORS.halo;
  g.strokeText(text, x, y);
  g.fillStyle = color;
  g.fillText(text, x, y);
}

/** Shortens text with "…" until it fits maxWidth. */
export function fitText(g: Ctx, text: string, maxWidth: number): string {
  if (g.measureText(text).width <= maxWidth) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (g.measureText(`${text.slice(0, mid)}…`).width <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

function ringPath(g: Ctx, view: MapView, ring: Position[]): void {
  for (let i = 0; i < ring.length; i++) {
    const x = view.x(ring[i][0]);
    const y = view.y(ring[i][1]);
    if (i === 0) g.moveTo(x, y);
    else g.lineTo(x, y);
  }
  g.closePath();
}

/** Land polygons filled, with a thin coast line; clipped to the map rectangle. */
export function drawCoastline(g: Ctx, view: MapView, polygons: Position[][][]): void {
  g.save();
  clipTo(g, view.rect);
  g.beginPath();
  for (const poly of polygons) for (const ring of poly) if (ring.length >= 3) ringPath(g, view, ring);
  g.fillStyle = COLORS.land;
  g.fill("evenodd");
  g.lineWidth = 1;
  g.strokeStyle = COLORS.coast;
  g.stroke();
  g.restore();
}

export function clipTo(g: Ctx, r: Rect): void {
  g.beginPath();
  g.rect(r.x, r.y, r.w, r.h);
  g.clip();
}

const GRATICULE_STEPS_DEG = [1, 2, 5, 10, 15, 20, 30].map((m) => m / 60).concat([1, 2, 5, 10, 15, 30]);

function graticuleStep(pxPerDeg: number, minPx: number): number {
  for (const s of GRATICULE_STEPS_DEG) if (s * pxPerDeg >= minPx) return s;
  return 30;
}

/** Graticule label: whole degrees when the step is, else degrees and whole minutes ("59°30'N", the mark of formatDegreesMinutes). */
export function graticuleLabel(value: number, step: number, isLat: boolean): string {
  const v = isLat ? value : normaliseLon(value);
  const hemi = v > 1e-9 ? (isLat ? "N" : "E") : v < -1e-9 ? (isLat ? "S" : "W") : "";
  const totalMin = Math.round(Math.abs(v) * 60);
  const d = Math.floor(totalMin / 60);
  const m = totalMin % 60;
  if (step >= 1 || m === 0) return `${d}°${hemi}`;
  return `${d}°${pad2(m)}'${hemi}`;
}

/** Lat/lon lines across the map with labels outside the frame (left: latitude, bottom: longitude). */
export function drawGraticule(g: Ctx, view: MapView, labelPx = 13): void {
  const { rect } = view;
  const pxPerDegLon = view.k * DEG;
  const latMid = (view.north + view.south) / 2;
  const pxPerDegLat = pxPerDegLon / Math.cos(latMid * DEG);
  const lonStep = graticuleStep(pxPerDegLon, labelPx * 9);
  const latStep = graticuleStep(pxPerDegLat, labelPx * 5);
  g.save();
  g.font = font(labelPx);
  g.fillStyle = COLORS.text;
  g.strokeStyle = COLORS.graticule;
  g.lineWidth = 1;
  const eps = 1e-9;
  for (let n = Math.ceil(view.west / lonStep - eps); n * lonStep <= view.east + eps; n++) {
    const lon = n * lonStep;
    const x = Math.round(view.x(lon)) + 0.5;
    if (x < rect.x || x > rect.x + rect.w) continue;
    g.beginPath();
    g.moveTo(x, rect.y);
    g.lineTo(x, rect.y + rect.h);
    g.stroke();
    g.textAlign = "center";
    g.textBaseline = "top";
    g.fillText(graticuleLabel(lon, lonStep, false), x, rect.y + rect.h + 4);
  }
  for (let n = Math.ceil(view.south / latStep - eps); n * latStep <= view.north + eps; n++) {
    const lat = n * latStep;
    const y = Math.round(view.y(lat)) + 0.5;
    if (y < rect.y || y > rect.y + rect.h) continue;
    g.beginPath();
    g.moveTo(rect.x, y);
    g.lineTo(rect.x + rect.w, y);
    g.stroke();
    g.textAlign = "right";
    g.textBaseline = "middle";
    g.fillText(graticuleLabel(lat, latStep, true), rect.x - 5, y);
  }
  g.restore();
}

export function drawFrame(g: Ctx, r: Rect): void {
  g.save();
  g.strokeStyle = COLORS.frame;
  g.lineWidth = 1.5;
  g.strokeRect(r.x, r.y, r.w, r.h);
  g.restore();
}

/** The release's points (last known position, and the line's end) in pixels: the scale bar keeps clear. */
export function releasePixels(view: MapView, ctx: ProductContext): { x: number; y: number }[] {
  const rel = ctx.simulation.release;
  return [0, 1].map((i) => ({ x: view.x(rel.lon[i]), y: view.y(rel.lat[i]) }));
}

/**
 * Scale bars in km and nautical miles on a white panel, bottom-left inside the map, or bottom-right when a
 * point of `avoid` (the last known position) would lie under the panel.
 */
export function drawScaleBar(
  g: Ctx,
  view: MapView,
  textPx = 13,
  avoid: readonly { x: number; y: number }[] = [],
): void {
  const { rect } = view;
  const mpp = view.metresPerPixel((view.north + view.south) / 2);
  const target = rect.w * 0.22 * mpp;
  const km = niceFloor(target / 1000);
  const nm = niceFloor(target / 1852);
  const kmPx = (km * 1000) / mpp;
  const nmPx = (nm * 1852) / mpp;
  const pad = 10;
  const barH = 6;
  g.save();
  g.font = font(textPx);
  const kmText = `${formatTick(km)} km`;
  const nmText = `${formatTick(nm)} NM`;
  const boxW = 2 * pad + 6 + Math.max(kmPx + g.measureText(kmText).width, nmPx + g.measureText(nmText).width);
  const boxH = 2 * barH + 2 * textPx + 3 * 6 + 4;
  const by = rect.y + rect.h - 12 - boxH;
  const margin = 14; // the LKP symbol's radius and its label's height
  const covers = (x: number) =>
    avoid.some(
      (p) => p.x > x - margin && p.x < x + boxW + margin && p.y > by - margin && p.y < by + boxH + margin,
    );
  const bx = covers(rect.x + 12) ? rect.x + rect.w - 12 - boxW : rect.x + 12;
  g.fillStyle = "rgba(255, 255, 255, 0.88)";
  g.strokeStyle = "rgba(0, 0, 0, 0.25)";
  g.lineWidth = 1;
  g.beginPath();
  g.roundRect(bx, by, boxW, boxH, 4);
  g.fill();
  g.stroke();
  const x0 = bx + pad;
  const yKm = by + 6 + textPx + 4;
  const yNm = yKm + barH + 4;
  drawBar(g, x0, yKm, kmPx, barH);
  drawBar(g, x0, yNm, nmPx, barH);
  g.font = font(textPx);
  g.fillStyle = COLORS.text;
  g.textBaseline = "bottom";
  g.textAlign = "left";
  g.fillText("0", x0 - 3, yKm - 2);
  g.fillText(kmText, x0 + kmPx + 6, yKm + barH + 2);
  g.textBaseline = "top";
  g.fillText(nmText, x0 + nmPx + 6, yNm - 1);
  g.restore();
}

function drawBar(g: Ctx, x: number, y: number, w: number, h: number): void {
  const half = w / 2;
  g.fillStyle = "#111";
  g.fillRect(x, y, half, h);
  g.fillStyle = "#fff";
  g.fillRect(x + half, y, w - half, h);
  g.strokeStyle = "#111";
  g.lineWidth = 1;
  g.strokeRect(x, y, w, h);
}

/** North arrow with "N", top-right inside the map (north is straight up in this projection). */
export function drawNorthArrow(g: Ctx, view: MapView, size = 34): void {
  const { rect } = view;
  const cx = rect.x + rect.w - 14 - size / 2;
  const top = rect.y + 12;
  const h = size * 1.1;
  g.save();
  g.fillStyle = "rgba(255, 255, 255, 0.88)";
  g.strokeStyle = "rgba(0, 0, 0, 0.25)";
  g.beginPath();
  g.roundRect(cx - size / 2 - 4, top, size + 8, h + size * 0.62 + 12, 4);
  g.fill();
  g.stroke();
  g.font = font(Math.round(size * 0.5), true);
  g.fillStyle = COLORS.text;
  g.textAlign = "center";
  g.textBaseline = "top";
  g.fillText("N", cx, top + 4);
  const ay = top + size * 0.62 + 6;
  g.lineWidth = 1.2;
  g.strokeStyle = "#111";
  g.beginPath();
  g.moveTo(cx, ay);
  g.lineTo(cx - size * 0.3, ay + h);
  g.lineTo(cx, ay + h * 0.72);
  g.closePath();
  g.fillStyle = "#111";
  g.fill();
  g.stroke();
  g.beginPath();
  g.moveTo(cx, ay);
  g.lineTo(cx + size * 0.3, ay + h);
  g.lineTo(cx, ay + h * 0.72);
  g.closePath();
  g.fillStyle = "#fff";
  g.fill();
  g.stroke();
  g.restore();
}

function geometryPath(g: Ctx, view: MapView, geom: Geometry): void {
  if (geom.type === "Polygon") for (const ring of geom.coordinates) ringPath(g, view, ring);
  else if (geom.type === "MultiPolygon")
    for (const poly of geom.coordinates) for (const ring of poly) ringPath(g, view, ring);
}

/** 95, 90 then 50 % outlines (50 % on top), each over a white halo so it reads on the density colours. */
export function drawAreaOutlines(
  g: Ctx,
  view: MapView,
  snap: SearchAreaSnapshot | undefined,
  scale = 1,
): void {
  if (!snap) return;
  g.save();
  clipTo(g, view.rect);
  g.lineJoin = "round";
  for (const key of ["95", "90", "50"] as const) {
    const area = snap.areas[key];
    if (!area) continue;
    const st = AREA_STYLES[key];
    g.beginPath();
    geometryPath(g, view, area.geometry);
    g.setLineDash([]);
    g.strokeStyle = "rgba(255, 255, 255, 0.85)";
    g.lineWidth = (st.width + 2.5) * scale;
    g.stroke();
    g.setLineDash(st.dash.map((d) => d * scale));
    g.strokeStyle = st.color;
    g.lineWidth = st.width * scale;
    g.stroke();
  }
  g.restore();
}

/** A line sample for legends: the area style over its halo. */
export function drawAreaSwatch(
  g: Ctx,
  key: "50" | "90" | "95",
  x: number,
  y: number,
  w: number,
  scale = 1,
): void {
  const st = AREA_STYLES[key];
  g.save();
  g.lineCap = "butt";
  g.beginPath();
  g.moveTo(x, y);
  g.lineTo(x + w, y);
  g.setLineDash(st.dash.map((d) => d * scale));
  g.strokeStyle = st.color;
  g.lineWidth = st.width * scale;
  g.stroke();
  g.restore();
}

export function drawLkpSymbol(g: Ctx, x: number, y: number, r = 8): void {
  g.save();
  g.beginPath();
  g.moveTo(x, y - r);
  g.lineTo(x + r * 0.95, y + r * 0.7);
  g.lineTo(x - r * 0.95, y + r * 0.7);
  g.closePath();
  g.fillStyle = COLORS.lkp;
  g.fill();
  g.lineWidth = 2;
  g.strokeStyle = "#fff";
  g.stroke();
  g.restore();
}

export function drawCentroidSymbol(g: Ctx, x: number, y: number, r = 7): void {
  g.save();
  g.beginPath();
  g.arc(x, y, r, 0, 2 * Math.PI);
  g.fillStyle = COLORS.centroid;
  g.fill();
  g.lineWidth = 2.2;
  g.strokeStyle = "#000";
  g.stroke();
  g.beginPath();
  g.arc(x, y, r * 0.32, 0, 2 * Math.PI);
  g.fillStyle = "#000";
  g.fill();
  g.restore();
}

export function drawMostLikelySymbol(g: Ctx, x: number, y: number, r = 7): void {
  g.save();
  g.beginPath();
  g.moveTo(x, y - r);
  g.lineTo(x + r, y);
  g.lineTo(x, y + r);
  g.lineTo(x - r, y);
  g.closePath();
  g.fillStyle = COLORS.mostLikely;
  g.fill();
  g.lineWidth = 1.8;
  g.strokeStyle = "#fff";
  g.stroke();
  g.restore();
}

export function drawStrandedSymbol(g: Ctx, x: number, y: number, r = 3): void {
  g.save();
  g.strokeStyle = COLORS.stranded;
  g.lineWidth = 1.6;
  g.beginPath();
  g.moveTo(x - r, y - r);
  g.lineTo(x + r, y + r);
  g.moveTo(x + r, y - r);
  g.lineTo(x - r, y + r);
  g.stroke();
  g.restore();
}

/** Last known position: a triangle, or a line with triangles at both ends for a line release; labelled. */
export function drawLastKnownPosition(g: Ctx, view: MapView, ctx: ProductContext, labelPx = 14): void {
  const rel = ctx.simulation.release;
  const x0 = view.x(rel.lon[0]);
  const y0 = view.y(rel.lat[0]);
  const x1 = view.x(rel.lon[1]);
  const y1 = view.y(rel.lat[1]);
  g.save();
  clipTo(g, view.rect);
  const isLine = Math.hypot(x1 - x0, y1 - y0) > 1;
  if (isLine) {
    g.lineCap = "round";
    g.strokeStyle = "#fff";
    g.lineWidth = 6;
    g.beginPath();
    g.moveTo(x0, y0);
    g.lineTo(x1, y1);
    g.stroke();
    g.strokeStyle = COLORS.lkp;
    g.lineWidth = 3;
    g.stroke();
    drawLkpSymbol(g, x1, y1);
  }
  drawLkpSymbol(g, x0, y0);
  g.font = font(labelPx, true);
  g.textAlign = "left";
  g.textBaseline = "middle";
  haloText(g, "LKP", x0 + 11, y0 - 2);
  g.restore();
}

/** The centroid's path from the first output time to time k, dashed. */
export function drawCentroidTrack(g: Ctx, view: MapView, ctx: ProductContext, k: number): void {
  g.save();
  clipTo(g, view.rect);
  g.beginPath();
  let started = false;
  for (let i = 0; i <= k && i < ctx.summaries.length; i++) {
    const s = ctx.summaries[i];
    if (s.centroidLon === null || s.centroidLat === null) continue;
    const x = view.x(s.centroidLon);
    const y = view.y(s.centroidLat);
    if (!started) g.moveTo(x, y);
    else g.lineTo(x, y);
    started = true;
  }
  g.setLineDash([6, 4]);
  g.lineWidth = 1.6;
  g.strokeStyle = COLORS.track;
  g.stroke();
  g.restore();
}

/** Centroid and most-likely-cell markers of a snapshot (centroid from the summaries when missing). */
export function drawPositionMarkers(
  g: Ctx,
  view: MapView,
  ctx: ProductContext,
  snap: SearchAreaSnapshot | undefined,
  k: number,
  scale = 1,
): void {
  g.save();
  clipTo(g, view.rect);
  const cLon = snap?.centroidLon ?? ctx.summaries[k]?.centroidLon ?? null;
  const cLat = snap?.centroidLat ?? ctx.summaries[k]?.centroidLat ?? null;
  // The most likely cell on top: it is the smaller target and often sits next to the centroid.
  if (cLon !== null && cLat !== null) drawCentroidSymbol(g, view.x(cLon), view.y(cLat), 7 * scale);
  if (snap && snap.mostLikelyLon !== null && snap.mostLikelyLat !== null) {
    drawMostLikelySymbol(g, view.x(snap.mostLikelyLon), view.y(snap.mostLikelyLat), 6.5 * scale);
  }
  g.restore();
}
