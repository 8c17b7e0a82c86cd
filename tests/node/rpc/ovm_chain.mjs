// The ovm L2 (chain 901) as viem's OP Stack actions see it, served at `url`.
import { defineChain } from "viem";
import { chainConfig } from "viem/op-stack";

export function ovmL2(url) {
  return defineChain({
    ...chainConfig,
    id: 901,
    name: "ovm",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
}
