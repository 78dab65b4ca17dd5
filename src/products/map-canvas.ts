// Canvas helpers the map pictures share (heatmap.png, animation.gif, the PDF's map): a filled rectangle,
// clipping to the map, text with a halo, text shortened to fit, and a polygon ring as a path.
import type { SKRSContext2D } from "@napi-rs/canvas";
import type { Position } from "./geojson-types.js";
import { COLORS } from "./map-colours.js";
import type { MapView, Rect } from "./map-view.js";

export type Ctx = SKRSContext2D;

export function fillRect(g: Ctx, r: Rect, color: string): void {
  g.fillStyle = color;
  g.fillRect(r.x, r.y, r.w, r.h);
}

export function clipTo(g: Ctx, r: Rect): void {
  g.beginPath();
  g.rect(r.x, r.y, r.w, r.h);
  g.clip();
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

export function ringPath(g: Ctx, view: MapView, ring: Position[]): void {
  for (let i = 0; i < ring.length; i++) {
    const x = view.x(ring[i][0]);
    const y = view.y(ring[i][1]);
    if (i === 0) g.moveTo(x, y);
    else g.lineTo(x, y);
  }
  g.closePath();
}
