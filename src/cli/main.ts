// `driftline <command> …`: a thin dispatcher; each command lives in its own module, loaded on demand.

import { timingMark } from "../pipeline/timing.js";
import { errorMessage } from "../service/errors.js";
import { SOFTWARE_VERSION } from "../version.js";

import { UsageError, wantsHelp } from "./args.js";

/** A command module: `usage` is its help (stdout on --help/-h, stderr with a usage error). */
type CommandModule = {
  run(args: string[]): Promise<number>;
  usage(args: string[]): string | Promise<string>;
};
type Command = { summary: string; load: () => Promise<CommandModule> };

const COMMANDS: Record<string, Command> = {
  simulate: {
    summary: "run a simulation spec: simulate SPEC.json --out DIR [--forcing-dir DIR]",
    load: () => import("./simulate.js"),
  },
  validate: {
    summary: "forecast against observed drift: validate SPEC.json --observed TRACK --out DIR",
    load: () => import("./validate.js"),
  },
  plan: {
    summary: "plan a search on a result: plan RESULT_DIR --units UNITS.json --out DIR",
    load: () => import("./plan.js"),
  },
  searched: {
    summary:
      "after an unsuccessful search: searched RESULT_DIR --tracks FILE.gpx --units UNITS.json --out DIR",
    load: () => import("./searched.js"),
  },
  correct: {
    summary: "a drifter's current correction into a spec: correct SPEC.json --drifter TRACK --out FILE",
    load: () => import("./correct.js"),
  },
  "object-types": {
    summary: "list the 85 Leeway object categories [--json]",
    load: () => import("./object-types.js"),
  },
  forcing: {
    summary: "forcing files: inspect FILE | list [DIR] | prefetch …",
    load: () => import("./forcing.js"),
  },
  landmask: { summary: "land mask: classify FILE.csv", load: () => import("./landmask.js") },
  worker: {
    summary: "run the drift worker (Redis queue → PostgreSQL + S3)",
    load: () => import("./worker.js"),
  },
  enqueue: {
    summary: "insert a mission and push its job, as the API would",
    load: () => import("./enqueue.js"),
  },
  queue: { summary: "queue status | clear | retry-dead", load: () => import("./queue.js") },
  apikey: {
    summary: "API keys: create [--name N] [--email E] [--data-dir DIR]",
    load: () => import("./apikey.js"),
  },
  serve: {
    summary: "API, web page and worker in one process (embedded services by default)",
    load: () => import("./serve.js"),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `driftline ${SOFTWARE_VERSION}: search-and-rescue drift forecasts (Leeway)\n\nUsage: driftline <command> [options]\n\n${lines.join("\n")}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name) {
    process.stderr.write(usage());
    return 2;
  }
  if (name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(usage());
    return 0;
  }
  if (name === "--version" || name === "-v") {
    process.stdout.write(`${SOFTWARE_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`driftline: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const module = await command.load();
  timingMark(`${name} loaded`);
  if (wantsHelp(args)) {
    process.stdout.write(withNewline(await module.usage(args)));
    return 0;
  }
  try {
    return await module.run(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`driftline ${name}: ${error.message}\n${withNewline(await module.usage(args))}`);
    return 2;
  }
}

function withNewline(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}

// `driftline object-types | head`: a closed pipe is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

timingMark("cli started");
process.on("exit", () => timingMark("exit"));
main(process.argv.slice(2)).then(
  (code) => {
    timingMark("done");
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`driftline: ${errorMessage(error)}\n`);
    process.exitCode = 1;
  },
);
