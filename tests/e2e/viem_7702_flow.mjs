// EIP-7702 with viem against a running node: the authority signs an
// authorization (signAuthorization), a sponsor sends it in a type-4
// transaction to the authority with calldata, then reads back what happened.
// Usage: node viem_7702_flow.mjs URL CHAIN_ID SPONSOR_KEY AUTHORITY_KEY DELEGATE DATA READ_DATA
// (DATA: the calldata of the type-4 transaction; READ_DATA: of a call made after it)
// Prints one JSON object; exits non-zero on any failure.
import { createPublicClient, createWalletClient, defineChain, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";

const [url, chainId, sponsorKey, authorityKey, delegate, data, readData] = process.argv.slice(2);
const chain = defineChain({
  id: Number(chainId),
  name: "ovm",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [url] } },
});
const sponsor = privateKeyToAccount(sponsorKey);
const authority = privateKeyToAccount(authorityKey);
const wallet = createWalletClient({ account: sponsor, chain, transport: http(url) });
const client = createPublicClient({ chain, transport: http(url) });

const authorization = await wallet.signAuthorization({ account: authority, contractAddress: delegate });
const estimate = await client.estimateGas({
  account: sponsor, to: authority.address, data, authorizationList: [authorization],
});
const hash = await wallet.sendTransaction({ authorizationList: [authorization], to: authority.address, data });
const receipt = await client.waitForTransactionReceipt({ hash });
const tx = await client.getTransaction({ hash });
const code = await client.getCode({ address: authority.address });
const slot = await client.getStorageAt({ address: authority.address, slot: "0x0" });
const { data: returned } = await client.call({ to: authority.address, data: readData });

console.log(JSON.stringify({
  authority: authority.address,
  signed: authorization,
  estimate,
  status: receipt.status,
  receiptType: receipt.type,
  gasUsed: receipt.gasUsed,
  txType: tx.type,
  authorizationList: tx.authorizationList,
  code,
  slot,
  returned,
}, (_, value) => (typeof value === "bigint" ? value.toString() : value)));
