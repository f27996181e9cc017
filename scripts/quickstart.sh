#!/usr/bin/env bash
# The main job on a fresh machine: set everything up, then run the quickstart RL job
# (local Ray, a tiny local model, CPU). Extra args go to `bootcamp train`, e.g. --output runs/qs.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false RAY_AUTH_MODE=disabled HF_HUB_OFFLINE=1
exec .venv/bin/bootcamp train examples/quickstart.yaml "$@"
