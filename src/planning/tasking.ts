// tasking.pdf: the plan as a coordinator hands it to the units. Page 1: window, object, conditions, joint
// POS and a table of the units with a sketch of their areas and routes; then one page per unit: its area's
// corners, track spacing, coverage, POD and the waypoints with times in degrees and decimal minutes.
import { formatPositionDM } from "../products/coordinates.js";
import { pdfInMemory } from "../products/pdf-document.js";
import type { PlanDocument } from "./plan-document.js";

const LEFT = 40;
const WIDTH = 595.28 - 2 * LEFT;
const INK = "#1a1a1a";
const MUTED = "#555555";
const COLOURS = ["#d04a02", "#1f6fb2", "#2a9d3a", "#8e44ad", "#b8860b", "#c0392b"];
/** Waypoints listed on a unit's page; the rest are in plan_waypoints.csv. */
const MAX_WAYPOINT_LINES = 48;

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const hhmm = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

type Doc = PDFKit.PDFDocument;

function sketch(doc: Doc, plan: PlanDocument, x0: number, y0: number, w: number, h: number): void {
  const pts = plan.units.flatMap((u) => [
    ...u.area.corners,
    ...u.waypoints.map((p) => [p.lon, p.lat] as [number, number]),
  ]);
  const lat0 = pts.reduce((s, p) => s + p[1], 0) / pts.length;
  const k = Math.cos((lat0 * Math.PI) / 180);
  const xs = pts.map((p) => p[0] * k);
  const ys = pts.map((p) => p[1]);
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const minY = Math.min(...ys);
  const maxY = Math.max(...ys);
  const scale = Math.min(w / (maxX - minX || 1e-6), h / (maxY - minY || 1e-6)) * 0.92;
  const ox = x0 + (w - (maxX - minX) * scale) / 2;
  const oy = y0 + (h - (maxY - minY) * scale) / 2;
  const px = (lon: number, lat: number): [number, number] => [
    ox + (lon * k - minX) * scale,
    oy + (maxY - lat) * scale,
  ];
  doc.save().rect(x0, y0, w, h).lineWidth(0.5).strokeColor("#bbbbbb").stroke();
  plan.units.forEach((u, j) => {
    const c = COLOURS[j % COLOURS.length];
    const corners = u.area.corners.map(([lon, lat]) => px(lon, lat));
    doc
      .polygon(...corners)
      .lineWidth(1.2)
      .fillOpacity(0.12)
      .fillAndStroke(c, c);
    doc.fillOpacity(1);
    const route = u.waypoints.map((p) => px(p.lon, p.lat));
    if (route.length > 1) {
      doc.moveTo(...route[0]);
      for (const r of route.slice(1)) doc.lineTo(...r);
      doc.lineWidth(0.6).strokeColor(c).stroke();
    }
    doc
      .font("Sans-Bold")
      .fontSize(8)
      .fillColor(c)
      .text(u.name, route[0][0] + 3, route[0][1] - 10, { lineBreak: false });
  });
  // North arrow.
  doc
    .moveTo(x0 + w - 16, y0 + 30)
    .lineTo(x0 + w - 16, y0 + 10)
    .lineWidth(1)
    .strokeColor(INK)
    .stroke();
  doc
    .font("Sans")
    .fontSize(8)
    .fillColor(INK)
    .text("N", x0 + w - 19.5, y0 + 32, { lineBreak: false });
  doc.restore();
}

export async function renderTaskingPdf(plan: PlanDocument): Promise<Uint8Array> {
  const { doc, finish } = pdfInMemory({
    size: "A4",
    margins: { top: 36, bottom: 40, left: LEFT, right: LEFT },
    info: { Title: `Search plan — ${plan.mission}`, Author: `Driftline ${plan.software}` },
  });

  doc.font("Sans-Bold").fontSize(16).fillColor(INK).text(`Search plan — ${plan.mission}`);
  doc.moveDown(0.3);
  doc.font("Sans").fontSize(10).fillColor(MUTED);
  doc.text(
    `Window ${hhmm(plan.window.from)} to ${hhmm(plan.window.to)}; search object: ${plan.search_object}`,
  );
  doc.text(
    `Lateral range: ${plan.lateral_range}; ${plan.particles.toLocaleString("en")} particles; plan ${plan.method}` +
      (plan.cumulative_pos_before > 0
        ? `; searches so far: cumulative POS ${pct(plan.cumulative_pos_before)}`
        : ""),
  );
  doc.moveDown(0.4);
  doc
    .font("Sans-Bold")
    .fontSize(13)
    .fillColor(INK)
    .text(`Joint probability of success: ${pct(plan.joint_pos)}`);
  doc
    .font("Sans")
    .fontSize(9)
    .fillColor(MUTED)
    .text(`The same effort split evenly over the cloud: ${pct(plan.even_split_pos)}`);
  doc.moveDown(0.6);

  const cols = [
    ["Unit", 98],
    ["Pattern", 74],
    ["Start (CSP)", 132],
    ["W NM", 38],
    ["S NM", 38],
    ["C", 30],
    ["POC", 40],
    ["POD", 40],
    ["POS", 40],
  ] as const;
  let y = doc.y;
  let x = LEFT;
  doc.font("Sans-Bold").fontSize(8.5).fillColor(INK);
  for (const [name, w] of cols) {
    doc.text(name, x, y, { width: w, lineBreak: false });
    x += w;
  }
  y += 14;
  doc.font("Sans").fontSize(8.5);
  plan.units.forEach((u, j) => {
    const cells = [
      u.name,
      u.pattern,
      formatPositionDM(...u.commence_search_point),
      u.sweep_width_nm.corrected.toFixed(2),
      u.track_spacing_nm.toFixed(2),
      u.coverage.toFixed(2),
      pct(u.poc),
      pct(u.pod),
      pct(u.pos),
    ];
    x = LEFT;
    doc.fillColor(COLOURS[j % COLOURS.length]);
    cells.forEach((text, c) => {
      doc.text(text, x, y, { width: cols[c][1] - 4, lineBreak: false, ellipsis: true });
      x += cols[c][1];
      doc.fillColor(INK);
    });
    y += 13;
  });
  sketch(doc, plan, LEFT, y + 12, WIDTH, 400);
  doc.font("Sans").fontSize(7.5).fillColor(MUTED);
  doc.text(
    "Areas at their reference (mid-search) time; routes drift-compensated (waypoints move with the water). " +
      "POC: share of the particles in the area; POD: share of those the unit detects (detection along the moving " +
      "particles); POS: share of all particles the unit detects.",
    LEFT,
    y + 420,
    { width: WIDTH },
  );

  for (const u of plan.units) {
    doc.addPage();
    doc.font("Sans-Bold").fontSize(14).fillColor(INK).text(`${u.name} — ${u.pattern}`);
    doc.font("Sans").fontSize(9.5).fillColor(INK);
    doc.text(`${u.platform}, ${u.speed_kn} kn, ${hhmm(u.start)} to ${hhmm(u.end)}`);
    doc.text(
      `Sweep width ${u.sweep_width_nm.corrected} NM (table ${u.sweep_width_nm.uncorrected} NM × weather ${u.sweep_width_nm.weather} × speed ${u.sweep_width_nm.speed} × fatigue ${u.sweep_width_nm.fatigue}); ` +
        `track spacing ${u.track_spacing_nm} NM, coverage ${u.coverage}`,
    );
    doc.text(
      `Conditions: visibility ${u.conditions.visibility_nm} NM, wind ${u.conditions.wind_kn} kn, sea ${u.conditions.sea_ft} ft${u.conditions.fatigue ? ", crew fatigued" : ""}`,
    );
    doc.text(`POC ${pct(u.poc)}, POD ${pct(u.pod)}, POS ${pct(u.pos)}; track ${u.track_nm} NM`);
    doc.moveDown(0.5);
    doc
      .font("Sans-Bold")
      .text(
        `Area at ${hhmm(u.area.reference_time)}: ${u.area.length_nm} × ${u.area.width_nm} NM, major axis ${u.area.major_axis_deg}° T`,
      );
    doc.font("Sans");
    u.area.corners.forEach(([lon, lat], c) => {
      doc.text(`  ${"ABCD"[c]}  ${formatPositionDM(lon, lat)}`);
    });
    doc.moveDown(0.5);
    doc.font("Sans-Bold").text("Waypoints (drift-compensated)");
    doc.font("Sans");
    u.waypoints.slice(0, MAX_WAYPOINT_LINES).forEach((w, k) => {
      doc.text(`  ${String(k + 1).padStart(3, " ")}  ${hhmm(w.time)}  ${formatPositionDM(w.lon, w.lat)}`);
    });
    if (u.waypoints.length > MAX_WAYPOINT_LINES)
      doc.text(`  … ${u.waypoints.length - MAX_WAYPOINT_LINES} more in plan_waypoints.csv`);
  }
  return finish();
}
