// `driftline object-types [--json]`: the Leeway categories, grouped, with the common names that map to each.
import { OBJECT_CATEGORIES, OBJECT_NAME_MAP } from "../core/objects.js";
import { parseOptions } from "./args.js";

const USAGE = `usage: driftline object-types [--json]
  Lists the 85 Leeway object categories, grouped, with the common names that map to each (stdout).
  --json      as a JSON array
  -h, --help  this help`;

export const usage = () => USAGE;

export async function run(args: string[]): Promise<number> {
  const { values } = parseOptions(args, { json: { type: "boolean", default: false } });
  const names = new Map<number, string[]>();
  for (const [name, id] of Object.entries(OBJECT_NAME_MAP)) names.set(id, [...(names.get(id) ?? []), name]);
  if (values.json) {
    const list = OBJECT_CATEGORIES.map((c) => ({ ...c, commonNames: names.get(c.id) ?? [] }));
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  let group = "";
  for (const c of OBJECT_CATEGORIES) {
    if (c.group !== group) {
      group = c.group;
      process.stdout.write(`\n${group}\n`);
    }
    const common = names.get(c.id);
    const indent = "  ".repeat(c.level);
    process.stdout.write(
      `  ${String(c.id).padStart(2)}  ${c.key.padEnd(24)} ${indent}${c.description}${common ? `  [${common.join(", ")}]` : ""}\n`,
    );
  }
  return 0;
}
