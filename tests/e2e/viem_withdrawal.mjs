// The bridge round trip with viem's OP Stack actions alone, against `ovm devnet`:
// a deposit (depositTransaction on L1; getL2TransactionHashes gives its L2 transaction), then a
// withdrawal to TARGET: initiateWithdrawal on L2, getWithdrawalStatus through its states,
// getTimeToProve / waitToProve, buildProveWithdrawal + proveWithdrawal, getTimeToFinalize /
// waitToFinalize, finalizeWithdrawal. The portal and the L2OutputOracle are found the way a
// tool finds them: from the L2 node's optimism_rollupConfig, into viem's chain definition.
// Usage: node viem_withdrawal.mjs L1_URL L2_URL KEY TARGET DEPOSIT_WEI WITHDRAW_WEI
// Prints one JSON object (bigints as decimal strings); exits non-zero on any failure.
import { createPublicClient, createWalletClient, defineChain, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  getL2TransactionHashes, publicActionsL1, publicActionsL2, walletActionsL1, walletActionsL2,
} from "viem/op-stack";
import { ovmL2 } from "../node/rpc/ovm_chain.mjs";

const [l1Url, l2Url, key, target, depositWei, withdrawWei] = process.argv.slice(2);
const account = privateKeyToAccount(key);

async function rpc(url, method, params = []) {
  const response = await fetch(url, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const answer = await response.json();
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  return answer.result;
}

const config = await rpc(l2Url, "optimism_rollupConfig");
const l1 = defineChain({
  id: config.l1_chain_id, name: "ovm L1",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [l1Url] } },
  contracts: { multicall3: { address: "0xcA11bde05977b3631167028862bE2a173976CA11" } },
});
const base = ovmL2(l2Url);
const l2 = defineChain({
  ...base,
  id: config.l2_chain_id,
  sourceId: l1.id,
  contracts: {
    ...base.contracts,
    portal: { [l1.id]: { address: config.contracts.l1_bridge } },
    l2OutputOracle: { [l1.id]: { address: config.contracts.state_commitment_chain } },
  },
});

const l1Public = createPublicClient({ chain: l1, transport: http(l1Url), pollingInterval: 250 }).extend(publicActionsL1());
const l1Wallet = createWalletClient({ account, chain: l1, transport: http(l1Url) }).extend(walletActionsL1());
const l2Public = createPublicClient({ chain: l2, transport: http(l2Url), pollingInterval: 250 }).extend(publicActionsL2());
const l2Wallet = createWalletClient({ account, chain: l2, transport: http(l2Url) }).extend(walletActionsL2());
const report = { statuses: [] };
const status = async (receipt) => {
  const now = await l1Public.getWithdrawalStatus({ receipt, targetChain: l2 });
  if (report.statuses.at(-1) !== now) report.statuses.push(now);
  return now;
};

// Deposit, and the L2 transaction it makes.
const depositArgs = await l2Public.buildDepositTransaction({ account, mint: BigInt(depositWei), to: account.address });
const depositHash = await l1Wallet.depositTransaction({ ...depositArgs, targetChain: l2 });
const depositReceipt = await l1Public.waitForTransactionReceipt({ hash: depositHash });
const [l2DepositHash] = getL2TransactionHashes(depositReceipt);
const l2Deposit = await l2Public.waitForTransactionReceipt({ hash: l2DepositHash, timeout: 120_000 });
report.deposit = { l1Tx: depositHash, l2Tx: l2DepositHash, l2Status: l2Deposit.status, l2Block: l2Deposit.blockNumber.toString() };

// Withdraw to TARGET on L1.
// The L1 gas is given: viem would estimate the payment from the zero address, which has no ETH here.
const withdrawArgs = await l1Public.buildInitiateWithdrawal({ account, to: target, value: BigInt(withdrawWei), gas: 21_000n });
const withdrawHash = await l2Wallet.initiateWithdrawal(withdrawArgs);
const receipt = await l2Public.waitForTransactionReceipt({ hash: withdrawHash });
report.portalVersion = await l1Public.getPortalVersion({ targetChain: l2 });
await status(receipt);
report.timeToProve = (await l1Public.getTimeToProve({ receipt, targetChain: l2 })).seconds;
const { output, withdrawal } = await l1Public.waitToProve({ receipt, targetChain: l2 });
await status(receipt);
const proveArgs = await l2Public.buildProveWithdrawal({ account, output, withdrawal });
const proveHash = await l1Wallet.proveWithdrawal(proveArgs);
const proveReceipt = await l1Public.waitForTransactionReceipt({ hash: proveHash });
await status(receipt);
report.timeToFinalize = await l1Public.getTimeToFinalize({ withdrawalHash: withdrawal.withdrawalHash, targetChain: l2 });
await l1Public.waitToFinalize({ withdrawalHash: withdrawal.withdrawalHash, targetChain: l2 });
while ((await status(receipt)) === "waiting-to-finalize") await new Promise((done) => setTimeout(done, 500));
const finalizeHash = await l1Wallet.finalizeWithdrawal({ targetChain: l2, withdrawal });
const finalizeReceipt = await l1Public.waitForTransactionReceipt({ hash: finalizeHash });
await status(receipt);

Object.assign(report, {
  withdrawal: { ...withdrawal, nonce: withdrawal.nonce.toString(), value: withdrawal.value.toString(), gasLimit: withdrawal.gasLimit.toString() },
  l2Block: receipt.blockNumber.toString(),
  l2Tx: receipt.transactionHash,
  outputIndex: output.outputIndex.toString(),
  outputBlock: output.l2BlockNumber.toString(),
  prove: proveReceipt.status,
  finalize: finalizeReceipt.status,
  finalizeTx: finalizeHash,
});
report.timeToFinalize = { period: report.timeToFinalize.period, seconds: report.timeToFinalize.seconds };
console.log(JSON.stringify(report));
