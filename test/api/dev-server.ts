// Development: `npx tsx test/api/dev-server.ts [--fake]` serves the page with a throw-away data directory.
import { fakeRunner } from "./fake-runner.js";
import { startTestServer } from "./helpers.js";

const fake = process.argv.includes("--fake");
const port = Number(process.env.PORT ?? 8099);
const server = await startTestServer({ runner: fake ? fakeRunner : undefined });
process.stdout.write(`${server.url} (data ${server.dataDir}, port ${server.port}; wanted ${port})\n`);
process.on("SIGINT", async () => {
  await server.close();
  process.exit(0);
});
