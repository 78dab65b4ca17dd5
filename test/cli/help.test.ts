// Every command answers --help and -h with its usage on stdout (exit 0), and an unknown option with the
// usage on stderr (exit 2): the commands are listed from `driftline --help`, so a new one is covered too.
import { describe, expect, it } from "vitest";
import { driftline as run } from "../helpers/cli.js";

/** No services: help and usage errors must not need any. */
const driftline = (args: string[]) => run(args, { ...process.env, REDIS_URL: "", DATABASE_URL: "" });

const top = await driftline(["--help"]);
const commands = [...top.stdout.matchAll(/^ {2}([a-z-]+) {2}/gm)].map((m) => m[1]);
/** Forms with an action, each with its own place in the usage. */
const forms = [...commands, "forcing inspect", "forcing prefetch", "queue status"];
/** Loading a command's modules under tsx on a busy machine can take tens of seconds. */
const SLOW = 240_000;

describe("driftline --help", () => {
  it("lists the commands on stdout and exits 0; no command is a usage error on stderr (exit 2)", async () => {
    expect(top.code).toBe(0);
    expect(commands).toEqual(expect.arrayContaining(["simulate", "object-types", "forcing", "landmask"]));
    expect(commands.length).toBeGreaterThanOrEqual(9);
    const none = await driftline([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe("");
    expect(none.stderr).toMatch(/Usage: driftline <command>/);
  });

  it.each(forms)(
    "%s: --help and -h print the usage on stdout, exit 0",
    async (form) => {
      const args = form.split(" ");
      for (const flag of ["--help", "-h"]) {
        const r = await driftline([...args, flag]);
        expect(r.code, `${args.join(" ")} ${flag}: ${r.stderr}`).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`usage: driftline ${args[0]}`, "i"));
        if (args[1] === "prefetch") expect(r.stdout).toMatch(/--area W,S,E,N/);
        expect(r.stdout).toMatch(/--\w/); // its options
        expect(r.stderr).toBe("");
      }
    },
    SLOW,
  );

  it.each(forms)(
    "%s: an unknown option exits 2 with the usage on stderr",
    async (form) => {
      const args = form.split(" ");
      const r = await driftline([...args, "--no-such-option"]);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/no-such-option/);
      expect(r.stderr).toMatch(new RegExp(`usage: driftline ${args[0]}`, "i"));
      expect(r.stdout).toBe("");
    },
    SLOW,
  );
});
