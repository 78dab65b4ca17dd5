// The scale bar never hides the last known position (issue 19): bottom-left, or bottom-right when the LKP
// would lie under it, in heatmap.png and the GIF frames alike (both draw it with drawScaleBar).
import { createCanvas } from "@napi-rs/canvas";
import { describe, expect, it } from "vitest";
import { drawScaleBar } from "../../src/products/map-scale.js";
import { Bounds, fitView } from "../../src/products/map-view.js";

function panelAt(avoid: { x: number; y: number }[]) {
  const canvas = createCanvas(400, 300);
  const g = canvas.getContext("2d");
  const bounds = new Bounds(4);
  bounds.add(4, 60);
  bounds.add(4.5, 60.2);
  const view = fitView(bounds, { x: 0, y: 0, w: 400, h: 300 });
  drawScaleBar(g as never, view, 13, avoid);
  const painted = (x: number, y: number) => g.getImageData(x, y, 1, 1).data[3] > 0;
  return { left: painted(30, 280), right: painted(370, 280) };
}

describe("the scale bar", () => {
  it("sits bottom-left when the last known position is elsewhere", () => {
    expect(panelAt([{ x: 200, y: 100 }])).toEqual({ left: true, right: false });
  });
  it("moves bottom-right when the last known position would lie under it", () => {
    expect(panelAt([{ x: 30, y: 270 }])).toEqual({ left: false, right: true });
  });
});
