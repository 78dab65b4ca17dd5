// What a test needs beyond Node and `npm ci`, and the skip registry behind the list printed at the end of
// a run (test/helpers/skip-report.ts). On a fresh machine a test whose tool or service is absent is
// skipped and listed with the one command that enables it; with CI=true every need is a failure instead.
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readdirSync } from "node:fs";
import { connect } from "node:net";
import { delimiter, join } from "node:path";

export const NEEDS = {
  postgres: {
    what: "PostgreSQL at 127.0.0.1:5432 (user postgres, trust, database test)",
    enable:
      "docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres:16  (or .ci/run on Debian)",
  },
  "postgres-server": {
    what: "PostgreSQL's own programs (initdb, pg_ctl; as root also runuser) to start and stop a private server",
    enable: "sudo apt-get install postgresql",
  },
  redis: {
    what: "Redis at 127.0.0.1:6379",
    enable: "docker run -d -p 6379:6379 redis:7  (or .ci/run on Debian)",
  },
  "redis-server": {
    what: "the redis-server program, to start and stop a private server",
    enable: "sudo apt-get install redis-server",
  },
  chromium: {
    what: "a Chromium browser (/usr/bin/chromium or CHROMIUM_PATH)",
    enable: "sudo apt-get install chromium  (or CHROMIUM_PATH=/path/to/chrome npm test)",
  },
  ncdump: {
    what: "ncdump and nccopy (NetCDF command-line tools)",
    enable: "sudo apt-get install netcdf-bin",
  },
  "python-netcdf4": {
    what: "Python 3 with netCDF4 and xarray",
    enable: "sudo apt-get install python3-netcdf4 python3-xarray  (or pip install netCDF4 xarray)",
  },
  eccodes: {
    what: "ecCodes' GRIB tools (grib_ls, grib_dump)",
    enable: "sudo apt-get install libeccodes-tools",
  },
  poppler: {
    what: "poppler's PDF tools (pdftotext, pdfimages, pdftoppm)",
    enable: "sudo apt-get install poppler-utils",
  },
  "debian-gshhg": {
    what: "GMT's GSHHG file /usr/share/gmt-gshhg/binned_GSHHS_f.nc, to compare the bundled shoreline with",
    enable: "sudo apt-get install gmt-gshhg-full",
  },
  "root-unshare": {
    what: "root and unshare(1), to hide /usr/share/gmt-gshhg from one process",
    enable: "sudo npm test  (Linux, util-linux's unshare)",
  },
  "shared-dir": {
    what: "the project's shared folder ../shared beside the repository (OpenDrift's reference runs, land-mask points, OBJECTPROP.DAT)",
    enable: "git clone <the Driftline shared repository> ../shared",
  },
} as const;

export type Need = keyof typeof NEEDS;

const found = new Map<Need, boolean>();

/** Where a program is: PATH (or an absolute path that exists), else null. */
export function programPath(program: string): string | null {
  if (program.includes("/")) return existsSync(program) ? program : null;
  for (const dir of (process.env.PATH ?? "").split(delimiter))
    if (dir && existsSync(join(dir, program))) return join(dir, program);
  return null;
}

/** A program on PATH (or an absolute path that exists). */
export function onPath(program: string): boolean {
  return programPath(program) !== null;
}

/** A PostgreSQL server program: on PATH, or in Debian's /usr/lib/postgresql/<version>/bin (newest first). */
export function pgProgram(name: string): string | null {
  const found = programPath(name);
  if (found) return found;
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(base, v, "bin", name))) return join(base, v, "bin", name);
  return null;
}

/** The programs that start a private PostgreSQL server; as root it runs them as user postgres via runuser. */
export const PG_SERVER = {
  pgCtl: pgProgram("pg_ctl"),
  initdb: pgProgram("initdb"),
  runuser: programPath("runuser"),
  isRoot: process.getuid?.() === 0,
};

function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * Needs to treat as absent although they are here (comma-separated, or "all"): to try a fresh machine's run
 * on a full one, e.g. DRIFTLINE_TEST_WITHOUT=all npx vitest run test/web/page.test.ts.
 */
function pretendAbsent(need: Need): boolean {
  const list = (process.env.DRIFTLINE_TEST_WITHOUT ?? "").split(",").map((s) => s.trim());
  return list.includes("all") || list.includes(need);
}

async function probe(need: Need): Promise<boolean> {
  if (pretendAbsent(need)) return false;
  switch (need) {
    case "postgres":
      return tcpOpen("127.0.0.1", 5432);
    case "postgres-server":
      return !!PG_SERVER.pgCtl && !!PG_SERVER.initdb && (!PG_SERVER.isRoot || !!PG_SERVER.runuser);
    case "redis":
      return tcpOpen("127.0.0.1", 6379);
    case "redis-server":
      return onPath("redis-server");
    case "chromium":
      return existsSync(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium");
    case "ncdump":
      return onPath("ncdump") && onPath("nccopy");
    case "python-netcdf4":
      // The tests run /usr/bin/python3 (Debian's python3-netcdf4), not whatever python3 is first on PATH.
      return (
        spawnSync("/usr/bin/python3", ["-c", "import netCDF4, xarray"], { stdio: "ignore" }).status === 0
      );
    case "eccodes":
      return onPath("grib_ls");
    case "poppler":
      return onPath("pdftotext") && onPath("pdfimages") && onPath("pdftoppm");
    case "debian-gshhg":
      return existsSync("/usr/share/gmt-gshhg/binned_GSHHS_f.nc");
    case "root-unshare":
      return process.platform === "linux" && process.getuid?.() === 0 && onPath("unshare");
    case "shared-dir":
      return existsSync(new URL("../../../shared/reference/opendrift/", import.meta.url));
  }
}

/**
 * True when everything in `needs` is here. Otherwise records the skip for the end-of-run list and returns
 * false; with CI=true throws instead, so that a CI run cannot pass by skipping.
 */
export async function have(test: string, ...needs: Need[]): Promise<boolean> {
  const missing: Need[] = [];
  for (const need of needs) {
    let ok = found.get(need);
    if (ok === undefined) {
      ok = await probe(need);
      found.set(need, ok);
    }
    if (!ok) missing.push(need);
  }
  if (missing.length === 0) return true;
  if (process.env.CI === "true") {
    throw new Error(
      `CI=true: ${test} needs ${missing.map((n) => `${NEEDS[n].what} (${NEEDS[n].enable})`).join("; ")}`,
    );
  }
  const registry = process.env.DRIFTLINE_SKIP_REGISTRY;
  for (const need of missing) {
    if (registry) appendFileSync(registry, `${JSON.stringify({ need, test })}\n`);
  }
  return false;
}
