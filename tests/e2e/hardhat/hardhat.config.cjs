// A Hardhat 2 project pointed at a running ovm node (OVM_RPC_URL): its accounts
// are the node's unlocked ones ("remote"), so Hardhat's signers ask the node to sign.
require("@nomicfoundation/hardhat-ethers");

module.exports = {
  solidity: "0.8.28",
  defaultNetwork: "ovm",
  networks: {
    ovm: { url: process.env.OVM_RPC_URL || "http://127.0.0.1:8545", accounts: "remote" },
  },
};
