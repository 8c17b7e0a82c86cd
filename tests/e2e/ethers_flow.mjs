// The ERC-20 round trip with ethers v6 against a running ovm node.
// Usage: node ethers_flow.mjs HTTP_URL WS_URL ARTIFACTS_JSON PRIVATE_KEY RECIPIENT
// Prints one JSON object with what it saw; exits non-zero on any failure.
import fs from "node:fs";
import { ethers } from "ethers";

const [httpUrl, wsUrl, artifactsFile, privateKey, recipient] = process.argv.slice(2);
const { abi, bytecode } = JSON.parse(fs.readFileSync(artifactsFile, "utf8")).TestToken;

// ethers caches identical requests for 250 ms by default; with a block per
// transaction, a back-to-back second transaction would reuse the cached nonce
// (anvil with automine behaves the same), so the cache is off.
const provider = new ethers.JsonRpcProvider(httpUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
const wallet = new ethers.Wallet(privateKey, provider);
const supply = ethers.parseEther("1000000");

const factory = new ethers.ContractFactory(abi, bytecode, wallet);
const token = await factory.deploy(supply);
await token.waitForDeployment();
const address = await token.getAddress();

// A subscription over WebSocket sees the next Transfer.
const ws = new ethers.WebSocketProvider(wsUrl);
const wsToken = new ethers.Contract(address, abi, ws);
const seen = new Promise((resolve) => {
  wsToken.on("Transfer", (from, to, value) => resolve({ from, to, value: value.toString() }));
});

const estimate = await token.transfer.estimateGas(recipient, 1234n);
const tx = await token.transfer(recipient, 1234n);
const receipt = await tx.wait();

const event = await Promise.race([
  seen,
  new Promise((_, reject) => setTimeout(() => reject(new Error("no Transfer event over WebSocket")), 15000)),
]);

const logs = await token.queryFilter(token.filters.Transfer(), receipt.blockNumber, receipt.blockNumber);
let revertReason = null;
try {
  await token.alwaysReverts.staticCall();
} catch (error) {
  revertReason = error.reason;
}

console.log(JSON.stringify({
  address,
  status: receipt.status,
  gasUsed: receipt.gasUsed.toString(),
  estimate: estimate.toString(),
  recipientBalance: (await token.balanceOf(recipient)).toString(),
  senderBalance: (await token.balanceOf(wallet.address)).toString(),
  logs: logs.map((log) => ({ from: log.args[0], to: log.args[1], value: log.args[2].toString() })),
  subscribed: event,
  revertReason,
}));
await ws.destroy();
process.exit(0);
