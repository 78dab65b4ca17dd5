// Negative information: after a search that found nothing, each particle's weight is multiplied by its
// probability of not having been detected (Bayes); the products weigh particles, so they show where the
// object now probably is. Cumulative POS: the share of the original weight the searches have taken away.
import { totalWeight } from "./cloud.js";

/** New weights w·e^(−logMiss). */
export function weightsAfterSearch(weight: Float64Array, logMiss: Float64Array): Float64Array {
  const out = new Float64Array(weight.length);
  for (let i = 0; i < weight.length; i++) out[i] = weight[i] * Math.exp(-logMiss[i]);
  return out;
}

/**
 * The probability that the searches so far would have found the object: 1 − Σw_now/Σw_before_any_search
 * (the weights before any search are the run's own).
 */
export function cumulativePos(originalTotal: number, weightNow: Float64Array): number {
  if (!(originalTotal > 0)) return 0;
  return Math.max(0, Math.min(1, 1 - totalWeight(weightNow) / originalTotal));
}
