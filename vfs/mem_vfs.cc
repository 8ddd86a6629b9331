#include "vfs/mem_vfs.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <mutex>
#include <utility>

namespace strata::vfs {
namespace {

// The largest offset PosixVfs can address (off_t is signed); MemVfs refuses the same ranges.
constexpr uint64_t kMaxOffset = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

std::string at(const std::string& operation, const std::string& path, uint64_t offset) {
  return operation + " " + path + " at " + std::to_string(offset);
}

const char* mode_name(LockMode mode) {
  return mode == LockMode::kExclusive ? "exclusive" : "shared";
}

// The byte-range locks held on one file, by owner (one owner per File handle), with the
// semantics of Linux OFD locks.
// Invariant: the ranges of one owner never overlap (re-locking replaces, unlocking splits).
class LockTable {
 public:
  // True if an owner other than `owner` holds a lock over [start, end) that `mode` conflicts
  // with: an exclusive lock conflicts with every lock, a shared one only with exclusive ones.
  bool conflicts(uint64_t owner, uint64_t start, uint64_t end, LockMode mode) const {
    return std::any_of(ranges_.begin(), ranges_.end(), [&](const Range& range) {
      return range.owner != owner && range.start < end && start < range.end &&
             (mode == LockMode::kExclusive || range.mode == LockMode::kExclusive);
    });
  }

  // REQUIRES: !conflicts(owner, start, end, mode).
  void lock(uint64_t owner, uint64_t start, uint64_t end, LockMode mode) {
    unlock(owner, start, end);
    ranges_.push_back(Range{owner, start, end, mode});
  }

  // Releases owner's locks on [start, end), keeping the parts of its ranges outside it.
  void unlock(uint64_t owner, uint64_t start, uint64_t end) {
    std::vector<Range> kept;
    kept.reserve(ranges_.size() + 1);
    for (const Range& range : ranges_) {
      if (range.owner != owner || range.end <= start || end <= range.start) {
        kept.push_back(range);
        continue;
      }
      if (range.start < start) kept.push_back(Range{owner, range.start, start, range.mode});
      if (end < range.end) kept.push_back(Range{owner, end, range.end, range.mode});
    }
    ranges_ = std::move(kept);
  }

  void unlock_all(uint64_t owner) {
    std::erase_if(ranges_, [owner](const Range& range) { return range.owner == owner; });
  }

 private:
  struct Range {
    uint64_t owner;
    uint64_t start;
    uint64_t end;  // exclusive
    LockMode mode;
  };
  std::vector<Range> ranges_;
};

// One file: what a POSIX inode is. Shared by the directory map and the handles open on it.
struct FileData {
  std::vector<uint8_t> bytes;
  LockTable locks;
};

}  // namespace

struct MemVfs::State {
  explicit State(uint64_t max_bytes) : max_file_bytes(max_bytes) {}

  mutable std::mutex mu;
  // Everything below is guarded by mu, and so is every FileData reachable from here or from
  // an open handle.
  std::map<std::string, std::shared_ptr<FileData>> files;
  const uint64_t max_file_bytes;
  uint64_t next_owner = 1;
  uint64_t sync_count = 0;
  uint64_t sync_dir_count = 0;
};

class MemVfs::MemFile final : public File {
 public:
  MemFile(std::shared_ptr<State> state, std::shared_ptr<FileData> data, std::string path,
          uint64_t owner, bool read_only)
      : state_(std::move(state)),
        data_(std::move(data)),
        path_(std::move(path)),
        owner_(owner),
        read_only_(read_only) {}

  ~MemFile() override {
    std::lock_guard<std::mutex> guard(state_->mu);
    data_->locks.unlock_all(owner_);
  }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;

  Status read(uint64_t offset, std::span<uint8_t> out, size_t* bytes_read) override {
    *bytes_read = 0;
    STRATA_TRY(check_range(at("read", path_, offset), offset, out.size()));
    std::lock_guard<std::mutex> guard(state_->mu);
    const std::vector<uint8_t>& bytes = data_->bytes;
    if (offset >= bytes.size()) return Status::ok();
    const size_t count = std::min<uint64_t>(out.size(), bytes.size() - offset);
    if (count > 0) std::memcpy(out.data(), bytes.data() + offset, count);
    *bytes_read = count;
    return Status::ok();
  }

  Status write(uint64_t offset, std::span<const uint8_t> data) override {
    const std::string what = at("write", path_, offset);
    if (read_only_) return Status::read_only(what + ": read-only handle");
    STRATA_TRY(check_range(what, offset, data.size()));
    std::lock_guard<std::mutex> guard(state_->mu);
    const uint64_t end = offset + data.size();
    std::vector<uint8_t>& bytes = data_->bytes;
    if (end > bytes.size()) {
      STRATA_TRY(check_capacity(what, end));
      bytes.resize(end);
    }
    if (!data.empty()) std::memcpy(bytes.data() + offset, data.data(), data.size());
    return Status::ok();
  }

  Status sync() override {
    std::lock_guard<std::mutex> guard(state_->mu);
    ++state_->sync_count;
    return Status::ok();
  }

  Result<uint64_t> size() override {
    std::lock_guard<std::mutex> guard(state_->mu);
    return static_cast<uint64_t>(data_->bytes.size());
  }

  Status truncate(uint64_t size) override {
    const std::string what = "truncate " + path_ + " to " + std::to_string(size);
    if (read_only_) return Status::read_only(what + ": read-only handle");
    STRATA_TRY(check_range(what, size, 0));
    std::lock_guard<std::mutex> guard(state_->mu);
    if (size > data_->bytes.size()) STRATA_TRY(check_capacity(what, size));
    data_->bytes.resize(size);
    return Status::ok();
  }

  Status lock(uint64_t start, uint64_t length, LockMode mode) override {
    const std::string what = std::string("lock(") + mode_name(mode) + ") " + path_ + " at " +
                             std::to_string(start) + " length " + std::to_string(length);
    if (mode == LockMode::kExclusive && read_only_) {
      return Status::read_only(what + ": read-only handle");
    }
    STRATA_TRY(check_lock_range(what, start, length));
    std::lock_guard<std::mutex> guard(state_->mu);
    const uint64_t end = start + length;
    if (data_->locks.conflicts(owner_, start, end, mode)) {
      return Status::busy(what + ": held by another handle");
    }
    data_->locks.lock(owner_, start, end, mode);
    return Status::ok();
  }

  Status test_lock(uint64_t start, uint64_t length, LockMode mode) override {
    const std::string what = std::string("test_lock(") + mode_name(mode) + ") " + path_ +
                             " at " + std::to_string(start) + " length " + std::to_string(length);
    STRATA_TRY(check_lock_range(what, start, length));
    std::lock_guard<std::mutex> guard(state_->mu);
    if (data_->locks.conflicts(owner_, start, start + length, mode)) {
      return Status::busy(what + ": held by another handle");
    }
    return Status::ok();
  }

  Status unlock(uint64_t start, uint64_t length) override {
    const std::string what =
        "unlock " + path_ + " at " + std::to_string(start) + " length " + std::to_string(length);
    STRATA_TRY(check_lock_range(what, start, length));
    std::lock_guard<std::mutex> guard(state_->mu);
    data_->locks.unlock(owner_, start, start + length);
    return Status::ok();
  }

  const std::string& path() const override { return path_; }

 private:
  static Status check_range(const std::string& what, uint64_t offset, uint64_t length) {
    if (offset > kMaxOffset || length > kMaxOffset - offset) {
      return Status::invalid_argument(what + " length " + std::to_string(length) +
                                      ": range beyond the largest file offset");
    }
    return Status::ok();
  }

  // As PosixVfs: fcntl would read a zero length as "everything", which no caller means.
  static Status check_lock_range(const std::string& what, uint64_t start, uint64_t length) {
    if (length == 0) return Status::invalid_argument(what + ": empty range");
    return check_range(what, start, length);
  }

  // REQUIRES: state_->mu held.
  Status check_capacity(const std::string& what, uint64_t new_size) const {
    if (new_size > state_->max_file_bytes) {
      return Status::no_space(what + ": file would grow to " + std::to_string(new_size) +
                              " bytes, beyond the " + std::to_string(state_->max_file_bytes) +
                              "-byte limit");
    }
    return Status::ok();
  }

  const std::shared_ptr<State> state_;
  const std::shared_ptr<FileData> data_;
  const std::string path_;
  const uint64_t owner_;
  const bool read_only_;
};

MemVfs::MemVfs(uint64_t max_file_bytes) : state_(std::make_shared<State>(max_file_bytes)) {}

MemVfs::~MemVfs() = default;

Result<std::unique_ptr<File>> MemVfs::open(const std::string& path, const OpenOptions& options) {
  std::lock_guard<std::mutex> guard(state_->mu);
  auto it = state_->files.find(path);
  if (it == state_->files.end()) {
    if (!options.create) return Status::not_found("open " + path + ": no such file");
    it = state_->files.emplace(path, std::make_shared<FileData>()).first;
  } else if (options.create && options.exclusive) {
    return Status::invalid_argument("open " + path + ": file exists");
  }
  const uint64_t owner = state_->next_owner++;
  return std::unique_ptr<File>(
      std::make_unique<MemFile>(state_, it->second, path, owner, options.read_only));
}

Status MemVfs::remove(const std::string& path) {
  std::lock_guard<std::mutex> guard(state_->mu);
  if (state_->files.erase(path) == 0) return Status::not_found("remove " + path + ": no such file");
  return Status::ok();
}

Status MemVfs::rename(const std::string& from, const std::string& to) {
  std::lock_guard<std::mutex> guard(state_->mu);
  auto it = state_->files.find(from);
  if (it == state_->files.end()) {
    return Status::not_found("rename " + from + " to " + to + ": no such file");
  }
  if (from == to) return Status::ok();  // as rename(2): nothing happens
  std::shared_ptr<FileData> data = std::move(it->second);
  state_->files.erase(it);
  state_->files[to] = std::move(data);
  return Status::ok();
}

Result<bool> MemVfs::exists(const std::string& path) {
  std::lock_guard<std::mutex> guard(state_->mu);
  return state_->files.contains(path);
}

Result<std::vector<std::string>> MemVfs::list(const std::string& dir) {
  std::lock_guard<std::mutex> guard(state_->mu);
  std::vector<std::string> names;
  for (const auto& [path, data] : state_->files) {
    if (dir_of(path) != dir) continue;
    const size_t slash = path.find_last_of('/');
    names.push_back(slash == std::string::npos ? path : path.substr(slash + 1));
  }
  // Already sorted by path; names within one directory sort the same unless a path has
  // redundant slashes ("a//b" next to "a/c"), so sort to be sure.
  std::sort(names.begin(), names.end());
  return names;
}

Status MemVfs::sync_dir(const std::string& dir) {
  std::lock_guard<std::mutex> guard(state_->mu);
  ++state_->sync_dir_count;
  return Status::ok();
}

MemVfs::Snapshot MemVfs::snapshot() const {
  std::lock_guard<std::mutex> guard(state_->mu);
  Snapshot snapshot;
  for (const auto& [path, data] : state_->files) snapshot.emplace(path, data->bytes);
  return snapshot;
}

void MemVfs::restore(const Snapshot& snapshot) {
  std::lock_guard<std::mutex> guard(state_->mu);
  std::erase_if(state_->files, [&](const auto& entry) { return !snapshot.contains(entry.first); });
  for (const auto& [path, bytes] : snapshot) {
    std::shared_ptr<FileData>& data = state_->files[path];
    if (data == nullptr) data = std::make_shared<FileData>();
    data->bytes = bytes;
  }
}

Result<std::vector<uint8_t>> MemVfs::read_file(const std::string& path) const {
  std::lock_guard<std::mutex> guard(state_->mu);
  auto it = state_->files.find(path);
  if (it == state_->files.end()) return Status::not_found("read_file " + path + ": no such file");
  return it->second->bytes;
}

void MemVfs::write_file(const std::string& path, std::vector<uint8_t> bytes) {
  std::lock_guard<std::mutex> guard(state_->mu);
  std::shared_ptr<FileData>& data = state_->files[path];
  if (data == nullptr) data = std::make_shared<FileData>();
  data->bytes = std::move(bytes);
}

uint64_t MemVfs::sync_count() const {
  std::lock_guard<std::mutex> guard(state_->mu);
  return state_->sync_count;
}

uint64_t MemVfs::sync_dir_count() const {
  std::lock_guard<std::mutex> guard(state_->mu);
  return state_->sync_dir_count;
}

}  // namespace strata::vfs
