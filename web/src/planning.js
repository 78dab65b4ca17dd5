// Search planning on the results page (issue 22): add units and the on-scene conditions, plan (each unit's
// area and route on the map with its POD, the joint POS), then record what was searched (planned routes
// flown, or a GPX track) and see the map of the new revision.

import { api } from "./api.js";
import { escapeHtml } from "./html.js";
import { L } from "./map.js";

const COLOURS = ["#d04a02", "#1f6fb2", "#2a9d3a", "#8e44ad", "#b8860b", "#c0392b"];
const PLATFORMS = ["vessel", "helicopter", "fixed-wing"];
const PATTERNS = ["parallel", "creeping", "expanding-square", "sector"];
const pct = (/** @type {number} */ v) => `${(v * 100).toFixed(1)} %`;

/** @typedef {{ name: string, platform: string, speed_kn: number, on_scene_hours: number, altitude_ft?: number, pattern: string }} Unit */

export class PlanningPanel {
  /**
   * @param {L.Map} map
   * @param {(revision: number) => Promise<void>} onRevision  show a revision's products on the map
   * @param {(unixSeconds: number) => void} onTime  show the map at this time (the areas' reference time)
   */
  constructor(map, onRevision, onTime) {
    this.map = map;
    this.onRevision = onRevision;
    this.onTime = onTime;
    this.layer = L.layerGroup();
    /** @type {string | null} */ this.missionId = null;
    /** @type {any} */ this.plan = null;
    /** @type {Unit[]} */
    this.units = [
      { name: "Vessel 1", platform: "vessel", speed_kn: 12, on_scene_hours: 6, pattern: "parallel" },
      {
        name: "Helicopter",
        platform: "helicopter",
        speed_kn: 90,
        on_scene_hours: 2,
        altitude_ft: 500,
        pattern: "parallel",
      },
    ];
    this.conditions = { visibility_nm: 10, wind_kn: 10, sea_ft: 2 };
    /** Start of the search, "YYYY-MM-DD HH:MM" UTC; empty: the last hours of the forecast. */
    this.from = "";
    this.root = document.createElement("section");
    this.root.className = "planning";
    this.root.dataset.testid = "planning";
  }

  /** A new mission: forget its plan. @param {string} id */
  reset(id) {
    this.missionId = id;
    this.plan = null;
    this.revision = 0;
    this.cumulativePos = 0;
    this.layer.remove();
    this.layer.clearLayers();
    this.render();
  }

  unitsFile() {
    const from = this.from.trim() ? `${this.from.trim().replace(" ", "T")}:00Z` : undefined;
    return {
      ...(from ? { from } : {}),
      conditions: this.conditions,
      units: this.units.map((u) => {
        /** @type {any} */
        const out = { ...u };
        if (u.platform === "vessel") delete out.altitude_ft;
        return out;
      }),
    };
  }

  render(/** @type {string} */ message = "") {
    const row = (/** @type {Unit} */ u, /** @type {number} */ i) => `<tr data-unit="${i}">
      <td><input data-f="name" value="${escapeHtml(u.name)}" aria-label="Unit name" size="10"/></td>
      <td><select data-f="platform" aria-label="Platform">${PLATFORMS.map((p) => `<option ${p === u.platform ? "selected" : ""}>${p}</option>`).join("")}</select></td>
      <td><input data-f="speed_kn" type="number" min="1" value="${u.speed_kn}" aria-label="Speed kn" style="width:4em"/></td>
      <td><input data-f="on_scene_hours" type="number" min="0.5" step="0.5" value="${u.on_scene_hours}" aria-label="On scene hours" style="width:3.5em"/></td>
      <td><select data-f="pattern" aria-label="Pattern">${PATTERNS.map((p) => `<option ${p === u.pattern ? "selected" : ""}>${p}</option>`).join("")}</select></td>
      <td><button type="button" class="small" data-remove="${i}" aria-label="Remove ${escapeHtml(u.name)}">×</button></td></tr>`;
    const c = this.conditions;
    const plan = this.plan;
    const planRows = plan
      ? plan.units
          .map(
            (/** @type {any} */ u, /** @type {number} */ i) =>
              `<tr><td><span class="swatch" style="background:${COLOURS[i % COLOURS.length]}"></span>${escapeHtml(u.name)}</td><td>${escapeHtml(u.pattern)}</td><td>${u.track_spacing_nm} NM</td><td data-testid="pod">${pct(u.pod)}</td><td><label><input type="checkbox" data-flown="${escapeHtml(u.name)}"/> flown</label></td></tr>`,
          )
          .join("")
      : "";
    this.root.innerHTML = `<h3>Search planning</h3>
      ${this.revision ? `<p class="notice" data-testid="revision">Revision ${this.revision} after unsuccessful searches: cumulative POS <b>${pct(this.cumulativePos)}</b>. The map shows where the object now probably is.</p>` : ""}
      <table class="units"><tr><th>Unit</th><th>Platform</th><th>kn</th><th>h</th><th>Pattern</th><th></th></tr>${this.units.map(row).join("")}</table>
      <p><button type="button" class="small" id="add-unit">Add unit</button></p>
      <p class="conditions">Visibility <input data-c="visibility_nm" type="number" min="0.5" value="${c.visibility_nm}" style="width:3.5em"/> NM ·
        wind <input data-c="wind_kn" type="number" min="0" value="${c.wind_kn}" style="width:3.5em"/> kn ·
        sea <input data-c="sea_ft" type="number" min="0" value="${c.sea_ft}" style="width:3em"/> ft</p>
      <p><label>Search starts <input id="plan-from" placeholder="YYYY-MM-DD HH:MM" value="${escapeHtml(this.from)}" size="16" pattern="\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}"/> UTC</label> <span class="hint">empty: the forecast's last hours</span></p>
      <p><button type="button" id="plan-search" data-testid="plan-search">Plan search</button></p>
      ${
        plan
          ? `<p data-testid="joint-pos">Joint probability of success <b>${pct(plan.joint_pos)}</b> (even split ${pct(plan.even_split_pos)}), ${escapeHtml(plan.window.from)} to ${escapeHtml(plan.window.to)}</p>
        <table><tr><th>Unit</th><th>Pattern</th><th>Spacing</th><th>POD</th><th></th></tr>${planRows}</table>
        <div class="downloads">${plan.downloads.map((/** @type {any} */ d) => `<a href="${escapeHtml(d.url)}" download>${escapeHtml(d.file)}</a>`).join("")}</div>
        <p><button type="button" class="small" id="mark-flown" data-testid="mark-flown">Searched as planned, nothing found</button></p>`
          : ""
      }
      <p><label>Searched track (GPX with times, named by unit) <input type="file" id="searched-gpx" accept=".gpx,application/gpx+xml" data-testid="searched-gpx"/></label></p>
      <p class="echo" data-testid="planning-message">${escapeHtml(message)}</p>`;
    this.wire();
  }

  wire() {
    for (const input of this.root.querySelectorAll("[data-unit] [data-f]")) {
      input.addEventListener("change", () => {
        const el = /** @type {HTMLInputElement} */ (input);
        const i = Number(el.closest("tr")?.dataset.unit);
        const f = el.dataset.f ?? "";
        /** @type {any} */ (this.units[i])[f] = el.type === "number" ? Number(el.value) : el.value;
        if (f === "platform" && el.value !== "vessel") this.units[i].altitude_ft ??= 500;
      });
    }
    for (const input of this.root.querySelectorAll("[data-c]")) {
      input.addEventListener("change", () => {
        const el = /** @type {HTMLInputElement} */ (input);
        /** @type {any} */ (this.conditions)[el.dataset.c ?? ""] = Number(el.value);
      });
    }
    this.root.querySelector("#plan-from")?.addEventListener("change", (event) => {
      this.from = /** @type {HTMLInputElement} */ (event.target).value;
    });
    for (const button of this.root.querySelectorAll("[data-remove]")) {
      button.addEventListener("click", () => {
        this.units.splice(Number(/** @type {HTMLElement} */ (button).dataset.remove), 1);
        this.render();
      });
    }
    this.root.querySelector("#add-unit")?.addEventListener("click", () => {
      this.units.push({
        name: `Unit ${this.units.length + 1}`,
        platform: "vessel",
        speed_kn: 12,
        on_scene_hours: 4,
        pattern: "parallel",
      });
      this.render();
    });
    this.root.querySelector("#plan-search")?.addEventListener("click", () => void this.makePlan());
    this.root.querySelector("#mark-flown")?.addEventListener("click", () => {
      const done = [...this.root.querySelectorAll("[data-flown]")]
        .filter((b) => /** @type {HTMLInputElement} */ (b).checked)
        .map((b) => /** @type {HTMLElement} */ (b).dataset.flown ?? "");
      void this.searched({ planId: this.plan.id, ...(done.length ? { done } : {}) });
    });
    this.root.querySelector("#searched-gpx")?.addEventListener("change", async (event) => {
      const file = /** @type {HTMLInputElement} */ (event.target).files?.[0];
      if (file) await this.searched({ gpx: await file.text() });
    });
  }

  async makePlan() {
    if (!this.missionId) return;
    this.render("Planning …");
    try {
      const r = await api(`/api/v1/missions/${this.missionId}/plans`, {
        method: "POST",
        body: this.unitsFile(),
      });
      this.plan = r.data;
      this.draw();
      this.render();
      // The areas are laid over the cloud at mid-search: show the map at that time.
      this.onTime(Date.parse(this.plan.units[0].area.reference_time) / 1000);
    } catch (error) {
      this.render(errorText(error));
    }
  }

  /** @param {Record<string, unknown>} what */
  async searched(what) {
    if (!this.missionId) return;
    this.render("Recording the search and recomputing the products …");
    try {
      const r = await api(`/api/v1/missions/${this.missionId}/searches`, {
        method: "POST",
        body: { units: this.unitsFile(), ...what },
      });
      this.revision = r.data.revision;
      this.cumulativePos = r.data.cumulativePos;
      this.plan = null;
      this.layer.clearLayers();
      await this.onRevision(this.revision);
      this.render(`Search recorded: revision ${this.revision}.`);
    } catch (error) {
      this.render(errorText(error));
    }
  }

  /** Each unit's area and route on the map, with its POD. */
  draw() {
    this.layer.clearLayers();
    this.plan.units.forEach((/** @type {any} */ u, /** @type {number} */ i) => {
      const colour = COLOURS[i % COLOURS.length];
      const corners = u.area.corners.map(
        (/** @type {number[]} */ c) => /** @type {[number, number]} */ ([c[1], c[0]]),
      );
      L.polygon(corners, { color: colour, weight: 2, fillOpacity: 0.12 })
        .bindTooltip(`${u.name}: ${u.pattern}, POD ${pct(u.pod)}, POC ${pct(u.poc)}`, { sticky: true })
        .addTo(this.layer);
      const route = u.waypoints.map(
        (/** @type {any} */ w) => /** @type {[number, number]} */ ([w.lat, w.lon]),
      );
      L.polyline(route, { color: colour, weight: 1.5, opacity: 0.9, interactive: false }).addTo(this.layer);
    });
    this.layer.addTo(this.map);
  }
}

function errorText(/** @type {any} */ error) {
  const details = (error?.details ?? []).map((/** @type {any} */ d) => `${d.field}: ${d.message}`).join("; ");
  return `${error?.message ?? error}${details ? ` (${details})` : ""}`;
}
