#!/usr/bin/env bash
# Run the whole test suite on a fresh machine (sets everything up first). Extra args go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false RAY_AUTH_MODE=disabled HF_HUB_OFFLINE=1
export BOOTCAMP_CHECK_TIME_FACTOR="${BOOTCAMP_CHECK_TIME_FACTOR:-3}"  # shared CI machines are noisy
exec .venv/bin/python -m pytest -q --durations=40 "$@"
