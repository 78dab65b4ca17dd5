// Time and position text shared by the product writers (all times UTC).

/** "2016-02-01T12:00:00Z" (RFC 3339, whole seconds). */
export function isoUtc(unixSeconds: number): string {
  return new Date(Math.round(unixSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** ISO 8601 duration of |seconds|, e.g. "PT24H", "PT1H30M", "P2DT6H". */
export function isoDuration(seconds: number): string {
  let s = Math.round(Math.abs(seconds));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  let out = "P";
  if (d) out += `${d}D`;
  if (h || m || s || !d) {
    out += "T";
    if (h) out += `${h}H`;
    if (m) out += `${m}M`;
    if (s || (!h && !m)) out += `${s}S`;
  }
  return out;
}

/** Hours between two Unix times, rounded to 1e-6 h (so that whole hours print as integers). */
export function hoursBetween(from: number, to: number): number {
  return Math.round(((to - from) / 3600) * 1e6) / 1e6;
}

/** Longitude wrapped to [-180, 180). */
export function wrapLon(lon: number): number {
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}

/**
 * Degrees and decimal minutes for charts, e.g. `60°05.123'N` and `004°30.456'E` (minutes to 3 decimals,
 * longitude degrees zero-padded to three digits, latitude to two).
 */
export function degreesMinutes(value: number, axis: "lat" | "lon"): string {
  const hemi = axis === "lat" ? (value < 0 ? "S" : "N") : value < 0 ? "W" : "E";
  let thousandths = Math.round(Math.abs(value) * 60000);
  const deg = Math.floor(thousandths / 60000);
  thousandths -= deg * 60000;
  const min = (thousandths / 1000).toFixed(3).padStart(6, "0");
  return `${String(deg).padStart(axis === "lat" ? 2 : 3, "0")}°${min}'${hemi}`;
}

let decimals5: string[] | null = null;

/**
 * `v.toFixed(5)` for float32 positions, several times faster (millions of lines in the text products). A
 * float32 times 1e5 is exact in double precision (24 + 17 bits < 53), so rounding it rounds the exact value,
 * half away from zero as toFixed does.
 */
export function fixed5(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  decimals5 ??= Array.from({ length: 100000 }, (_, i) => String(i).padStart(5, "0"));
  const a = Math.round(Math.abs(v) * 1e5);
  const int = Math.floor(a / 1e5);
  const s = `${int}.${decimals5[a - int * 1e5]}`;
  return v < 0 ? `-${s}` : s;
}
