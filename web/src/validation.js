// Validation against observed drift on the results page (issue 23): upload the track of the object, a drifter or
// an SLDMB (CSV, GPX, GeoJSON or CF trajectory NetCDF); the mission's run is compared with it and the figures
// (separation at lead times, Liu–Weisberg skill, hit rates of the areas) and the picture are shown, the observed
// track drawn on the map.

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
    /** @type {string[]} */ this.pictureUrls = [];
    this.root = document.createElement("section");
    this.root.className = "validation";
    this.root.dataset.testid = "validation";
  }

  /** A new mission: forget the last validation. @param {string} id */
  reset(id) {
    this.missionId = id;
    this.validation = null;
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
      <p class="echo" data-testid="validation-message">${escapeHtml(message)}</p>`;
    this.root.querySelector("#validation-track")?.addEventListener("change", async (event) => {
      const file = /** @type {HTMLInputElement} */ (event.target).files?.[0];
      if (file) await this.upload(file);
    });
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
      const e = /** @type {any} */ (error);
      const details = (e?.details ?? []).map((/** @type {any} */ d) => `${d.field}: ${d.message}`).join("; ");
      this.render(`${e?.message ?? e}${details ? ` (${details})` : ""}`);
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
