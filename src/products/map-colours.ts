// Colours of the pictures: map palette, search-area styles, the density colour ramp and its colour-bar ticks.

export const COLORS = {
  sea: "#dde9f2",
  land: "#efe8d6",
  coast: "#8a7f66",
  graticule: "rgba(40, 60, 90, 0.28)",
  frame: "#2b2b2b",
  text: "#1a1a1a",
  muted: "#555555",
  track: "#3a3a3a",
  lkp: "#000000",
  centroid: "#ffffff",
  mostLikely: "#e0007a",
  stranded: "#6b3b12",
  afloat: "#0b2d6b",
  halo: "rgba(255, 255, 255, 0.9)",
} as const;

/** 50 % on top and boldest; 95 % dashed so the three read apart even in greyscale print. */
export const AREA_STYLES: Record<
  "50" | "90" | "95",
  { color: string; width: number; dash: number[]; label: string }
> = {
  "50": { color: "#1537d0", width: 3.2, dash: [], label: "50 %" },
  "90": { color: "#0b8a48", width: 2.6, dash: [], label: "90 %" },
  "95": { color: "#222222", width: 2.2, dash: [9, 5], label: "95 %" },
};
export const AREA_KEYS = ["50", "90", "95"] as const;

/** YlOrRd-like sequential ramp, low → high, as 256 RGB triples (index 0 = lowest non-zero value). */
export const DENSITY_RAMP: Uint8Array = buildRamp([
  [255, 240, 150],
  [254, 217, 118],
  [254, 178, 76],
  [253, 141, 60],
  [252, 78, 42],
  [227, 26, 28],
  [189, 0, 38],
  [110, 0, 40],
]);

function buildRamp(stops: number[][]): Uint8Array {
  const out = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const f = (i / 255) * (stops.length - 1);
    const s = Math.min(Math.floor(f), stops.length - 2);
    const t = f - s;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(stops[s][c] * (1 - t) + stops[s + 1][c] * t);
  }
  return out;
}

export function rampColor(t: number): string {
  const i = Math.max(0, Math.min(255, Math.round(t * 255))) * 3;
  return `rgb(${DENSITY_RAMP[i]}, ${DENSITY_RAMP[i + 1]}, ${DENSITY_RAMP[i + 2]})`;
}

/** 1, 2, 5 × 10ⁿ: the largest such value ≤ x. */
export function niceFloor(x: number): number {
  const e = 10 ** Math.floor(Math.log10(x));
  const m = x / e;
  return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * e;
}

/** Tick values for a 0..max colour bar: multiples of a 1-2-5 step, at most ~5. */
export function colorbarTicks(max: number): number[] {
  if (!(max > 0)) return [0];
  const step = niceFloor(max / 4);
  const ticks: number[] = [];
  for (let i = 0; i * step <= max * (1 + 1e-9); i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}
