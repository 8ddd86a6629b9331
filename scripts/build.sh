#!/usr/bin/env bash
# Installs dependencies (if missing), configures and builds one CMake preset.
# Usage: scripts/build.sh [preset] [extra cmake -D options...]
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-default}
shift || true
bash scripts/install-deps.sh
cmake --preset "$preset" -DSTRATA_WERROR=ON "$@" >/dev/null
cmake --build --preset "$preset"
