// The ovm dashboard: plain JavaScript, no library, no build step.
// Everything comes from the node that serves this page, over JSON-RPC on the
// same port: eth_* for blocks, transactions and accounts, eth_subscribe
// newHeads over a WebSocket for live updates, optimism_syncStatus and the
// block tags for the safe and finalized heads, ovm_* (ovm.rollup.explorer)
// for the rollup's batches, outputs, deposits and withdrawals.
"use strict";

const RPC_URL = "/";
const WS_URL = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/";
const ROWS = 12;
const RPC_TIMEOUT_MS = 30000; // a request the node does not answer fails, and the next refresh tries again
const state = { rollup: null, l1Time: null, fetchedAt: 0, refreshing: false, again: false, searches: 0 };

// --- JSON-RPC -------------------------------------------------------------------

class RpcError extends Error {
  constructor(error) { super(error.message); this.code = error.code; }
}

let nextId = 1;

async function rpcBatch(calls) {
  const body = calls.map(([method, params]) => ({ jsonrpc: "2.0", id: nextId++, method, params: params || [] }));
  const reply = await fetch(RPC_URL, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    signal: AbortSignal.timeout(RPC_TIMEOUT_MS) });
  const answers = await reply.json();
  const byId = new Map(answers.map((answer) => [answer.id, answer]));
  return body.map((request) => {
    const answer = byId.get(request.id);
    return answer && answer.error ? new RpcError(answer.error) : answer ? answer.result : new RpcError({ code: -32603, message: "no answer" });
  });
}

async function rpc(method, ...params) {
  const [result] = await rpcBatch([[method, params]]);
  if (result instanceof RpcError) throw result;
  return result;
}

// --- formatting -----------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const num = (hex) => (hex === null || hex === undefined ? null : Number(BigInt(hex)));
const short = (hex) => (hex && hex.length > 18 ? hex.slice(0, 10) + "…" + hex.slice(-6) : hex);

function eth(wei) {
  const value = BigInt(wei);
  if (value > 0n && value < 10n ** 10n) return `${value} wei`;
  const whole = value / 10n ** 18n;
  const fraction = (value % 10n ** 18n).toString().padStart(18, "0").replace(/0+$/, "");
  return (fraction ? `${whole}.${fraction.slice(0, 8)}` : `${whole}`) + " ETH";
}

function ago(seconds) {
  const delta = Math.max(0, Math.round(Date.now() / 1000 - seconds));
  return delta < 60 ? `${delta} s ago` : delta < 3600 ? `${Math.floor(delta / 60)} min ago` : `${Math.floor(delta / 3600)} h ago`;
}

function duration(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

const blockLink = (n) => (n === null || n === undefined || n < 0 ? "–" : el("a", { href: `#/block/${n}` }, String(n)));
const txLink = (hash) => el("a", { href: `#/tx/${hash}`, class: "mono", title: hash }, short(hash));
const addressLink = (address, name) => el("a", { href: `#/address/${address}`, class: "mono", title: address }, name || short(address));
const status = (text, kind) => el("span", { class: `status ${kind}` }, text);

function knownName(address) {
  if (!state.rollup || !address) return null;
  const known = state.rollup.contracts.find((c) => c.layer === "L2" && c.address === address.toLowerCase());
  return known ? known.name : null;
}

function table(id, headers, rows, empty) {
  const panel = el("section", { class: "panel", id });
  if (!rows.length) return panel.append(el("p", { class: "empty" }, empty)), panel;
  panel.append(el("table", {}, el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))), el("tbody", {}, rows)));
  return panel;
}

function panel(id, title, content) {
  const section = content.tagName === "SECTION" ? content : el("section", { class: "panel", id }, content);
  section.id = id;
  section.prepend(el("h2", {}, title));
  return section;
}

// A countdown to an L1 time: ticks locally from the L1 head's time at the last fetch.
function countdown(endsAt, done) {
  return el("span", { class: "countdown", dataset: { ends: String(endsAt), done } }, "");
}

function l1Now() {
  return state.l1Time === null ? null : state.l1Time + (Date.now() - state.fetchedAt) / 1000;
}

function tick() {
  const now = l1Now();
  for (const node of document.querySelectorAll(".countdown")) {
    if (now === null) continue;
    const left = Number(node.dataset.ends) - now;
    node.textContent = left > 0 ? `${duration(left)} left` : node.dataset.done;
    node.dataset.left = String(Math.max(0, Math.ceil(left)));
  }
}

// --- heads ----------------------------------------------------------------------

async function loadHeads() {
  const [chainId, latest, safe, finalized, sync, rollup] = await rpcBatch([
    ["eth_chainId"], ["eth_getBlockByNumber", ["latest", false]], ["eth_getBlockByNumber", ["safe", false]],
    ["eth_getBlockByNumber", ["finalized", false]], ["optimism_syncStatus"], ["ovm_rollupStatus"],
  ]);
  document.getElementById("chain-name").textContent = chainId instanceof RpcError ? "" : `chain id ${num(chainId)}`;
  const show = (id, block) => {
    const node = document.getElementById(id);
    node.replaceChildren(block && !(block instanceof RpcError) ? blockLink(num(block.number)) : "–");
  };
  // A rollup node says what derivation confirmed on L1 (optimism_syncStatus); another node has the tags alone.
  const synced = !(sync instanceof RpcError) && sync;
  show("l2-unsafe", latest);
  show("l2-safe", synced ? { number: sync.safe_l2.number } : safe);
  show("l2-finalized", synced ? { number: sync.finalized_l2.number } : finalized);
  state.rollup = rollup instanceof RpcError ? null : rollup;
  const l1 = !(sync instanceof RpcError) ? num(sync.head_l1.number) : state.rollup ? state.rollup.l1.head : null;
  document.getElementById("card-l1").hidden = l1 === null;
  document.getElementById("l1-head").textContent = l1 === null ? "–" : String(l1);
  if (state.rollup) {
    state.l1Time = state.rollup.l1.headTime;
    state.fetchedAt = Date.now();
    document.getElementById("card-backlog").hidden = false;
    document.getElementById("backlog").textContent = `${state.rollup.l2.batchBacklog} block${state.rollup.l2.batchBacklog === 1 ? "" : "s"}`;
    document.getElementById("card-challenge").hidden = false;
    document.getElementById("challenge-period").textContent = duration(state.rollup.challengePeriod);
  }
  return latest instanceof RpcError ? null : latest;
}

// --- the overview ---------------------------------------------------------------

async function overview(view) {
  const latest = await loadHeads();
  const head = latest ? num(latest.number) : 0;
  const blockCalls = [];
  for (let n = head; n >= 0 && n > head - ROWS; n--) blockCalls.push(["eth_getBlockByNumber", ["0x" + n.toString(16), true]]);
  const rollupCalls = state.rollup ? [["ovm_batches", [ROWS]], ["ovm_outputs", [ROWS]], ["ovm_deposits", [ROWS]], ["ovm_withdrawals", [ROWS]]] : [];
  const results = await rpcBatch([...blockCalls, ...rollupCalls]);
  const blocks = results.slice(0, blockCalls.length).filter((b) => b && !(b instanceof RpcError));
  const [batches, outputs, deposits, withdrawals] = results.slice(blockCalls.length);
  const panels = [blocksPanel(blocks), transactionsPanel(blocks)];
  if (state.rollup) {
    panels.push(depositsPanel(valueOr(deposits)), withdrawalsPanel(valueOr(withdrawals)),
      batchesPanel(valueOr(batches)), outputsPanel(valueOr(outputs)), rollupPanel(state.rollup));
  }
  view.classList.remove("detail");
  view.replaceChildren(...panels);
  tick();
}

const valueOr = (result) => (result instanceof RpcError || !result ? [] : result);

function blocksPanel(blocks) {
  const rows = blocks.map((b) => el("tr", {}, el("td", {}, blockLink(num(b.number))), el("td", { class: "mono" }, short(b.hash)),
    el("td", {}, String(b.transactions.length)), el("td", {}, num(b.gasUsed).toLocaleString("en")), el("td", {}, ago(num(b.timestamp)))));
  return panel("blocks", "Latest blocks", table("blocks", ["block", "hash", "txs", "gas used", "time"], rows, "no blocks yet"));
}

function transactionsPanel(blocks) {
  const txs = blocks.flatMap((b) => b.transactions).slice(0, ROWS);
  const rows = txs.map((tx) => el("tr", {}, el("td", {}, txLink(tx.hash)), el("td", {}, blockLink(num(tx.blockNumber))),
    el("td", {}, tx.type === "0x7e" ? status("deposit", "info") : `type ${num(tx.type)}`),
    el("td", {}, addressLink(tx.from, knownName(tx.from))), el("td", {}, tx.to ? addressLink(tx.to, knownName(tx.to)) : "create"),
    el("td", {}, eth(tx.value))));
  return panel("transactions", "Latest transactions", table("transactions", ["hash", "block", "type", "from", "to", "value"], rows, "no transactions yet"));
}

function depositsPanel(deposits) {
  const label = (d) => (d.status === "l1" ? [`on L1 (${d.l1Depth} block${d.l1Depth === 1 ? "" : "s"} deep), waiting for L2`, "wait"]
    : d.status === "l2" ? ["on L2", "info"] : ["on L2, safe", "ok"]);
  const rows = deposits.map((d) => el("tr", { dataset: { l1Tx: d.l1Tx, status: d.status } },
    el("td", {}, d.kind), el("td", {}, String(d.l1Block)), el("td", { class: "mono", title: d.l1Tx }, short(d.l1Tx)),
    el("td", {}, addressLink(d.l2Account)), el("td", {}, eth(d.amount)),
    el("td", {}, d.l2Block === null ? "–" : txLink(d.l2Tx)), el("td", {}, blockLink(d.l2Block)),
    el("td", { class: "deposit-status" }, status(...label(d)))));
  return panel("deposits", "Deposits (L1 → L2)",
    table("deposits", ["kind", "L1 block", "L1 tx", "L2 account", "amount", "L2 tx", "L2 block", "status"], rows, "no deposits yet"));
}

function withdrawalsPanel(withdrawals) {
  const rows = withdrawals.map((w) => {
    let shown;
    if (w.status === "finalized") shown = status("finalized on L1", "ok");
    else if (w.status === "waiting for an output") shown = status("waiting for an output", "wait");
    else if (w.status === "ready to finalize") shown = status("ready to finalize", "info");
    else shown = el("span", {}, status("in challenge period", "wait"), " ", countdown(w.challengePeriodEnds, "over"));
    return el("tr", { dataset: { hash: w.hash, status: w.status } },
      el("td", { class: "mono", title: w.hash }, short(w.hash)), el("td", {}, addressLink(w.from, knownName(w.from))), el("td", {}, addressLink(w.to)),
      el("td", {}, eth(w.amount)), el("td", {}, blockLink(w.l2Block)), el("td", {}, txLink(w.l2Tx)),
      el("td", {}, w.outputIndex === null ? "–" : String(w.outputIndex)), el("td", { class: "withdrawal-status" }, shown));
  });
  return panel("withdrawals", "Withdrawals (L2 → L1)",
    table("withdrawals", ["hash", "from", "to (L1)", "amount", "L2 block", "L2 tx", "output", "status"], rows, "no withdrawals yet"));
}

function batchesPanel(batches) {
  const rows = batches.map((b) => el("tr", { dataset: { index: String(b.index) } },
    el("td", {}, String(b.index)), el("td", {}, String(b.l1Block)), el("td", { class: "mono", title: b.l1Tx }, short(b.l1Tx)),
    el("td", {}, b.kind === "blobs" ? `blobs (${b.blobs})` : "calldata"),
    el("td", {}, b.size ? `${b.uncompressedSize.toLocaleString("en")} B` : "–"),
    el("td", {}, b.size ? `${b.size.toLocaleString("en")} B (${(100 * b.size / b.uncompressedSize).toFixed(0)} %)` : "–"),
    el("td", {}, b.error ? status(b.error, "bad") : el("span", {}, blockLink(b.firstBlock), " – ", blockLink(b.lastBlock))),
    el("td", {}, String(b.transactions))));
  return panel("batches", "Batches on L1",
    table("batches", ["#", "L1 block", "L1 tx", "carried in", "blocks (RLP)", "batch (FastLZ)", "L2 blocks", "txs"], rows, "no batches yet"));
}

function outputsPanel(outputs) {
  const rows = outputs.map((o) => el("tr", { dataset: { index: String(o.index) } },
    el("td", {}, String(o.index)), el("td", {}, blockLink(o.l2Block)), el("td", { class: "mono", title: o.root }, short(o.root)),
    el("td", {}, ago(o.proposedAt)),
    el("td", { class: "output-status" }, o.finalized ? status("final", "ok") : countdown(o.challengePeriodEnds, "final"))));
  return panel("outputs", "Outputs (state commitments on L1)", table("outputs", ["#", "L2 block", "output root", "proposed", "challenge period"], rows, "no outputs yet"));
}

function rollupPanel(rollup) {
  const rows = [
    ...rollup.contracts.map((c) => el("tr", {}, el("td", {}, c.name), el("td", {}, c.layer),
      el("td", {}, c.layer === "L2" ? addressLink(c.address, c.address) : el("span", { class: "mono" }, c.address)))),
    el("tr", {}, el("td", {}, "batcher"), el("td", {}, "L1"), el("td", { class: "mono" }, rollup.batcher)),
    el("tr", {}, el("td", {}, "proposer"), el("td", {}, "L1"), el("td", { class: "mono" }, rollup.proposer)),
  ];
  const about = `L1 chain id ${rollup.l1.chainId}, L2 chain id ${rollup.l2.chainId}; an output every ${rollup.proposalInterval} L2 blocks, ` +
    `final ${duration(rollup.challengePeriod)} after it is proposed`;
  return panel("rollup", "The rollup", el("div", {}, el("p", {}, about), table("rollup-contracts", ["contract", "layer", "address"], rows, "")));
}

// --- details --------------------------------------------------------------------

function fields(pairs) {
  return el("dl", { class: "fields" }, pairs.filter(([, v]) => v !== undefined).flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v === null ? "–" : v)]));
}

function headStatus(number) {
  const safe = Number(document.getElementById("l2-safe").textContent);
  const finalized = Number(document.getElementById("l2-finalized").textContent);
  if (number <= finalized) return status("finalized", "ok");
  if (number <= safe) return status("safe", "info");
  return status("unsafe", "wait");
}

async function blockView(view, ref) {
  await loadHeads();
  const byHash = ref.startsWith("0x") && ref.length === 66;
  const block = await rpc(byHash ? "eth_getBlockByHash" : "eth_getBlockByNumber", byHash ? ref : "0x" + Number(ref).toString(16), true);
  if (!block) return notFound(view, `no block ${ref}`);
  const origin = state.rollup ? await rpc("ovm_blockOrigin", block.number) : undefined;
  const rows = block.transactions.map((tx) => el("tr", {}, el("td", {}, txLink(tx.hash)),
    el("td", {}, tx.type === "0x7e" ? status("deposit", "info") : `type ${num(tx.type)}`),
    el("td", {}, addressLink(tx.from, knownName(tx.from))), el("td", {}, tx.to ? addressLink(tx.to, knownName(tx.to)) : "create"), el("td", {}, eth(tx.value))));
  const number = num(block.number);
  showDetail(view, panel("block", `Block ${number}`, el("div", {}, fields([
    ["status", headStatus(number)], ["hash", el("span", { class: "mono" }, block.hash)],
    ["L1 origin", origin === undefined ? undefined : origin === null ? "none (the genesis)"
      : el("span", { class: "l1-origin" }, `L1 block ${origin.number} `, el("span", { class: "mono", title: origin.hash }, short(origin.hash)),
        `, ${origin.sequenceNumber === 0 ? "first L2 block of its epoch" : `L2 block ${origin.sequenceNumber + 1} of its epoch`}`)],
    ["parent", number > 0 ? el("a", { href: `#/block/${number - 1}`, class: "mono" }, block.parentHash) : block.parentHash],
    ["time", `${new Date(num(block.timestamp) * 1000).toISOString()} (${ago(num(block.timestamp))})`],
    ["gas used", `${num(block.gasUsed).toLocaleString("en")} of ${num(block.gasLimit).toLocaleString("en")}`],
    ["base fee", block.baseFeePerGas ? `${num(block.baseFeePerGas)} wei` : null], ["state root", el("span", { class: "mono" }, block.stateRoot)],
  ]), table("block-transactions", ["hash", "type", "from", "to", "value"], rows, "no transactions"))));
}

async function txView(view, hash) {
  await loadHeads();
  const [tx, receipt, decoded, trace] = await rpcBatch([["eth_getTransactionByHash", [hash]], ["eth_getTransactionReceipt", [hash]],
    ["ovm_decodeTransaction", [hash]], ["debug_traceTransaction", [hash, { tracer: "callTracer" }]]]);
  if (!tx || tx instanceof RpcError) return notFound(view, `no transaction ${hash}`);
  const call = decoded && !(decoded instanceof RpcError) ? decoded.call : null;
  const logs = receipt && !(receipt instanceof RpcError) ? receipt.logs : [];
  const decodedLogs = decoded && !(decoded instanceof RpcError) ? decoded.logs : [];
  const logRows = logs.map((log, i) => {
    const d = decodedLogs[i];
    const what = d && d.event ? `${d.contract}.${d.event}` : d ? d.contract : "";
    const args = d && d.args ? d.args.map((a) => `${a.name} = ${a.value}`).join("\n") : [log.topics.join("\n"), log.data].join("\n");
    return el("tr", {}, el("td", {}, addressLink(log.address, knownName(log.address))), el("td", {}, what), el("td", {}, el("pre", { class: "args" }, args)));
  });
  const deposit = tx.type === "0x7e";
  showDetail(view, panel("tx", deposit ? "Deposit transaction" : "Transaction", el("div", {}, fields([
    ["hash", el("span", { class: "mono" }, tx.hash)], ["block", tx.blockNumber ? blockLink(num(tx.blockNumber)) : "pending"],
    ["status", receipt && !(receipt instanceof RpcError) ? (receipt.status === "0x1" ? status("success", "ok") : status("reverted", "bad")) : status("pending", "wait")],
    ["type", deposit ? "0x7e (deposit)" : String(num(tx.type))], ["from", addressLink(tx.from, knownName(tx.from))],
    ["to", tx.to ? addressLink(tx.to, knownName(tx.to)) : "contract creation"], ["value", eth(tx.value)],
    ["mint", deposit ? eth(tx.mint || "0x0") : undefined], ["source hash", deposit ? el("span", { class: "mono" }, tx.sourceHash) : undefined],
    ["gas used", receipt && !(receipt instanceof RpcError) ? num(receipt.gasUsed).toLocaleString("en") : null],
    ["L1 fee", receipt && receipt.l1Fee ? eth(receipt.l1Fee) : undefined],
    ["call", call ? (call.function ? `${call.contract}.${call.signature}` : `${call.contract} (unknown function)`) : undefined],
    ["arguments", call && call.args && call.args.length ? el("pre", { class: "args" }, call.args.map((a) => `${a.name} (${a.type}) = ${JSON.stringify(a.value)}`).join("\n")) : undefined],
    ["input", el("span", { class: "mono" }, tx.input.length > 202 ? tx.input.slice(0, 202) + "…" : tx.input)],
  ]), el("h2", {}, "Calls"), callsTable(trace), el("h2", {}, "Logs"), table("logs", ["address", "event", "fields"], logRows, "no logs"))));
}

// The call tree geth's callTracer gives, one row per call, indented by depth.
function callsTable(trace) {
  if (!trace || trace instanceof RpcError) return table("calls", [], [], trace instanceof RpcError ? `no trace: ${trace.message}` : "no trace");
  const rows = [];
  const walk = (call, depth) => {
    rows.push(el("tr", {}, el("td", {}, "· ".repeat(depth) + call.type), el("td", {}, addressLink(call.from, knownName(call.from))),
      el("td", {}, call.to ? addressLink(call.to, knownName(call.to)) : "–"), el("td", {}, eth(call.value || "0x0")),
      el("td", {}, num(call.gasUsed).toLocaleString("en")), el("td", {}, call.error ? status(call.error, "bad") : "")));
    for (const inner of call.calls || []) walk(inner, depth + 1);
  };
  walk(trace, 0);
  return table("calls", ["call", "from", "to", "value", "gas used", "error"], rows, "no calls");
}

async function addressView(view, address) {
  await loadHeads();
  const head = num(await rpc("eth_blockNumber"));
  const calls = [["eth_getBalance", [address, "latest"]], ["eth_getTransactionCount", [address, "latest"]], ["eth_getCode", [address, "latest"]]];
  for (let n = head; n >= 0 && n > head - 64; n--) calls.push(["eth_getBlockByNumber", ["0x" + n.toString(16), true]]);
  const [balance, nonce, code, ...blocks] = await rpcBatch(calls);
  const lower = address.toLowerCase();
  const txs = blocks.filter((b) => b && !(b instanceof RpcError)).flatMap((b) => b.transactions)
    .filter((tx) => tx.from === lower || (tx.to || "") === lower);
  const rows = txs.map((tx) => el("tr", {}, el("td", {}, txLink(tx.hash)), el("td", {}, blockLink(num(tx.blockNumber))),
    el("td", {}, tx.from === lower ? "out" : "in"), el("td", {}, eth(tx.value))));
  const isContract = typeof code === "string" && code !== "0x";
  showDetail(view, panel("address", `${isContract ? "Contract" : "Account"} ${address}`, el("div", {}, fields([
    ["name", knownName(address) || undefined], ["balance", balance instanceof RpcError ? null : eth(balance)],
    ["nonce", nonce instanceof RpcError ? null : String(num(nonce))],
    ["code", isContract ? `${(code.length - 2) / 2} bytes` : "none (an externally owned account)"],
  ]), el("h2", {}, "Transactions in the last 64 blocks"), table("address-transactions", ["hash", "block", "direction", "value"], rows, "none"))));
}

function notFound(view, message) {
  showDetail(view, el("section", { class: "panel", id: "not-found" }, el("h2", {}, "Not found"), el("p", {}, message)));
}

function showDetail(view, content) {
  view.classList.add("detail");
  view.replaceChildren(content);
}

// --- routing, search, live updates ----------------------------------------------

async function render() {
  const view = document.getElementById("view");
  const [, kind, ref] = (location.hash || "#/").split("/");
  try {
    if (kind === "block" && ref) await blockView(view, ref);
    else if (kind === "tx" && ref) await txView(view, ref);
    else if (kind === "address" && ref) await addressView(view, ref);
    else await overview(view);
  } catch (error) {
    showDetail(view, el("section", { class: "panel", id: "error" }, el("h2", {}, "Error"), el("p", {}, String(error.message || error))));
  }
}

// Refresh at most one render at a time; a head arriving meanwhile asks for one more.
async function refresh() {
  if (state.refreshing) { state.again = true; return; }
  state.refreshing = true;
  try { await render(); } finally {
    state.refreshing = false;
    if (state.again) { state.again = false; refresh(); }
  }
}

async function search(text) {
  const query = text.trim();
  const error = document.getElementById("search-error");
  const ticket = ++state.searches; // only the latest search may move the page (a hash is looked up first)
  error.hidden = true;
  if (/^\d+$/.test(query)) { location.hash = `#/block/${query}`; return; }
  if (/^0x[0-9a-fA-F]{40}$/.test(query)) { location.hash = `#/address/${query.toLowerCase()}`; return; }
  if (/^0x[0-9a-fA-F]{64}$/.test(query)) {
    const hash = query.toLowerCase();
    const [tx, block] = await rpcBatch([["eth_getTransactionByHash", [hash]], ["eth_getBlockByHash", [hash, false]]]);
    if (ticket !== state.searches) return;
    if (tx && !(tx instanceof RpcError)) { location.hash = `#/tx/${hash}`; return; }
    if (block && !(block instanceof RpcError)) { location.hash = `#/block/${hash}`; return; }
    error.textContent = `no block or transaction has the hash ${hash}`;
  } else {
    error.textContent = "search for a block number, a block or transaction hash (0x + 64 hex digits) or an address (0x + 40)";
  }
  error.hidden = false;
}

function connectLive() {
  const live = document.getElementById("live");
  const socket = new WebSocket(WS_URL);
  socket.onopen = () => socket.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: ["newHeads"] }));
  socket.onmessage = (message) => {
    const data = JSON.parse(message.data);
    if (data.id === 1 && data.result) { live.className = "on"; return; }
    if (data.method === "eth_subscription") refresh();
  };
  socket.onclose = () => { live.className = "off"; setTimeout(connectLive, 2000); };
}

document.getElementById("search").addEventListener("submit", (event) => {
  event.preventDefault();
  search(document.getElementById("search-input").value);
});
window.addEventListener("hashchange", refresh);
setInterval(tick, 1000);
setInterval(() => { if (document.getElementById("live").className === "off") refresh(); }, 5000);
connectLive();
refresh();
