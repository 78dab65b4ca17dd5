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
 * 60.0917, "lat" → 60°05.50'N
 * @param {number} value
 * @param {"lat" | "lon"} axis
 */
export function formatDegreesMinutes(value, axis) {
  const hemi = axis === "lat" ? (value < 0 ? "S" : "N") : value < 0 ? "W" : "E";
  const abs = Math.abs(value);
  let deg = Math.floor(abs);
  let min = Math.round((abs - deg) * 60 * 100) / 100;
  if (min >= 60) {
    deg += 1;
    min = 0;
  }
  const degText = String(deg).padStart(axis === "lat" ? 2 : 3, "0");
  const minText = min.toFixed(2).padStart(5, "0");
  return `${degText}°${minText}'${hemi}`;
}

/** @param {number} lat @param {number} lon */
export function formatPosition(lat, lon) {
  return `${formatDegreesMinutes(lat, "lat")} ${formatDegreesMinutes(lon, "lon")}`;
}

/** @param {number} lat @param {number} lon */
export function formatDecimal(lat, lon) {
  return `${Math.abs(lat).toFixed(4)}° ${lat < 0 ? "S" : "N"}, ${Math.abs(lon).toFixed(4)}° ${lon < 0 ? "W" : "E"}`;
}
