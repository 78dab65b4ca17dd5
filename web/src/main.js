// The Driftline page: wires the form, the map, the mission list and the results view together.
import { ApiError, api, followMission, setApiKey } from "./api.js";
import { formatDecimal } from "./coords.js";
import { setForcingFiles, setupForm } from "./form.js";
import { escapeHtml } from "./html.js";
import { createMap, L, landAt } from "./map.js";
import { MissionList } from "./missions.js";
import { ResultsView, utcText } from "./results.js";

/** @param {string} id */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const map = createMap(byId("map"));
const tabs = {
  new: { tab: byId("tab-new"), panel: byId("panel-new") },
  missions: { tab: byId("tab-missions"), panel: byId("panel-missions") },
  results: { tab: byId("tab-results"), panel: byId("panel-results") },
};

/** @param {keyof typeof tabs} name */
function selectTab(name) {
  for (const [key, t] of Object.entries(tabs)) {
    const on = key === name;
    t.tab.setAttribute("aria-selected", String(on));
    t.tab.tabIndex = on ? 0 : -1;
    t.panel.hidden = !on;
  }
  if (name !== "results") results.clear();
  if (name === "new") lkpLayer.addTo(map);
  else lkpLayer.remove();
  if (name === "missions") {
    overviewLayer.addTo(map);
    const points = overviewLayer.getLayers().map((l) => /** @type {L.CircleMarker} */ (l).getLatLng());
    if (points.length > 0 && !points.some((p) => map.getBounds().contains(p))) {
      map.fitBounds(L.latLngBounds(points).pad(0.3), { maxZoom: 9 });
    }
  } else overviewLayer.remove();
  if (name === "results") /** @type {HTMLButtonElement} */ (tabs.results.tab).disabled = false;
}
for (const [key, t] of Object.entries(tabs)) {
  t.tab.addEventListener("click", () => selectTab(/** @type {keyof typeof tabs} */ (key)));
  // Arrow keys move between tabs (WAI-ARIA tabs pattern).
  t.tab.addEventListener("keydown", (event) => {
    const names = /** @type {(keyof typeof tabs)[]} */ (Object.keys(tabs)).filter(
      (n) => !(/** @type {HTMLButtonElement} */ (tabs[n].tab).disabled),
    );
    const i = names.indexOf(/** @type {keyof typeof tabs} */ (key));
    if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
      const next = names[(i + (event.key === "ArrowRight" ? 1 : names.length - 1)) % names.length];
      selectTab(next);
      tabs[next].tab.focus();
    }
  });
}

function toast(/** @type {string} */ text, /** @type {boolean} */ isError = false) {
  const el = byId("toast");
  el.textContent = text;
  el.className = isError ? "toast error" : "toast";
  el.hidden = false;
  clearTimeout(/** @type {any} */ (toast).timer);
  /** @type {any} */ (toast).timer = setTimeout(() => {
    el.hidden = true;
  }, 4000);
}

// The last known position while editing a new mission: marker and uncertainty circle.
const lkpLayer = L.layerGroup().addTo(map);
/** @type {L.Marker | null} */
let lkpMarker = null;
function showLkp(
  /** @type {number | null} */ lat,
  /** @type {number | null} */ lon,
  /** @type {number} */ radius,
) {
  lkpLayer.clearLayers();
  lkpMarker = null;
  if (lat === null || lon === null) return;
  if (radius > 0)
    L.circle([lat, lon], {
      radius,
      color: "#1d4ed8",
      weight: 1,
      fillOpacity: 0.08,
      interactive: false,
    }).addTo(lkpLayer);
  lkpMarker = L.marker([lat, lon], { draggable: true, title: "Last known position", keyboard: false }).addTo(
    lkpLayer,
  );
  lkpMarker.bindTooltip(formatDecimal(lat, lon), { className: "coord" });
  // A typed position off the screen: bring it into view.
  if (!map.getBounds().contains([lat, lon])) map.panInside([lat, lon], { padding: [60, 60] });
  lkpMarker.on("dragend", () => {
    const p = /** @type {L.Marker} */ (lkpMarker).getLatLng();
    form.setPosition(p.lat, p.lng);
  });
}

const results = new ResultsView(map, byId("results"), { onDelete: deleteMission });
// The missions' last known positions, shown while the mission list is open.
const overviewLayer = L.layerGroup();
const STATUS_COLOUR = {
  created: "#475467",
  queued: "#475467",
  processing: "#b54708",
  completed: "#1a7f37",
  failed: "#b42318",
};
function drawOverview(/** @type {any[]} */ missions) {
  overviewLayer.clearLayers();
  for (const m of missions) {
    if (m.lastKnownLat === null || m.lastKnownLon === null) continue;
    const colour = /** @type {Record<string, string>} */ (STATUS_COLOUR)[m.status] ?? "#475467";
    L.circleMarker([m.lastKnownLat, m.lastKnownLon], {
      radius: 7,
      color: "#fff",
      weight: 2,
      fillColor: colour,
      fillOpacity: 1,
    })
      .bindTooltip(`${escapeHtml(m.name ?? "(unnamed)")} · ${escapeHtml(m.status)}`)
      .on("click", () => openMission(m))
      .addTo(overviewLayer);
  }
}

const missionList = new MissionList(
  /** @type {HTMLUListElement} */ (byId("mission-list")),
  byId("mission-count"),
  /** @type {HTMLButtonElement} */ (byId("more-missions")),
  openMission,
  drawOverview,
);

/** @type {(() => void) | null} */
let stopFollowing = null;
/** The mission the results view follows: events of any other (earlier) mission are ignored. */
let followedId = "";

async function openMission(/** @type {any} */ mission) {
  stopFollowing?.();
  stopFollowing = null;
  followedId = mission.id;
  missionList.currentId = mission.id;
  missionList.render();
  selectTab("results");
  if (mission.status === "completed") {
    await showResults(mission);
    return;
  }
  results.showPending(mission);
  if (mission.status === "failed") return;
  const stop = followMission(mission.id, async (status) => {
    missionList.update(status);
    if (followedId !== mission.id) return;
    results.updatePending(status);
    if (status.status === "completed") {
      stop();
      try {
        const { data } = await api(`/api/v1/missions/${mission.id}`);
        if (followedId === mission.id) await showResults(data);
        if (results.result) toast(`“${data.name}” completed`);
      } catch (error) {
        toast(`Cannot show results: ${/** @type {Error} */ (error).message}`, true);
      }
    } else if (status.status === "failed") {
      stop();
      toast(`Mission failed: ${status.errorMessage ?? ""}`, true);
    }
  });
  stopFollowing = stop;
}

async function showResults(/** @type {any} */ mission) {
  try {
    await results.showCompleted(mission);
  } catch (error) {
    if (followedId !== mission.id) return;
    const message = `Cannot show results: ${/** @type {Error} */ (error).message}`;
    results.showFailure(mission, message);
    toast(message, true);
  }
}

async function deleteMission(/** @type {string} */ id) {
  if (!confirm("Delete this mission, its results and its files?")) return;
  try {
    await api(`/api/v1/missions/${id}`, { method: "DELETE" });
    results.clear();
    /** @type {HTMLButtonElement} */ (tabs.results.tab).disabled = true;
    selectTab("missions");
    missionList.refresh();
    toast("Mission deleted");
  } catch (error) {
    toast(/** @type {Error} */ (error).message, true);
  }
}

const form = await setupForm({
  onPositionChange: showLkp,
  isLand,
  onSubmitted: (mission) => {
    toast(`Mission “${mission.name}” queued`);
    missionList.refresh();
    openMission(mission);
  },
});

map.on("click", (event) => {
  if (tabs.new.panel.hidden) return;
  form.setPosition(event.latlng.lat, L.Util.wrapNum(event.latlng.lng, [-180, 180], true));
});

/**
 * Whether a point is on land: the server's answer by the land mask a run uses (GSHHG full resolution, with
 * where the run would move the particles), else the coastline the map shows (undefined while it has none).
 * @returns {Promise<{ land: boolean, nearestSea?: { lat: number, lon: number, distanceM: number } | null } | undefined>}
 */
async function isLand(/** @type {number} */ lat, /** @type {number} */ lon) {
  try {
    const answer = (await api(`/api/v1/coastline/land?lat=${lat}&lon=${lon}`)).data;
    if (typeof answer?.land === "boolean") return { land: answer.land, nearestSea: answer.nearestSea };
  } catch {
    // an older server or no shoreline: the map's coastline decides
  }
  const onMap = landAt(lat, lon);
  return onMap === undefined ? undefined : { land: onMap };
}
map.on("coastlineload", () => form.recheckLand());

// What this server is: embedded/open, and what forcing it has.
async function loadInfo() {
  try {
    const health = await api("/api/v1/health");
    const mode = byId("mode");
    mode.textContent = health.mode ?? "";
    mode.title = health.mode ?? "";
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) askForKey();
  }
  try {
    const coverage = await api("/api/v1/forcing/coverage");
    showCoverage(coverage.data ?? [], coverage.overlaps ?? []);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) askForKey();
  } finally {
    form.coverageKnown();
  }
}

const COVERAGE_COLOUR = { wind: "#0e7490", current: "#7c3aed" };

/**
 * Forcing coverage: each file outlined on the map; where wind and current overlap, a one-click demo that
 * puts the position at a sea point inside and the time at the start of the overlap.
 * @param {any[]} files @param {any[]} overlaps
 */
function showCoverage(files, overlaps) {
  setForcingFiles(files);
  const box = byId("coverage");
  box.textContent = "";
  if (files.length === 0) {
    box.textContent = "No forcing files are configured: enter on-scene wind and current below.";
    return;
  }
  const layer = L.layerGroup().addTo(map);
  for (const f of files) {
    const colour = f.variables.includes("wind") ? COVERAGE_COLOUR.wind : COVERAGE_COLOUR.current;
    // A box across the whole globe (or a degenerate one) says nothing on a map: skip it, keep the rest.
    if (!(f.north > f.south && f.east > f.west && f.east - f.west < 359)) continue;
    const style = { color: colour, weight: 1, dashArray: "4 4", fill: false, interactive: false };
    // A projected grid (polar stereographic, Lambert …) is drawn as its real outline, not its lon/lat box.
    if (Array.isArray(f.outline) && f.outline.length > 3)
      L.polygon(
        f.outline.map((/** @type {[number, number]} */ p) => /** @type {[number, number]} */ ([p[1], p[0]])),
        style,
      ).addTo(layer);
    else
      L.rectangle(
        [
          [f.south, f.west],
          [f.north, f.east],
        ],
        style,
      ).addTo(layer);
  }
  const legend = document.createElement("div");
  legend.className = "coverage-legend";
  legend.dataset.testid = "coverage-legend";
  legend.innerHTML = `<span style="color:${COVERAGE_COLOUR.wind}">wind data</span><span style="color:${COVERAGE_COLOUR.current}">current data</span>`;
  box.append(legend);
  const title = document.createElement("div");
  title.textContent = overlaps.length
    ? "Wind and current data cover (no on-scene values needed):"
    : `Forcing files cover only ${[...new Set(files.flatMap((f) => f.variables))].join(" and ")}: give the other on-scene.`;
  box.append(title);
  overlaps.forEach((o, i) => {
    const start = Date.parse(o.start) / 1000;
    const end = Date.parse(o.end) / 1000;
    const line = document.createElement("div");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "small";
    button.textContent = "Use";
    button.setAttribute("aria-label", `Use forcing area ${i + 1} for the position and time`);
    button.dataset.testid = "use-forcing";
    button.addEventListener("click", () => {
      const lat = o.suggestion?.lat ?? (o.south + o.north) / 2;
      const lon = o.suggestion?.lon ?? (o.west + o.east) / 2;
      form.setPosition(lat, lon);
      form.setTime(new Date(start * 1000));
      map.setView([lat, lon], 8);
    });
    const text = `${o.west.toFixed(1)}…${o.east.toFixed(1)}°E ${o.south.toFixed(1)}…${o.north.toFixed(1)}°N, ${utcText(start).slice(0, 16)} – ${utcText(end).slice(5, 16)} UTC`;
    line.append(button, ` ${text}`);
    line.title = `wind: ${o.wind}; current: ${o.current}`;
    box.append(line);
  });
  // A first click-and-run should work: default the time to the start of the first overlap.
  if (overlaps[0]) form.suggestTime(new Date(Date.parse(overlaps[0].start)));
  const first = overlaps[0] ?? files[0];
  if (first)
    map.fitBounds(L.latLngBounds([first.south, first.west], [first.north, first.east]).pad(0.1), {
      maxZoom: 8,
    });
}

function askForKey() {
  const dialog = /** @type {HTMLDialogElement} */ (byId("key-dialog"));
  if (dialog.open) return;
  dialog.showModal();
  dialog.addEventListener(
    "close",
    () => {
      setApiKey(/** @type {HTMLInputElement} */ (byId("key-input")).value.trim());
      location.reload();
    },
    { once: true },
  );
}

loadInfo();
missionList.refresh();
selectTab("new");
