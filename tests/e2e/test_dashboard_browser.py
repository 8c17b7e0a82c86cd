"""
The dashboard in a real browser
===============================

Debian's Chromium, headless, driven by Selenium through Debian's chromedriver,
loads the dashboard a running ``ovm devnet`` serves (``/dashboard/`` on the
L2's JSON-RPC port) and watches what a user would: the L1, L2, safe and
finalized heads; a deposit first seen on L1 and then on L2 (the devnet waits
``--confirmations 12`` L1 blocks before an L1 block's deposits go into L2, so
there is time to see it waiting); a withdrawal whose output counts down its
challenge period, becomes ready, and is paid once ``ovm finalize`` runs; batches
(blobs, compressed) and outputs; the decoded call and event of a withdrawal;
and search by block number, hash and address. A screenshot is kept in
``build/dashboard/`` (gitignored) and the test's temporary directory.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import requests
from node_process import NodeProcess
from rollup_support import Devnet, wait_for
from support import REPO, rpc

from ovm.chain.dev_accounts import dev_accounts
from ovm.rollup.artifacts import load
from ovm.rollup.config import load_config
from ovm.rollup.l1.client import L1Client
from ovm.rollup.l1.contract import Contract

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dashboard")]

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
USER = dev_accounts()[4]
ETHER = 10**18
CHALLENGE_PERIOD = 30
ARTIFACTS = REPO / "build" / "dashboard"


@pytest.fixture(scope="module")
def devnet(tmp_path_factory):
    devnet = Devnet(tmp_path_factory.mktemp("dashboard") / "data",
                    "--challenge-period", str(CHALLENGE_PERIOD), "--confirmations", "12")
    try:
        yield devnet
    finally:
        devnet.stop()


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("Debian's chromium and chromium-driver are not installed (bin/setup-env installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1600,1400"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def page_wait(driver, condition, what: str, timeout: float = 120):
    """Poll the page until ``condition(driver)`` is truthy; returns its value."""
    found = []

    def holds():
        try:
            value = condition(driver)
        except (StaleElementReferenceException, WebDriverException):
            return False
        if value:
            found.append(value)
        return bool(value)

    try:
        wait_for(holds, what, timeout)
    except TimeoutError as exc:
        shown = driver.execute_script("return document.body.innerText;")[:2000]
        raise AssertionError(f"{exc}; the page at {driver.current_url} shows:\n{shown}") from None
    return found[-1]


# The page re-renders on every L2 block, so it is read in one script each time
# (an element found in one call may be gone by the next).


def text(driver, css: str) -> str:
    return driver.execute_script("const e = document.querySelector(arguments[0]); return e ? e.innerText : '';", css)


def texts(driver, css: str) -> list[str]:
    return driver.execute_script("return [...document.querySelectorAll(arguments[0])].map((e) => e.innerText);", css)


def number(driver, css: str) -> int | None:
    value = text(driver, css)
    return int(value) if value.isdigit() else None


def row_attribute(driver, css: str, attribute: str) -> str | None:
    return driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;", css, attribute)


def click(driver, css: str) -> None:
    """Click the first element ``css`` finds (as a user does a link)."""
    assert driver.execute_script("const e = document.querySelector(arguments[0]); if (e) e.click(); return !!e;", css), css


def overview(driver, devnet: Devnet) -> None:
    driver.get(devnet.url + "/dashboard/#/")
    page_wait(driver, lambda d: text(d, "#live.on"), "live updates over the WebSocket")


def test_the_dashboard_follows_a_deposit_and_a_withdrawal(devnet, browser, tmp_path):
    driver = browser
    overview(driver, devnet)

    # The heads: L1 and L2, safe and finalized, as the node reports them; they move live.
    first = page_wait(driver, lambda d: number(d, "#l2-unsafe"), "the L2 head on the page")
    page_wait(driver, lambda d: (number(d, "#l2-unsafe") or 0) > first, "the L2 head to move without a reload")
    assert number(driver, "#l1-head") is not None and number(driver, "#l2-safe") is not None
    assert number(driver, "#l2-finalized") is not None
    assert number(driver, "#l2-safe") <= number(driver, "#l2-unsafe")
    assert text(driver, "#challenge-period") == f"{CHALLENGE_PERIOD} s"
    config = load_config(devnet.datadir / "rollup.json")
    contracts = text(driver, "#rollup-contracts")
    assert "0x" + config.contracts.l1_bridge.hex() in contracts and "L2ToL1MessagePasser" in contracts

    # A deposit: on L1 first (waiting for its L1 block to be deep enough), then on L2.
    bridge = Contract.at(L1Client(devnet.l1_url), load("L1Bridge"), config.contracts.l1_bridge)
    receipt = bridge.transact(USER.private_key, "depositETH", value=2 * ETHER)
    l1_tx = "0x" + receipt.transaction_hash.hex()
    row = f'#deposits tr[data-l1-tx="{l1_tx}"]'
    seen = []

    waiting = []

    def deposit_on_l2(d):
        status = row_attribute(d, row, "data-status")
        if status and (not seen or seen[-1] != status):
            seen.append(status)
        if status == "l1":
            waiting.append(text(d, f"{row} .deposit-status"))
        return status in ("l2", "safe")

    page_wait(driver, deposit_on_l2, "the deposit on L2")
    assert seen[0] == "l1", f"the deposit was never shown waiting on L1: {seen}"
    assert any(shown.endswith(" deep), waiting for L2") for shown in waiting), waiting
    assert "waiting for L2" not in text(driver, row)
    assert "2 ETH" in text(driver, row)
    page_wait(driver, lambda d: row_attribute(d, row, "data-status") == "safe", "the deposit's L2 block to be safe")

    # Its L2 transaction: a deposit (type 0x7E) minting the amount.
    click(driver, f"{row} td:nth-child(6) a")
    page_wait(driver, lambda d: "Deposit transaction" in text(d, "#tx h2"), "the deposit's transaction page")
    details = text(driver, "#tx")
    assert "0x7e (deposit)" in details and "2 ETH" in details and "success" in details

    # A withdrawal: its output counts down the challenge period on the page.
    result = devnet.command("withdraw", "--amount", "0.5", "--account", "4")
    withdrawal_hash = next(line.split()[-1] for line in result.stdout.splitlines() if "withdrawal hash" in line)
    overview(driver, devnet)
    row = f'#withdrawals tr[data-hash="{withdrawal_hash}"]'
    page_wait(driver, lambda d: text(d, row), "the withdrawal on the page")
    assert "0.5 ETH" in text(driver, row)
    page_wait(driver, lambda d: row_attribute(d, row, "data-status") == "in challenge period",
              "the withdrawal's output in its challenge period")
    left = []

    def counted_down(d):
        value = row_attribute(d, f"{row} .countdown", "data-left")
        if value is not None and (not left or left[-1] != int(value)):
            left.append(int(value))
        return len(left) >= 3

    page_wait(driver, counted_down, "the challenge period to count down")
    assert left == sorted(left, reverse=True) and 0 < left[0] <= CHALLENGE_PERIOD, left
    assert "s left" in text(driver, f"{row} .countdown")
    outputs = texts(driver, "#outputs .output-status")
    assert outputs and all(shown == "final" or shown.endswith(" s left") for shown in outputs), outputs
    assert any(shown.endswith(" s left") for shown in outputs), outputs

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(tmp_path / "dashboard.png"))
    shutil.copy(tmp_path / "dashboard.png", ARTIFACTS / "dashboard.png")

    page_wait(driver, lambda d: row_attribute(d, row, "data-status") == "ready to finalize",
              "the withdrawal to be ready", timeout=CHALLENGE_PERIOD + 120)
    assert "ready to finalize" in text(driver, row)

    devnet.command("finalize", "--account", "4")
    page_wait(driver, lambda d: row_attribute(d, row, "data-status") == "finalized", "the withdrawal paid on L1")
    assert "finalized on L1" in text(driver, row)

    # Batches: in blobs on the embedded L1, compressed, naming their L2 blocks.
    batches = texts(driver, "#batches tbody tr")
    assert batches and "blobs (1)" in batches[-1] and "%" in batches[-1], batches

    # The withdrawal's L2 transaction, decoded: L2Bridge.withdrawETH and MessagePassed.
    l2_tx = row_attribute(driver, f"{row} td:nth-child(6) a", "title")
    search(driver, l2_tx)
    page_wait(driver, lambda d: "L2Bridge.withdrawETH()" in text(d, "#tx"), "the decoded withdrawal call")
    assert "L2ToL1MessagePasser.MessagePassed" in text(driver, "#logs")
    calls = texts(driver, "#calls tbody tr")
    assert len(calls) == 2 and "L2Bridge" in calls[0] and "L2ToL1MessagePasser" in calls[1] and "0.5 ETH" in calls[1], calls
    assert f"withdrawalHash = {withdrawal_hash}" in text(driver, "#logs")

    # Search by block number, block hash and address; a bad query says what it takes.
    search(driver, "3")
    page_wait(driver, lambda d: text(d, "#block h2") == "Block 3", "block 3 by number")
    origin = rpc(devnet.url, "ovm_blockOrigin", "0x3")
    page_wait(driver, lambda d: text(d, "#block .l1-origin").startswith(f"L1 block {origin['number']} "), "block 3's L1 origin")
    block_hash = rpc(devnet.url, "eth_getBlockByNumber", "0x3", False)["hash"]
    search(driver, block_hash)
    page_wait(driver, lambda d: d.current_url.endswith(f"#/block/{block_hash}") and text(d, "#block h2") == "Block 3",
              "block 3 by hash")
    address = "0x" + USER.address.hex()
    search(driver, address.upper().replace("0X", "0x"))
    page_wait(driver, lambda d: address in text(d, "#address h2"), "the account page")
    assert "balance" in text(driver, "#address") and "ETH" in text(driver, "#address")
    search(driver, "not a block")
    page_wait(driver, lambda d: d.find_element(By.ID, "search-error").is_displayed(), "the search error")
    assert "block number" in text(driver, "#search-error")


def test_the_batches_shown_carry_every_safe_block(devnet):
    safe = devnet.sync_status()["safe_l2"]
    batches = sorted(rpc(devnet.url, "ovm_batches", hex(200)), key=lambda b: b["index"])
    carried = set()
    for batch in batches:
        assert batch["error"] is None and batch["kind"] == "blobs" and batch["blobs"] == 1, batch
        assert batch["size"] > 0 and batch["uncompressedSize"] > 0 and batch["firstBlock"] <= batch["lastBlock"]
        carried.update(range(batch["firstBlock"], batch["lastBlock"] + 1))
    assert set(range(1, safe + 1)) <= carried
    outputs = rpc(devnet.url, "ovm_outputs", hex(5))
    assert outputs and [o["index"] for o in outputs] == list(range(outputs[0]["index"], outputs[0]["index"] - len(outputs), -1))
    assert all(o["l2Block"] % 3 == 0 for o in outputs)  # --proposal-interval 3


def test_the_explorer_methods_refuse_bad_arguments(devnet):
    reply = rpc_raw(devnet.url, "ovm_batches", [0])
    assert reply["error"]["code"] == -32602 and "limit" in reply["error"]["message"]
    reply = rpc_raw(devnet.url, "ovm_decodeTransaction", ["0x" + "00" * 32])
    assert reply["error"]["code"] == -32001
    assert rpc(devnet.url, "ovm_blockOrigin", "0x0") is None  # the genesis has no L1-info deposit
    origin = rpc(devnet.url, "ovm_blockOrigin", "latest")
    l1_block = rpc(devnet.l1_url, "eth_getBlockByNumber", hex(origin["number"]), False)
    assert origin["hash"] == l1_block["hash"] and origin["timestamp"] == int(l1_block["timestamp"], 16)
    assert rpc_raw(devnet.url, "ovm_blockOrigin", ["0xffffff"])["error"]["code"] == -32001
    assert rpc_raw(devnet.url, "ovm_blockOrigin", ["soon"])["error"]["code"] == -32602
    status = rpc(devnet.url, "ovm_rollupStatus")
    assert status["challengePeriod"] == CHALLENGE_PERIOD and status["l1"]["head"] > 0


def test_on_a_plain_node_the_dashboard_shows_the_chain_alone(browser, tmp_path):
    node = NodeProcess(tmp_path / "chain", "--block-time", "1")
    try:
        driver = browser
        driver.get(node.url + "/dashboard/")
        page_wait(driver, lambda d: text(d, "#live.on"), "live updates over the WebSocket")
        sender, recipient = dev_accounts()[0], dev_accounts()[1]
        tx_hash = rpc(node.url, "eth_sendTransaction", {"from": "0x" + sender.address.hex(),
                                                        "to": "0x" + recipient.address.hex(), "value": hex(3 * ETHER)})
        page_wait(driver, lambda d: tx_hash in (row_attribute(d, "#transactions tbody a.mono", "title") or ""),
                  "the transaction among the latest, without a reload")
        assert texts(driver, "#deposits, #withdrawals, #batches, #outputs") == []
        assert not driver.execute_script("return document.getElementById('card-l1').offsetParent !== null")
        search(driver, tx_hash)
        page_wait(driver, lambda d: tx_hash in text(d, "#tx"), "the transaction page")
        assert "3 ETH" in text(driver, "#tx") and "success" in text(driver, "#tx")
    finally:
        node.stop()


def search(driver, query: str) -> None:
    field = driver.find_element(By.ID, "search-input")
    field.clear()
    field.send_keys(query)
    driver.find_element(By.CSS_SELECTOR, "#search button").click()


def rpc_raw(url: str, method: str, params: list) -> dict:
    return requests.post(url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params}, timeout=30).json()
