// The 50/90/95 % search areas on a map: their outlines over a halo, and the line samples of the legends.
import type { Geometry } from "./geojson-types.js";
import { type Ctx, clipTo, ringPath } from "./map-canvas.js";
import { AREA_STYLES } from "./map-colours.js";
import type { MapView } from "./map-view.js";
import type { SearchAreaSnapshot } from "./types.js";

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
