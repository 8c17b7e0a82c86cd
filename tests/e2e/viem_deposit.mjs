// viem's OP Stack L1 action depositTransaction against ovm's L1 bridge, which takes
// OptimismPortal's depositTransaction for ETH deposits to the caller's own L2 account:
// buildDepositTransaction on the L2 (it estimates the L2 gas), then depositTransaction on
// the L1 with the bridge as the portal. Waits for the L1 receipt.
// Usage: node viem_deposit.mjs L1_URL L1_CHAIN_ID L2_URL L2_CHAIN_ID KEY BRIDGE AMOUNT_WEI
// Prints one JSON object (bigints as decimal strings); exits non-zero on any failure.
import { createPublicClient, createWalletClient, defineChain, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { publicActionsL2, walletActionsL1 } from "viem/op-stack";

const [l1Url, l1ChainId, l2Url, l2ChainId, key, bridge, amount] = process.argv.slice(2);
const chain = (id, url) => defineChain({
  id: Number(id), name: `ovm ${id}`,
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [url] } },
});
const account = privateKeyToAccount(key);
const l1 = chain(l1ChainId, l1Url);
const l2 = chain(l2ChainId, l2Url);
const l2Client = createPublicClient({ chain: l2, transport: http(l2Url) }).extend(publicActionsL2());
const l1Wallet = createWalletClient({ account, chain: l1, transport: http(l1Url) }).extend(walletActionsL1());
const l1Client = createPublicClient({ chain: l1, transport: http(l1Url) });

const args = await l2Client.buildDepositTransaction({ account, mint: BigInt(amount), to: account.address });
const hash = await l1Wallet.depositTransaction({ ...args, portalAddress: bridge });
const receipt = await l1Client.waitForTransactionReceipt({ hash });
console.log(JSON.stringify({
  l2Gas: args.request.gas.toString(),
  status: receipt.status,
  to: receipt.to,
  logs: receipt.logs.map((log) => ({ address: log.address, topics: log.topics, data: log.data })),
}));
