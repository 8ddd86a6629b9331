#!/usr/bin/env bash
# Strata against SQLite (issue 9): builds bench/strata_vs_sqlite (default preset, RelWithDebInfo
# -O2, as the libraries ship) and runs it at the issue's sizes, alternating engines over
# several rounds. Prints the table and writes it, with the machine it ran on, to
# runs/bench/table.md (the README's performance section is copied from there).
#
# Usage: scripts/bench.sh [strata_vs_sqlite flags...]   e.g. --rounds 5, --dir /mnt/disk, --small
# Run it on an idle machine: the benchmark reports medians and ratios, but two engines
# sharing two cores with a compiler still measure the compiler.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default --target strata_vs_sqlite
out=runs/bench
dir=/tmp
args=("$@")
for ((i = 0; i + 1 < ${#args[@]}; i++)); do [ "${args[i]}" = --dir ] && dir=${args[i + 1]}; done
mkdir -p "$out"
./build/default/bench/strata_vs_sqlite --markdown "$out/table.md.part" "$@" | tee "$out/output.txt"
{
  echo "Measured $(date -u +%Y-%m-%d) on $(lscpu | sed -n 's/^Model name: *//p' | head -1)," \
       "$(nproc) CPUs, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(df -T "$dir" | awk 'NR==2 {print $2}') on" \
       "$(df "$dir" | awk 'NR==2 {print $1}'), SQLite $(pkg-config --modversion sqlite3 2>/dev/null || echo '?');" \
       "command: scripts/bench.sh $*"
  echo
  cat "$out/table.md.part"
} >"$out/table.md"
rm -f "$out/table.md.part"
echo "table: $out/table.md"
