#!/usr/bin/env bash
# Fails if anything under engine/ calls a raw file API. The engine must reach
# storage only through vfs::Vfs / vfs::File (DESIGN.md §1), so the testbed can
# stand between it and the disk.
set -u
dir=${1:-engine}
# Raw calls, global ::open( (our own Store::open / Collection::open are fine: POSIX
# open needs <fcntl.h>, which is banned below), C++ streams and stdio FILE.
pattern='(\b(fopen|fwrite|fread|pwrite|pread|fsync|fdatasync|mmap|munmap|ftruncate|fcntl|flock|unlink|creat)[[:space:]]*\(|(^|[^A-Za-z0-9_:])::open[[:space:]]*\(|std::(o|i)?fstream|\bFILE[[:space:]]*\*|#include[[:space:]]*<(fcntl\.h|unistd\.h|sys/mman\.h|sys/stat\.h|fstream)>)'
hits=$(grep -rnE "$pattern" "$dir" --include='*.cc' --include='*.h' | grep -vE '^[^:]+:[0-9]+:[[:space:]]*//' || true)
if [ -n "$hits" ]; then
  echo "engine/ calls raw file APIs; use vfs::Vfs / vfs::File instead:"
  echo "$hits"
  exit 1
fi
echo "engine/ reaches storage only through the VFS"
