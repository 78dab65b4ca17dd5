// Worker-thread entry: runs simulation specs one at a time as the runner sends them (thread-runner.ts),
// posting progress, then the result or the error. The thread lives on between jobs.
import { runSimulationSpec } from "../../pipeline/run.js";
import { serveRuns } from "./thread-runner.js";

serveRuns(runSimulationSpec);
