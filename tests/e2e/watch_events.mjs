// ethers `contract.on` and viem `watchContractEvent`, both polling over HTTP
// (eth_newFilter + eth_getFilterChanges), watch a run of Transfer events sent
// faster than they poll, so that each poll spans several blocks.
// Usage: node watch_events.mjs HTTP_URL ARTIFACTS_JSON PRIVATE_KEY RECIPIENT COUNT
// Prints one JSON object with the values each watcher saw; exits non-zero on any failure.
import fs from "node:fs";
import { ethers } from "ethers";
import { createPublicClient, http } from "viem";

const [url, artifactsFile, privateKey, recipient, countText] = process.argv.slice(2);
const count = Number(countText);
const { abi, bytecode } = JSON.parse(fs.readFileSync(artifactsFile, "utf8")).TestToken;

const provider = new ethers.JsonRpcProvider(url, undefined, { staticNetwork: true, cacheTimeout: -1 });
const wallet = new ethers.Wallet(privateKey, provider);
const token = await new ethers.ContractFactory(abi, bytecode, wallet).deploy(10n ** 24n);
await token.waitForDeployment();
const address = await token.getAddress();

const seenByEthers = [];
await token.on("Transfer", (from, to, value) => { seenByEthers.push(Number(value)); });

const seenByViem = [];
const client = createPublicClient({ transport: http(url), pollingInterval: 4000 });
const unwatch = client.watchContractEvent({
  address, abi, eventName: "Transfer",
  onLogs: (logs) => { for (const log of logs) seenByViem.push(Number(log.args.value)); },
  onError: (error) => { console.error(`viem: ${error.message}`); process.exit(1); },
});
await new Promise((resolve) => setTimeout(resolve, 5000)); // both watchers have their filters

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let nonce = await provider.getTransactionCount(wallet.address, "pending");
const sent = [];
for (let value = 1; value <= count; value++) {
  sent.push(await token.transfer(recipient, BigInt(value), { nonce: nonce++, gasLimit: 100000n }));
  await sleep(400);
}
for (const tx of sent) await tx.wait();

const deadline = Date.now() + 20000;
while ((seenByEthers.length < count || seenByViem.length < count) && Date.now() < deadline) await sleep(250);
await sleep(1000); // nothing more may arrive: each event exactly once
unwatch();
await token.removeAllListeners();
console.log(JSON.stringify({ address, ethers: seenByEthers, viem: seenByViem,
                             blocks: [...new Set((await Promise.all(sent.map((tx) => tx.wait()))).map((r) => r.blockNumber))] }));
process.exit(0);
