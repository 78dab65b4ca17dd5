// The map under a picture's contents: land polygons with their coast line, the graticule with degree-minute
// labels, and the frame around the map.
import { normaliseLon } from "./coordinates.js";
import type { Position } from "./geojson-types.js";
import { type Ctx, clipTo, ringPath } from "./map-canvas.js";
import { COLORS } from "./map-colours.js";
import { font } from "./map-fonts.js";
import type { MapView, Rect } from "./map-view.js";

const DEG = Math.PI / 180;

const pad2 = (n: number) => String(n).padStart(2, "0");

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
