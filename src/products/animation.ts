// animation.gif: the particle cloud (afloat and stranded) and the 50/90/95 % areas at every output time, on
// one fixed map so the drift reads as motion. One palette for all frames (no colour flicker between frames).
import { createRequire } from "node:module";
import { type Canvas, createCanvas, type SKRSContext2D } from "@napi-rs/canvas";
import { Status } from "../core/types.js";
import {
  AREA_KEYS,
  boundsAllTimes,
  COLORS,
  DENSITY_RAMP,
  drawAreaOutlines,
  drawAreaSwatch,
  drawCentroidSymbol,
  drawCentroidTrack,
  drawCoastline,
  drawFrame,
  drawGraticule,
  drawLastKnownPosition,
  drawLkpSymbol,
  drawMostLikelySymbol,
  drawNorthArrow,
  drawPositionMarkers,
  drawScaleBar,
  drawStrandedSymbol,
  fitText,
  fitView,
  font,
  formatCount,
  formatHours,
  formatUtc,
  isBackward,
  type MapInput,
  type MapView,
  objectTitle,
  type Rect,
  rampColor,
  registerFonts,
  snapshotAt,
} from "./map-render.js";

// gifenc ships CommonJS without types; its ESM build's default export differs, so load the CJS object.
interface GifEncoderStream {
  writeFrame(
    index: Uint8Array,
    width: number,
    height: number,
    opts?: {
      palette?: number[][];
      delay?: number;
      repeat?: number;
      transparent?: boolean;
      transparentIndex?: number;
      dispose?: number;
    },
  ): void;
  finish(): void;
  bytes(): Uint8Array;
}
interface GifencModule {
  GIFEncoder(opts?: { initialCapacity?: number }): GifEncoderStream;
  quantize(rgba: Uint8Array | Uint8ClampedArray, maxColors: number, opts?: { format?: string }): number[][];
  applyPalette(rgba: Uint8Array | Uint8ClampedArray, palette: number[][], format?: string): Uint8Array;
}
const gifenc = createRequire(import.meta.url)("gifenc") as GifencModule;

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
  const layer = new ParticleLayer(input, view, frames);

  const render = (fi: number): Uint8ClampedArray => {
    drawFrameContent(g, base, input, view, layer, frames, fi);
    return g.getImageData(0, 0, width, height).data;
  };

  // One palette from the first, middle and last frames: covers the static map and every overlay colour.
  const sample = [0, frames.length >> 1, frames.length - 1].filter((v, i, a) => a.indexOf(v) === i);
  const pixels = width * height * 4;
  const joined = new Uint8ClampedArray(pixels * sample.length);
  for (let s = 0; s < sample.length; s++) joined.set(render(sample[s]), s * pixels);
  // 255 colours + one transparent slot: later frames mark unchanged pixels transparent over the previous
  // frame (dispose 1 = keep), which shrinks the file several-fold since only the cloud moves.
  const palette = gifenc.quantize(joined, 255);
  while (palette.length < 255) palette.push([0, 0, 0]);
  palette.push([255, 0, 255]);
  const TRANSPARENT = 255;

  const gif = gifenc.GIFEncoder({ initialCapacity: 1 << 20 });
  let previous: Uint8Array | null = null;
  for (let fi = 0; fi < frames.length; fi++) {
    const index = gifenc.applyPalette(render(fi), palette);
    const last = fi === frames.length - 1;
    const frameDelay = last ? delay * 5 : delay;
    if (previous === null) {
      gif.writeFrame(index, width, height, { palette, delay: frameDelay, repeat: 0 });
      previous = index;
      continue;
    }
    const diff = new Uint8Array(index.length);
    for (let p = 0; p < index.length; p++) diff[p] = index[p] === previous[p] ? TRANSPARENT : index[p];
    gif.writeFrame(diff, width, height, {
      delay: frameDelay,
      transparent: true,
      transparentIndex: TRANSPARENT,
      dispose: 1,
    });
    previous = index;
  }
  gif.finish();
  return gif.bytes();
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
  drawScaleBar(g, view, 11);
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
 * Particles drawn straight into the pixels. Afloat particles are splatted as 2×2 dots and the number on each
 * pixel is coloured with the heat-map ramp on one log scale for the whole animation (a tight early cloud is
 * dark red, a spread-out one pales), so dense clouds never turn into a solid blob; stranded particles are
 * small brown crosses on top.
 */
class ParticleLayer {
  private readonly counts: Uint16Array;
  /** Pixel count that maps to the top of the ramp. */
  private readonly reference: number;
  private readonly proj: TableProjection;

  constructor(
    private readonly input: MapInput,
    private readonly view: MapView,
    frames: number[],
  ) {
    this.proj = new TableProjection(view);
    this.counts = new Uint16Array(view.rect.w * view.rect.h);
    // The most spread-out of the middle and last frames sets the scale: its 95th percentile is "dense".
    let reference = 1;
    let widest = -1;
    for (const k of [frames[frames.length >> 1], frames[frames.length - 1]]) {
      const nonZero = this.accumulate(k);
      if (nonZero <= widest) continue;
      widest = nonZero;
      const values: number[] = [];
      for (const c of this.counts) if (c > 0) values.push(c);
      values.sort((a, b) => a - b);
      reference = Math.max(1, values[Math.floor(values.length * 0.95)] ?? 1);
    }
    this.reference = reference;
  }

  /** Counts afloat particles of time k per pixel; returns the number of pixels hit. */
  private accumulate(k: number): number {
    const t = this.input.ctx.trajectory;
    const { x: rx, y: ry, w, h } = this.view.rect;
    const counts = this.counts;
    counts.fill(0);
    const base = k * t.n;
    let hit = 0;
    for (let i = 0; i < t.n; i++) {
      if (t.status[base + i] !== Status.active) continue;
      const x = Math.floor(this.proj.x(t.lon[base + i]) - rx - 0.5);
      const y = Math.floor(this.proj.y(t.lat[base + i]) - ry - 0.5);
      for (let dy = 0; dy < 2; dy++)
        for (let dx = 0; dx < 2; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const p = yy * w + xx;
          if (counts[p] === 0) hit++;
          if (counts[p] < 65535) counts[p]++;
        }
    }
    return hit;
  }

  /** Draws time k into the map rectangle of `g`; returns the afloat and stranded counts. */
  draw(g: SKRSContext2D, k: number): { afloat: number; stranded: number } {
    const t = this.input.ctx.trajectory;
    const { x: rx, y: ry, w, h } = this.view.rect;
    const img = g.getImageData(rx, ry, w, h);
    const px = img.data;
    this.accumulate(k);
    const scale = 1 / Math.log1p(this.reference);
    const counts = this.counts;
    for (let p = 0; p < counts.length; p++) {
      const c = counts[p];
      if (c === 0) continue;
      // Sparse pixels start a third up the ramp so single particles stay visible on the sea colour.
      const f = Math.min(1, 0.35 + 0.65 * Math.log1p(c - 1) * scale);
      const r = Math.round(f * 255) * 3;
      const o = p * 4;
      px[o] = DENSITY_RAMP[r];
      px[o + 1] = DENSITY_RAMP[r + 1];
      px[o + 2] = DENSITY_RAMP[r + 2];
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
        }
      }
    }
    g.putImageData(img, rx, ry);
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
