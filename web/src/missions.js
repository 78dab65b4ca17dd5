// The mission list: newest first, with status badges and progress, refreshed while any mission is running.

import { api } from "./api.js";
import { formatPosition } from "./coords.js";
import { escapeHtml } from "./html.js";

export class MissionList {
  /**
   * @param {HTMLUListElement} list
   * @param {HTMLElement} counter
   * @param {HTMLButtonElement} moreButton
   * @param {(mission: any) => void} onOpen
   * @param {(missions: any[]) => void} [onRender]
   */
  constructor(list, counter, moreButton, onOpen, onRender) {
    this.onRender = onRender;
    this.list = list;
    this.counter = counter;
    this.more = moreButton;
    this.onOpen = onOpen;
    /** @type {any[]} */ this.missions = [];
    this.perPage = 25;
    this.total = 0;
    /** @type {string | null} */ this.currentId = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */ this.timer = undefined;
    this.more.addEventListener("click", () => {
      this.perPage += 25;
      this.refresh();
    });
  }

  async refresh() {
    clearTimeout(this.timer);
    try {
      const page = await api(`/api/v1/missions?page=1&perPage=${this.perPage}`);
      this.missions = page.data;
      this.total = page.total;
      this.render();
    } catch (error) {
      this.list.innerHTML = `<li class="empty error">${escapeHtml(/** @type {Error} */ (error).message)}</li>`;
    }
    const active = this.missions.some((m) => ["created", "queued", "processing"].includes(m.status));
    this.timer = setTimeout(() => this.refresh(), active ? 2000 : 15000);
  }

  /** Merges a live status update (from SSE) without a round trip. */
  update(/** @type {any} */ status) {
    const m = this.missions.find((x) => x.id === status.id);
    if (!m) return;
    Object.assign(m, status);
    this.render();
  }

  render() {
    this.onRender?.(this.missions);
    this.counter.textContent = this.total ? `(${this.total})` : "";
    this.more.hidden = this.missions.length >= this.total;
    if (this.missions.length === 0) {
      this.list.innerHTML = '<li class="empty">No missions yet. Create one in “New mission”.</li>';
      return;
    }
    this.list.textContent = "";
    for (const m of this.missions) {
      const li = document.createElement("li");
      li.dataset.id = m.id;
      li.dataset.status = m.status;
      if (m.id === this.currentId) li.className = "current";
      const pct = Math.round((m.progress ?? 0) * 100);
      const created = (m.createdAt ?? "").slice(0, 16).replace("T", " ");
      li.innerHTML = `<button type="button">
          <span class="name">${escapeHtml(m.name ?? "(unnamed)")}</span>
          <span class="badge ${escapeHtml(m.status)}">${escapeHtml(m.status)}${m.status === "processing" ? ` ${pct} %` : ""}</span>
          <span class="meta">${escapeHtml(m.objectCategory?.key ?? m.objectType ?? "")} · ${m.lastKnownLat !== null ? escapeHtml(formatPosition(m.lastKnownLat, m.lastKnownLon)) : ""} · ${m.forecastHours} h${m.backtracking ? " backward" : ""} · created ${escapeHtml(created)} UTC</span>
          ${m.status === "processing" ? `<span class="progress"><div style="width:${pct}%"></div></span>` : ""}
          ${m.status === "failed" && m.errorMessage ? `<span class="err">${escapeHtml(m.errorMessage)}</span>` : ""}
        </button>`;
      li.querySelector("button")?.addEventListener("click", () => this.onOpen(m));
      this.list.append(li);
    }
  }
}
