// animation.gif: the particle cloud (afloat and stranded) and the 50/90/95 % areas at every output time, on
// one fixed map so the drift reads as motion. One palette for all frames (no colour flicker between frames).
import { type Canvas, createCanvas, type ImageData, type SKRSContext2D } from "@napi-rs/canvas";
import { Status } from "../core/types.js";
import { encodeAnimatedGif } from "./gif-frames.js";
import { drawAreaOutlines, drawAreaSwatch } from "./map-areas.js";
import { drawCoastline, drawFrame, drawGraticule } from "./map-base.js";
import { fitText } from "./map-canvas.js";
import { AREA_KEYS, COLORS, DENSITY_RAMP, rampColor } from "./map-colours.js";
import { font, registerFonts } from "./map-fonts.js";
import { isBackward, type MapInput, objectTitle, snapshotAt } from "./map-input.js";
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
import { boundsAllTimes, fitView, type MapView, type Rect } from "./map-view.js";
import { formatCount } from "./number-format.js";
import { formatHours, formatUtc } from "./time-format.js";

export interface AnimationOptions {
  width?: number;
  height?: number;
  /** Delay between frames, ms (default 400); the last frame is held 5× longer. */
  frameDelayMs?: number;
  /** Upper bound on frames; longer runs are sampled evenly, first and last time kept (default 240). */
  maxFrames?: number;
}

const STRANDED_RGB = [0x6b, 0x3b, 0x12];

/**
 * Renders animation.gif: one frame per output time (sampled down to opts.maxFrames), looping forever.
 * Default size 800×600.
 */
export async function renderAnimationGif(input: MapInput, opts: AnimationOptions = {}): Promise<Uint8Array> {
  registerFonts();
  const width = opts.width ?? 800;
  const height = opts.height ?? 600;
  const delay = opts.frameDelayMs ?? 400;
  const frames = frameIndices(input.ctx.trajectory.times.length, opts.maxFrames ?? 240);
  if (width < 400 || height < 300)
    throw new Error(`animation: size ${width}×${height} is too small (min 400×300)`);

  const view = animationView(input, width, height);
  const base = drawBase(input, view, width, height);
  const canvas = createCanvas(width, height);
  const g = canvas.getContext("2d");
  const layer = new ParticleLayer(input, view, frames, base);

  // The canvas's own (premultiplied) pixels are read much faster than getImageData's and are the same
  // bytes while every pixel is opaque, as they are here (the base map covers the whole canvas); checked on
  // the first frame read.
  let direct: boolean | undefined;
  const render = (fi: number): Uint8Array => {
    drawFrameContent(g, base, input, view, layer, frames, fi);
    if (direct === undefined) {
      const d = canvas.data();
      direct = d.length === width * height * 4 && allOpaque(d);
      if (direct) return d;
    }
    if (direct) return canvas.data();
    const d = g.getImageData(0, 0, width, height).data;
    return new Uint8Array(d.buffer, d.byteOffset, d.length);
  };

  return encodeAnimatedGif({
    width,
    height,
    count: frames.length,
    render,
    delayMs: (fi) => (fi === frames.length - 1 ? delay * 5 : delay),
  });
}

function allOpaque(rgba: Uint8Array): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false;
  return true;
}

/** The fixed map view of the animation: every position of the run, with a small margin. */
export function animationView(input: MapInput, width = 800, height = 600): MapView {
  const map: Rect = { x: 62, y: 66, w: width - 62 - 14, h: height - 66 - 60 };
  return fitView(boundsAllTimes(input), map, 0.06);
}

/** Output-time indices to draw: all of them, or an even sample keeping the first and last. */
export function frameIndices(count: number, maxFrames: number): number[] {
  if (count < 1) throw new Error("animation: the trajectory has no output times");
  if (!(maxFrames >= 2)) throw new Error(`animation: maxFrames must be ≥ 2, got ${maxFrames}`);
  if (count <= maxFrames) return Array.from({ length: count }, (_, i) => i);
  const out: number[] = [];
  for (let f = 0; f < maxFrames; f++) {
    const k = Math.round((f * (count - 1)) / (maxFrames - 1));
    if (out[out.length - 1] !== k) out.push(k);
  }
  return out;
}

/** Everything that does not change between frames: sea, land, graticule, scale, title, legend. */
function drawBase(input: MapInput, view: MapView, width: number, height: number): Canvas {
  const { ctx } = input;
  const c = createCanvas(width, height);
  const g = c.getContext("2d");
  g.fillStyle = "#ffffff";
  g.fillRect(0, 0, width, height);
  const r = view.rect;
  g.fillStyle = COLORS.sea;
  g.fillRect(r.x, r.y, r.w, r.h);
  if (input.coastline) drawCoastline(g, view, input.coastline);
  drawGraticule(g, view, 11);
  drawFrame(g, r);
  drawScaleBar(g, view, 11, releasePixels(view, ctx));
  drawNorthArrow(g, view, 26);

  g.textAlign = "left";
  g.textBaseline = "alphabetic";
  g.fillStyle = COLORS.text;
  g.font = font(19, true);
  const title = input.title ?? `Drift forecast — ${objectTitle(ctx)}`;
  g.fillText(fitText(g, title, width - 160), 12, 26);

  // Legend strip under the map.
  let x = 14;
  const y = height - 14;
  g.font = font(12);
  const item = (draw: (x: number) => number, label: string) => {
    if (x + 30 + g.measureText(label).width > width - 8) return; // no room left on a small animation
    x = draw(x);
    g.fillStyle = COLORS.text;
    g.textAlign = "left";
    g.textBaseline = "middle";
    g.fillText(label, x, y);
    x += g.measureText(label).width + 16;
  };
  item((x0) => {
    for (let i = 0; i < 24; i++) {
      g.fillStyle = rampColor(i / 23);
      g.fillRect(x0 + i, y - 4, 1, 8);
    }
    return x0 + 29;
  }, "afloat: sparse → dense");
  item((x0) => {
    drawStrandedSymbol(g, x0 + 4, y, 3.5);
    return x0 + 12;
  }, "stranded");
  for (const key of AREA_KEYS) {
    item((x0) => {
      drawAreaSwatch(g, key, x0, y, 24, 0.8);
      return x0 + 29;
    }, `${key} %`);
  }
  item((x0) => {
    drawLkpSymbol(g, x0 + 6, y, 6);
    return x0 + 16;
  }, "LKP");
  item((x0) => {
    drawCentroidSymbol(g, x0 + 6, y, 5);
    return x0 + 16;
  }, "centroid");
  item((x0) => {
    drawMostLikelySymbol(g, x0 + 6, y, 5);
    return x0 + 16;
  }, "most likely");
  g.font = font(11);
  g.fillStyle = COLORS.muted;
  g.textAlign = "right";
  g.textBaseline = "alphabetic";
  g.fillText(`Driftline ${ctx.softwareVersion} · Leeway`, width - 12, 24);
  return c;
}

function drawFrameContent(
  g: SKRSContext2D,
  base: Canvas,
  input: MapInput,
  view: MapView,
  layer: ParticleLayer,
  frames: number[],
  fi: number,
): void {
  const { ctx } = input;
  const k = frames[fi];
  g.drawImage(base, 0, 0);
  const { afloat, stranded } = layer.draw(g, k);
  const snap = snapshotAt(input.areas, k);
  drawCentroidTrack(g, view, ctx, k);
  drawAreaOutlines(g, view, snap, 0.85);
  drawLastKnownPosition(g, view, ctx, 12);
  drawPositionMarkers(g, view, ctx, snap, k, 0.85);

  // Time line: the frame's time in bold, elapsed hours and counts.
  const time = ctx.trajectory.times[k];
  const hours = snap?.hoursElapsed ?? (time - ctx.simulation.startTime) / 3600;
  g.textAlign = "left";
  g.textBaseline = "alphabetic";
  g.font = font(16, true);
  g.fillStyle = COLORS.text;
  const when = formatUtc(time);
  g.fillText(when, 12, 52);
  const x = 12 + g.measureText(when).width + 12;
  g.font = font(15);
  const dirText = isBackward(ctx) ? "backtracking" : "from last known position";
  const info = `${formatHours(hours)} ${dirText} · afloat ${formatCount(afloat)} · stranded ${formatCount(stranded)}`;
  g.fillText(info, x, 52);
  // Progress bar across the top of the map.
  const frac = frames.length > 1 ? fi / (frames.length - 1) : 1;
  g.fillStyle = "rgba(0, 0, 0, 0.12)";
  g.fillRect(view.rect.x, view.rect.y - 5, view.rect.w, 4);
  g.fillStyle = COLORS.afloat;
  g.fillRect(view.rect.x, view.rect.y - 5, view.rect.w * frac, 4);
}

/**
 * Particles drawn straight into the pixels. Afloat particles are splatted as 2×2 dots and the weight on each
 * pixel (in particles of mean weight: the particle count when every particle weighs 1) is coloured with the
 * heat-map ramp on one log scale for the whole animation (a tight early cloud is dark red, a spread-out one
 * pales), so dense clouds never turn into a solid blob; stranded particles are small brown crosses on top.
 */
class ParticleLayer {
  private readonly counts: Float64Array;
  /** Each particle's weight over the mean weight (1 for every particle when none is weighed). */
  private readonly relativeWeight: Float64Array;
  /** The pixels with a non-zero count, the first `hits` entries (in the order first hit). */
  private readonly hitPixels: Int32Array;
  private hits = 0;
  /** Pixel count that maps to the top of the ramp. */
  private readonly reference: number;
  private readonly proj: TableProjection;
  /** The map rectangle's pixels: the base map under the particles of the frame being drawn. */
  private readonly img: ImageData;
  /** The base map's pixels of the map rectangle, to restore `img` after each frame. */
  private readonly basePx: Uint8ClampedArray;

  constructor(
    private readonly input: MapInput,
    private readonly view: MapView,
    frames: number[],
    base: Canvas,
  ) {
    this.proj = new TableProjection(view);
    const { x: rx, y: ry, w, h } = view.rect;
    this.img = base.getContext("2d").getImageData(rx, ry, w, h);
    this.basePx = this.img.data.slice();
    this.counts = new Float64Array(w * h);
    const t = input.ctx.trajectory;
    let total = 0;
    for (let i = 0; i < t.n; i++) total += t.weight[i];
    this.relativeWeight = new Float64Array(t.n);
    if (total > 0) for (let i = 0; i < t.n; i++) this.relativeWeight[i] = (t.weight[i] * t.n) / total;
    this.hitPixels = new Int32Array(Math.min(w * h, 4 * input.ctx.trajectory.n));
    // The most spread-out of the middle and last frames sets the scale: its 95th percentile is "dense".
    let reference = 1;
    let widest = -1;
    for (const k of [frames[frames.length >> 1], frames[frames.length - 1]]) {
      const nonZero = this.accumulate(k);
      if (nonZero <= widest) continue;
      widest = nonZero;
      const values: number[] = [];
      for (let j = 0; j < nonZero; j++) values.push(this.counts[this.hitPixels[j]]);
      values.sort((a, b) => a - b);
      reference = Math.max(1, values[Math.floor(values.length * 0.95)] ?? 1);
    }
    this.reference = reference;
  }

  /** Weighs afloat particles of time k per pixel; returns the number of pixels hit. */
  private accumulate(k: number): number {
    const t = this.input.ctx.trajectory;
    const { x: rx, y: ry, w, h } = this.view.rect;
    const counts = this.counts;
    const hitPixels = this.hitPixels;
    for (let j = 0; j < this.hits; j++) counts[hitPixels[j]] = 0;
    const base = k * t.n;
    let hit = 0;
    const rw = this.relativeWeight;
    for (let i = 0; i < t.n; i++) {
      if (t.status[base + i] !== Status.active || !(rw[i] > 0)) continue;
      const x = Math.floor(this.proj.x(t.lon[base + i]) - rx - 0.5);
      const y = Math.floor(this.proj.y(t.lat[base + i]) - ry - 0.5);
      for (let dy = 0; dy < 2; dy++)
        for (let dx = 0; dx < 2; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const p = yy * w + xx;
          if (counts[p] === 0) hitPixels[hit++] = p;
          counts[p] += rw[i];
        }
    }
    this.hits = hit;
    return hit;
  }

  /**
   * Draws time k into the map rectangle of `g`, which must hold the base map there; returns the afloat and
   * stranded counts. Only the rectangle around the particles is written to the canvas (the rest of the map
   * rectangle is the base map already).
   */
  draw(g: SKRSContext2D, k: number): { afloat: number; stranded: number } {
    const t = this.input.ctx.trajectory;
    const { x: rx, y: ry, w, h } = this.view.rect;
    const px = this.img.data;
    this.accumulate(k);
    const scale = 1 / Math.log1p(this.reference);
    const counts = this.counts;
    // Bounding box of the pixels written (inclusive).
    let minX = w;
    let maxX = -1;
    let minY = h;
    let maxY = -1;
    const hitPixels = this.hitPixels;
    for (let j = 0; j < this.hits; j++) {
      const p = hitPixels[j];
      const c = counts[p];
      // Sparse pixels start a third up the ramp so single particles stay visible on the sea colour.
      const f = Math.max(0, Math.min(1, 0.35 + 0.65 * Math.log1p(c - 1) * scale));
      const r = Math.round(f * 255) * 3;
      const o = p * 4;
      px[o] = DENSITY_RAMP[r];
      px[o + 1] = DENSITY_RAMP[r + 1];
      px[o + 2] = DENSITY_RAMP[r + 2];
      const y = (p / w) | 0;
      const x = p - y * w;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
    }
    let stranded = 0;
    const base = k * t.n;
    let afloat = 0;
    for (let i = 0; i < t.n; i++) {
      const st = t.status[base + i];
      if (st === Status.active) afloat++;
      if (st !== Status.stranded) continue;
      stranded++;
      const x = Math.round(this.proj.x(t.lon[base + i]) - rx);
      const y = Math.round(this.proj.y(t.lat[base + i]) - ry);
      for (let d = -2; d <= 2; d++) {
        for (const [xx, yy] of [
          [x + d, y + d],
          [x + d, y - d],
        ]) {
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const o = (yy * w + xx) * 4;
          px[o] = STRANDED_RGB[0];
          px[o + 1] = STRANDED_RGB[1];
          px[o + 2] = STRANDED_RGB[2];
          if (xx < minX) minX = xx;
          if (xx > maxX) maxX = xx;
          if (yy < minY) minY = yy;
          if (yy > maxY) maxY = yy;
        }
      }
    }
    if (maxY >= 0) {
      g.putImageData(this.img, rx, ry, minX, minY, maxX - minX + 1, maxY - minY + 1);
      // Back to the base map for the next frame.
      const base = this.basePx;
      for (let y = minY; y <= maxY; y++) {
        const from = (y * w + minX) * 4;
        const to = (y * w + maxX + 1) * 4;
        px.set(base.subarray(from, to), from);
      }
    }
    return { afloat, stranded };
  }
}

/**
 * MapView's projection for millions of points per frame: x is linear in longitude, and the Mercator y comes
 * from a table over the view's latitudes (linear interpolation, far below a pixel of error) instead of a
 * log(tan()) per point. Points outside the table land outside the map.
 */
class TableProjection {
  private readonly ax: number;
  private readonly bx: number;
  private readonly lat0: number;
  private readonly step: number;
  private readonly rows: Float64Array;

  constructor(private readonly view: MapView) {
    this.ax = view.k * (Math.PI / 180);
    this.bx = view.rect.x - view.mx0 * view.k;
    const n = 4096;
    const span = view.north - view.south;
    this.lat0 = view.south - span * 0.1;
    this.step = (span * 1.2) / (n - 1);
    this.rows = new Float64Array(n);
    for (let i = 0; i < n; i++) this.rows[i] = view.y(this.lat0 + i * this.step);
  }

  x(lon: number): number {
    let d = lon - this.view.lonRef;
    if (d > 180 || d < -180) d -= 360 * Math.round(d / 360);
    return (this.view.lonRef + d) * this.ax + this.bx;
  }

  y(lat: number): number {
    const f = (lat - this.lat0) / this.step;
    if (!(f >= 0 && f < this.rows.length - 1)) return f < 0 ? 1e9 : -1e9;
    const i = Math.floor(f);
    return this.rows[i] + (this.rows[i + 1] - this.rows[i]) * (f - i);
  }
}
