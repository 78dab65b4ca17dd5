// How to read a map's size and direction: scale bars in km and nautical miles (kept clear of the release)
// and the north arrow.
import type { ProductContext } from "./context.js";
import type { Ctx } from "./map-canvas.js";
import { COLORS, niceFloor } from "./map-colours.js";
import { font } from "./map-fonts.js";
import type { MapView } from "./map-view.js";
import { formatTick } from "./number-format.js";

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
