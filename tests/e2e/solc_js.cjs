#!/usr/bin/env node
// The part of native solc's command line that Foundry uses (`--version`, and
// `--standard-json` reading the input on stdin), answered by the npm solc (solcjs),
// so that `forge --use tests/e2e/solc_js.cjs` compiles with no solc download.
// SOLCJS_PATH: the npm solc package's directory.
const fs = require("node:fs");
const path = require("node:path");
const solc = require(process.env.SOLCJS_PATH);

const args = process.argv.slice(2);
if (args.includes("--version")) {
  console.log("solc, the solidity compiler commandline interface");
  console.log("Version: " + solc.version());
  process.exit(0);
}
const readImport = (name) => {
  const file = path.resolve(name);
  return fs.existsSync(file) ? { contents: fs.readFileSync(file, "utf8") } : { error: "not found: " + name };
};
process.stdout.write(solc.compile(fs.readFileSync(0, "utf8"), { import: readImport }));
