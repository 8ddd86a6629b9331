// MemVfs: the Vfs in memory, files as byte vectors; deterministic and the base of every crash
// test. snapshot() and restore() capture and replace the whole "disk" at once.
//
// It behaves like PosixVfs wherever the engine can tell:
//   - reading past the end is a short read; writing past the end zero-fills the gap;
//   - a File keeps its file alive: removing or renaming the path does not affect open handles,
//     and a file later created at the same path is a different file;
//   - locks follow Linux OFD locks: every File handle is its own owner, so two handles conflict;
//     re-locking one's own range converts its mode; unlocking part of a range keeps the rest;
//     all of a handle's locks go when it is destroyed;
//   - read-only handles refuse write, truncate and exclusive locks (kReadOnly); an empty or
//     overflowing lock range is kInvalidArgument.
// Where there is nothing to imitate it is simple: paths are plain strings (no normalisation,
// "a/b" and "./a/b" are different files), directories exist implicitly (creating "x/y" needs
// no "x", list() of an unknown directory is empty, exists() is true only for files), and
// sync()/sync_dir() only count. A file may not grow beyond max_file_bytes (kNoSpace), so a
// stray offset cannot exhaust memory.
//
// Thread-safe: one mutex guards every file; Files may outlive the MemVfs that opened them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vfs/vfs.h"

namespace strata::vfs {

class MemVfs final : public Vfs {
 public:
  // Path -> contents of every file.
  using Snapshot = std::map<std::string, std::vector<uint8_t>>;

  static constexpr uint64_t kDefaultMaxFileBytes = uint64_t{1} << 30;  // 1 GiB

  explicit MemVfs(uint64_t max_file_bytes = kDefaultMaxFileBytes);
  ~MemVfs() override;
  MemVfs(const MemVfs&) = delete;
  MemVfs& operator=(const MemVfs&) = delete;

  Result<std::unique_ptr<File>> open(const std::string& path, const OpenOptions& options) override;
  Status remove(const std::string& path) override;
  Status rename(const std::string& from, const std::string& to) override;
  Result<bool> exists(const std::string& path) override;
  // Names of the files whose dir_of(path) == dir, sorted; empty if there are none.
  Result<std::vector<std::string>> list(const std::string& dir) override;
  Status sync_dir(const std::string& dir) override;

  // Every file's contents.
  Snapshot snapshot() const;
  // Makes the files exactly those of `snapshot`: files not in it are removed, the others get
  // its contents. Open handles to a file that still exists see the new contents; their locks
  // are untouched.
  void restore(const Snapshot& snapshot);

  // The contents of one file; kNotFound if it does not exist.
  Result<std::vector<uint8_t>> read_file(const std::string& path) const;
  // Creates the file or replaces its contents (open handles see the new contents). Not subject
  // to max_file_bytes.
  void write_file(const std::string& path, std::vector<uint8_t> bytes);

  // Successful File::sync() calls on any file of this Vfs, and sync_dir() calls.
  uint64_t sync_count() const;
  uint64_t sync_dir_count() const;

 private:
  struct State;
  class MemFile;

  // Shared with every open MemFile, so that handles may outlive this object.
  std::shared_ptr<State> state_;
};

}  // namespace strata::vfs
