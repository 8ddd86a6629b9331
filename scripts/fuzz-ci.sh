#!/usr/bin/env bash
# CI's fuzzing step: when clang 14 is present (scripts/install-deps.sh installs it), build the
# fuzz preset and run every libFuzzer target for a short fixed time; fail on any crash, hang
# or leak. Each run leaves its run folder in runs/fuzz-<target>/ (summary.json, junit.xml,
# report.html, crash inputs). The corpus replays (ctest -L fuzz-corpus) run in scripts/test.sh
# under the default compiler, with or without clang.
#
# Usage: scripts/fuzz-ci.sh [SECONDS]   (default 60 per target)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
if ! command -v clang++-14 >/dev/null 2>&1; then
  echo "fuzz-ci: clang++-14 not found; the libFuzzer targets are not built (corpus replays ran in ctest)"
  exit 0
fi
targets=(sql_parser page_decode db_file sql_exec sql_diff)
cmake --preset fuzz >/dev/null
cmake --build build/fuzz -j2 $(printf -- '--target fuzz_%s ' "${targets[@]}")
failed=()
for target in "${targets[@]}"; do
  # Already built: fuzz.sh's own build step finds nothing to do.
  if ! scripts/fuzz.sh "$target" "$seconds"; then
    failed+=("$target")
    echo "fuzz-ci: $target failed; crash inputs in runs/fuzz-$target/crashes/" >&2
    for crash in runs/fuzz-"$target"/crashes/*; do
      [ -f "$crash" ] || continue
      echo "  replay: build/fuzz/fuzz/$target $crash" >&2
      echo "  bytes (base64): $(base64 -w0 "$crash" | head -c 4000)" >&2
    done
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz-ci: FAIL: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz-ci: PASS: ${#targets[@]} targets, ${seconds}s each, no crash"
