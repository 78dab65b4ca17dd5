// How the worker tells failures apart: a permanent failure (bad job, over a cap, nothing to run on) fails
// the mission at once; a transient one (database, S3, network) is retried with backoff.

/** The job cannot succeed as given: fail the mission now and dead-letter the job. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}

/**
 * The job JSON itself is unusable (not JSON, too large, no valid mission_id, params not an object):
 * dead-letter it. `missionId` is set when the message still names a mission (a valid mission_id, or one found
 * in the text of an unparseable or oversized message): that mission is failed with the reason too, instead
 * of staying `queued` with no explanation.
 */
export class InvalidEnvelopeError extends PermanentJobError {
  constructor(
    message: string,
    readonly missionId?: string,
  ) {
    super(message);
    this.name = "InvalidEnvelopeError";
  }
}

/** A failure worth another attempt later. */
export class TransientJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TransientJobError";
  }
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "ESOCKETTIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
]);

/** PostgreSQL SQLSTATEs worth retrying: connection loss, server shutdown, overload, lock conflicts. */
function isTransientSqlState(code: string): boolean {
  return (
    code.startsWith("08") ||
    code.startsWith("53") ||
    code === "57P01" ||
    code === "57P02" ||
    code === "57P03" ||
    code === "40001" ||
    code === "40P01" ||
    code === "55P03"
  );
}

const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /connection (is )?closed/i,
  /timeout exceeded when trying to connect/i,
  /not queryable/i,
  /socket hang up/i,
  /server closed the connection/i,
  /the database system is (starting up|shutting down)/i,
  /Connection lost/i,
];

/** True for errors from networks, PostgreSQL, Redis or S3 that may go away by themselves. */
export function isTransientError(err: unknown): boolean {
  if (err instanceof TransientJobError) return true;
  if (err instanceof PermanentJobError) return false;
  if (!(err instanceof Error)) return false;
  const e = err as Error & {
    code?: unknown;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
    transient?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (e.transient === true) return true;
  if (typeof e.code === "string") {
    if (NETWORK_CODES.has(e.code)) return true;
    if (/^[0-9A-Z]{5}$/.test(e.code)) return isTransientSqlState(e.code);
  }
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429 || status === 408)) return true;
  if (e.name === "TimeoutError" || e.name === "MaxRetriesPerRequestError" || e.name === "AbortError") {
    return e.name !== "AbortError";
  }
  if (TRANSIENT_MESSAGES.some((re) => re.test(e.message))) return true;
  // AggregateError from happy-eyeballs connects (ECONNREFUSED on ::1 and 127.0.0.1).
  if (Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((x) => isTransientError(x)))
    return true;
  if (e.cause !== undefined && e.cause !== err) return isTransientError(e.cause);
  return false;
}

/** Names that the simulation pipeline uses for failures that would repeat on every attempt. */
const PERMANENT_RUN_ERRORS = new Set([
  "SpecError",
  "ForcingCoverageError",
  "UnknownObjectTypeError",
  "JobCapError",
]);

/**
 * Classifies an error from the simulation run: network-type errors (forcing downloads) are transient,
 * everything else repeats deterministically and is permanent.
 */
export function isTransientRunError(err: unknown): boolean {
  if (err instanceof Error && PERMANENT_RUN_ERRORS.has(err.name)) return false;
  return isTransientError(err);
}

/** Longest message kept for the database, logs and terminals (a damaged file can make megabytes). */
export const MAX_MESSAGE_CHARS = 2000;

/**
 * Text safe for a database column, a log line or a terminal: control characters (NUL, ESC, C1 …) become
 * one space per run, tabs and newlines stay, and it is cut to `max` characters with a note of how much
 * was dropped. PostgreSQL refuses NUL in text, and ESC sequences would drive the reader's terminal.
 */
export function printableText(text: string, max = MAX_MESSAGE_CHARS): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
  const clean = text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]+/g, " ");
  return clean.length <= max ? clean : `${clean.slice(0, max)} … (${clean.length - max} more characters)`;
}

/** An error's message as printable text (printableText), whatever was thrown. */
export function errorMessage(err: unknown): string {
  return printableText(err instanceof Error ? err.message || err.name : String(err));
}
