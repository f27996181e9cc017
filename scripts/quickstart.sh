#!/usr/bin/env bash
# The main job on a fresh machine: set everything up, then run the quickstart.
# Extra args go to the command.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false RAY_AUTH_MODE=disabled HF_HUB_OFFLINE=1
.venv/bin/bootcamp tasks list --json | .venv/bin/python -c "import json,sys; t=json.load(sys.stdin); print(len(t), 'tasks registered')"
exec .venv/bin/bootcamp tasks check --all --seeds 10 "$@"
