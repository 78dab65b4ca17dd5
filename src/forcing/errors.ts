// Errors of the forcing layer. Both carry enough text for an operator to act without a stack trace.

/** A forcing file that cannot be used: unreadable, truncated, without wind/current, unknown projection … */
export class ForcingFileError extends Error {
  readonly file: string;
  readonly problem: string;
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = "ForcingFileError";
    this.file = file;
    this.problem = problem;
  }
}

/** No configured source has data for a point (typically the release point at the start time). */
export class ForcingCoverageError extends Error {
  readonly variable: "wind" | "current";
  constructor(variable: "wind" | "current", message: string) {
    super(message);
    this.name = "ForcingCoverageError";
    this.variable = variable;
  }
}
