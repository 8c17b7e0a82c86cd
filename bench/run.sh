#!/usr/bin/env bash
# Runs the five workloads of ../shared/bench on ovm and its peers (py-evm,
# execution-specs, revm via pyrevm) side by side, interleaved, and writes the
# table to bench/results/evm.md (raw data beside it). The peers live in their own
# virtual environment (bench/.peers-venv), since py-evm pins older libraries.
#   bench/run.sh [--runs N] [--engines ovm,pyevm,...]   (extra flags go to peers.py)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared="$root/../shared/bench"
bash "$root/bin/setup-env"
peers="$root/bench/.peers-venv"
if [ ! -x "$peers/bin/python" ]; then
    python3 -m venv "$peers"
    "$peers/bin/pip" install -q -r "$root/bench/requirements-peers.txt"
fi
mkdir -p "$root/bench/results"
"$peers/bin/python" "$shared/peers.py" \
    --engine "ovm=$root/.venv/bin/python $root/bench/ovm_engine.py" \
    --engine "ovm-interp=$root/.venv/bin/python $root/bench/ovm_engine.py --engine interpreter" \
    --json "$root/bench/results/evm.json" --markdown "$root/bench/results/evm.md" "$@"
