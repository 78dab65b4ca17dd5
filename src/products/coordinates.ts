// Positions as text, the one place for it: degrees and decimal minutes as charts and the page write them
// (web/src/coords.js gives the same strings, test/web/coords.test.ts compares the two), decimal degrees, and
// longitudes brought into range.

/** Longitude wrapped to [-180, 180) (file formats: GeoJSON, KML, CSV). */
export function wrapLon(lon: number): number {
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}

/** Longitude normalised to −180..180 for display: 180 stays 180 (east), 540 becomes 180. */
export function normaliseLon(lon: number): number {
  let l = wrapLon(lon);
  if (l === -180 && lon > 0) l = 180;
  return l;
}

/**
 * Degrees and decimal minutes: `60°05.50'N`, `004°30.20'E` (latitude degrees two digits, longitude three;
 * `decimals` minute decimals, default 2 ≈ 20 m). The total is rounded once, in units of the last decimal, so
 * 59.99999° never prints as 59°60.00'. Longitudes outside −180..180 are normalised first.
 */
export function formatDegreesMinutes(value: number, axis: "lat" | "lon", decimals = 2): string {
  // In range as it is: wrapping would move the value by an ulp and could flip a rounding edge.
  const v = axis === "lon" && (value < -180 || value > 180) ? normaliseLon(value) : value;
  const scale = 10 ** decimals;
  const perDegree = 60 * scale;
  const units = Math.round(Math.abs(v) * perDegree);
  const deg = Math.floor(units / perDegree);
  const minutes = ((units - deg * perDegree) / scale)
    .toFixed(decimals)
    .padStart(decimals ? decimals + 3 : 2, "0");
  const hemi = axis === "lat" ? (v < 0 ? "S" : "N") : v < 0 ? "W" : "E";
  return `${String(deg).padStart(axis === "lat" ? 2 : 3, "0")}°${minutes}'${hemi}`;
}

/** Latitude then longitude in degrees and decimal minutes: `60°05.50'N 004°30.20'E`. */
export function formatPositionDM(lon: number, lat: number, decimals = 2): string {
  return `${formatDegreesMinutes(lat, "lat", decimals)} ${formatDegreesMinutes(lon, "lon", decimals)}`;
}

/** Signed decimal degrees, latitude first: "59.50000, 3.20833". */
export function formatPositionDecimal(lon: number, lat: number, decimals = 5): string {
  return `${lat.toFixed(decimals)}, ${normaliseLon(lon).toFixed(decimals)}`;
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
