// viem's OP Stack total-fee estimate against an ovm L2 node: estimateOperatorFee (which
// asks GasPriceOracle.getOperatorFee) and estimateTotalFee, beside the parts the total is
// made of for the same prepared request. Prints one JSON object.
//
// Usage: node viem_total_fee.mjs RPC_URL PRIVATE_KEY TO
import { createPublicClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { publicActionsL2 } from "viem/op-stack";
import { ovmL2 } from "./ovm_chain.mjs";

const [url, key, to] = process.argv.slice(2);
const chain = ovmL2(url);
const account = privateKeyToAccount(key);
const client = createPublicClient({ chain, transport: http(url) }).extend(publicActionsL2());

const request = await client.prepareTransactionRequest({ account, to, value: 1n, data: "0x1234" });
const [operatorFee, totalFee, l1Fee, gas, gasPrice] = await Promise.all([
  client.estimateOperatorFee(request),
  client.estimateTotalFee(request),
  client.estimateL1Fee(request),
  client.estimateGas(request),
  client.getGasPrice(),
]);
console.log(JSON.stringify({
  operatorFee: operatorFee.toString(),
  totalFee: totalFee.toString(),
  l1Fee: l1Fee.toString(),
  gas: gas.toString(),
  gasPrice: gasPrice.toString(),
}));
