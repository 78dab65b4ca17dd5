// JSON-lines logging (pino). Every line of a job comes from a child logger that carries mission_id; URLs
// and secrets are redacted before anything reaches the log.
import { type DestinationStream, type Logger, pino } from "pino";
import type { LogLevel } from "./config.js";

export type { Logger } from "pino";

const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/)([^/@:\s]*):([^/@\s]+)@/gi;

/** Replaces passwords inside any URLs that appear in a text (error messages, connection strings). */
export function redactText(text: string): string {
  return text.replace(URL_PASSWORD, "$1$2:***@");
}

export function createLogger(
  options: { level: LogLevel; workerId?: string; name?: string },
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      name: options.name ?? "driftline-worker",
      level: options.level,
      base: { worker_id: options.workerId, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          "password",
          "*.password",
          "secret",
          "*.secret",
          "s3SecretKey",
          "*.s3SecretKey",
          "*.headers.authorization",
        ],
        censor: "***",
      },
      serializers: {
        err: (err: unknown) => {
          const s = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
          if (typeof s.message === "string") s.message = redactText(s.message);
          if (typeof s.stack === "string") s.stack = redactText(s.stack);
          return s;
        },
      },
    },
    destination,
  );
}

/** A logger that drops everything (tests, embedded callers without logging). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
