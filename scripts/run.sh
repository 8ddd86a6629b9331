#!/usr/bin/env bash
# The main job: build Strata and run the crash testbed's sweep of the `default` workload —
# every crash point, every honest policy (process-kill, drop-unsynced, sector-subset,
# torn-sector, reorder), 512- and 4096-byte sectors, every image of a state enumerated up to
# 2^10 and sampled above — then print where the report is and the one-line verdict.
# Extra arguments go to `strata-lab crash` (see `strata-lab crash --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh default
./build/default/apps/strata-lab crash --workload default --policy honest --sector 512 4096 \
  --exhaustive-bound 10 --report runs/crash "$@"
