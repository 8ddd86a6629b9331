#!/usr/bin/env bash
# Runs every test: installs dependencies, builds with warnings as errors, runs ctest.
# Usage: scripts/test.sh [preset]   (default | asan | tsan)
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-default}
bash scripts/build.sh "$preset"
ctest --preset "$preset" --timeout 600
