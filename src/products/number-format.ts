// Counts, areas and colour-bar ticks as text in the pictures and the briefing.

/** "1,234" with thin grouping commas. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Area with sensible precision: 0.42, 3.7, 126, 12,400. */
export function formatArea(a: number): string {
  if (a < 10) return a.toFixed(a < 1 ? 2 : 1);
  return formatCount(a);
}

export function formatTick(v: number): string {
  if (v === 0) return "0";
  if (v >= 10) return formatCount(v);
  const digits = Math.max(0, -Math.floor(Math.log10(v)) + 1);
  return Number(v.toFixed(digits)).toString();
}
