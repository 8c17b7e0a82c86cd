// EIP-712 signing through Hardhat's signer for the node's first unlocked account
// (eth_signTypedData_v4 on the node), and through a signer for an account the node
// does not hold. Prints one JSON object: what was signed, the signature, whom
// ethers recovers, and the error the node gave for the foreign account.
const hre = require("hardhat");

async function main() {
  const [signer] = await hre.ethers.getSigners();
  const { chainId } = await hre.ethers.provider.getNetwork();
  const domain = {
    name: "Ether Mail",
    version: "1",
    chainId,
    verifyingContract: "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC",
  };
  const types = {
    Person: [
      { name: "name", type: "string" },
      { name: "wallet", type: "address" },
    ],
    Mail: [
      { name: "from", type: "Person" },
      { name: "to", type: "Person" },
      { name: "contents", type: "string" },
      { name: "amount", type: "uint256" },
    ],
  };
  const value = {
    from: { name: "Cow", wallet: "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826" },
    to: { name: "Bob", wallet: "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB" },
    contents: "Hello, Bob!",
    amount: 10n ** 18n,
  };
  const signature = await signer.signTypedData(domain, types, value);
  const recovered = hre.ethers.verifyTypedData(domain, types, value, signature);
  const digest = hre.ethers.TypedDataEncoder.hash(domain, types, value);
  let foreignError = null;
  try {
    const stranger = await hre.ethers.getSigner("0x000000000000000000000000000000000000dEaD");
    await stranger.signTypedData(domain, types, value);
  } catch (error) {
    foreignError = error.message;
  }
  console.log(JSON.stringify({ signer: signer.address, recovered, signature, digest, foreignError }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
