#!/usr/bin/env bash
# The main job: build Strata and run the testbed's demo on a real file.
# (When the crash testbed lands this becomes the exhaustive crash sweep.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh default
mkdir -p runs/demo
./build/default/apps/strata-lab demo --db runs/demo/demo.strata "$@"
