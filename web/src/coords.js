// Positions as people type them: decimal degrees (60.0917, -3.5, 4.5E) or degrees and decimal minutes
// (60°05.5'N, 60 05.5 N, 004°30.2'E, N60 05.5), and back to text for display.

/**
 * @param {string} text
 * @param {"lat" | "lon"} axis
 * @returns {{ value: number } | { error: string }}
 */
export function parseCoordinate(text, axis) {
  const max = axis === "lat" ? 90 : 180;
  const hemispheres = axis === "lat" ? "NS" : "EW";
  let s = String(text).trim().toUpperCase().replace(/,/g, ".");
  if (s === "") return { error: "required" };
  let sign = 1;
  const hemi = /^([NSEW])\s*|\s*([NSEW])$/.exec(s);
  if (hemi) {
    const h = hemi[1] ?? hemi[2];
    if (!hemispheres.includes(h)) {
      return { error: axis === "lat" ? "latitude takes N or S" : "longitude takes E or W" };
    }
    if (h === "S" || h === "W") sign = -1;
    s = s.replace(/^[NSEW]\s*|\s*[NSEW]$/, "");
  }
  if (s.startsWith("-")) {
    if (hemi) return { error: "use either a minus sign or a hemisphere letter" };
    sign = -sign;
    s = s.slice(1).trim();
  } else if (s.startsWith("+")) {
    s = s.slice(1).trim();
  }
  // Degrees, optional minutes, optional seconds, with °, ', ", ′, ″ or spaces between them.
  const m =
    /^(\d+(?:\.\d+)?)\s*(?:[°º˚D]\s*|\s+|(?=$))(?:(\d+(?:\.\d+)?)\s*(?:['′’M]\s*|\s+|(?=$))(?:(\d+(?:\.\d+)?)\s*(?:["″”S]|'')?\s*)?)?$/.exec(
      s,
    );
  if (!m) return { error: "write decimal degrees (60.0917) or degrees and minutes (60°05.5'N)" };
  const deg = Number(m[1]);
  const min = m[2] === undefined ? 0 : Number(m[2]);
  const sec = m[3] === undefined ? 0 : Number(m[3]);
  if (m[2] !== undefined && !Number.isInteger(deg))
    return { error: "degrees must be whole when minutes follow" };
  if (min >= 60) return { error: "minutes must be below 60" };
  if (sec >= 60) return { error: "seconds must be below 60" };
  const value = sign * (deg + min / 60 + sec / 3600);
  if (!Number.isFinite(value) || Math.abs(value) > max) {
    return {
      error:
        axis === "lat" ? "latitude must be between -90 and 90" : "longitude must be between -180 and 180",
    };
  }
  return { value: Math.round(value * 1e7) / 1e7 };
}

/**
 * 60.0917, "lat" → 60°05.50'N. The same strings as the products' formatDegreesMinutes
 * (src/products/coordinates.ts; test/web/coords.test.ts compares the two): the total rounded once in units of
 * the last minute decimal, longitudes normalised to −180..180.
 * @param {number} value
 * @param {"lat" | "lon"} axis
 * @param {number} [decimals]
 */
export function formatDegreesMinutes(value, axis, decimals = 2) {
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

/** @param {number} lon */
function normaliseLon(lon) {
  let l = ((((lon + 180) % 360) + 360) % 360) - 180;
  if (l === -180 && lon > 0) l = 180;
  return l;
}

/** @param {number} lat @param {number} lon */
export function formatPosition(lat, lon) {
  return `${formatDegreesMinutes(lat, "lat")} ${formatDegreesMinutes(lon, "lon")}`;
}

/** @param {number} lat @param {number} lon */
export function formatDecimal(lat, lon) {
  return `${Math.abs(lat).toFixed(4)}° ${lat < 0 ? "S" : "N"}, ${Math.abs(lon).toFixed(4)}° ${lon < 0 ? "W" : "E"}`;
}
