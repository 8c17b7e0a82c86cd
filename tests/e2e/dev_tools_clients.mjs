// What ethers v6 and viem ask of a dev node beyond sending transactions.
// Usage: node dev_tools_clients.mjs MODE URL [ARGS...]; prints one JSON object; exits non-zero on failure.
//   fees URL                          viem estimateFeesPerGas / estimateMaxPriorityFeePerGas, ethers getFeeData
//   sign URL ADDRESS TYPED_DATA_JSON  ethers JsonRpcSigner and a viem JSON-RPC account sign, the signers recovered
//   impersonate URL WHALE RECIPIENT   ethers sends from an impersonated address (hardhat_impersonateAccount)
//   accesslist URL FROM TO DATA       viem createAccessList
import { ethers } from "ethers";
import {
  createPublicClient, createWalletClient, http, recoverMessageAddress, recoverTypedDataAddress,
} from "viem";

const [mode, url, ...args] = process.argv.slice(2);
const provider = new ethers.JsonRpcProvider(url, undefined, { staticNetwork: true, cacheTimeout: -1 });
const client = createPublicClient({ transport: http(url) });
const show = (value) => console.log(JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)));

if (mode === "fees") {
  const block = await client.getBlock();
  show({
    baseFee: block.baseFeePerGas,
    viem: await client.estimateFeesPerGas(),
    viemPriority: await client.estimateMaxPriorityFeePerGas(),
    viemGasPrice: await client.getGasPrice(),
    ethers: await provider.getFeeData(),
  });
} else if (mode === "sign") {
  const [address, typedJson] = args;
  const typed = JSON.parse(typedJson);
  const { EIP712Domain, ...types } = typed.types;
  const message = "hello from a dev account";
  const signer = await provider.getSigner(address);
  const ethersMessage = await signer.signMessage(message);
  const ethersTyped = await signer.signTypedData(typed.domain, types, typed.message);
  const raw = await signer.signTransaction({ to: address, value: 5n });
  const wallet = createWalletClient({ account: address, transport: http(url) });
  const viemMessage = await wallet.signMessage({ message });
  const viemTyped = await wallet.signTypedData({ domain: typed.domain, types, primaryType: typed.primaryType,
                                                message: typed.message });
  show({
    ethersMessage: ethers.verifyMessage(message, ethersMessage),
    ethersTyped: ethers.verifyTypedData(typed.domain, types, typed.message, ethersTyped),
    ethersTransaction: ethers.Transaction.from(raw).from,
    viemMessage: await recoverMessageAddress({ message, signature: viemMessage }),
    viemTyped: await recoverTypedDataAddress({ domain: typed.domain, types, primaryType: typed.primaryType,
                                               message: typed.message, signature: viemTyped }),
  });
} else if (mode === "impersonate") {
  const [whale, recipient] = args;
  await provider.send("hardhat_setBalance", [whale, "0x56bc75e2d63100000"]); // 100 ETH
  await provider.send("hardhat_impersonateAccount", [whale]);
  const signer = await provider.getSigner(whale);
  const tx = await signer.sendTransaction({ to: recipient, value: 12345n });
  const receipt = await tx.wait();
  await provider.send("hardhat_stopImpersonatingAccount", [whale]);
  let after = null;
  try {
    await signer.sendTransaction({ to: recipient, value: 1n });
  } catch (error) {
    after = error.error?.message ?? error.message;
  }
  show({ from: receipt.from, status: receipt.status, hash: receipt.hash, after });
} else if (mode === "accesslist") {
  const [from, to, data] = args;
  show(await client.createAccessList({ account: from, to, data }));
} else {
  throw new Error(`unknown mode ${mode}`);
}
process.exit(0);
