// A mission's weighted scenarios on the page: from search_areas.geojson's layer per scenario (kinds
// "scenario_release" and "scenario_search_area"), a table of them (weight, object, its own areas at the time
// shown) and, for each one ticked, its release and its own 50 and 90 % areas drawn in its colour over the
// combined picture.

import { escapeHtml } from "./html.js";
import { L } from "./map.js";

/** One colour per scenario (cycled). */
const COLOURS = ["#7c3aed", "#0891b2", "#db2777", "#16a34a", "#ea580c", "#4f46e5"];

export class ScenarioLayers {
  /** @param {L.Map} map */
  constructor(map) {
    this.map = map;
    /** The scenarios in order, from their release features. @type {{ index: number, props: any, geometry: any, shown: boolean }[]} */
    this.list = [];
    /** Each scenario's own areas. @type {any[]} */
    this.areas = [];
    this.layer = L.geoJSON(undefined, {
      pane: "areas",
      style: (f) => {
        const colour = COLOURS[(f?.properties?.scenario_index ?? 0) % COLOURS.length];
        const release = f?.properties?.kind === "scenario_release";
        return {
          color: colour,
          weight: release ? 3 : 2,
          fillColor: colour,
          fillOpacity: release ? 0.12 : 0.05,
          dashArray: f?.properties?.percent === 90 ? "6 4" : undefined,
        };
      },
      pointToLayer: (f, latlng) =>
        L.circleMarker(latlng, {
          radius: 6,
          color: "#fff",
          weight: 2,
          fillColor: COLOURS[(f.properties?.scenario_index ?? 0) % COLOURS.length],
          fillOpacity: 1,
        }),
      onEachFeature: (f, layer) => {
        const p = f.properties ?? {};
        const what =
          p.kind === "scenario_release"
            ? `release (${p.object_type}, ${(p.weight * 100).toFixed(0)} %)`
            : `${p.percent} % area on its own · ${Number(p.area_km2).toFixed(1)} km²`;
        layer.bindTooltip(`${escapeHtml(p.scenario)}: ${escapeHtml(what)}`, { sticky: true });
      },
    });
  }

  clear() {
    this.list = [];
    this.areas = [];
    this.layer.clearLayers();
    this.layer.remove();
  }

  /** Takes a feature of search_areas.geojson when it belongs to a scenario's layer; true when taken. */
  take(/** @type {any} */ f) {
    const p = f.properties ?? {};
    if (p.kind === "scenario_release") {
      this.list.push({ index: Number(p.scenario_index), props: p, geometry: f.geometry, shown: false });
      return true;
    }
    if (p.kind === "scenario_search_area") {
      this.areas.push(f);
      return true;
    }
    return false;
  }

  /** Draws the ticked scenarios at output time `timeIndex`. */
  draw(/** @type {number} */ timeIndex) {
    this.layer.clearLayers();
    if (this.list.length === 0) return;
    if (!this.map.hasLayer(this.layer)) this.layer.addTo(this.map);
    for (const s of this.list) {
      if (!s.shown) continue;
      const own = this.areas.filter(
        (f) =>
          f.properties.scenario_index === s.index &&
          f.properties.time_index === timeIndex &&
          (f.properties.percent === 50 || f.properties.percent === 90),
      );
      own.sort((a, b) => b.properties.percent - a.properties.percent);
      this.layer.addData(/** @type {any} */ ({ type: "FeatureCollection", features: own }));
      this.layer.addData(/** @type {any} */ ({ type: "Feature", geometry: s.geometry, properties: s.props }));
    }
  }

  /** The panel's table of scenarios at `timeIndex` (empty for a mission without scenarios). */
  panelHtml(/** @type {number} */ timeIndex) {
    if (this.list.length === 0) return "";
    const area = (/** @type {number} */ k, /** @type {number} */ pct) => {
      const f = this.areas.find(
        (x) =>
          x.properties.scenario_index === k &&
          x.properties.time_index === timeIndex &&
          x.properties.percent === pct,
      );
      return f ? Number(f.properties.area_km2).toFixed(1) : "—";
    };
    const rows = this.list
      .map((s) => {
        const p = s.props;
        const colour = COLOURS[s.index % COLOURS.length];
        return `<tr data-testid="scenario-row">
          <td><label><input type="checkbox" data-scenario="${s.index}" ${s.shown ? "checked" : ""}/> <span class="swatch" style="background:${colour}"></span>${escapeHtml(p.scenario)}</label></td>
          <td>${(Number(p.weight) * 100).toFixed(0)} %</td>
          <td title="${escapeHtml(p.object_description ?? "")}">${escapeHtml(p.object_type)}</td>
          <td>${area(s.index, 50)}</td>
          <td>${area(s.index, 90)}</td>
        </tr>`;
      })
      .join("");
    return `<h3>Scenarios</h3>
      <table class="scenarios" data-testid="scenarios">
        <tr><th>Scenario <span class="hint">tick to draw on its own</span></th><th>Weight</th><th>Object</th><th>50 % km²</th><th>90 % km²</th></tr>
        ${rows}
      </table>
      <p class="hint">The map's areas and heat are all scenarios together, each weighted; a ticked scenario adds its own 50 % and 90 % (dashed) areas and its release.</p>`;
  }

  /** Wires the table's boxes: `redraw` after a change. */
  bind(/** @type {HTMLElement} */ panel, /** @type {() => void} */ redraw) {
    for (const box of panel.querySelectorAll("input[data-scenario]")) {
      box.addEventListener("change", () => {
        const input = /** @type {HTMLInputElement} */ (box);
        const s = this.list.find((x) => x.index === Number(input.dataset.scenario));
        if (s) s.shown = input.checked;
        redraw();
      });
    }
  }
}
