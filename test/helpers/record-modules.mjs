// `node --import ./test/helpers/record-modules.mjs …`: appends the URL of every module the process loads
// (ES modules and the CommonJS files they import) to the file named by RECORD_MODULES, one a line.
import { register } from "node:module";

register(
  `data:text/javascript,${encodeURIComponent(`
import { appendFileSync } from "node:fs";
export async function load(url, context, next) {
  if (process.env.RECORD_MODULES) appendFileSync(process.env.RECORD_MODULES, url + "\\n");
  return next(url, context);
}`)}`,
);
