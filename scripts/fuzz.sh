#!/usr/bin/env bash
# A fuzzing campaign: builds the fuzz preset (clang 14, libFuzzer, ASan + UBSan), runs one
# target for a given time, merges what it found into a minimal corpus, and writes a run folder
# in the crash testbed's format: runs/fuzz-<target>/summary.json (executions per second,
# coverage and features as libFuzzer counts them, corpus sizes, crashes), junit.xml (one test
# case: the target, failed when it crashed), report.html, the libFuzzer logs, the crash inputs
# (crashes/) and the merged corpus (corpus-merged/).
#
# Usage: scripts/fuzz.sh TARGET SECONDS [JOBS]
#   TARGET   sql_parser | page_decode | db_file | sql_exec | sql_diff
#   JOBS     parallel fuzzing processes (default 1)
# Environment:
#   STRATA_FUZZ_BUILD=DIR      build in DIR (configured like the fuzz preset) instead of build/fuzz
#   STRATA_FUZZ_UPDATE_CORPUS=1  also merge the new inputs that add coverage into fuzz/corpus/TARGET
#   STRATA_FUZZ_ARGS="..."     extra libFuzzer flags
# Exit status: 0 when the target ran its time without a crash, 1 when it crashed, 2 on misuse.
# A crash input becomes a regression: copy it to fuzz/regressions/TARGET/, fix, and the
# fuzz-corpus ctest replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-}
seconds=${2:-}
jobs=${3:-1}
case "$target" in
  sql_parser|page_decode|db_file|sql_exec|sql_diff) ;;
  *) echo "usage: scripts/fuzz.sh sql_parser|page_decode|db_file|sql_exec|sql_diff SECONDS [JOBS]" >&2; exit 2 ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "SECONDS must be a number" >&2; exit 2; }
[[ "$jobs" =~ ^[0-9]+$ && "$jobs" -ge 1 ]] || { echo "JOBS must be a number >= 1" >&2; exit 2; }

if [ -n "${STRATA_FUZZ_BUILD:-}" ]; then
  build=$STRATA_FUZZ_BUILD
  if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
      -DCMAKE_C_COMPILER=clang-14 -DSTRATA_SANITIZE=address,undefined -DSTRATA_FUZZ=ON \
      -DSTRATA_BENCH=OFF -DSTRATA_TESTS=OFF >/dev/null
  fi
else
  build=build/fuzz
  bash scripts/install-deps.sh
  cmake --preset fuzz >/dev/null
fi
cmake --build "$build" -j2 --target "fuzz_$target"
bin=$(pwd)/$build/fuzz/$target

run=runs/fuzz-$target
root=$(pwd)
rm -rf "$run"
mkdir -p "$run/corpus" "$run/crashes" "$run/logs"
seed_corpus=$root/fuzz/corpus/$target
seeds=$(find "$seed_corpus" -type f | wc -l)
flags=(-max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 -print_final_stats=1
       -artifact_prefix="$root/$run/crashes/")
case "$target" in
  sql_parser|sql_exec) flags+=(-dict="$root/fuzz/dict/sql.dict" -max_len=4096) ;;
  db_file) flags+=(-max_len=65536) ;;
  page_decode) flags+=(-max_len=8192) ;;
  sql_diff) flags+=(-max_len=512) ;;
esac
# shellcheck disable=SC2206
extra=(${STRATA_FUZZ_ARGS:-})

echo "fuzz: $target for ${seconds}s with $jobs job(s), $seeds seeds; run folder $run"
start=$(date +%s)
status=0
if [ "$jobs" -eq 1 ]; then
  "$bin" "${flags[@]}" "${extra[@]}" "$run/corpus" "$seed_corpus" >"$run/logs/fuzz-0.log" 2>&1 || status=$?
else
  # libFuzzer's -jobs writes fuzz-N.log into the working directory.
  (cd "$run/logs" && "$bin" "${flags[@]}" "${extra[@]}" -jobs="$jobs" -workers="$jobs" \
      "$root/$run/corpus" "$seed_corpus" >/dev/null 2>&1) || status=$?
fi
elapsed=$(( $(date +%s) - start ))

# The minimal corpus that keeps all coverage: seeds plus what this run found.
mkdir -p "$run/corpus-merged"
"$bin" -merge=1 -timeout=25 -rss_limit_mb=2560 "$run/corpus-merged" "$seed_corpus" "$run/corpus" \
  >"$run/logs/merge.log" 2>&1 || true
if [ "${STRATA_FUZZ_UPDATE_CORPUS:-0}" = 1 ]; then
  "$bin" -merge=1 -timeout=25 "$seed_corpus" "$run/corpus" >"$run/logs/merge-into-seeds.log" 2>&1 || true
fi

# Figures from libFuzzer's logs: the last status line of each job (cov, ft, corp, exec/s) and
# the final stats; summed or maxed over jobs.
stats=$(cat "$run"/logs/fuzz-*.log | awk '
  /^#[0-9]+/ && / cov: / {
    for (i = 1; i <= NF; i++) {
      if ($i == "cov:") cov = $(i + 1); if ($i == "ft:") ft = $(i + 1);
      if ($i == "corp:") { split($(i + 1), c, "/"); corp = c[1] }
    }
  }
  /^stat::number_of_executed_units:/ { execs += $2 }
  /^stat::average_exec_per_sec:/ { rate += $2 }
  /^stat::new_units_added:/ { added += $2 }
  /^stat::peak_rss_mb:/ { if ($2 > rss) rss = $2 }
  END { printf "%d %d %d %d %d %d %d\n", cov, ft, corp, execs, rate, added, rss }')
read -r cov ft corp execs rate added rss <<<"$stats"
if [ "$execs" -eq 0 ] && [ "$elapsed" -gt 0 ]; then rate=0; fi
merged_cov=$(grep -o 'cov: [0-9]*' "$run/logs/merge.log" | tail -1 | awk '{print $2}')
merged_ft=$(grep -o 'ft: [0-9]*' "$run/logs/merge.log" | tail -1 | awk '{print $2}')
merged_files=$(find "$run/corpus-merged" -type f | wc -l)
merged_bytes=$(du -sb "$run/corpus-merged" | awk '{print $1}')
crashes=$(find "$run/crashes" -type f | wc -l)
crash_list=$(find "$run/crashes" -type f -printf '"%f",' | sed 's/,$//')
pass=true
verdict="PASS: $target ran ${elapsed}s, $execs executions, no crash"
if [ "$crashes" -gt 0 ] || { [ "$status" -ne 0 ] && [ "$status" -ne 124 ]; }; then
  pass=false
  verdict="FAIL: $target crashed ($crashes crash input(s) in $run/crashes, exit $status)"
fi
cat >"$run/summary.json" <<JSON
{
  "tool": "scripts/fuzz.sh",
  "command": "scripts/fuzz.sh $target $seconds $jobs",
  "target": "$target",
  "verdict": "$verdict",
  "pass": $pass,
  "seconds": $elapsed,
  "jobs": $jobs,
  "executions": $execs,
  "exec_per_second": $rate,
  "coverage": {"cov": ${cov:-0}, "ft": ${ft:-0}, "merged_cov": ${merged_cov:-0}, "merged_ft": ${merged_ft:-0}},
  "corpus": {"seeds": $seeds, "found": $added, "last_corp": ${corp:-0}, "merged_files": $merged_files, "merged_bytes": $merged_bytes},
  "peak_rss_mb": ${rss:-0},
  "crashes": $crashes,
  "crash_files": [$crash_list],
  "libfuzzer_exit": $status
}
JSON
failure=""
if [ "$pass" = false ]; then failure="<failure message=\"$verdict\"/>"; fi
cat >"$run/junit.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<testsuites><testsuite name="fuzz" tests="1" failures="$([ "$pass" = true ] && echo 0 || echo 1)">
    <testcase classname="fuzz" name="$target" time="$elapsed">$failure</testcase>
</testsuite></testsuites>
XML
cat >"$run/report.html" <<HTML
<!doctype html><html><head><meta charset="utf-8"><title>fuzz $target</title>
<style>body{font-family:sans-serif;margin:2em}td,th{padding:.2em .8em;text-align:left}
.pass{color:#070}.fail{color:#b00}</style></head><body>
<h1>fuzz: $target</h1><p class="$([ "$pass" = true ] && echo pass || echo fail)">$verdict</p>
<table><tr><th>time</th><td>${elapsed} s, $jobs job(s)</td></tr>
<tr><th>executions</th><td>$execs ($rate per second)</td></tr>
<tr><th>coverage</th><td>cov $cov, ft $ft (merged corpus: cov ${merged_cov:-0}, ft ${merged_ft:-0})</td></tr>
<tr><th>corpus</th><td>$seeds seeds, $added new, merged $merged_files files / $merged_bytes bytes</td></tr>
<tr><th>crashes</th><td>$crashes</td></tr></table>
<p>Replay a crash input: <code>$bin $run/crashes/FILE</code>; keep it as a regression in
<code>fuzz/regressions/$target/</code>.</p></body></html>
HTML
echo "$verdict"
echo "exec/s $rate, cov $cov, ft $ft, corpus $merged_files files ($merged_bytes bytes); report $run/summary.json"
[ "$pass" = true ]
