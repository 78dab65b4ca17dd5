// Where a forcing ensemble's members agree, on the page (issue 21): agreement.geojson's outlines (the cells
// where at least 25, 50, 75 and 100 % of the members' weight have the cell in their own 90 % area) drawn over
// the combined picture, darker where more agree, and a table of the members (weight, particles, 90 % area).

import { authHeaders } from "./api.js";
import { escapeHtml } from "./html.js";
import { L } from "./map.js";

const COLOUR = "#0f766e";

export class AgreementLayer {
  /** @param {L.Map} map */
  constructor(map) {
    this.map = map;
    /** The members as agreement.geojson lists them. @type {any[]} */
    this.members = [];
    /** Time of the layer (ISO), when there is one. @type {string | null} */
    this.time = null;
    this.layer = L.geoJSON(undefined, {
      pane: "areas",
      style: (f) => {
        const share = Number(f?.properties?.min_share ?? 0);
        return {
          color: COLOUR,
          weight: share === 1 ? 2 : 1,
          fillColor: COLOUR,
          fillOpacity: 0.06 + 0.1 * share,
        };
      },
      onEachFeature: (f, layer) => {
        const p = f.properties ?? {};
        layer.bindTooltip(
          `Ensemble agreement: ${escapeHtml(String(p.label))} (${Number(p.area_km2).toFixed(1)} km²)`,
          { sticky: true },
        );
      },
    });
  }

  /** True when the mission had a forcing ensemble (members to compare). */
  get present() {
    return this.members.length > 1;
  }

  clear() {
    this.layer.remove();
    this.layer.clearLayers();
    this.members = [];
    this.time = null;
  }

  /**
   * Reads agreement.geojson when stored; without a forcing ensemble it holds no features and nothing is drawn.
   * @param {string} id @param {any} result
   */
  async load(id, result) {
    this.clear();
    if (!result.downloads.some((/** @type {any} */ d) => d.format === "agreement")) return;
    try {
      const response = await fetch(`/api/v1/missions/${id}/results/download?format=agreement`, {
        headers: authHeaders(),
      });
      if (!response.ok) return;
      const collection = await response.json();
      this.members = collection.properties?.members ?? [];
      this.time = collection.properties?.time ?? null;
      this.layer.addData(collection);
    } catch {
      this.members = [];
    }
  }

  /** The members table of the results panel ("" without an ensemble). */
  panelHtml() {
    if (!this.present) return "";
    const rows = this.members
      .map(
        (/** @type {any} */ m) =>
          `<tr><td>${escapeHtml(String(m.name))}</td><td>${(100 * Number(m.weight)).toFixed(0)} %</td><td>${Number(m.particles).toLocaleString("en")}</td><td>${Number(m.area_90_km2).toFixed(1)}</td></tr>`,
      )
      .join("");
    return `<h3>Forcing ensemble</h3>
      <table class="members" data-testid="ensemble-members"><tr><th>Member</th><th>Weight</th><th>Particles</th><th>Own 90 % km²</th></tr>${rows}</table>
      <div class="hint">the green outlines: where at least 25, 50, 75 % and all of the members' weight have the cell in their own 90 % area${this.time ? ` (at ${escapeHtml(this.time.slice(0, 16).replace("T", " "))} UTC)` : ""}</div>`;
  }
}
