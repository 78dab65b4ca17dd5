// The new-mission form: position by click or typing (decimal or degrees-minutes), time, object type picker
// with search, forecast settings, optional on-scene wind/current. Errors appear next to their field.
import { api } from "./api.js";
import { formatDecimal, formatPosition, parseCoordinate } from "./coords.js";

/** @param {string} id */
const $ = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

/** Field name (as the API reports it) → the input to mark invalid. */
const FIELD_INPUT = {
  name: "f-name",
  lastKnownLat: "f-lat",
  lastKnownLon: "f-lon",
  lastKnownTime: "f-time",
  objectType: "f-object",
  forecastHours: "f-hours",
  particleCount: "f-particles",
  ensembleSize: "f-particles",
  uncertaintyRadiusM: "f-radius",
  timeStepSeconds: "f-timestep",
  "onSceneWind.speed": "f-wind-speed",
  "onSceneWind.direction": "f-wind-dir",
  "onSceneCurrent.speed": "f-current-speed",
  "onSceneCurrent.direction": "f-current-dir",
  "scenarios.1.weight": "f-s2-weight",
  "scenarios.1.lastKnownLat": "f-s2-lat",
  "scenarios.1.lastKnownLon": "f-s2-lon",
  "scenarios.1.lastKnownTime": "f-s2-start",
  "scenarios.1.endTime": "f-s2-end",
  "scenarios.1.objectType": "f-s2-object",
  "scenarios.1.uncertaintyRadiusM": "f-s2-radius",
};

export function clearErrors() {
  for (const el of document.querySelectorAll("#mission-form .error")) el.textContent = "";
  for (const el of document.querySelectorAll("#mission-form [aria-invalid]"))
    el.removeAttribute("aria-invalid");
}

/**
 * Shows an error under its field (or in the form's error box when the field is unknown).
 * @param {string} field
 * @param {string} message
 */
export function showError(field, message) {
  const box = document.getElementById(`err-${field}`) ?? document.getElementById("err-form");
  if (box) box.textContent = box.textContent ? `${box.textContent}; ${message}` : message;
  const inputId = /** @type {Record<string, string>} */ (FIELD_INPUT)[field];
  const input = inputId ? document.getElementById(inputId) : null;
  if (input) input.setAttribute("aria-invalid", "true");
  const details = document.getElementById("on-scene");
  if (details && field.startsWith("onScene")) /** @type {HTMLDetailsElement} */ (details).open = true;
  const second = document.getElementById("second-scenario");
  if (second && field.startsWith("scenarios")) /** @type {HTMLDetailsElement} */ (second).open = true;
  const ensemble = document.getElementById("forcing-ensemble");
  if (ensemble && field.startsWith("forcingEnsemble"))
    /** @type {HTMLDetailsElement} */ (ensemble).open = true;
}

/** @type {{ name: string, variables: string[] }[]} */
let forcingFiles = [];

/**
 * The forcing files the server has (GET /api/v1/forcing/coverage), offered as members of a forcing ensemble:
 * a checkbox per file that has the chosen variable.
 * @param {{ name: string, variables: string[] }[]} files
 */
export function setForcingFiles(files) {
  forcingFiles = files;
  renderEnsembleFiles();
}

function renderEnsembleFiles() {
  const box = document.getElementById("f-ens-files");
  if (!box) return;
  const variable = $("f-ens-variable").value;
  const names = [...new Set(forcingFiles.filter((f) => f.variables.includes(variable)).map((f) => f.name))];
  box.textContent = "";
  if (names.length < 2) {
    box.textContent = `The server has ${names.length === 0 ? "no" : "one"} ${variable} file: an ensemble needs two or more.`;
    return;
  }
  for (const name of names) {
    const label = document.createElement("label");
    label.className = "check";
    const input = document.createElement("input");
    input.type = "checkbox";
    input.value = name;
    input.dataset.ensembleFile = name;
    label.append(input, ` ${name}`);
    box.append(label);
  }
}

/**
 * The ticked ensemble files as the API's forcingEnsemble, or undefined when none is ticked.
 * @param {(field: string, message: string) => void} fail
 */
function collectEnsemble(fail) {
  const ticked = [...document.querySelectorAll("#f-ens-files input:checked")].map(
    (el) => /** @type {HTMLInputElement} */ (el).value,
  );
  if (ticked.length === 0) return undefined;
  if (ticked.length < 2) fail("forcingEnsemble.files", "tick at least two files (one member each)");
  return { variable: $("f-ens-variable").value, files: ticked };
}

/** "YYYY-MM-DD HH:MM" of a Date in UTC, 24-hour (the input shows UTC; see the label). */
export function utcInputValue(/** @type {Date} */ d) {
  return d.toISOString().slice(0, 16).replace("T", " ");
}

/** "2016-02-01 12:00" (or with a T) → "2016-02-01T12:00:00Z"; undefined when it is not such a time. */
export function parseUtcInput(/** @type {string} */ text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/.exec(text.trim());
  if (!m || Number(m[4]) > 23 || Number(m[5]) > 59) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00Z`;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso.slice(0, 10) ? undefined : iso;
}

/** @type {{ id: number, key: string, description: string, level: number, group: string, commonNames: string[] }[]} */
let categories = [];

/** Names compared as the API compares them: without case, spaces, hyphens or underscores. */
const norm = (/** @type {string} */ s) => s.toLowerCase().replace(/[\s_-]+/g, "");

/**
 * How well a category matches the search: 0 an exact common name, key or id ("debris" → FV-DEBRIS, as the
 * API maps it), 1 a common name starting with it, 2 a word of the description starting with it, 3 it
 * appears somewhere; -1 no match.
 * @param {typeof categories[number]} c @param {string} q
 */
function matchRank(c, q) {
  if (q === "") return 3;
  const n = norm(q);
  if (c.commonNames.some((x) => norm(x) === n) || norm(c.key) === n || String(c.id) === q.trim()) return 0;
  if (c.commonNames.some((x) => norm(x).startsWith(n))) return 1;
  const words = `${c.description} ${c.key}`.toLowerCase().split(/[^a-z0-9]+/);
  const first = q.trim().toLowerCase().split(/\s+/)[0];
  if (words.some((w) => w.startsWith(first)) && c.description.toLowerCase().includes(q.trim().toLowerCase()))
    return 2;
  const hay = norm(`${c.key} ${c.description} ${c.group} ${c.commonNames.join(" ")}`);
  return hay.includes(n) ? 3 : -1;
}

/** Fills the object type list, filtered by the search text: best matches first, and selects the best. */
function renderObjectOptions(/** @type {string} */ query, keepSelection = false) {
  const select = /** @type {HTMLSelectElement} */ (document.getElementById("f-object"));
  const previous = select.value;
  const q = query.trim();
  select.textContent = "";
  const ranked = categories.map((c) => ({ c, r: matchRank(c, q) })).filter((x) => x.r >= 0);
  const best = ranked.length ? Math.min(...ranked.map((x) => x.r)) : -1;

  const common = document.createElement("optgroup");
  common.label = q === "" ? "Common" : "Best matches";
  const commonOrder = [1, 7, 44, 50, 66, 74];
  const top =
    q === ""
      ? ranked
          .filter((x) => x.c.commonNames.length > 0)
          .sort((a, b) => rank(a.c.id, commonOrder) - rank(b.c.id, commonOrder) || a.c.id - b.c.id)
      : ranked.filter((x) => x.r === best && best <= 1).sort((a, b) => a.c.id - b.c.id);
  for (const { c } of top) {
    const exact = c.commonNames.find((n) => norm(n) === norm(q));
    const name = exact ?? c.commonNames.find((n) => n.includes(" ")) ?? c.commonNames[0] ?? c.description;
    const option = new Option(`${capitalise(name)} (${c.key})`, String(c.id));
    option.title = `${c.description}. Also: ${c.commonNames.join(", ")}`;
    common.append(option);
  }
  if (common.children.length > 0) select.append(common);

  appendGroups(
    select,
    ranked.map((x) => x.c),
  );
  if (select.options.length === 0) {
    const none = new Option("No category matches; try “raft”, “person”, “boat”", "");
    none.disabled = true;
    select.append(none);
  }
  // A new search selects its best match (the first option); otherwise the choice stays if still listed.
  const stillThere = keepSelection && [...select.options].find((o) => o.value === previous && !o.disabled);
  if (stillThere) stillThere.selected = true;
  else if (select.options[0] && !select.options[0].disabled) select.options[0].selected = true;
  echoObject();
}

/** Position in the preferred order, or after it. */
function rank(/** @type {number} */ id, /** @type {number[]} */ order) {
  const i = order.indexOf(id);
  return i < 0 ? order.length : i;
}

function capitalise(/** @type {string} */ s) {
  return s.length <= 4 && s === s.toLowerCase() ? s.toUpperCase() : s[0].toUpperCase() + s.slice(1);
}

/** The second scenario's object types: every category by group, a person in water first chosen. */
function renderSecondObjectOptions() {
  const select = /** @type {HTMLSelectElement} */ (document.getElementById("f-s2-object"));
  if (!select) return;
  select.textContent = "";
  appendGroups(select, categories);
  select.value = "1";
}

/** Appends the categories to a select, one optgroup per group, sub-classes indented. */
function appendGroups(/** @type {HTMLSelectElement} */ select, /** @type {typeof categories} */ list) {
  /** @type {Map<string, HTMLOptGroupElement>} */
  const groups = new Map();
  for (const c of list) {
    let group = groups.get(c.group);
    if (!group) {
      group = document.createElement("optgroup");
      group.label = c.group;
      groups.set(c.group, group);
      select.append(group);
    }
    const indent = "\u00a0\u00a0".repeat(c.level);
    const option = new Option(`${indent}${c.description} (${c.key})`, `${c.id}`);
    option.title = `${c.key}: ${c.description}`;
    group.append(option);
  }
}

function echoObject() {
  const select = /** @type {HTMLSelectElement} */ (document.getElementById("f-object"));
  const c = categories.find((x) => String(x.id) === select.value);
  const echo = document.getElementById("object-echo");
  if (echo)
    echo.textContent = c ? `Selected: ${c.description} (${c.key}, category ${c.id})` : "Nothing selected";
}

/**
 * Sets up the form.
 * @param {{ onPositionChange: (lat: number | null, lon: number | null, radiusM: number) => void,
 *           onSubmitted: (mission: any) => void,
 *           isLand?: (lat: number, lon: number) => Promise<{ land: boolean, nearestSea?: { lat: number, lon: number, distanceM: number } | null } | undefined> }} hooks
 */
export async function setupForm(hooks) {
  const timeInput = $("f-time");
  const now = new Date();
  now.setUTCMinutes(0, 0, 0);
  timeInput.value = utcInputValue(now);
  // Until the user types a time, the page may replace "now" with a time the configured forcing covers.
  let timeTouched = false;
  // Settled once the server has said what its forcing covers (a cold server takes seconds): a Run clicked
  // before waits for it, so that a first click-and-run uses the covered time rather than "now".
  /** @type {() => void} */
  let settleTime = () => {};
  const timeSettled = new Promise((resolve) => {
    settleTime = () => resolve(undefined);
  });
  timeInput.addEventListener("input", () => {
    timeTouched = true;
  });
  $("f-time-now").addEventListener("click", () => {
    timeTouched = true;
    timeInput.value = utcInputValue(new Date());
  });

  const readPosition = () => {
    const lat = parseCoordinate($("f-lat").value, "lat");
    const lon = parseCoordinate($("f-lon").value, "lon");
    return { lat, lon };
  };
  const echoPosition = () => {
    const { lat, lon } = readPosition();
    const echo = document.getElementById("pos-echo");
    const ok = "value" in lat && "value" in lon;
    if (echo)
      echo.textContent = ok
        ? `${formatPosition(lat.value, lon.value)} · ${formatDecimal(lat.value, lon.value)}`
        : "";
    hooks.onPositionChange(ok ? lat.value : null, ok ? lon.value : null, Number($("f-radius").value) || 0);
    void warnIfLand(ok ? lat.value : null, ok ? lon.value : null);
  };
  // The coastline says whether the position is on land: the run would move the particles to sea.
  let landCheck = 0;
  const warnIfLand = async (/** @type {number | null} */ lat, /** @type {number | null} */ lon) => {
    const box = document.getElementById("land-warning");
    if (!box) return;
    const ticket = ++landCheck;
    // Typing sends an input event per key: ask once the position has stayed put for a moment.
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (ticket !== landCheck) return;
    const answer = lat !== null && lon !== null && hooks.isLand ? await hooks.isLand(lat, lon) : undefined;
    if (ticket !== landCheck) return;
    const land = answer?.land === true;
    box.hidden = !land; // unknown (no coastline there yet) shows nothing: asked again when it loads
    const sea = answer?.nearestSea;
    const where = sea
      ? `, ${Math.round(sea.distanceM).toLocaleString("en")} m away (${formatPosition(sea.lat, sea.lon)})`
      : "";
    box.textContent = land
      ? `This position is on land (GSHHG coastline, full resolution). The run would move every particle to the nearest sea point${where}: check the position.`
      : "";
  };
  for (const id of ["f-lat", "f-lon", "f-radius"]) $(id).addEventListener("input", echoPosition);
  for (const [id, axis] of /** @type {const} */ ([
    ["f-lat", "lat"],
    ["f-lon", "lon"],
  ])) {
    $(id).addEventListener("blur", () => {
      const parsed = parseCoordinate($(id).value, axis);
      const field = axis === "lat" ? "lastKnownLat" : "lastKnownLon";
      const box = document.getElementById(`err-${field}`);
      if (box) box.textContent = "";
      $(id).removeAttribute("aria-invalid");
      if ($(id).value.trim() !== "" && "error" in parsed) showError(field, parsed.error);
    });
  }

  const search = $("f-object-search");
  const select = /** @type {HTMLSelectElement} */ (document.getElementById("f-object"));
  search.addEventListener("input", () => renderObjectOptions(search.value));
  search.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      select.focus();
    }
  });
  select.addEventListener("change", echoObject);
  $("f-ens-variable").addEventListener("change", renderEnsembleFiles);
  try {
    const listing = await api("/api/v1/object-types");
    categories = listing.data.flatMap((/** @type {any} */ g) =>
      g.categories.map((/** @type {any} */ c) => ({ ...c, group: g.group })),
    );
  } catch {
    showError("objectType", "could not load the object types from the server");
  }
  renderObjectOptions("", true);
  renderSecondObjectOptions();

  const form = /** @type {HTMLFormElement} */ (document.getElementById("mission-form"));
  const submit = /** @type {HTMLButtonElement} */ (document.getElementById("submit"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!timeTouched)
      await Promise.race([timeSettled, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    clearErrors();
    const body = collect();
    if (!body) {
      focusFirstError();
      return;
    }
    submit.disabled = true;
    submit.textContent = "Submitting …";
    try {
      const { data } = await api("/api/v1/missions", { method: "POST", body });
      hooks.onSubmitted(data);
    } catch (error) {
      const e = /** @type {any} */ (error);
      if (e.details?.length) for (const d of e.details) showError(d.field, d.message);
      else showError("form", e.message);
      focusFirstError();
    } finally {
      submit.disabled = false;
      submit.textContent = "Run drift forecast";
    }
  });

  return {
    /** Sets the position from a map click. */
    setPosition(/** @type {number} */ lat, /** @type {number} */ lon) {
      $("f-lat").value = lat.toFixed(5);
      $("f-lon").value = lon.toFixed(5);
      for (const f of ["lastKnownLat", "lastKnownLon"]) {
        const box = document.getElementById(`err-${f}`);
        if (box) box.textContent = "";
      }
      $("f-lat").removeAttribute("aria-invalid");
      $("f-lon").removeAttribute("aria-invalid");
      echoPosition();
    },
    setTime(/** @type {Date} */ d) {
      timeInput.value = utcInputValue(d);
    },
    /** Checks the position against the coastline again (the map has loaded more of it). */
    recheckLand() {
      const { lat, lon } = readPosition();
      if ("value" in lat && "value" in lon) void warnIfLand(lat.value, lon.value);
    },
    /** A default time the configured forcing covers, unless the user has set one. */
    suggestTime(/** @type {Date} */ d) {
      if (!timeTouched) timeInput.value = utcInputValue(d);
      settleTime();
    },
    /** The server has answered what its forcing covers (a suggested time, if any, came before). */
    coverageKnown() {
      settleTime();
    },
  };
}

function focusFirstError() {
  const invalid = /** @type {HTMLElement | null} */ (
    document.querySelector("#mission-form [aria-invalid='true']")
  );
  invalid?.focus();
}

/** Reads the form; shows local errors and returns undefined when something is wrong. */
function collect() {
  /** @type {Record<string, unknown>} */
  const body = {};
  let ok = true;
  const fail = (/** @type {string} */ field, /** @type {string} */ message) => {
    showError(field, message);
    ok = false;
  };
  const name = $("f-name").value.trim();
  if (!name) fail("name", "give the mission a name");
  body.name = name;
  const lat = parseCoordinate($("f-lat").value, "lat");
  const lon = parseCoordinate($("f-lon").value, "lon");
  if ("error" in lat)
    fail("lastKnownLat", lat.error === "required" ? "click the map or type a latitude" : lat.error);
  else body.lastKnownLat = lat.value;
  if ("error" in lon)
    fail("lastKnownLon", lon.error === "required" ? "click the map or type a longitude" : lon.error);
  else body.lastKnownLon = lon.value;
  const time = $("f-time").value.trim();
  const iso = parseUtcInput(time);
  if (!time) fail("lastKnownTime", "give the time of the last sighting (UTC)");
  else if (!iso) fail("lastKnownTime", "Time of last sighting: YYYY-MM-DD HH:MM, 24-hour UTC");
  else body.lastKnownTime = iso;
  const select = /** @type {HTMLSelectElement} */ (document.getElementById("f-object"));
  if (!select.value) fail("objectType", "choose what is adrift");
  else body.objectType = Number(select.value);
  for (const [field, id] of [
    ["forecastHours", "f-hours"],
    ["particleCount", "f-particles"],
    ["uncertaintyRadiusM", "f-radius"],
    ["timeStepSeconds", "f-timestep"],
  ]) {
    const text = $(id).value.trim();
    if (text === "") continue;
    const n = Number(text);
    if (!Number.isFinite(n)) fail(field, "must be a number");
    else body[field] = n;
  }
  if (/** @type {HTMLInputElement} */ ($("f-partial")).checked) body.allowPartial = true;
  body.backtracking =
    /** @type {HTMLInputElement} */ (document.querySelector("input[name=direction]:checked"))?.value ===
    "backward";
  for (const [kind, speedId, dirId] of [
    ["onSceneWind", "f-wind-speed", "f-wind-dir"],
    ["onSceneCurrent", "f-current-speed", "f-current-dir"],
  ]) {
    const speed = $(speedId).value.trim();
    const dir = $(dirId).value.trim();
    if (speed === "" && dir === "") continue;
    if (speed === "") fail(`${kind}.speed`, "give the speed too (m/s)");
    if (dir === "") fail(`${kind}.direction`, "give the direction too (degrees)");
    body[kind] = { speed: Number(speed), direction: Number(dir) };
  }
  const scenarios = collectScenarios(body, fail);
  if (scenarios) body.scenarios = scenarios;
  const ensemble = collectEnsemble(fail);
  if (ensemble) body.forcingEnsemble = ensemble;
  return ok ? body : undefined;
}

/**
 * With "Add a second scenario" ticked: the mission as two weighted scenarios, the first as the form above
 * says, the second with its own position, time window, object type and radius (blank: as the first).
 * @param {Record<string, unknown>} body the mission read so far
 * @param {(field: string, message: string) => void} fail
 */
function collectScenarios(body, fail) {
  if (!(/** @type {HTMLInputElement} */ ($("f-s2-on")).checked)) return undefined;
  const weight = Number($("f-s2-weight").value);
  if (!(weight > 0 && weight < 100)) fail("scenarios.1.weight", "give the second scenario's weight, 1–99 %");
  /** @type {Record<string, unknown>} */
  const second = {
    name: $("f-s2-name").value.trim() || "second scenario",
    weight: weight / 100,
    objectType: Number(/** @type {HTMLSelectElement} */ (document.getElementById("f-s2-object")).value) || 1,
    lastKnownLat: body.lastKnownLat,
    lastKnownLon: body.lastKnownLon,
  };
  for (const [id, field, axis] of /** @type {const} */ ([
    ["f-s2-lat", "lastKnownLat", "lat"],
    ["f-s2-lon", "lastKnownLon", "lon"],
  ])) {
    if ($(id).value.trim() === "") continue;
    const parsed = parseCoordinate($(id).value, axis);
    if ("error" in parsed) fail(`scenarios.1.${field}`, parsed.error);
    else second[field] = parsed.value;
  }
  for (const [id, field] of [
    ["f-s2-start", "lastKnownTime"],
    ["f-s2-end", "endTime"],
  ]) {
    const text = $(id).value.trim();
    if (text === "") continue;
    const iso = parseUtcInput(text);
    if (!iso) fail(`scenarios.1.${field}`, "YYYY-MM-DD HH:MM, 24-hour UTC");
    else second[field] = iso;
  }
  const radius = $("f-s2-radius").value.trim();
  if (radius !== "") second.uncertaintyRadiusM = Number(radius);
  const first = {
    name: $("f-s1-name").value.trim() || "as reported",
    weight: 1 - weight / 100,
    objectType: body.objectType,
    lastKnownLat: body.lastKnownLat,
    lastKnownLon: body.lastKnownLon,
  };
  return [first, second];
}
