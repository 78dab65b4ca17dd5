// Best-effort parameter names for the GRIB2 fields a drift forecast meets (WMO code table 4.2).
// `abbrev` follows the NCEP/WMO abbreviations (UGRD), `shortName` the ecCodes ones (10u, u, msl).

interface ParameterName {
  abbrev: string;
  shortName: string;
}

// key: discipline * 65536 + category * 256 + number
const TABLE = new Map<number, ParameterName>();
function def(discipline: number, category: number, number: number, abbrev: string, shortName: string): void {
  TABLE.set(discipline * 65536 + category * 256 + number, { abbrev, shortName });
}

def(0, 0, 0, "TMP", "t");
def(0, 0, 6, "DPT", "d");
def(0, 1, 0, "SPFH", "q");
def(0, 1, 1, "RH", "r");
def(0, 1, 8, "APCP", "tp");
def(0, 2, 0, "WDIR", "wdir");
def(0, 2, 1, "WIND", "ws");
def(0, 2, 2, "UGRD", "u");
def(0, 2, 3, "VGRD", "v");
def(0, 2, 8, "VVEL", "w");
def(0, 2, 22, "GUST", "gust");
def(0, 3, 0, "PRES", "pres");
def(0, 3, 1, "PRMSL", "prmsl");
def(0, 3, 5, "HGT", "gh");
def(0, 6, 1, "TCDC", "tcc");
def(0, 19, 0, "VIS", "vis");
def(2, 0, 0, "LAND", "lsm");
def(10, 0, 3, "HTSGW", "swh");
def(10, 0, 4, "WVDIR", "mdww");
def(10, 0, 5, "WVHGT", "shww");
def(10, 0, 14, "DIRPW", "mwd");
def(10, 0, 15, "PERPW", "mwp");
def(10, 1, 0, "DIRC", "dirc");
def(10, 1, 1, "SPC", "spc");
def(10, 1, 2, "UOGRD", "ucurr");
def(10, 1, 3, "VOGRD", "vcurr");
def(10, 2, 0, "ICEC", "ci");
def(10, 3, 0, "WTMP", "sst");

/** Level type 103: height above ground in metres; ecCodes prefixes the height for a few parameters. */
const HEIGHT_PREFIXED = new Set(["u", "v", "t", "d", "ws", "gust"]);

/** Names for a parameter at a level; unknown parameters get "var{d}_{c}_{n}" (abbrev) and "unknown". */
export function parameterNames(
  discipline: number,
  category: number,
  number: number,
  levelType: number,
  levelValue: number,
): ParameterName {
  const known = TABLE.get(discipline * 65536 + category * 256 + number);
  if (!known) return { abbrev: `var${discipline}_${category}_${number}`, shortName: "unknown" };
  let shortName = known.shortName;
  if (
    levelType === 103 &&
    HEIGHT_PREFIXED.has(shortName) &&
    (levelValue === 2 || levelValue === 10 || levelValue === 100)
  ) {
    shortName = `${levelValue}${shortName === "ws" ? "si" : shortName === "gust" ? "fg" : shortName}`;
  }
  // ecCodes calls mean-sea-level pressure "msl" whether it is coded as PRES at level 101 or as PRMSL.
  if (discipline === 0 && category === 3 && (number === 1 || (number === 0 && levelType === 101)))
    shortName = "msl";
  if (discipline === 0 && category === 3 && number === 0 && levelType === 1) shortName = "sp";
  return { abbrev: known.abbrev, shortName };
}
