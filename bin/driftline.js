#!/usr/bin/env node
// Entry point of the `driftline` command: runs the compiled CLI (built by `npm run build` / `prepare`).
import("../dist/cli/main.js").catch((error) => {
  console.error(`driftline: cannot start (${error.message}); run \`npm run build\` first`);
  process.exit(1);
});
