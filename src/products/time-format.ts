// Times as text in the products (all times UTC); positions are in coordinates.ts.

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

const pad2 = (n: number) => String(n).padStart(2, "0");

/** "2024-05-01 18:00 UTC" (seconds shown only when not zero). */
export function formatUtc(unix: number): string {
  const d = new Date(unix * 1000);
  const s = d.getUTCSeconds() ? `:${pad2(d.getUTCSeconds())}` : "";
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}${s} UTC`;
}

/** "+24 h", "−6 h", "+1.5 h". */
export function formatHours(h: number): string {
  const r = Math.round(h * 10) / 10;
  const sign = r < 0 ? "−" : "+";
  return `${sign}${Math.abs(r)} h`;
}
