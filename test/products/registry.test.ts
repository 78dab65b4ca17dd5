import { describe, expect, it } from "vitest";
import { DATA_PRODUCTS } from "../../src/products/data-products.js";
import {
  PRODUCT_FILES,
  PRODUCT_NAMES,
  PRODUCTS,
  productForDownload,
  productOfFile,
  productsAt,
} from "../../src/products/registry.js";
import { DOWNLOAD_FORMATS } from "../../src/service/api/schemas.js";
import { contentTypeFor, productKey } from "../../src/service/storage/keys.js";

describe("product registry", () => {
  it("names every product, file and download format once", () => {
    for (const key of ["name", "file", "download"] as const) {
      const values = PRODUCTS.map((p) => p[key]);
      expect(new Set(values).size).toBe(values.length);
    }
  });

  it("has a writer for every product but the pipeline's summary.json", () => {
    expect(PRODUCTS.filter((p) => !("write" in p)).map((p) => p.name)).toEqual(["summary"]);
    expect(productsAt("run").map((p) => p.name)).toEqual(["summary"]);
    expect(productsAt("picture").map((p) => p.name)).toEqual(["png", "gif", "pdf"]);
    expect([...DATA_PRODUCTS].sort()).toEqual(
      [
        "netcdf",
        "density",
        "search_areas",
        "trajectories",
        "kml",
        "kmz",
        "ascii",
        "csv",
        "areas_csv",
        "gpx",
        "shore",
        "agreement",
      ].sort(),
    );
  });

  it("gives the CLI's names, the API's formats and storage's content types from the same rows", () => {
    expect(PRODUCT_NAMES).toHaveLength(16);
    expect(PRODUCT_FILES.search_areas).toBe("search_areas.geojson");
    expect(Object.keys(DOWNLOAD_FORMATS)).toEqual([
      "netcdf",
      "geojson",
      "search-areas",
      "kml",
      "kmz",
      "png",
      "gif",
      "pdf",
      "density",
      "csv",
      "areas-csv",
      "gpx",
      "shore",
      "agreement",
      "ascii",
      "summary",
    ]);
    expect(DOWNLOAD_FORMATS["areas-csv"]).toEqual({
      file: "search_areas.csv",
      type: "text/csv; charset=utf-8",
      label: "Search-area corners (CSV)",
    });
    expect(productForDownload("geojson")?.name).toBe("trajectories");
    expect(productOfFile("/tmp/out/mission.kmz")?.name).toBe("kmz");
    expect(contentTypeFor("/tmp/out/particles.nc")).toBe("application/x-netcdf");
    expect(contentTypeFor("/tmp/out/search_areas.geojson")).toBe("application/geo+json");
    expect(contentTypeFor("C:\\out\\report.pdf")).toBe("application/pdf");
    expect(contentTypeFor("notes.docx")).toBe("application/octet-stream");
    const id = "0b7c3c52-5a3f-4f7e-9d55-1f2a3b4c5d6e";
    expect(productKey(id, "netcdf")).toBe(`${id}/raw/particles.nc`);
    expect(productKey(id, "pdf")).toBe(`${id}/report.pdf`);
  });
});
