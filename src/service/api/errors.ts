// Errors the API answers with: `{"error": "…", "details": [{field, message}]}` and an HTTP status.
import type { FieldError } from "./schemas.js";

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: FieldError[],
    /** Response headers (Retry-After of a 429). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function badRequest(message: string, details?: FieldError[]): ApiError {
  return new ApiError(400, message, details);
}

export function notFound(message: string): ApiError {
  return new ApiError(404, message);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Mission ids are UUIDs; anything else is a client error before it reaches the database. */
export function missionId(value: string): string {
  if (!UUID.test(value)) {
    throw badRequest("invalid mission id", [{ field: "id", message: "must be a UUID" }]);
  }
  return value.toLowerCase();
}
