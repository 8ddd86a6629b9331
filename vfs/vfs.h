// The storage seam: every byte the engine reads or writes passes through here.
//
// A Vfs opens, removes, renames and lists files and syncs directories; a File
// reads and writes at offsets, syncs, truncates, reports its size and takes
// byte-range locks. Implementations: PosixVfs (real files), MemVfs (in memory,
// deterministic), faults::FaultVfs (wraps any Vfs and injects faults). Every
// call returns a Status; nothing here throws.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vfs/status.h"

namespace strata::vfs {

enum class LockMode { kShared, kExclusive };

class File {
 public:
  virtual ~File() = default;

  // Reads up to out.size() bytes at offset. Reading past the end of the file is
  // not an error: *bytes_read tells how many bytes were there (the rest of out
  // is left untouched).
  virtual Status read(uint64_t offset, std::span<uint8_t> out, size_t* bytes_read) = 0;

  // Writes all of data at offset, growing the file if needed. A short write is
  // reported as an error, never silently accepted.
  virtual Status write(uint64_t offset, std::span<const uint8_t> data) = 0;

  // Makes every completed write durable (fdatasync). A failed sync means the
  // data may be lost; callers must not retry and assume success.
  virtual Status sync() = 0;

  virtual Result<uint64_t> size() = 0;
  virtual Status truncate(uint64_t size) = 0;

  // Non-blocking advisory byte-range lock; kBusy if another holder conflicts
  // (another File handle, thread or process). Locks vanish when the File is
  // closed or its process dies, so a killed process never leaves a stale lock.
  // The range may lie beyond the end of the file.
  virtual Status lock(uint64_t start, uint64_t length, LockMode mode) = 0;
  virtual Status unlock(uint64_t start, uint64_t length) = 0;
  // Tells, without taking anything, whether lock(start, length, mode) would succeed: OK if no
  // other handle holds a conflicting lock on the range, kBusy if one does. This handle's own
  // locks never conflict. (A writer uses it to see other handles' readers without ever making
  // a reader wait.)
  virtual Status test_lock(uint64_t start, uint64_t length, LockMode mode) = 0;

  virtual const std::string& path() const = 0;
};

struct OpenOptions {
  bool create = false;     // create the file if it does not exist
  bool exclusive = false;  // with create: fail with kInvalidArgument if it exists
  bool read_only = false;
};

class Vfs {
 public:
  virtual ~Vfs() = default;

  virtual Result<std::unique_ptr<File>> open(const std::string& path,
                                             const OpenOptions& options) = 0;
  // kNotFound if the file does not exist.
  virtual Status remove(const std::string& path) = 0;
  // Atomically replaces `to` with `from`.
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  virtual Result<bool> exists(const std::string& path) = 0;
  // Names (not paths) of the entries in dir, sorted.
  virtual Result<std::vector<std::string>> list(const std::string& dir) = 0;
  // Makes creations, removals and renames in dir durable.
  virtual Status sync_dir(const std::string& dir) = 0;

  // Names what the engine does next ("commit 7: tree pages"), so an op log and
  // the crash points built from it read as English. Default: ignored.
  virtual void set_label(std::string_view label) {}
};

// The directory part of a path ("." for a bare name).
std::string dir_of(const std::string& path);

}  // namespace strata::vfs
