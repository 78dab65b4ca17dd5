// Thread bootstrap used only when Driftline runs from its TypeScript sources (vitest, tsx): Node 20 does not
// pass the tsx loader on to worker threads, so load the .ts entry through tsx's API. Built code (dist/)
// starts the compiled .js entry directly and never loads this file.
import { workerData } from "node:worker_threads";
import { tsImport } from "tsx/esm/api";

await tsImport(workerData.tsEntry, import.meta.url);
