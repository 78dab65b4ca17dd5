// Minimal option parsing for the commands (node:util parseArgs with friendly errors).
import { type ParseArgsConfig, parseArgs } from "node:util";

export class UsageError extends Error {}

export function parseOptions<T extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
