#!/usr/bin/env bash
# Builds every fuzz target the way OSS-Fuzz and ClusterFuzzLite expect: compilers and flags
# from $CC $CXX $CFLAGS $CXXFLAGS, the fuzzing engine from $LIB_FUZZING_ENGINE, binaries (and
# per target a seed corpus zip, the SQL dictionary, an .options file) into $OUT.
#
# On OSS-Fuzz the project's Dockerfile installs the Debian packages of
# scripts/install-deps.sh (cmake ninja-build pkg-config libsqlite3-dev libxxhash-dev
# libfmt-dev nlohmann-json3-dev libcli11-dev libreadline-dev libssl-dev librapidcheck-dev)
# and build.sh runs as `$SRC/strata/fuzz/build.sh`. The shared libraries the targets need
# beyond the base runner's are copied to $OUT/lib (the targets look there first).
# Locally, without those variables, it builds with clang 14, ASan and libFuzzer into
# build/oss-fuzz/out:   fuzz/build.sh
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
: "${CC:=clang-14}"
: "${CXX:=clang++-14}"
: "${CFLAGS:=-O1 -g -fno-omit-frame-pointer -fsanitize=address,fuzzer-no-link}"
: "${CXXFLAGS:=-O1 -g -fno-omit-frame-pointer -fsanitize=address,fuzzer-no-link}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${OUT:=$src/build/oss-fuzz/out}"
: "${WORK:=$src/build/oss-fuzz/work}"
targets=(sql_parser page_decode db_file sql_exec sql_diff)

build=$WORK/strata-fuzz
# The sanitizer and coverage flags come with $CFLAGS/$CXXFLAGS (OSS-Fuzz puts
# -fsanitize=fuzzer-no-link there for libFuzzer, its own instrumentation for AFL and
# honggfuzz), so the build adds none of its own.
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DCMAKE_EXE_LINKER_FLAGS="-Wl,-rpath,\$ORIGIN/lib" \
  -DSTRATA_FUZZ=ON -DSTRATA_FUZZ_INSTRUMENT= -DSTRATA_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" \
  -DSTRATA_SANITIZE= -DSTRATA_TESTS=OFF -DSTRATA_BENCH=OFF
cmake --build "$build" --target "${targets[@]/#/fuzz_}"

mkdir -p "$OUT/lib"
for t in "${targets[@]}"; do
  cp "$build/fuzz/$t" "$OUT/$t"
  rm -f "$OUT/${t}_seed_corpus.zip"
  (cd "$src/fuzz/corpus/$t" && find . -type f | sed 's|^\./||' | sort |
     zip -q -@ "$OUT/${t}_seed_corpus.zip")
  if [ -d "$src/fuzz/regressions/$t" ] && [ -n "$(ls -A "$src/fuzz/regressions/$t")" ]; then
    (cd "$src/fuzz/regressions/$t" && zip -q -r "$OUT/${t}_seed_corpus.zip" . -x 'README*')
  fi
  case "$t" in
    sql_parser|sql_exec)
      cp "$src/fuzz/dict/sql.dict" "$OUT/$t.dict"
      printf '[libfuzzer]\nmax_len = 4096\n' >"$OUT/$t.options" ;;
    db_file) printf '[libfuzzer]\nmax_len = 65536\n' >"$OUT/$t.options" ;;
    page_decode) printf '[libfuzzer]\nmax_len = 8192\n' >"$OUT/$t.options" ;;
    sql_diff) printf '[libfuzzer]\nmax_len = 512\n' >"$OUT/$t.options" ;;
  esac
  # Libraries outside the C/C++ runtime (SQLite, xxHash, fmt, OpenSSL's libcrypto, ...).
  ldd "$OUT/$t" | awk '/=> \// {print $3}' |
    grep -vE '/(libc|libm|libdl|librt|libpthread|libstdc\+\+|libgcc_s|ld-linux[^/]*)\.so' |
    while read -r lib; do cp -n "$lib" "$OUT/lib/" 2>/dev/null || true; done
done
echo "built ${targets[*]} into $OUT"
