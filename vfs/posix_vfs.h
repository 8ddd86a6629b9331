// PosixVfs: the Vfs over real files on Linux, the one the database uses in production.
// pread/pwrite, fdatasync, directory fsync after every create/rename/remove, OFD byte-range locks.
//
// Durability: File::sync() is fdatasync and is never retried; open() with create fsyncs the
// directory when it made a new file; rename() and remove() fsync the directories they changed.
//
// Locks are Linux open-file-description locks (F_OFD_SETLK): each File handle is its own lock
// owner, so two handles conflict whether they live in one process or two, and a handle's locks
// vanish when it is destroyed or its process dies. A forked child shares its parent's open
// descriptors and therefore their locks; a child that wants its own locks opens its own File.
//
// Every error message names the operation, the path and the OS reason:
//   "pwrite /tmp/x.db at 8192: No space left on device".
// Errno mapping: ENOENT -> kNotFound, ENOSPC/EDQUOT -> kNoSpace, a lock conflict -> kBusy,
// exclusive create of an existing file -> kInvalidArgument, anything else -> kIOError.
//
// Thread-safe: PosixVfs holds no state, and a File may be used from several threads at once
// (concurrent writes to overlapping ranges are ordered by the OS, not by PosixVfs).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vfs/vfs.h"

namespace strata::vfs {

class PosixVfs final : public Vfs {
 public:
  PosixVfs() = default;

  // Opens O_RDWR (O_RDONLY when options.read_only), always O_CLOEXEC; a new file gets mode
  // 0644 minus the umask. `exclusive` is honoured only together with `create`.
  Result<std::unique_ptr<File>> open(const std::string& path, const OpenOptions& options) override;
  Status remove(const std::string& path) override;
  Status rename(const std::string& from, const std::string& to) override;
  // True for any directory entry (file, directory, ...); false for ENOENT and ENOTDIR.
  Result<bool> exists(const std::string& path) override;
  // Sorted by bytes, without "." and ".."; kNotFound if dir does not exist.
  Result<std::vector<std::string>> list(const std::string& dir) override;
  Status sync_dir(const std::string& dir) override;
};

}  // namespace strata::vfs
