// A mission's results on the map: particle cloud per output time (time slider, play), probability heat map
// drawn from the particles, 50/90/95 % search areas, most likely position, stranded particles, the release;
// the side panel with figures at the chosen time and every download.

import { AgreementLayer } from "./agreement.js";
import { api } from "./api.js";
import { formatPosition } from "./coords.js";
import { escapeHtml } from "./html.js";
import { CanvasLayer, L } from "./map.js";
import { PlanningPanel } from "./planning.js";
import { ScenarioLayers } from "./scenarios.js";
import { ValidationPanel } from "./validation.js";

const AREA_STYLE = {
  50: { color: "#b91c1c", fillColor: "#ef4444", label: "50 %" },
  90: { color: "#c2410c", fillColor: "#fb923c", label: "90 %" },
  95: { color: "#a16207", fillColor: "#facc15", label: "95 %" },
};
const HEAT_RAMP = [
  [255, 255, 178],
  [254, 204, 92],
  [253, 141, 60],
  [240, 59, 32],
  [189, 0, 38],
];

/** @param {number} f 0..1 */
function heatColour(f) {
  const x = Math.max(0, Math.min(1, f)) * (HEAT_RAMP.length - 1);
  const i = Math.min(HEAT_RAMP.length - 2, Math.floor(x));
  const t = x - i;
  const a = HEAT_RAMP[i];
  const b = HEAT_RAMP[i + 1];
  return `rgba(${Math.round(a[0] + (b[0] - a[0]) * t)},${Math.round(a[1] + (b[1] - a[1]) * t)},${Math.round(
    a[2] + (b[2] - a[2]) * t,
  )},${0.35 + 0.45 * f})`;
}

/** "2024-01-01 18:00 UTC" */
export function utcText(/** @type {number} */ unixSeconds) {
  return `${new Date(unixSeconds * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * Density of afloat particles on a lat/lon grid sized to the cloud (about 30 cells across), each particle
 * counted with its weight (1 when the cloud has none).
 * @param {(number | null)[]} lon @param {(number | null)[]} lat @param {number[]} status
 * @param {number[] | undefined} [weight]
 */
export function densityGrid(lon, lat, status, weight) {
  let west = Infinity;
  let east = -Infinity;
  let south = Infinity;
  let north = -Infinity;
  let n = 0;
  for (let i = 0; i < lon.length; i++) {
    const x = lon[i];
    const y = lat[i];
    if (x === null || y === null || status[i] !== 0) continue;
    if (x < west) west = x;
    if (x > east) east = x;
    if (y < south) south = y;
    if (y > north) north = y;
    n++;
  }
  if (n === 0) return null;
  const cos = Math.cos((((south + north) / 2) * Math.PI) / 180) || 1;
  const span = Math.max(north - south, (east - west) * cos, 0.005);
  const dLat = span / 30;
  const dLon = dLat / cos;
  const nx = Math.max(1, Math.ceil((east - west) / dLon) + 1);
  const ny = Math.max(1, Math.ceil((north - south) / dLat) + 1);
  const counts = new Float64Array(nx * ny);
  let max = 0;
  let best = 0;
  for (let i = 0; i < lon.length; i++) {
    const x = lon[i];
    const y = lat[i];
    if (x === null || y === null || status[i] !== 0) continue;
    const cx = Math.min(nx - 1, Math.floor((x - west) / dLon));
    const cy = Math.min(ny - 1, Math.floor((y - south) / dLat));
    const k = cy * nx + cx;
    const c = (counts[k] += weight?.[i] ?? 1);
    if (c > max) {
      max = c;
      best = k;
    }
  }
  const mostLikely = {
    lat: south + (Math.floor(best / nx) + 0.5) * dLat,
    lon: west + ((best % nx) + 0.5) * dLon,
  };
  // A 3×3 smoothing: a sample of a few thousand particles is noisy cell by cell.
  const smooth = new Float32Array(nx * ny);
  let smoothMax = 0;
  for (let cy = 0; cy < ny; cy++) {
    for (let cx = 0; cx < nx; cx++) {
      let sum = 0;
      let weight = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const x = cx + dx;
          const y = cy + dy;
          if (x < 0 || y < 0 || x >= nx || y >= ny) continue;
          const w = dx === 0 && dy === 0 ? 4 : dx === 0 || dy === 0 ? 2 : 1;
          sum += w * counts[y * nx + x];
          weight += w;
        }
      }
      const v = sum / weight;
      smooth[cy * nx + cx] = v;
      if (v > smoothMax) smoothMax = v;
    }
  }
  return { west, south, dLon, dLat, nx, ny, counts: smooth, max: smoothMax, n, mostLikely };
}

/**
 * The heat layer of one output time from the product's probability grid (GET …/results/density): the cells
 * with probability, the largest, and the most likely cell's centre.
 * @param {{ nx: number, cornerLon: number[], cornerLat: number[], cells: { index: number[], probability: number[] }[] }} grid
 * @param {number} time
 */
export function productHeat(grid, time) {
  const layer = grid.cells[time];
  if (!layer || layer.index.length === 0) return null;
  let max = 0;
  let best = 0;
  const cells = layer.index.map((index, k) => {
    const probability = layer.probability[k];
    if (probability > max) {
      max = probability;
      best = index;
    }
    return { index, probability };
  });
  const { nx, cornerLon, cornerLat } = grid;
  const i = best % nx;
  const j = Math.floor(best / nx);
  const at = (/** @type {number[]} */ a) =>
    (a[j * (nx + 1) + i] +
      a[j * (nx + 1) + i + 1] +
      a[(j + 1) * (nx + 1) + i] +
      a[(j + 1) * (nx + 1) + i + 1]) /
    4;
  return { cells, max, mostLikely: { lon: at(cornerLon), lat: at(cornerLat) } };
}

export class ResultsView {
  /**
   * @param {L.Map} map
   * @param {HTMLElement} panel
   * @param {{ onDelete: (id: string) => void }} hooks
   */
  constructor(map, panel, hooks) {
    this.map = map;
    this.panel = panel;
    this.hooks = hooks;
    /** @type {any} */ this.mission = null;
    /** @type {any} */ this.result = null;
    /** @type {any} */ this.cloud = null;
    /** The product's probability grid (…/results/density), when the mission has one. @type {any} */
    this.density = null;
    /** @type {any[]} */ this.areaFeatures = [];
    /**
     * Most likely position per output time, from search_areas.geojson, with the radius around it.
     * @type {Map<number, {lat: number, lon: number, radiusKm?: number}>}
     */
    this.mostLikelyByTime = new Map();
    /** The centroid (weighted mean of the afloat particles) per output time. @type {Map<number, {lat: number, lon: number}>} */
    this.centroidByTime = new Map();
    /** shore_stretches.geojson's stretches, largest share first. @type {any[]} */
    this.shoreStretches = [];
    this.timeIndex = 0;
    /** Output times, Unix seconds. @type {number[]} */ this.times = [];
    /** @type {ReturnType<typeof setInterval> | undefined} */ this.playing = undefined;
    this.show = {
      particles: true,
      heat: true,
      areas: true,
      stranded: true,
      release: true,
      track: true,
      shore: true,
      agreement: true,
    };
    this.heat = /** @type {ReturnType<typeof densityGrid> | ReturnType<typeof productHeat>} */ (null);

    this.particleLayer = new CanvasLayer("particles", (ctx, m) => this.drawParticles(ctx, m));
    this.heatLayer = new CanvasLayer("heat", (ctx, m) => this.drawHeat(ctx, m));
    this.areaLayer = L.geoJSON(undefined, {
      pane: "areas",
      style: (f) => {
        const percent = /** @type {50 | 90 | 95} */ (f ? f.properties.__percent : 95);
        const s = AREA_STYLE[percent] ?? AREA_STYLE[95];
        return {
          color: s.color,
          weight: 2,
          fillColor: s.fillColor,
          fillOpacity: 0.08,
          dashArray: f?.properties?.__percent === 95 ? "5 4" : undefined,
        };
      },
      onEachFeature: (f, layer) => {
        const p = f.properties ?? {};
        const area = p.__areaKm2
          ? ` · ${Number(p.__areaKm2).toFixed(1)} km² (${Number(p.__areaNm2).toFixed(1)} NM²)`
          : "";
        layer.bindTooltip(`${p.__percent} % search area${area}`, { sticky: true });
      },
    });
    this.markers = L.layerGroup();
    /** Search planning: units, plan, searched tracks, revisions (planning.js). */
    this.planning = new PlanningPanel(
      map,
      (n) => this.showRevision(n),
      (t) => {
        let k = 0;
        for (let j = 0; j < this.times.length; j++)
          if (Math.abs(this.times[j] - t) < Math.abs(this.times[k] - t)) k = j;
        this.setTime(k);
      },
    );
    /** Each scenario on its own, when the mission has scenarios. */
    this.scenarios = new ScenarioLayers(map);
    /** Where a forcing ensemble's members agree, when the mission had one. */
    this.agreement = new AgreementLayer(map);
    // Where on the shore to look: stretches of coastline with the share of all particles stranded there.
    this.shoreLayer = L.geoJSON(undefined, {
      pane: "areas",
      style: (f) => ({ color: "#9a3412", weight: 3 + 5 * Math.sqrt(Number(f?.properties?.__relative ?? 0)) }),
      onEachFeature: (f, layer) => {
        const p = f.properties ?? {};
        layer.bindTooltip(
          `Shore stretch #${escapeHtml(String(p.rank))}: ${(100 * Number(p.share)).toFixed(1)} % of all particles stranded here, first at ${escapeHtml(utcText(Date.parse(p.first_time) / 1000))}`,
          { sticky: true },
        );
      },
    });
    /** Validation against an observed track (validation.js). */
    this.validation = new ValidationPanel(map);
    this.releaseLayer = L.layerGroup();
    this.trackLayer = L.layerGroup();

    this.slider = /** @type {HTMLInputElement} */ (document.getElementById("time-slider"));
    this.timeLabel = /** @type {HTMLOutputElement} */ (document.getElementById("time-label"));
    this.playButton = /** @type {HTMLButtonElement} */ (document.getElementById("play"));
    this.timebar = /** @type {HTMLElement} */ (document.getElementById("timebar"));
    this.legend = /** @type {HTMLElement} */ (document.getElementById("legend"));
    this.slider.addEventListener("input", () => this.setTime(Number(this.slider.value)));
    this.playButton.addEventListener("click", () => this.togglePlay());
  }

  clear() {
    this.stop();
    for (const layer of [
      this.particleLayer,
      this.heatLayer,
      this.areaLayer,
      this.markers,
      this.releaseLayer,
      this.trackLayer,
      this.planning.layer,
      this.shoreLayer,
      this.validation.layer,
    ]) {
      layer.remove();
    }
    this.areaLayer.clearLayers();
    this.scenarios.clear();
    this.agreement.clear();
    this.shoreLayer.clearLayers();
    this.shoreStretches = [];
    this.centroidByTime.clear();
    this.markers.clearLayers();
    this.releaseLayer.clearLayers();
    this.trackLayer.clearLayers();
    this.timebar.hidden = true;
    this.legend.hidden = true;
    this.mission = null;
    this.result = null;
    this.cloud = null;
    this.density = null;
    // The heat of the mission before must never be drawn on this one's grid (layers redraw when added).
    this.heat = null;
    this.areaFeatures = [];
    this.times = [];
  }

  /** Shows a mission that is still running or failed (no layers but its release). */
  showPending(/** @type {any} */ mission) {
    this.clear();
    this.mission = mission;
    this.drawRelease();
    this.releaseLayer.addTo(this.map);
    this.renderPendingPanel(mission);
  }

  updatePending(/** @type {any} */ status) {
    if (!this.mission || this.mission.id !== status.id || this.result) return;
    this.mission = { ...this.mission, ...status };
    this.renderPendingPanel(this.mission);
  }

  renderPendingPanel(/** @type {any} */ m) {
    const pct = Math.round((m.progress ?? 0) * 100);
    const failed = m.status === "failed";
    this.panel.innerHTML = `<div class="results">
      <h2>${escapeHtml(m.name ?? "Mission")}</h2>
      <div class="sub">${escapeHtml(describe(m))}</div>
      <div class="status-box" data-testid="status-box">
        <span class="badge ${escapeHtml(m.status)}">${escapeHtml(m.status)}</span>
        ${
          failed
            ? `<p class="error">${escapeHtml(m.errorMessage ?? "failed")}</p>`
            : `<div class="progress${m.status === "processing" && pct === 0 ? " indeterminate" : ""}" role="progressbar" aria-valuemin="0" aria-valuemax="100" ${m.status === "processing" && pct === 0 ? "" : `aria-valuenow="${pct}"`}><div style="width:${pct}%"></div></div>
        <div class="echo" data-testid="progress-text">${pendingText(m, pct)}</div>`
        }
      </div>
      <p><button type="button" class="small" id="delete-mission">Delete mission</button></p>
    </div>`;
    this.panel.querySelector("#delete-mission")?.addEventListener("click", () => this.hooks.onDelete(m.id));
  }

  /** Says why a completed mission's results cannot be shown (instead of "Loading results …" forever). */
  showFailure(/** @type {any} */ mission, /** @type {string} */ message) {
    this.clear();
    this.mission = mission;
    this.panel.innerHTML = `<div class="results"><h2>${escapeHtml(mission.name ?? "Mission")}</h2><p class="error" data-testid="results-error">${escapeHtml(message)}</p></div>`;
  }

  /** Loads and shows a completed mission. */
  async showCompleted(/** @type {any} */ mission) {
    this.clear();
    this.mission = mission;
    this.result = null;
    this.panel.innerHTML = `<div class="results"><h2>${escapeHtml(mission.name ?? "Mission")}</h2><p class="echo">Loading results …</p></div>`;
    const [result, cloud, density] = await Promise.all([
      api(`/api/v1/missions/${mission.id}/results`).then((r) => r.data),
      api(`/api/v1/missions/${mission.id}/results/particles?max=2000`)
        .then((r) => r.data)
        .catch(() => null),
      api(`/api/v1/missions/${mission.id}/results/density`)
        .then((r) => r.data)
        .catch(() => null),
    ]);
    if (this.mission?.id !== mission.id) return; // another mission was chosen meanwhile
    this.result = result;
    this.cloud = cloud;
    this.density = density;
    this.areaFeatures = await this.loadAreas(mission.id, result);
    if (this.mission?.id !== mission.id) return;
    this.shoreStretches = await this.loadShore(mission.id, result);
    if (this.mission?.id !== mission.id) return;
    this.shoreLayer.addData(
      /** @type {any} */ ({ type: "FeatureCollection", features: this.shoreStretches }),
    );
    await this.agreement.load(mission.id, result);
    if (this.mission?.id !== mission.id) return;

    const times =
      cloud?.times ?? result.timestepContours.map((/** @type {any} */ c) => Date.parse(c.timestamp) / 1000);
    this.times = times;
    this.slider.max = String(Math.max(0, times.length - 1));
    this.timebar.hidden = times.length <= 1;
    this.drawRelease();
    this.drawTrack();
    this.heatLayer.addTo(this.map);
    this.areaLayer.addTo(this.map);
    this.particleLayer.addTo(this.map);
    this.trackLayer.addTo(this.map);
    if (this.show.shore) this.shoreLayer.addTo(this.map);
    if (this.show.agreement && this.agreement.present) this.agreement.layer.addTo(this.map);
    this.releaseLayer.addTo(this.map);
    this.markers.addTo(this.map);
    this.renderLegend();
    this.planning.reset(mission.id);
    this.validation.reset(mission);
    this.setTime(times.length - 1);
    this.fit();
  }

  /** A revision after an unsuccessful search: its probability grid and search areas on the map. */
  async showRevision(/** @type {number} */ n) {
    const id = this.mission?.id;
    if (!id) return;
    const base = `/api/v1/missions/${id}/revisions/${n}`;
    [this.density, this.cloud] = await Promise.all([
      api(`${base}/density`)
        .then((r) => r.data)
        .catch(() => this.density),
      api(`${base}/particles?max=2000`)
        .then((r) => r.data)
        .catch(() => this.cloud),
    ]);
    this.areaFeatures = await this.loadAreas(id, this.result, `${base}/download?format=search-areas`);
    this.setTime(this.timeIndex);
  }

  /** search_areas.geojson when stored (every time, 50/90/95 %), else the result row's contours. */
  async loadAreas(
    /** @type {string} */ id,
    /** @type {any} */ result,
    url = `/api/v1/missions/${id}/results/download?format=search-areas`,
  ) {
    /** @type {any[]} */
    const features = [];
    this.mostLikelyByTime.clear();
    if (result.downloads.some((/** @type {any} */ d) => d.format === "search-areas")) {
      try {
        const response = await fetch(url, {
          headers: authHeader(),
        });
        if (response.ok) {
          const collection = await response.json();
          for (const f of collection.features ?? []) {
            if (this.scenarios.take(f)) continue;
            const p = f.properties ?? {};
            if (p.kind === "most_likely" && f.geometry?.type === "Point") {
              const [lon, lat] = f.geometry.coordinates;
              const radiusKm = Number(p.radius_km);
              this.mostLikelyByTime.set(Number(p.time_index), {
                lat,
                lon,
                ...(Number.isFinite(radiusKm) ? { radiusKm } : {}),
              });
              continue;
            }
            if (p.kind === "centroid" && f.geometry?.type === "Point") {
              const [lon, lat] = f.geometry.coordinates;
              this.centroidByTime.set(Number(p.time_index), { lat, lon });
              continue;
            }
            const percent = Number(p.percent ?? p.probability ?? p.level ?? p.area_percent);
            const timeIndex = Number(p.time_index ?? p.timeIndex);
            if (!f.geometry || (f.geometry.type !== "Polygon" && f.geometry.type !== "MultiPolygon"))
              continue;
            if (![50, 90, 95].includes(percent) || !Number.isFinite(timeIndex)) continue;
            features.push({
              ...f,
              properties: {
                ...p,
                __percent: percent,
                __time: timeIndex,
                __areaKm2: p.area_km2 ?? p.areaKm2,
                __areaNm2: p.area_nm2 ?? p.areaNm2,
              },
            });
          }
        }
      } catch {
        // fall back to the contours below
      }
    }
    if (features.length > 0) return features;
    const contours = result.timestepContours ?? [];
    contours.forEach((/** @type {any} */ c, /** @type {number} */ i) => {
      const t = c.timeIndex ?? i;
      if (c.searchArea50Geom)
        features.push({
          type: "Feature",
          geometry: c.searchArea50Geom,
          properties: { __percent: 50, __time: t },
        });
      if (c.searchArea90Geom)
        features.push({
          type: "Feature",
          geometry: c.searchArea90Geom,
          properties: { __percent: 90, __time: t },
        });
    });
    const last = contours.length - 1;
    if (result.searchArea95Geom && last >= 0) {
      features.push({
        type: "Feature",
        geometry: result.searchArea95Geom,
        properties: { __percent: 95, __time: contours[last].timeIndex ?? last },
      });
    }
    return features;
  }

  fit() {
    /** @type {L.LatLngBounds | null} */
    let bounds = null;
    const extend = (/** @type {number} */ lat, /** @type {number} */ lon) => {
      if (!bounds) bounds = L.latLngBounds([lat, lon], [lat, lon]);
      else bounds.extend([lat, lon]);
    };
    if (this.mission) extend(this.mission.lastKnownLat, this.mission.lastKnownLon);
    if (this.cloud) {
      for (let t = 0; t < this.cloud.times.length; t++) {
        const lon = this.cloud.lon[t];
        const lat = this.cloud.lat[t];
        for (let i = 0; i < lon.length; i += 7) if (lon[i] !== null) extend(lat[i], lon[i]);
      }
    }
    if (bounds) this.map.fitBounds(/** @type {L.LatLngBounds} */ (bounds).pad(0.15), { maxZoom: 13 });
  }

  drawRelease() {
    const m = this.mission;
    this.releaseLayer.clearLayers();
    if (!m || m.lastKnownLat === null) return;
    const release = m.config?.release;
    if (release?.endLat !== undefined && release?.endLon !== undefined) {
      L.polyline(
        [
          [m.lastKnownLat, m.lastKnownLon],
          [release.endLat, release.endLon],
        ],
        { color: "#1d4ed8", weight: 3, dashArray: "6 4" },
      )
        .bindTooltip("Release line")
        .addTo(this.releaseLayer);
    }
    if (m.uncertaintyRadiusM > 0) {
      L.circle([m.lastKnownLat, m.lastKnownLon], {
        radius: m.uncertaintyRadiusM,
        color: "#1d4ed8",
        weight: 1,
        fillOpacity: 0.05,
        interactive: false,
      }).addTo(this.releaseLayer);
    }
    L.marker([m.lastKnownLat, m.lastKnownLon], { icon: lkpIcon(), keyboard: false, zIndexOffset: 500 })
      .bindTooltip(
        `Last known position<br>${formatPosition(m.lastKnownLat, m.lastKnownLon)}<br>${escapeHtml(
          (m.lastKnownTime ?? "").replace("T", " ").replace(/:00(\.000)?Z$/, " UTC"),
        )}`,
      )
      .addTo(this.releaseLayer);
  }

  drawTrack() {
    this.trackLayer.clearLayers();
    const contours = this.result?.timestepContours ?? [];
    const points = contours
      .filter((/** @type {any} */ c) => c.centroidLat !== null && c.centroidLat !== undefined)
      .map((/** @type {any} */ c) => /** @type {[number, number]} */ ([c.centroidLat, c.centroidLon]));
    if (points.length > 1) {
      L.polyline(points, {
        color: "#334155",
        weight: 1.5,
        opacity: 0.7,
        dashArray: "2 4",
        interactive: false,
      }).addTo(this.trackLayer);
    }
  }

  /** @param {number} index */
  setTime(index) {
    const times = this.times ?? [];
    if (times.length === 0) return;
    this.timeIndex = Math.max(0, Math.min(times.length - 1, index));
    this.slider.value = String(this.timeIndex);
    const t = times[this.timeIndex];
    const hours = (t - times[0]) / 3600;
    const sign = this.mission?.backtracking ? "−" : "+";
    this.timeLabel.value = `T${sign}${Math.abs(hours).toFixed(hours % 1 === 0 ? 0 : 1)} h · ${utcText(t)}`;
    this.slider.setAttribute("aria-valuetext", this.timeLabel.value);

    const cloud = this.cloud;
    // The product's probability grid when there is one (the grid of the search areas), else a grid made
    // here from the sampled particles.
    this.heat = this.density
      ? productHeat(this.density, this.timeIndex)
      : cloud
        ? densityGrid(
            cloud.lon[this.timeIndex],
            cloud.lat[this.timeIndex],
            cloud.status[this.timeIndex],
            cloud.weight,
          )
        : null;
    this.areaLayer.clearLayers();
    if (this.show.areas) {
      // Draw 95 first so that the smaller areas stay on top.
      const now = this.areaFeatures.filter((f) => f.properties.__time === this.timeIndex);
      now.sort((a, b) => b.properties.__percent - a.properties.__percent);
      this.areaLayer.addData(/** @type {any} */ ({ type: "FeatureCollection", features: now }));
    }
    this.scenarios.draw(this.timeIndex);
    this.markers.clearLayers();
    const ml = this.mostLikelyAt(this.timeIndex);
    if (ml) {
      const radius = Number(/** @type {any} */ (ml).radiusKm) || 0;
      if (radius > 0)
        L.circle([ml.lat, ml.lon], {
          radius: radius * 1000,
          color: "#6d28d9",
          weight: 1.5,
          dashArray: "4 3",
          fill: false,
          interactive: false,
        }).addTo(this.markers);
      L.marker([ml.lat, ml.lon], { icon: mostLikelyIcon(), keyboard: false, zIndexOffset: 1000 })
        .bindTooltip(
          `Most likely position${radius > 0 ? ` (within ${radius.toFixed(1)} km)` : ""}<br>${formatPosition(ml.lat, ml.lon)}`,
        )
        .addTo(this.markers);
    }
    this.particleLayer.redraw();
    this.heatLayer.redraw();
    this.renderPanel();
  }

  /** The centroid at an output time: search_areas.geojson's, else the result row's contours. */
  centroidAt(/** @type {number} */ index) {
    const stored = this.centroidByTime.get(index);
    if (stored) return stored;
    const c = this.result?.timestepContours?.[index];
    if (c && c.centroidLat !== null && c.centroidLat !== undefined)
      return { lat: Number(c.centroidLat), lon: Number(c.centroidLon) };
    return null;
  }

  /** shore_stretches.geojson when stored: stretches with their share, largest first; none otherwise. */
  async loadShore(/** @type {string} */ id, /** @type {any} */ result) {
    if (!result.downloads.some((/** @type {any} */ d) => d.format === "shore")) return [];
    try {
      const response = await fetch(`/api/v1/missions/${id}/results/download?format=shore`, {
        headers: authHeader(),
      });
      if (!response.ok) return [];
      const collection = await response.json();
      const features = (collection.features ?? []).filter(
        (/** @type {any} */ f) =>
          f.geometry?.type === "LineString" && Number.isFinite(Number(f.properties?.share)),
      );
      const top = Math.max(1e-12, ...features.map((/** @type {any} */ f) => Number(f.properties.share)));
      for (const f of features) f.properties.__relative = Number(f.properties.share) / top;
      return features;
    } catch {
      return [];
    }
  }

  /** Most likely position: the product's, else the stored one at the last time, else the densest cell. */
  mostLikelyAt(/** @type {number} */ index) {
    const stored = this.mostLikelyByTime.get(index);
    if (stored) return stored;
    const last = (this.times?.length ?? 0) - 1;
    const extra = this.result?.extra ?? {};
    if (index === last && extra.mostLikelyLat !== undefined && extra.mostLikelyLat !== null) {
      return { lat: Number(extra.mostLikelyLat), lon: Number(extra.mostLikelyLon) };
    }
    const feature = this.areaFeatures.find(
      (f) => f.properties.__time === index && f.properties.most_likely_lat !== undefined,
    );
    if (feature)
      return {
        lat: Number(feature.properties.most_likely_lat),
        lon: Number(feature.properties.most_likely_lon),
      };
    return this.heat?.mostLikely ?? null;
  }

  /** @param {CanvasRenderingContext2D} ctx @param {L.Map} map */
  drawParticles(ctx, map) {
    const cloud = this.cloud;
    if (!cloud || (!this.show.particles && !this.show.stranded)) return;
    const lon = cloud.lon[this.timeIndex];
    const lat = cloud.lat[this.timeIndex];
    const status = cloud.status[this.timeIndex];
    if (!lon) return;
    // Lighter dots for dense clouds, so that the areas and the heat map stay readable underneath.
    ctx.fillStyle = lon.length > 1000 ? "rgba(15, 42, 110, 0.55)" : "rgba(15, 42, 110, 0.8)";
    const half = lon.length > 1000 ? 0.9 : 1.2;
    if (this.show.particles) {
      for (let i = 0; i < lon.length; i++) {
        if (lon[i] === null || status[i] !== 0) continue;
        const p = map.latLngToContainerPoint([lat[i], lon[i]]);
        ctx.fillRect(p.x - half, p.y - half, 2 * half, 2 * half);
      }
    }
    if (this.show.stranded) {
      ctx.strokeStyle = "#b91c1c";
      ctx.lineWidth = 1.4;
      ctx.beginPath();
      for (let i = 0; i < lon.length; i++) {
        if (lon[i] === null || status[i] !== 1) continue;
        const p = map.latLngToContainerPoint([lat[i], lon[i]]);
        ctx.moveTo(p.x - 3, p.y - 3);
        ctx.lineTo(p.x + 3, p.y + 3);
        ctx.moveTo(p.x + 3, p.y - 3);
        ctx.lineTo(p.x - 3, p.y + 3);
      }
      ctx.stroke();
    }
  }

  /** @param {CanvasRenderingContext2D} ctx @param {L.Map} map */
  drawHeat(ctx, map) {
    const g = this.heat;
    if (!g || !this.show.heat) return;
    if ("cells" in g) {
      // Product grid: each cell is the quadrilateral of its four corners.
      const { nx, cornerLon, cornerLat } = /** @type {any} */ (this.density);
      const corner = (/** @type {number} */ i, /** @type {number} */ j) =>
        map.latLngToContainerPoint([cornerLat[j * (nx + 1) + i], cornerLon[j * (nx + 1) + i]]);
      for (const { index, probability } of g.cells) {
        if (probability < g.max * 0.02) continue;
        const i = index % nx;
        const j = Math.floor(index / nx);
        const a = corner(i, j);
        const b = corner(i + 1, j);
        const c = corner(i + 1, j + 1);
        const d = corner(i, j + 1);
        ctx.fillStyle = heatColour(probability / g.max);
        ctx.beginPath();
        ctx.moveTo(a.x, a.y);
        ctx.lineTo(b.x, b.y);
        ctx.lineTo(c.x, c.y);
        ctx.lineTo(d.x, d.y);
        ctx.closePath();
        ctx.fill();
      }
      return;
    }
    for (let cy = 0; cy < g.ny; cy++) {
      for (let cx = 0; cx < g.nx; cx++) {
        const c = g.counts[cy * g.nx + cx];
        if (c < g.max * 0.02) continue;
        const a = map.latLngToContainerPoint([g.south + (cy + 1) * g.dLat, g.west + cx * g.dLon]);
        const b = map.latLngToContainerPoint([g.south + cy * g.dLat, g.west + (cx + 1) * g.dLon]);
        ctx.fillStyle = heatColour(c / g.max);
        ctx.fillRect(a.x, a.y, b.x - a.x + 0.5, b.y - a.y + 0.5);
      }
    }
  }

  togglePlay() {
    if (this.playing) {
      this.stop();
      return;
    }
    const times = this.times ?? [];
    if (this.timeIndex >= times.length - 1) this.setTime(0);
    this.playButton.textContent = "❚❚";
    this.playButton.setAttribute("aria-label", "Pause");
    this.playing = setInterval(() => {
      this.setTime(this.timeIndex + 1);
      if (this.timeIndex >= times.length - 1) this.stop();
    }, 600);
  }

  stop() {
    clearInterval(this.playing);
    this.playing = undefined;
    this.playButton.textContent = "▶";
    this.playButton.setAttribute("aria-label", "Play");
  }

  renderLegend() {
    this.legend.hidden = false;
    this.legend.innerHTML = `
      <div><span class="swatch" style="background:#fff;border:2px solid ${AREA_STYLE[50].color}"></span>50 % area</div>
      <div><span class="swatch" style="background:#fff;border:2px solid ${AREA_STYLE[90].color}"></span>90 % area</div>
      <div><span class="swatch" style="background:#fff;border:2px dashed ${AREA_STYLE[95].color}"></span>95 % area</div>
      <div><span class="swatch" style="background:rgb(15,42,110)"></span>particle afloat</div>
      <div><span style="color:#b91c1c;font-weight:700;width:14px;text-align:center">×</span>stranded</div>
      <div><span class="ramp"></span></div><div class="hint">probability (low → high)</div>`;
  }

  renderPanel() {
    const m = this.mission;
    const r = this.result;
    if (!m || !r) return;
    const cloud = this.cloud;
    // Counts over every particle (the server's, as in summary.json), not the sample drawn on the map.
    const counts = cloud?.counts?.[this.timeIndex];
    const afloat = counts?.active ?? 0;
    const stranded = counts?.stranded ?? 0;
    const other = (counts?.missingData ?? 0) + (counts?.outsideDomain ?? 0);
    const areasNow = this.areaFeatures.filter((f) => f.properties.__time === this.timeIndex);
    const areaRow = (/** @type {number} */ pct) => {
      const f = areasNow.find((x) => x.properties.__percent === pct);
      if (!f) return "—";
      const km2 = f.properties.__areaKm2 ?? geodesicAreaKm2(f.geometry);
      return `${Number(km2).toFixed(1)} km² · ${(Number(km2) / 3.4299).toFixed(1)} NM²`;
    };
    const ml = this.mostLikelyAt(this.timeIndex);
    const mlRadius = ml ? Number(/** @type {any} */ (ml).radiusKm) || 0 : 0;
    const centroid = this.centroidAt(this.timeIndex);
    const t = this.times?.[this.timeIndex];
    const downloads = r.downloads
      .map(
        (/** @type {any} */ d) =>
          `<a href="${escapeHtml(d.url)}" download data-format="${escapeHtml(d.format)}">${escapeHtml(d.label)}</a>`,
      )
      .join("");
    const check = (/** @type {string} */ key, /** @type {string} */ label, /** @type {string} */ swatch) =>
      `<label><input type="checkbox" data-layer="${key}" ${/** @type {any} */ (this.show)[key] ? "checked" : ""}/> <span class="swatch" style="${swatch}"></span>${label}</label>`;
    this.panel.innerHTML = `<div class="results" data-testid="results">
      <h2>${escapeHtml(m.name ?? "Mission")} <span class="badge completed">completed</span></h2>
      <div class="sub">${escapeHtml(describe(m))}</div>
      ${this.notices()}
      <table>
        <tr><th>Time shown</th><td>${t !== undefined ? escapeHtml(utcText(t)) : "—"}</td></tr>
        <tr><th>Most likely position</th><td><span data-testid="most-likely">${ml ? escapeHtml(formatPosition(ml.lat, ml.lon)) : "—"}</span>${mlRadius > 0 ? ` <span data-testid="most-likely-radius">± ${mlRadius.toFixed(1)} km</span>` : ""}<div class="hint">the peak of the smoothed probability: where the object most likely is${mlRadius > 0 ? " (the circle: its uncertainty)" : ""}</div></td></tr>
        <tr><th>Centroid</th><td><span data-testid="centroid">${centroid ? escapeHtml(formatPosition(centroid.lat, centroid.lon)) : "—"}</span><div class="hint">the mean of the afloat particles: the cloud's centre, not necessarily where the object most likely is</div></td></tr>
        <tr><th>50 % area</th><td>${areaRow(50)}</td></tr>
        <tr><th>90 % area</th><td>${areaRow(90)}</td></tr>
        <tr><th>95 % area</th><td>${areaRow(95)}</td></tr>
        <tr><th>Afloat / stranded</th><td data-testid="counts">${counts ? `<span data-testid="afloat">${afloat}</span> / <span data-testid="stranded">${stranded}</span>${other ? ` (<span data-testid="no-forcing">${other}</span> without forcing data)` : ""} of ${cloud.particleCount}` : "—"}</td></tr>
        <tr><th>Computed in</th><td>${r.computationTimeSeconds !== null ? `${Number(r.computationTimeSeconds).toFixed(1)} s` : "—"}</td></tr>
        ${forcingRow(r)}
      </table>
      ${this.scenarios.panelHtml(this.timeIndex)}
      <h3>Layers</h3>
      <div class="layers">
        ${check("areas", "Search areas 50/90/95 %", `border:2px solid ${AREA_STYLE[90].color};background:#fff`)}
        ${check("heat", "Probability heat map", "background:linear-gradient(90deg,#ffffb2,#fd8d3c,#bd0026)")}
        ${check("particles", "Particles afloat", "background:rgb(15,42,110)")}
        ${check("stranded", "Stranded particles", "background:#b91c1c")}
        ${check("track", "Centroid track", "background:#334155")}
        ${this.shoreStretches.length ? check("shore", "Shore stretches (stranding)", "background:#9a3412") : ""}
        ${this.agreement.present ? check("agreement", "Ensemble agreement", "background:#0f766e") : ""}
        ${check("release", "Last known position / release", "background:#1d4ed8")}
      </div>
      ${shoreTable(this.shoreStretches)}
      ${this.agreement.panelHtml()}
      <h3>Downloads</h3>
      <div class="downloads" data-testid="downloads">${downloads || '<span class="echo">none stored</span>'}</div>
      <p><button type="button" class="small" id="zoom-results">Zoom to results</button>
         <button type="button" class="small" id="delete-mission">Delete mission</button></p>
    </div>`;
    for (const box of this.panel.querySelectorAll("input[data-layer]")) {
      box.addEventListener("change", () => {
        const input = /** @type {HTMLInputElement} */ (box);
        /** @type {any} */ (this.show)[input.dataset.layer ?? ""] = input.checked;
        this.applyVisibility();
      });
    }
    // With an API key, links cannot carry the Authorization header: fetch the file and save it from memory.
    for (const link of this.panel.querySelectorAll("[data-testid=downloads] a")) {
      link.addEventListener("click", (event) => {
        const headers = authHeader();
        if (!headers) return;
        event.preventDefault();
        void saveWithKey(/** @type {HTMLAnchorElement} */ (link).href, headers);
      });
    }
    this.panel.querySelector(".results")?.appendChild(this.planning.root);
    this.scenarios.bind(this.panel, () => this.setTime(this.timeIndex));
    this.panel.querySelector(".results")?.appendChild(this.validation.root);
    this.panel.querySelector("#zoom-results")?.addEventListener("click", () => this.fit());
    this.panel.querySelector("#delete-mission")?.addEventListener("click", () => this.hooks.onDelete(m.id));
  }

  /** What the coordinator must know before reading the figures: a release on land, data that end. */
  notices() {
    const out = [];
    const land = this.result?.extra?.summary?.release_on_land;
    if (land && land.moved > 0) {
      out.push(
        `<p class="notice" data-testid="release-on-land">Released on land: ${land.moved} of ${this.cloud?.particleCount ?? this.result.particleCount} particles were moved to the nearest sea point, up to ${Math.round(land.maxDistanceM).toLocaleString("en")} m. Check the last known position.</p>`,
      );
    }
    const counts = this.cloud?.counts ?? [];
    const k = counts.findIndex((/** @type {any} */ c) => c.missingData + c.outsideDomain > 0);
    if (k >= 0) {
      const t = this.times[k];
      const hours = Math.abs(t - this.times[0]) / 3600;
      const last = counts[counts.length - 1];
      out.push(
        `<p class="notice" data-testid="no-forcing-from">No forcing data from T${this.mission?.backtracking ? "−" : "+"}${hours.toFixed(hours % 1 ? 1 : 0)} h (${escapeHtml(utcText(t))}): particles stop where the data end (${last.missingData + last.outsideDomain} of ${this.cloud.particleCount} at the last time). Later areas show only the particles that still had data.</p>`,
      );
    }
    return out.join("");
  }

  applyVisibility() {
    const toggle = (/** @type {L.Layer} */ layer, /** @type {boolean} */ on) => {
      if (on && !this.map.hasLayer(layer)) layer.addTo(this.map);
      if (!on && this.map.hasLayer(layer)) layer.remove();
    };
    toggle(this.releaseLayer, this.show.release);
    toggle(this.trackLayer, this.show.track);
    toggle(this.shoreLayer, this.show.shore && this.shoreStretches.length > 0);
    toggle(this.agreement.layer, this.show.agreement && this.agreement.present);
    this.setTime(this.timeIndex);
  }
}

/** The line under the progress bar: what the mission is doing now. */
function pendingText(/** @type {any} */ m, /** @type {number} */ pct) {
  if (m.status === "completed") return "completed · loading results …";
  if (m.status === "processing")
    return pct === 0
      ? `starting · ${escapeHtml(m.progressMessage ?? "preparing the forcing")}`
      : `${pct} % · ${escapeHtml(m.progressMessage ?? "")}`;
  return "waiting for the worker …";
}

/** @param {any} r */
function forcingRow(r) {
  const sources = r.extra?.forcingSources;
  if (!Array.isArray(sources) || sources.length === 0) return "";
  const text = sources
    .map((/** @type {any} */ s) => `${s.variable ?? ""}: ${onSceneText(s.variable, String(s.name ?? ""))}`)
    .join("; ");
  return `<tr><th>Forcing</th><td>${escapeHtml(text)}</td></tr>`;
}

/**
 * "constant 0,-10 m/s" (east, north components) → "on-scene 10 m/s from 0°" for wind (where it blows from),
 * "towards" for current; other names unchanged.
 */
export function onSceneText(/** @type {string} */ variable, /** @type {string} */ name) {
  const m = /^constant (-?[\d.e+-]+),(-?[\d.e+-]+) m\/s$/.exec(name);
  if (!m) return name;
  const x = Number(m[1]);
  const y = Number(m[2]);
  const speed = Math.hypot(x, y);
  const towards = ((Math.atan2(x, y) * 180) / Math.PI + 360) % 360;
  const speedText = `${Number(speed.toFixed(2))} m/s`;
  if (speed === 0) return "on-scene 0 m/s (calm)";
  return variable === "wind"
    ? `on-scene ${speedText} from ${Math.round((towards + 180) % 360)}°`
    : `on-scene ${speedText} towards ${Math.round(towards) % 360}°`;
}

/** @param {any} m */
export function describe(m) {
  const type = m.objectCategory
    ? `${m.objectCategory.key} (${m.objectCategory.description})`
    : (m.objectType ?? "");
  const pos = m.lastKnownLat !== null ? formatPosition(m.lastKnownLat, m.lastKnownLon) : "";
  const time = (m.lastKnownTime ?? "").replace("T", " ").replace(/:00(\.000)?Z$/, " UTC");
  return `${type} · ${pos} at ${time} · ${m.forecastHours} h ${m.backtracking ? "backward" : "forward"} · ${m.particleCount ?? m.ensembleSize} particles`;
}

/** Approximate area of a (Multi)Polygon in km² (spherical excess), when the product gives none. */
function geodesicAreaKm2(/** @type {any} */ geometry) {
  const R = 6371.0088;
  const ringArea = (/** @type {number[][]} */ ring) => {
    let sum = 0;
    for (let i = 0; i < ring.length - 1; i++) {
      const [x1, y1] = ring[i];
      const [x2, y2] = ring[i + 1];
      sum +=
        (((x2 - x1) * Math.PI) / 180) * (2 + Math.sin((y1 * Math.PI) / 180) + Math.sin((y2 * Math.PI) / 180));
    }
    return Math.abs((sum * R * R) / 2);
  };
  const polygonArea = (/** @type {number[][][]} */ rings) =>
    rings.reduce((acc, ring, i) => acc + (i === 0 ? ringArea(ring) : -ringArea(ring)), 0);
  if (geometry.type === "Polygon") return polygonArea(geometry.coordinates);
  if (geometry.type === "MultiPolygon")
    return geometry.coordinates.reduce(
      (/** @type {number} */ a, /** @type {any} */ p) => a + polygonArea(p),
      0,
    );
  return 0;
}

/** Downloads a file with the API key and saves it under the server's file name. */
async function saveWithKey(/** @type {string} */ url, /** @type {Record<string, string>} */ headers) {
  const response = await fetch(url, { headers });
  if (!response.ok) {
    alert(`Download failed: ${response.status} ${response.statusText}`);
    return;
  }
  const name =
    /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? "download";
  const href = URL.createObjectURL(await response.blob());
  const a = document.createElement("a");
  a.href = href;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

function authHeader() {
  try {
    const key = localStorage.getItem("driftline.apiKey");
    return key ? { authorization: `Bearer ${key}` } : undefined;
  } catch {
    return undefined;
  }
}

function lkpIcon() {
  return L.divIcon({
    className: "",
    html: '<svg class="lkp-icon" viewBox="0 0 18 18" aria-hidden="true"><circle cx="9" cy="9" r="6" fill="#1d4ed8" stroke="#fff" stroke-width="2.5"/></svg>',
    iconSize: [18, 18],
    iconAnchor: [9, 9],
  });
}

function mostLikelyIcon() {
  return L.divIcon({
    className: "",
    html: '<svg class="ml-icon" viewBox="0 0 22 22" aria-hidden="true"><circle cx="11" cy="11" r="8" fill="none" stroke="#fff" stroke-width="4"/><circle cx="11" cy="11" r="8" fill="none" stroke="#111827" stroke-width="2"/><path d="M11 0v7M11 15v7M0 11h7M15 11h7" stroke="#111827" stroke-width="2"/></svg>',
    iconSize: [22, 22],
    iconAnchor: [11, 11],
  });
}

/** The top three shore stretches: where a shore party goes first. @param {any[]} stretches */
function shoreTable(stretches) {
  if (!stretches.length) return "";
  const rows = stretches
    .slice(0, 3)
    .map((/** @type {any} */ f) => {
      const line = f.geometry.coordinates;
      const [lon, lat] = line[Math.floor(line.length / 2)];
      const p = f.properties;
      return `<tr><td>${escapeHtml(String(p.rank))}</td><td>${(100 * Number(p.share)).toFixed(1)} %</td><td>${escapeHtml(utcText(Date.parse(p.first_time) / 1000))}</td><td>${escapeHtml(formatPosition(lat, lon))}</td></tr>`;
    })
    .join("");
  return `<h3>Where on the shore</h3>
      <table class="shore" data-testid="shore-stretches"><tr><th>#</th><th>Stranded</th><th>First</th><th>Middle of the stretch</th></tr>${rows}</table>
      <div class="hint">share of all particles that stranded on each stretch of coastline (the brown lines)</div>`;
}
