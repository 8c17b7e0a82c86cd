// Compiles one Solidity file with solc (npm) and prints
// {"Contract": {"abi": [...], "bytecode": "0x...", "evmVersion": "...", "compiler": "..."}}.
// Usage: node compile.mjs [--latest] [--evm-version NAME] FILE.sol
// Without --latest: the repo's pinned solc ("solc") for evmVersion cancun, which every
// fork ovm runs takes. With --latest: the newer solc of package.json ("solc-latest")
// with its own default evmVersion, as users have it (none is given in the settings),
// unless --evm-version names one.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const latest = args[0] === "--latest";
if (latest) args.shift();
const evmVersion = args[0] === "--evm-version" ? args.splice(0, 2)[1] : latest ? undefined : "cancun";
const file = args[0];
const solc = require(latest ? "solc-latest" : "solc");
const input = {
  language: "Solidity",
  sources: { [path.basename(file)]: { content: fs.readFileSync(file, "utf8") } },
  settings: {
    optimizer: { enabled: true, runs: 200 },
    ...(evmVersion ? { evmVersion } : {}),
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "metadata"] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === "error");
if (errors.length) {
  console.error(errors.map((e) => e.formattedMessage).join("\n"));
  process.exit(1);
}
const result = {};
for (const contracts of Object.values(output.contracts)) {
  for (const [name, c] of Object.entries(contracts)) {
    const metadata = JSON.parse(c.metadata);
    result[name] = {
      abi: c.abi,
      bytecode: "0x" + c.evm.bytecode.object,
      evmVersion: metadata.settings.evmVersion,
      compiler: metadata.compiler.version,
    };
  }
}
console.log(JSON.stringify(result));
