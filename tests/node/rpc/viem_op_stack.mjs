// viem's OP Stack actions against an ovm L2 node: the L1 fee and L1 gas estimates that
// GasPriceOracle answers (estimateL1Fee, estimateL1Gas), then the same transaction that
// estimateL1Fee serializes (EIP-1559, nonce 1, 5 and 1 gwei, its default gas), signed and
// sent, and its receipt as viem's OP Stack formatters read it. Prints one JSON object.
//
// Usage: node viem_op_stack.mjs RPC_URL PRIVATE_KEY TO DATA_HEX
import { createPublicClient, createWalletClient, http, parseGwei } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { publicActionsL2 } from "viem/op-stack";
import { ovmL2 } from "./ovm_chain.mjs";

const [url, key, to, data] = process.argv.slice(2);
const chain = ovmL2(url);
const account = privateKeyToAccount(key);
const client = createPublicClient({ chain, transport: http(url) }).extend(publicActionsL2());
const wallet = createWalletClient({ account, chain, transport: http(url) });

const request = { account, to, value: 1n, data: data === "0x" ? undefined : data };
const l1Fee = await client.estimateL1Fee(request);
const l1Gas = await client.estimateL1Gas(request);
const hash = await wallet.sendTransaction({
  ...request,
  type: "eip1559",
  nonce: 1,
  gas: request.data ? 300000n : 21000n,
  maxFeePerGas: parseGwei("5"),
  maxPriorityFeePerGas: parseGwei("1"),
});
const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 100 });
console.log(JSON.stringify({
  estimatedL1Fee: l1Fee.toString(),
  estimatedL1Gas: l1Gas.toString(),
  hash,
  status: receipt.status,
  l1Fee: receipt.l1Fee?.toString(),
  l1GasUsed: receipt.l1GasUsed?.toString(),
}));
