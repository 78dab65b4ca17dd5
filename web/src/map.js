// The offline map: sea-coloured background, land polygons from the server's coastline, a graticule with
// degree-minute labels, and a canvas layer type for particles and the probability heat map.
import * as L from "leaflet";
import { api } from "./api.js";
import { formatDegreesMinutes } from "./coords.js";

/**
 * A canvas covering the map view inside its own pane, redrawn after every move and zoom.
 * The draw callback gets the 2-D context and the map.
 */
export class CanvasLayer extends L.Layer {
  /**
   * @param {string} pane
   * @param {(ctx: CanvasRenderingContext2D, map: L.Map) => void} draw
   */
  constructor(pane, draw) {
    super();
    this.paneName = pane;
    this.drawFn = draw;
    /** @type {HTMLCanvasElement | null} */
    this.canvas = null;
    /** @type {L.Map | null} */
    this.mapRef = null;
    this.redraw = this.redraw.bind(this);
    this.hide = this.hide.bind(this);
  }

  /** @param {L.Map} map */
  onAdd(map) {
    this.mapRef = map;
    this.canvas = L.DomUtil.create("canvas", "leaflet-zoom-hide");
    this.canvas.style.pointerEvents = "none";
    map.getPane(this.paneName)?.appendChild(this.canvas);
    map.on("moveend zoomend resize viewreset", this.redraw);
    map.on("zoomstart", this.hide);
    this.redraw();
    return this;
  }

  /** @param {L.Map} map */
  onRemove(map) {
    map.off("moveend zoomend resize viewreset", this.redraw);
    map.off("zoomstart", this.hide);
    this.canvas?.remove();
    this.canvas = null;
    this.mapRef = null;
    return this;
  }

  hide() {
    if (this.canvas) this.canvas.style.visibility = "hidden";
  }

  redraw() {
    const map = this.mapRef;
    const canvas = this.canvas;
    if (!map || !canvas) return;
    const size = map.getSize();
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(size.x * ratio);
    canvas.height = Math.round(size.y * ratio);
    canvas.style.width = `${size.x}px`;
    canvas.style.height = `${size.y}px`;
    L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
    canvas.style.visibility = "visible";
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, size.x, size.y);
    this.drawFn(ctx, map);
  }
}

/** Graticule spacing in degrees for a view span. */
function gridStep(/** @type {number} */ span) {
  const steps = [1 / 60, 2 / 60, 5 / 60, 10 / 60, 15 / 60, 0.5, 1, 2, 5, 10, 15, 30];
  for (const s of steps) if (span / s <= 8) return s;
  return 30;
}

/** @param {CanvasRenderingContext2D} ctx @param {L.Map} map */
function drawGraticule(ctx, map) {
  const b = map.getBounds();
  const size = map.getSize();
  const step = gridStep(Math.max(b.getNorth() - b.getSouth(), (b.getEast() - b.getWest()) / 2));
  ctx.strokeStyle = "rgba(40, 70, 100, 0.22)";
  ctx.lineWidth = 1;
  ctx.font = "11px system-ui, sans-serif";
  ctx.textBaseline = "middle";
  const label = (/** @type {string} */ text, /** @type {number} */ x, /** @type {number} */ y) => {
    const w = ctx.measureText(text).width;
    ctx.fillStyle = "rgba(213, 230, 241, 0.85)";
    ctx.fillRect(x - 2, y - 7, w + 4, 14);
    ctx.fillStyle = "rgba(30, 50, 70, 0.85)";
    ctx.fillText(text, x, y);
  };
  const lat0 = Math.ceil(b.getSouth() / step) * step;
  /** @type {[string, number, number][]} */
  const labels = [];
  for (let lat = lat0; lat <= b.getNorth(); lat += step) {
    const y = map.latLngToContainerPoint([lat, b.getWest()]).y;
    ctx.beginPath();
    ctx.moveTo(0, y);
    ctx.lineTo(size.x, y);
    ctx.stroke();
    // Right edge, clear of the zoom buttons (top left), legend (top right) and scales (bottom).
    const text = formatDegreesMinutes(lat, "lat").replace(".00'", "'");
    if (y > 190 && y < size.y - 40) labels.push([text, size.x - ctx.measureText(text).width - 6, y]);
  }
  const lon0 = Math.ceil(b.getWest() / step) * step;
  for (let lon = lon0; lon <= b.getEast(); lon += step) {
    const x = map.latLngToContainerPoint([b.getSouth(), lon]).x;
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, size.y);
    ctx.stroke();
    const wrapped = ((((lon + 180) % 360) + 360) % 360) - 180;
    const text = formatDegreesMinutes(wrapped, "lon").replace(".00'", "'");
    if (x > 60 && x < size.x - 260) labels.push([text, x + 4, 12]);
  }
  for (const [text, x, y] of labels) label(text, x, y);
}

/** The land polygons the map shows now, and the box they were loaded for. */
/** @type {{ west: number, south: number, east: number, north: number, features: any[] } | null} */
let loadedLand = null;

/**
 * Whether a point is on land by the coastline the map has loaded: undefined when the map has none there.
 * @param {number} lat @param {number} lon
 */
export function landAt(lat, lon) {
  const l = loadedLand;
  if (!l) return undefined;
  const x = l.west + ((((lon - l.west) % 360) + 360) % 360);
  if (lat < l.south || lat > l.north || x > l.east) return undefined;
  return l.features.some((f) => {
    const g = f.geometry;
    const polygons =
      g?.type === "Polygon" ? [g.coordinates] : g?.type === "MultiPolygon" ? g.coordinates : [];
    return polygons.some((/** @type {number[][][]} */ rings) =>
      rings.reduce((inside, ring) => inside !== insideRing(ring, x, lat), false),
    );
  });
}

/** Even-odd rule for one ring of [lon, lat] points. */
function insideRing(/** @type {number[][]} */ ring, /** @type {number} */ x, /** @type {number} */ y) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Creates the map with its offline basemap.
 * @param {HTMLElement} element
 */
export function createMap(element) {
  const map = L.map(element, {
    center: [60.5, 4],
    zoom: 6,
    minZoom: 2,
    maxZoom: 16,
    worldCopyJump: true,
    keyboard: true,
    zoomSnap: 0.5,
    attributionControl: true,
  });
  map.attributionControl.setPrefix("Leaflet");
  map.attributionControl.addAttribution("Coastline: GSHHG (offline)");
  map.createPane("land").style.zIndex = "250";
  map.createPane("grid").style.zIndex = "300";
  map.createPane("areas").style.zIndex = "420";
  map.createPane("particles").style.zIndex = "450";
  map.createPane("heat").style.zIndex = "410";
  L.control.scale({ imperial: false, metric: true, position: "bottomleft" }).addTo(map);
  addNauticalScale(map);

  const land = L.geoJSON(undefined, {
    pane: "land",
    interactive: false,
    // Fill only: the server cuts polygons at tile edges, which an outline would show.
    style: { stroke: false, fillColor: "#ebe3cf", fillOpacity: 1 },
  }).addTo(map);
  const note = L.DomUtil.create("div", "map-note", element.parentElement ?? element);
  note.hidden = true;
  new CanvasLayer("grid", drawGraticule).addTo(map);

  /** @type {string} */
  let loadedKey = "";
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const loadCoastline = async () => {
    const b = map.getBounds().pad(0.15);
    const west = Math.max(-540, b.getWest());
    const east = Math.min(540, Math.min(b.getEast(), west + 360));
    const south = Math.max(-90, b.getSouth());
    const north = Math.min(90, b.getNorth());
    const zoom = Math.round(map.getZoom());
    // Quantise the request so that small pans reuse what is loaded.
    const q = Math.max(0.05, 2 ** (6 - zoom));
    const bbox = [
      Math.floor(west / q) * q,
      Math.floor(south / q) * q,
      Math.ceil(east / q) * q,
      Math.ceil(north / q) * q,
    ]
      .map((v) => Math.max(-540, Math.min(540, Number(v.toFixed(4)))))
      .map((v, i) => (i % 2 === 1 ? Math.max(-90, Math.min(90, v)) : v));
    const key = `${bbox.join(",")}:${zoom}`;
    if (key === loadedKey) return;
    try {
      const collection = await api(`/api/v1/coastline?bbox=${bbox.join(",")}&zoom=${zoom}`);
      loadedKey = key;
      land.clearLayers();
      land.addData(collection);
      loadedLand = {
        west: bbox[0],
        south: bbox[1],
        east: bbox[2],
        north: bbox[3],
        features: collection.features ?? [],
      };
      map.fire("coastlineload");
      note.textContent = collection.note ?? "";
      note.hidden = !collection.note;
    } catch {
      // the basemap is a convenience: the rest of the page works without it
    }
  };
  map.on("moveend", () => {
    clearTimeout(timer);
    timer = setTimeout(loadCoastline, 150);
  });
  loadCoastline();
  return map;
}

/** A scale in nautical miles beside the metric one (search planners think in NM). */
function addNauticalScale(/** @type {L.Map} */ map) {
  const NauticalScale = L.Control.extend({
    onAdd() {
      const div = L.DomUtil.create("div", "leaflet-control-scale-line");
      div.style.marginBottom = "2px";
      const update = () => {
        const y = map.getSize().y / 2;
        const a = map.containerPointToLatLng([0, y]);
        const b = map.containerPointToLatLng([100, y]);
        const nm = map.distance(a, b) / 1852;
        const nice =
          [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].filter((n) => n <= nm).pop() ?? 0.1;
        div.style.width = `${Math.round((100 * nice) / nm)}px`;
        div.textContent = `${nice} NM`;
      };
      map.on("move zoom", update);
      update();
      return div;
    },
  });
  new NauticalScale({ position: "bottomleft" }).addTo(map);
}

export { L };
