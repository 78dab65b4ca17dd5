// Probability of detection. Two lateral-range models: the inverse cube law (default) and definite range.
//
// Inverse cube (Koopman): the instantaneous detection rate of a searcher at range r is A / r³. Along a
// straight leg passing at lateral distance x that accumulates ∫ A/(x² + y²)^{3/2} dt; an infinite leg at
// speed v gives 2A/(v x²) = k/x², so p(x) = 1 − exp(−k/x²), and the sweep width W = ∫ p(x) dx = 2√(πk),
// k = W²/(4π). Parallel infinite legs at spacing S over uniformly spread objects: POD = erf(√π·C/2) with
// the coverage factor C = W/S (Σ_j 1/(x + jS)² = π²/(S² sin²(πx/S)) and the mean of exp(−a/sin²θ) over θ is
// erfc(√a)). Definite range: every object within W/2 of the track is seen, none beyond: POD = min(1, C).

export type LateralRange = "inverse-cube" | "definite-range";

/** erf(x) to about 1e-11: the Maclaurin series below 2.5, Lentz's continued fraction for erfc above. */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  if (a < 2.5) {
    // Maclaurin series: erf(a) = 2/√π Σ (−1)^n a^(2n+1) / (n! (2n+1)).
    let term = a;
    let sum = a;
    const a2 = a * a;
    for (let n = 1; n < 80; n++) {
      term *= -a2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (sign * 2 * sum) / Math.sqrt(Math.PI);
  }
  // Continued fraction for erfc (Lentz), accurate for a ≥ 2.5.
  let f = a;
  let c = a;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    d = a + an * d;
    d = 1 / d;
    c = a + an / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-a * a) / (f * Math.sqrt(Math.PI));
  return sign * (1 - erfc);
}

/** POD of parallel tracks at coverage factor C over uniformly spread objects. */
export function parallelSweepPod(coverage: number, model: LateralRange = "inverse-cube"): number {
  if (!(coverage > 0)) return 0;
  return model === "inverse-cube" ? erf((Math.sqrt(Math.PI) * coverage) / 2) : Math.min(1, coverage);
}

/** Detection probability of one infinite straight leg at lateral distance x (same units as W). */
export function lateralRange(x: number, sweepWidth: number, model: LateralRange = "inverse-cube"): number {
  if (model === "definite-range") return Math.abs(x) <= sweepWidth / 2 ? 1 : 0;
  if (x === 0) return sweepWidth > 0 ? 1 : 0;
  return 1 - Math.exp(-(sweepWidth * sweepWidth) / (4 * Math.PI * x * x));
}

/**
 * Mass left in a searched region after an unsuccessful search, as a share of what is left overall: a region
 * holding m searched with POD p holds m(1 − p)/(1 − m p) (Bayes).
 */
export function massAfterSearch(m: number, p: number): number {
  const rest = 1 - m * p;
  return rest > 0 ? (m * (1 - p)) / rest : 0;
}
