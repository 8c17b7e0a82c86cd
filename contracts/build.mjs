// Compiles Solidity sources with the npm solc into one JSON artifact per contract and interface.
//
// Usage: node contracts/build.mjs --root REPO --out DIR SOURCE_DIR...
//
// Every *.sol file under each SOURCE_DIR (relative to REPO) is compiled in one solc run; source
// unit names are repo-relative paths (e.g. contracts/src/L1/L1Bridge.sol), and imports outside
// the given directories are read from REPO. DIR receives <ContractName>.json for every contract
// and interface (libraries are inlined into their users and get none); old *.json files in DIR
// are removed first. The output is a function of the sources alone: same sources, same bytes.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const solc = require("solc");

const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  // The IR pipeline: about 10% less gas on finalizeWithdrawal than the legacy one.
  viaIR: true,
  evmVersion: "cancun",
  // No metadata hash in the bytecode: the code depends on the program, not on comments.
  metadata: { bytecodeHash: "none" },
  outputSelection: {
    "*": {
      "": ["ast"],
      "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object", "storageLayout"],
    },
  },
};

function parseArgs(argv) {
  const args = { sources: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--root") args.root = argv[++i];
    else if (argv[i] === "--out") args.out = argv[++i];
    else args.sources.push(argv[i]);
  }
  if (!args.root || !args.out || args.sources.length === 0) {
    throw new Error("usage: node contracts/build.mjs --root REPO --out DIR SOURCE_DIR...");
  }
  return args;
}

// Repo-relative paths of the .sol files under `dir`, sorted.
function solidityFiles(root, dir) {
  return fs
    .readdirSync(path.join(root, dir), { recursive: true })
    .filter((name) => name.endsWith(".sol"))
    .map((name) => path.posix.join(dir, name.split(path.sep).join("/")))
    .sort();
}

// sha256 of the source set, reproducible with
//   find DIR... -name '*.sol' | LC_ALL=C sort | xargs sha256sum | sha256sum
function sourceSetSha256(root, files) {
  const lines = files.map((file) => {
    const digest = crypto.createHash("sha256").update(fs.readFileSync(path.join(root, file))).digest("hex");
    return `${digest}  ${file}\n`;
  });
  return crypto.createHash("sha256").update(lines.join("")).digest("hex");
}

function compile(root, files) {
  const sources = Object.fromEntries(files.map((file) => [file, { content: fs.readFileSync(path.join(root, file), "utf8") }]));
  const input = { language: "Solidity", sources, settings: SETTINGS };
  const findImports = (name) => {
    const file = path.join(root, name);
    return fs.existsSync(file) ? { contents: fs.readFileSync(file, "utf8") } : { error: `not found: ${name}` };
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const problems = output.errors || [];
  for (const problem of problems.filter((p) => p.severity !== "error")) console.error(problem.formattedMessage);
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  return output;
}

// Contracts and interfaces (not libraries) declared in each compiled source: name -> source.
function artifactNames(output) {
  const names = new Map();
  for (const [sourceName, { ast }] of Object.entries(output.sources)) {
    for (const node of ast.nodes) {
      if (node.nodeType !== "ContractDefinition" || node.contractKind === "library") continue;
      if (names.has(node.name)) throw new Error(`two contracts named ${node.name}`);
      names.set(node.name, sourceName);
    }
  }
  return names;
}

// The storage layout as [{name, slot, offset, type}], slot as a decimal string.
function storageLayout(layout) {
  return layout.storage.map((entry) => ({
    name: entry.label,
    slot: entry.slot,
    offset: entry.offset,
    type: layout.types[entry.type].label,
  }));
}

// The settings that shape the code (all but the output selection).
function compilerSettings() {
  return Object.fromEntries(Object.entries(SETTINGS).filter(([key]) => key !== "outputSelection"));
}

function artifact(name, sourceName, contract, sourceHash) {
  return {
    contractName: name,
    sourceName,
    compiler: { version: solc.version(), settings: compilerSettings() },
    sourceSetSha256: sourceHash,
    abi: contract.abi,
    bytecode: "0x" + contract.evm.bytecode.object,
    deployedBytecode: "0x" + contract.evm.deployedBytecode.object,
    storageLayout: storageLayout(contract.storageLayout),
  };
}

function main() {
  const { root, out, sources } = parseArgs(process.argv.slice(2));
  const files = sources.flatMap((dir) => solidityFiles(root, dir));
  const output = compile(root, files);
  const sourceHash = sourceSetSha256(root, files);
  fs.mkdirSync(out, { recursive: true });
  for (const old of fs.readdirSync(out).filter((name) => name.endsWith(".json"))) fs.rmSync(path.join(out, old));
  for (const [name, sourceName] of artifactNames(output)) {
    const json = artifact(name, sourceName, output.contracts[sourceName][name], sourceHash);
    fs.writeFileSync(path.join(out, `${name}.json`), JSON.stringify(json, null, 2) + "\n");
  }
}

try {
  main();
} catch (error) {
  console.error(`build-contracts: ${error.message}`);
  process.exit(1);
}
