// The markers on a map and in its legends: last known position (a point or a release line), centroid and
// its track, most likely position, stranded particles.
import type { Release } from "../core/types.js";
import type { ProductContext } from "./context.js";
import { type Ctx, clipTo, haloText } from "./map-canvas.js";
import { COLORS } from "./map-colours.js";
import { font } from "./map-fonts.js";
import type { MapView } from "./map-view.js";
import type { SearchAreaSnapshot } from "./types.js";

/** A closed polygon through `corners` (pixels), filled and outlined in white. */
function drawOutlinedPolygon(
  g: Ctx,
  corners: readonly (readonly [number, number])[],
  fill: string,
  lineWidth: number,
): void {
  g.save();
  g.beginPath();
  corners.forEach(([cx, cy], i) => {
    if (i === 0) g.moveTo(cx, cy);
    else g.lineTo(cx, cy);
  });
  g.closePath();
  g.fillStyle = fill;
  g.fill();
  g.lineWidth = lineWidth;
  g.strokeStyle = "#fff";
  g.stroke();
  g.restore();
}

export function drawLkpSymbol(g: Ctx, x: number, y: number, r = 8): void {
  const corners = [
    [x, y - r],
    [x + r * 0.95, y + r * 0.7],
    [x - r * 0.95, y + r * 0.7],
  ] as const;
  drawOutlinedPolygon(g, corners, COLORS.lkp, 2);
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
  const corners = [
    [x, y - r],
    [x + r, y],
    [x, y + r],
    [x - r, y],
  ] as const;
  drawOutlinedPolygon(g, corners, COLORS.mostLikely, 1.8);
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

/**
 * Last known position: a triangle, or a line with triangles at both ends for a line release; labelled. With
 * scenarios, each scenario's release, labelled "LKP 1", "LKP 2" … in their order (a polygon as its outline).
 */
export function drawLastKnownPosition(g: Ctx, view: MapView, ctx: ProductContext, labelPx = 14): void {
  const scenarios = ctx.scenarios ?? [];
  if (scenarios.length < 2) {
    drawRelease(g, view, ctx.simulation.release, "LKP", labelPx);
    return;
  }
  for (const [k, s] of scenarios.entries()) drawRelease(g, view, s.release, `LKP ${k + 1}`, labelPx);
}

function drawRelease(
  g: Ctx,
  view: MapView,
  rel: Pick<Release, "lon" | "lat" | "polygon">,
  label: string,
  labelPx: number,
): void {
  const x0 = view.x(rel.lon[0]);
  const y0 = view.y(rel.lat[0]);
  const x1 = view.x(rel.lon[1]);
  const y1 = view.y(rel.lat[1]);
  g.save();
  clipTo(g, view.rect);
  const isLine = Math.hypot(x1 - x0, y1 - y0) > 1;
  if (rel.polygon) {
    g.beginPath();
    rel.polygon.forEach(([lon, lat], i) => {
      if (i === 0) g.moveTo(view.x(lon), view.y(lat));
      else g.lineTo(view.x(lon), view.y(lat));
    });
    g.closePath();
    g.strokeStyle = "#fff";
    g.lineWidth = 5;
    g.stroke();
    g.strokeStyle = COLORS.lkp;
    g.lineWidth = 2.5;
    g.stroke();
  } else if (isLine) {
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
  haloText(g, label, x0 + 11, y0 - 2);
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
