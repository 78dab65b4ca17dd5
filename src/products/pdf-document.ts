// A pdfkit document as the PDF products write it: DejaVu Sans ("Sans", "Sans-Bold") registered so °, ′, ² and
// → print everywhere, its bytes collected in memory. Used by report.pdf, tasking.pdf and validation.pdf.
import PDFDocument from "pdfkit";
import { SANS_BOLD_TTF, SANS_TTF } from "./map-fonts.js";

export interface PdfInMemory {
  doc: PDFKit.PDFDocument;
  /** Ends the document and hands back its bytes. */
  finish(): Promise<Uint8Array>;
}

export function pdfInMemory(options: PDFKit.PDFDocumentOptions): PdfInMemory {
  const doc = new PDFDocument(options);
  doc.registerFont("Sans", SANS_TTF);
  doc.registerFont("Sans-Bold", SANS_BOLD_TTF);
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on("end", () => resolve());
    doc.on("error", reject);
  });
  return {
    doc,
    async finish() {
      doc.end();
      await finished;
      return new Uint8Array(Buffer.concat(chunks));
    },
  };
}
