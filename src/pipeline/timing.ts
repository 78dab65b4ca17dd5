// DRIFTLINE_TIMING=1: phase times of a process on stderr, from the process's start (performance.now() counts
// from it), for finding where a fresh `driftline simulate` spends its time. Off: one comparison per mark.
const ON = process.env.DRIFTLINE_TIMING === "1";
let last = 0;

/** Writes "[timing] <ms since start> ms (+<ms since the last mark>) <what>" when DRIFTLINE_TIMING=1. */
export function timingMark(what: string): void {
  if (!ON) return;
  const now = performance.now();
  process.stderr.write(`[timing] ${now.toFixed(0).padStart(5)} ms (+${(now - last).toFixed(0)}) ${what}\n`);
  last = now;
}
