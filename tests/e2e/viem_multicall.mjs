// viem's multicall against a running L2: one eth_call to Multicall3's aggregate3
// at 0xcA11…CA11 reads several contracts (preinstalls and predeploys), one read
// failing on purpose; then one transaction through aggregate3Value pays two
// accounts. Usage: node viem_multicall.mjs URL CHAIN_ID KEY ACCOUNT PAYEE_A PAYEE_B
// Prints one JSON object (bigints as decimal strings); exits non-zero on any failure.
import { createPublicClient, createWalletClient, defineChain, http, parseAbi } from "viem";
import { privateKeyToAccount } from "viem/accounts";

const [url, chainId, key, account, payeeA, payeeB] = process.argv.slice(2);
const MULTICALL3 = "0xcA11bde05977b3631167028862bE2a173976CA11";
const chain = defineChain({
  id: Number(chainId),
  name: "ovm",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [url] } },
  contracts: { multicall3: { address: MULTICALL3 } },
});
const client = createPublicClient({ chain, transport: http(url) });
const wallet = createWalletClient({ account: privateKeyToAccount(key), chain, transport: http(url) });

const multicallAbi = parseAbi([
  "function getEthBalance(address) view returns (uint256)",
  "function getChainId() view returns (uint256)",
  "function getBlockNumber() view returns (uint256)",
  "struct Call3Value { address target; bool allowFailure; uint256 value; bytes callData; }",
  "struct Result { bool success; bytes returnData; }",
  "function aggregate3Value(Call3Value[] calls) payable returns (Result[])",
]);
const reads = [
  { address: MULTICALL3, abi: multicallAbi, functionName: "getEthBalance", args: [account] },
  { address: MULTICALL3, abi: multicallAbi, functionName: "getChainId" },
  { address: "0x69f4D1788e39c87893C980c06EdF4b7f686e2938", abi: parseAbi(["function VERSION() view returns (string)"]), functionName: "VERSION" },
  { address: "0x000000000022D473030F116dDEE9F6B43aC78BA3", abi: parseAbi(["function DOMAIN_SEPARATOR() view returns (bytes32)"]), functionName: "DOMAIN_SEPARATOR" },
  { address: "0x0000000071727De22E5E9d8BAf0edAc6f37da032", abi: parseAbi(["function getNonce(address, uint192) view returns (uint256)"]), functionName: "getNonce", args: [account, 0n] },
  { address: "0x420000000000000000000000000000000000000F", abi: parseAbi(["function decimals() view returns (uint256)"]), functionName: "decimals" },
  // Multicall3 has no such function: this one read fails and the others stand
  { address: MULTICALL3, abi: parseAbi(["function totalSupply() view returns (uint256)"]), functionName: "totalSupply" },
];
const results = await client.multicall({ contracts: reads });

const hash = await wallet.writeContract({
  address: MULTICALL3, abi: multicallAbi, functionName: "aggregate3Value", value: 3n,
  args: [[
    { target: payeeA, allowFailure: false, value: 1n, callData: "0x" },
    { target: payeeB, allowFailure: false, value: 2n, callData: "0x" },
  ]],
});
const receipt = await client.waitForTransactionReceipt({ hash });
const balances = await client.multicall({
  contracts: [payeeA, payeeB].map((a) => ({ address: MULTICALL3, abi: multicallAbi, functionName: "getEthBalance", args: [a] })),
  allowFailure: false,
});

const plain = (value) => JSON.parse(JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
console.log(JSON.stringify({
  results: plain(results.map((r) => ({ status: r.status, result: r.result, error: r.error ? r.error.shortMessage : undefined }))),
  status: receipt.status,
  to: receipt.to,
  balances: plain(balances),
}));
