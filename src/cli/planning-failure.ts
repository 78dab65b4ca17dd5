// How `driftline plan` and `driftline searched` report a failure: bad planning input, or a units file the
// schema refuses (named, as a units file), exits 2; anything else 1.
import { SpecError } from "../pipeline/spec.js";
import { PlanningInputError } from "../planning/errors.js";

export function planningFailure(command: string, unitsPath: string, error: unknown): number {
  if (error instanceof PlanningInputError) {
    process.stderr.write(`driftline ${command}: ${error.message}\n`);
    return 2;
  }
  if (error instanceof SpecError) {
    process.stderr.write(
      `driftline ${command}: ${unitsPath}: ${error.message.replace("invalid simulation spec", "invalid units file")}\n`,
    );
    return 2;
  }
  process.stderr.write(`driftline ${command}: ${(error as Error).message}\n`);
  return 1;
}
