// Errors of the file readers. They carry enough text for an operator to act without a stack trace.

/** A data file that cannot be used: unreadable, truncated, not the format it should be … */
export class DataFileError extends Error {
  readonly file: string;
  readonly problem: string;
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = "DataFileError";
    this.file = file;
    this.problem = problem;
  }
}
