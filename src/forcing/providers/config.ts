// Which providers a deployment uses, from the environment (see docs/forcing-providers.md):
//   FORCING_PROVIDERS_CONFIG  JSON list of providers (inline JSON or a file path); replaces the defaults.
//   FORCING_PROVIDERS         comma-separated names to use (default: all configured).
//   GFS_NOMADS_URL, GFS_BUCKET_URL, COPERNICUSMARINE_* for the default providers.
// Credentials only ever come from the environment, never from the JSON file.
import { readFileSync } from "node:fs";
import { CMEMS_DEFAULTS, CopernicusMarineProvider, type CopernicusOptions } from "./copernicus.js";
import { type GfsOptions, GfsProvider } from "./gfs.js";
import { ThreddsNcssProvider, type ThreddsOptions } from "./thredds.js";
import type { ForcingProvider } from "./types.js";

export const GFS_NOMADS_DEFAULT = "https://nomads.ncep.noaa.gov/cgi-bin/filter_gfs_0p25.pl";
export const GFS_BUCKET_DEFAULT = "https://noaa-gfs-bdp-pds.s3.amazonaws.com";

type Env = NodeJS.ProcessEnv;

/** One entry of FORCING_PROVIDERS_CONFIG: a provider's options, credentials named by environment variable. */
export type ProviderConfig =
  | ({ type: "gfs" } & Omit<GfsOptions, "baseUrl"> & { baseUrl?: string })
  | ({
      type: "cmems";
      /** Environment variables holding the credentials (default COPERNICUSMARINE_SERVICE_USERNAME/PASSWORD). */
      usernameEnv?: string;
      passwordEnv?: string;
    } & Omit<CopernicusOptions, "username" | "password" | "credentialNames">)
  | ({ type: "thredds"; usernameEnv?: string; passwordEnv?: string } & Omit<
      ThreddsOptions,
      "username" | "password"
    >);

const off = (v: string | undefined) => v !== undefined && /^(off|none|false|0|)$/i.test(v.trim());

function cmemsFrom(c: Extract<ProviderConfig, { type: "cmems" }>, env: Env): CopernicusMarineProvider {
  const uName = c.usernameEnv ?? "COPERNICUSMARINE_SERVICE_USERNAME";
  const pName = c.passwordEnv ?? "COPERNICUSMARINE_SERVICE_PASSWORD";
  return new CopernicusMarineProvider({
    ...c,
    username: env[uName],
    password: env[pName],
    credentialNames: [uName, pName],
  });
}

/** Providers of one configuration entry list (validated: each error names the entry and the field). */
export function providersFromConfig(list: unknown, env: Env = process.env): ForcingProvider[] {
  const entries = Array.isArray(list) ? list : (list as { providers?: unknown })?.providers;
  if (!Array.isArray(entries))
    throw new Error('forcing providers config: expected a list or {"providers": [...]}');
  const names = new Set<string>();
  return entries.map((raw, k) => {
    const where = `forcing providers config [${k}]`;
    if (!raw || typeof raw !== "object") throw new Error(`${where}: expected an object`);
    const c = raw as ProviderConfig;
    let p: ForcingProvider;
    try {
      if (c.type === "gfs") {
        p = new GfsProvider({
          ...c,
          baseUrl: c.baseUrl ?? (c.mode === "idx" ? GFS_BUCKET_DEFAULT : GFS_NOMADS_DEFAULT),
        });
      } else if (c.type === "cmems") {
        p = cmemsFrom(c, env);
      } else if (c.type === "thredds") {
        const { usernameEnv, passwordEnv, ...rest } = c;
        p = new ThreddsNcssProvider({
          ...rest,
          ...(usernameEnv ? { username: env[usernameEnv] } : {}),
          ...(passwordEnv ? { password: env[passwordEnv] } : {}),
        });
      } else {
        throw new Error(
          `type must be "gfs", "cmems" or "thredds" (got ${JSON.stringify((c as { type?: unknown }).type)})`,
        );
      }
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message.replace(/^forcing providers config: /, "")}`);
    }
    if (names.has(p.name)) throw new Error(`${where}: name ${p.name} is used twice`);
    names.add(p.name);
    return p;
  });
}

/** Reads FORCING_PROVIDERS_CONFIG: inline JSON when it starts with { or [, else a file path. */
export function readProvidersConfig(text: string): unknown {
  const t = text.trim();
  const source = t.startsWith("{") || t.startsWith("[") ? t : readFileSync(t, "utf8");
  try {
    return JSON.parse(source);
  } catch (e) {
    throw new Error(`FORCING_PROVIDERS_CONFIG: not valid JSON (${(e as Error).message})`);
  }
}

/**
 * The providers of this deployment: FORCING_PROVIDERS_CONFIG when set, else GFS (NOMADS filter, then the
 * AWS bucket) and Copernicus Marine (enabled by its credentials). FORCING_PROVIDERS restricts by name.
 */
export function providersFromEnv(env: Env = process.env): ForcingProvider[] {
  let providers: ForcingProvider[];
  if (env.FORCING_PROVIDERS_CONFIG) {
    providers = providersFromConfig(readProvidersConfig(env.FORCING_PROVIDERS_CONFIG), env);
  } else {
    providers = [];
    if (!off(env.GFS_NOMADS_URL))
      providers.push(new GfsProvider({ mode: "filter", baseUrl: env.GFS_NOMADS_URL || GFS_NOMADS_DEFAULT }));
    if (!off(env.GFS_BUCKET_URL))
      providers.push(new GfsProvider({ mode: "idx", baseUrl: env.GFS_BUCKET_URL || GFS_BUCKET_DEFAULT }));
    if (!off(env.COPERNICUSMARINE_STAC_URL)) {
      const zarr = env.COPERNICUSMARINE_ZARR_URL;
      providers.push(
        cmemsFrom(
          {
            type: "cmems",
            ...(env.COPERNICUSMARINE_STAC_URL ? { stacUrl: env.COPERNICUSMARINE_STAC_URL } : {}),
            ...(zarr ? { zarrUrls: { timeChunked: zarr } } : {}),
            ...(env.COPERNICUSMARINE_AUTH_URL !== undefined
              ? { authUrl: off(env.COPERNICUSMARINE_AUTH_URL) ? "" : env.COPERNICUSMARINE_AUTH_URL }
              : {}),
            product: env.COPERNICUSMARINE_PRODUCT || CMEMS_DEFAULTS.product,
            dataset: env.COPERNICUSMARINE_DATASET || CMEMS_DEFAULTS.dataset,
            ...(env.COPERNICUSMARINE_VARIABLES ? { variables: pairOf(env.COPERNICUSMARINE_VARIABLES) } : {}),
          },
          env,
        ),
      );
    }
  }
  return env.FORCING_PROVIDERS ? selectProviders(providers, env.FORCING_PROVIDERS.split(",")) : providers;
}

function pairOf(text: string): [string, string] {
  const parts = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length !== 2)
    throw new Error(`COPERNICUSMARINE_VARIABLES=${text}: expected two names, e.g. uo,vo`);
  return [parts[0], parts[1]];
}

/** The providers with these names, in configuration order; an unknown name is an error listing the known ones. */
export function selectProviders(providers: ForcingProvider[], names: string[]): ForcingProvider[] {
  const wanted = names.map((s) => s.trim()).filter(Boolean);
  const known = providers.map((p) => p.name);
  const unknown = wanted.filter((n) => !known.includes(n));
  if (unknown.length)
    throw new Error(
      `unknown forcing provider(s) ${unknown.join(", ")} (configured: ${known.join(", ") || "none"})`,
    );
  return providers.filter((p) => wanted.includes(p.name));
}
