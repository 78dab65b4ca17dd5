// Validation against observed drift on the results page (issue 23): upload the track of the object, a drifter or
// an SLDMB (CSV, GPX, GeoJSON or CF trajectory NetCDF); the mission's run is compared with it and the figures
// (separation at lead times, Liu–Weisberg skill, hit rates of the areas) and the picture are shown, the observed
// track drawn on the map. From a drifter's track it estimates a current correction (the bias over its last
// 6 h, POST …/corrections) and reruns the mission with it.

import { api, authHeaders } from "./api.js";
import { escapeHtml } from "./html.js";
import { L } from "./map.js";

const OBSERVED = "#d2141e";
const km = (/** @type {number | null} */ v) =>
  v === null || v === undefined ? "–" : `${v.toFixed(v < 10 ? 2 : 1)} km`;
const pct = (/** @type {number | null} */ v) =>
  v === null || v === undefined ? "–" : `${Math.round(v * 100)} %`;
const num = (/** @type {number | null} */ v) => (v === null || v === undefined ? "–" : v.toFixed(2));

/** Base64 of a file's bytes (NetCDF goes to the API as trackBase64). @param {ArrayBuffer} buffer */
function base64(buffer) {
  const bytes = new Uint8Array(buffer);
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export class ValidationPanel {
  /** @param {L.Map} map */
  constructor(map) {
    this.map = map;
    this.layer = L.layerGroup();
    /** @type {string | null} */ this.missionId = null;
    /** @type {any} */ this.validation = null;
    /** @type {any} */ this.mission = null;
    /** @type {any} */ this.body = null;
    /** @type {any} */ this.correction = null;
    /** @type {string[]} */ this.pictureUrls = [];
    this.root = document.createElement("section");
    this.root.className = "validation";
    this.root.dataset.testid = "validation";
  }

  /** A new mission: forget the last validation. @param {any} mission */
  reset(mission) {
    this.mission = mission;
    this.missionId = mission.id;
    this.validation = null;
    /** The last posted track (the correction reuses it). @type {any} */ this.body = null;
    /** @type {any} */ this.correction = null;
    this.layer.remove();
    this.layer.clearLayers();
    for (const url of this.pictureUrls) URL.revokeObjectURL(url);
    this.pictureUrls = [];
    this.render();
  }

  render(/** @type {string} */ message = "") {
    const v = this.validation;
    const drifterRows = v
      ? v.drifters
          .map((/** @type {any} */ d) => {
            const lead = (/** @type {string} */ label) =>
              d.leads.find((/** @type {any} */ l) => l.label === label);
            const leads = ["6 h", "12 h", "24 h", "end"]
              .filter((label) => lead(label))
              .map((label) => `${label} ${km(lead(label).centroidKm)}`)
              .join(" · ");
            return `<tr data-testid="validation-drifter"><td>${escapeHtml(d.id)}</td><td>${escapeHtml(leads)}</td><td>${num(d.skillCentroid.ss)}</td><td>${pct(d.hitRates["50"].rate)} / ${pct(d.hitRates["90"].rate)} / ${pct(d.hitRates["95"].rate)}</td></tr>`;
          })
          .join("")
      : "";
    const t = v?.total;
    this.root.innerHTML = `<h3>Validation against observed drift</h3>
      <p class="sub">Where did the object, a drifter or an SLDMB really go? Upload its track (CSV time,lon,lat[,id]; GPX; GeoJSON; NetCDF) to compare it with this forecast.</p>
      <p><label>Observed track <input type="file" id="validation-track" accept=".csv,.txt,.gpx,.geojson,.json,.nc" data-testid="validation-track"/></label></p>
      ${
        v
          ? `<table><tr><th>Drifter</th><th>Centroid separation</th><th>SS</th><th>Hit 50/90/95 %</th></tr>${drifterRows}</table>
        <p data-testid="validation-total">Total: Liu–Weisberg SS ${num(t.meanSsCentroid)} (mean 1 − s ${num(t.meanUnclippedCentroid)}); the 50/90/95 % areas held the observation ${pct(t.hitRates["50"].rate)} / ${pct(t.hitRates["90"].rate)} / ${pct(t.hitRates["95"].rate)} of the time (${t.hitRates["95"].n} output times).</p>
        ${this.pictureUrls.map((url, i) => `<img src="${url}" alt="Observed track ${i + 1} over the forecast" class="validation-picture" data-testid="validation-picture"/>`).join("")}
        <div class="downloads">${Object.entries(v.downloads)
          .filter(([file]) => !file.endsWith(".png"))
          .map(([file, url]) => `<a href="${escapeHtml(String(url))}" download>${escapeHtml(file)}</a>`)
          .join("")}</div>`
          : ""
      }
      ${
        v
          ? `<p><button type="button" class="small" id="estimate-correction" data-testid="estimate-correction">Estimate a current correction from this drifter</button></p>`
          : ""
      }
      ${
        this.correction
          ? `<p data-testid="correction">Current correction <b>${this.correction.speed.toFixed(2)} m/s towards ${Math.round(this.correction.direction)}°</b> (drifter ${escapeHtml(this.correction.drifter)}, ${escapeHtml(this.correction.from.slice(0, 16))} to ${escapeHtml(this.correction.to.slice(0, 16))} UTC; it was ${km(this.correction.separationKm)} off its own forecast).</p>
        <p><button type="button" class="small" id="rerun-corrected" data-testid="rerun-corrected">Rerun the mission with this correction</button></p>`
          : ""
      }
      <p class="echo" data-testid="validation-message">${escapeHtml(message)}</p>`;
    this.root.querySelector("#validation-track")?.addEventListener("change", async (event) => {
      const file = /** @type {HTMLInputElement} */ (event.target).files?.[0];
      if (file) await this.upload(file);
    });
    this.root.querySelector("#estimate-correction")?.addEventListener("click", () => void this.estimate());
    this.root.querySelector("#rerun-corrected")?.addEventListener("click", () => void this.rerun());
  }

  /** The current bias the drifter shows over its last 6 h (POST …/corrections). */
  async estimate() {
    if (!this.missionId || !this.body) return;
    this.render("Hindcasting the drifter and estimating the current bias …");
    try {
      const r = await api(`/api/v1/missions/${this.missionId}/corrections`, {
        method: "POST",
        body: this.body,
      });
      this.correction = r.data;
      this.render();
    } catch (error) {
      this.render(errorText(error));
    }
  }

  /** A new mission as this one (position, time, object, hours, particles, on-scene values) with the correction. */
  async rerun() {
    const m = this.mission;
    if (!m || !this.correction) return;
    const config = m.config ?? {};
    /** @type {Record<string, unknown>} */
    const body = {
      name: `${m.name ?? "Mission"} (current corrected)`.slice(0, 255),
      lastKnownLat: m.lastKnownLat,
      lastKnownLon: m.lastKnownLon,
      lastKnownTime: m.lastKnownTime,
      objectType: m.objectCategory?.key ?? m.objectType,
      forecastHours: m.forecastHours,
      particleCount: m.particleCount,
      uncertaintyRadiusM: m.uncertaintyRadiusM,
      currentCorrection: this.correction.currentCorrection,
    };
    if (config.on_scene_wind) body.onSceneWind = config.on_scene_wind;
    if (config.on_scene_current) body.onSceneCurrent = config.on_scene_current;
    if (config.time_step_seconds) body.timeStepSeconds = config.time_step_seconds;
    try {
      const r = await api("/api/v1/missions", { method: "POST", body });
      this.render(`Mission "${r.data.name}" queued with the correction: open it from Missions.`);
    } catch (error) {
      this.render(errorText(error));
    }
  }

  /** @param {File} file */
  async upload(file) {
    if (!this.missionId) return;
    this.render("Comparing the forecast with the track …");
    try {
      const buffer = await file.arrayBuffer();
      const head = new Uint8Array(buffer.slice(0, 4));
      const binary = (head[0] === 0x43 && head[1] === 0x44 && head[2] === 0x46) || head[1] === 0x48;
      const body = binary ? { trackBase64: base64(buffer) } : { track: new TextDecoder().decode(buffer) };
      this.body = body;
      this.correction = null;
      const r = await api(`/api/v1/missions/${this.missionId}/validations`, { method: "POST", body });
      this.validation = r.data;
      for (const url of this.pictureUrls) URL.revokeObjectURL(url);
      this.pictureUrls = [];
      for (const [name, url] of Object.entries(r.data.downloads)) {
        if (!name.endsWith(".png")) continue;
        const response = await fetch(String(url), { headers: authHeaders() });
        if (response.ok) this.pictureUrls.push(URL.createObjectURL(await response.blob()));
      }
      this.draw();
      this.render(`Compared with ${r.data.drifters.length} drifter(s).`);
    } catch (error) {
      this.render(errorText(error));
    }
  }

  /** The observed tracks (at the compared output times) on the map. */
  draw() {
    this.layer.clearLayers();
    for (const d of this.validation.drifters) {
      const line = d.points.map(
        (/** @type {any} */ p) => /** @type {[number, number]} */ ([p.observedLat, p.observedLon]),
      );
      L.polyline(line, { color: OBSERVED, weight: 3, opacity: 0.9 })
        .bindTooltip(`Observed: ${d.id}`)
        .addTo(this.layer);
      const last = line[line.length - 1];
      L.circleMarker(last, { radius: 5, color: OBSERVED, fillColor: OBSERVED, fillOpacity: 1 }).addTo(
        this.layer,
      );
    }
    this.layer.addTo(this.map);
  }
}

function errorText(/** @type {any} */ error) {
  const details = (error?.details ?? []).map((/** @type {any} */ d) => `${d.field}: ${d.message}`).join("; ");
  return `${error?.message ?? error}${details ? ` (${details})` : ""}`;
}
