// Errors of the forcing layer. Both carry enough text for an operator to act without a stack trace.

import { DataFileError } from "../io/errors.js";

/**
 * A forcing file that cannot be used: unreadable, truncated, without wind/current, unknown projection …
 * The readers in src/io throw the same class, so one `instanceof` catches both.
 */
export const ForcingFileError = DataFileError;
export type ForcingFileError = DataFileError;

/** No configured source has data for a point (typically the release point at the start time). */
export class ForcingCoverageError extends Error {
  readonly variable: "wind" | "current";
  constructor(variable: "wind" | "current", message: string) {
    super(message);
    this.name = "ForcingCoverageError";
    this.variable = variable;
  }
}
