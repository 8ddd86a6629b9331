#include "vfs/posix_vfs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>

namespace strata::vfs {
namespace {

// off_t is signed: no byte at or beyond this offset can be addressed.
constexpr uint64_t kMaxOffset = static_cast<uint64_t>(std::numeric_limits<off_t>::max());

// A bound on the create/open race in open(): another process creating and removing the same
// path over and over could otherwise keep us looping.
constexpr int kMaxOpenAttempts = 16;

std::string errno_text(int err) {
  char buffer[256];
  // GNU strerror_r: returns a pointer to the message, which may or may not be `buffer`.
  return ::strerror_r(err, buffer, sizeof(buffer));
}

// `what` is "<operation> <path>[ at <offset>]".
Status errno_status(int err, const std::string& what) {
  std::string message = what + ": " + errno_text(err);
  switch (err) {
    case ENOENT:
      return Status::not_found(std::move(message));
    case ENOSPC:
    case EDQUOT:
      return Status::no_space(std::move(message));
    default:
      return Status::io_error(std::move(message));
  }
}

std::string at(const std::string& operation, const std::string& path, uint64_t offset) {
  return operation + " " + path + " at " + std::to_string(offset);
}

const char* mode_name(LockMode mode) {
  return mode == LockMode::kExclusive ? "exclusive" : "shared";
}

// kInvalidArgument unless [offset, offset + length) lies within what off_t can address.
Status check_range(const std::string& what, uint64_t offset, uint64_t length) {
  if (offset > kMaxOffset || length > kMaxOffset - offset) {
    return Status::invalid_argument(what + " length " + std::to_string(length) +
                                    ": range beyond the largest file offset");
  }
  return Status::ok();
}

// Opens dir and fsyncs it, so that entries created, removed or renamed in it are durable.
Status fsync_dir(const std::string& dir) {
  int fd;
  do {
    fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return errno_status(errno, "open directory " + dir);
  Status status;
  if (::fsync(fd) != 0) status = errno_status(errno, "fsync directory " + dir);
  ::close(fd);
  return status;
}

class PosixFile final : public File {
 public:
  // Takes ownership of fd.
  PosixFile(std::string path, int fd, bool read_only)
      : path_(std::move(path)), fd_(fd), read_only_(read_only) {}
  ~PosixFile() override {
    // Closing drops every OFD lock this handle holds. A close error cannot be acted on here;
    // durability was decided by sync(), not by close().
    ::close(fd_);
  }
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;

  Status read(uint64_t offset, std::span<uint8_t> out, size_t* bytes_read) override {
    *bytes_read = 0;
    STRATA_TRY(check_range(at("pread", path_, offset), offset, out.size()));
    size_t done = 0;
    while (done < out.size()) {
      const ssize_t n =
          ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno_status(errno, at("pread", path_, offset + done));
      }
      if (n == 0) break;  // end of file
      done += static_cast<size_t>(n);
    }
    *bytes_read = done;
    return Status::ok();
  }

  Status write(uint64_t offset, std::span<const uint8_t> data) override {
    if (read_only_) return Status::read_only(at("pwrite", path_, offset) + ": read-only handle");
    STRATA_TRY(check_range(at("pwrite", path_, offset), offset, data.size()));
    size_t done = 0;
    while (done < data.size()) {
      const ssize_t n =
          ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno_status(errno, at("pwrite", path_, offset + done));
      }
      if (n == 0) {
        // No progress and no errno: retrying could spin forever.
        return Status::io_error(at("pwrite", path_, offset + done) + ": wrote 0 of " +
                                std::to_string(data.size() - done) + " bytes");
      }
      done += static_cast<size_t>(n);
    }
    return Status::ok();
  }

  Status sync() override {
    // Never retried, not even on EINTR: after a failed fdatasync the kernel may already have
    // dropped the dirty pages, and a second call could report success for lost data.
    if (::fdatasync(fd_) != 0) {
      return Status::io_error("fdatasync " + path_ + ": " + errno_text(errno));
    }
    return Status::ok();
  }

  Result<uint64_t> size() override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return errno_status(errno, "fstat " + path_);
    return static_cast<uint64_t>(st.st_size);
  }

  Status truncate(uint64_t size) override {
    const std::string what = "ftruncate " + path_ + " to " + std::to_string(size);
    if (read_only_) return Status::read_only(what + ": read-only handle");
    STRATA_TRY(check_range(what, size, 0));
    int rc;
    do {
      rc = ::ftruncate(fd_, static_cast<off_t>(size));
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) return errno_status(errno, what);
    return Status::ok();
  }

  Status lock(uint64_t start, uint64_t length, LockMode mode) override {
    const std::string what = std::string("lock(") + mode_name(mode) + ") " + path_ + " at " +
                             std::to_string(start) + " length " + std::to_string(length);
    if (mode == LockMode::kExclusive && read_only_) {
      return Status::read_only(what + ": read-only handle");
    }
    return set_lock(what, start, length, mode == LockMode::kExclusive ? F_WRLCK : F_RDLCK);
  }

  Status unlock(uint64_t start, uint64_t length) override {
    const std::string what =
        "unlock " + path_ + " at " + std::to_string(start) + " length " + std::to_string(length);
    return set_lock(what, start, length, F_UNLCK);
  }

  Status test_lock(uint64_t start, uint64_t length, LockMode mode) override {
    const std::string what = std::string("test_lock(") + mode_name(mode) + ") " + path_ +
                             " at " + std::to_string(start) + " length " + std::to_string(length);
    if (length == 0) return Status::invalid_argument(what + ": empty range");
    STRATA_TRY(check_range(what, start, length));
    struct flock request;
    std::memset(&request, 0, sizeof(request));  // OFD locks require l_pid == 0
    request.l_type = mode == LockMode::kExclusive ? F_WRLCK : F_RDLCK;
    request.l_whence = SEEK_SET;
    request.l_start = static_cast<off_t>(start);
    request.l_len = static_cast<off_t>(length);
    int rc;
    do {
      rc = ::fcntl(fd_, F_OFD_GETLK, &request);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) return errno_status(errno, what);
    if (request.l_type == F_UNLCK) return Status::ok();
    return Status::busy(what + ": held by another handle");
  }

  const std::string& path() const override { return path_; }

 private:
  Status set_lock(const std::string& what, uint64_t start, uint64_t length, short type) {
    // fcntl reads l_len == 0 as "to the end of every possible file"; a caller asking for zero
    // bytes almost certainly made a mistake, so say so instead of locking everything.
    if (length == 0) return Status::invalid_argument(what + ": empty range");
    STRATA_TRY(check_range(what, start, length));
    struct flock request;
    std::memset(&request, 0, sizeof(request));  // OFD locks require l_pid == 0
    request.l_type = type;
    request.l_whence = SEEK_SET;
    request.l_start = static_cast<off_t>(start);
    request.l_len = static_cast<off_t>(length);
    int rc;
    do {
      rc = ::fcntl(fd_, F_OFD_SETLK, &request);
    } while (rc != 0 && errno == EINTR);
    if (rc == 0) return Status::ok();
    const int err = errno;
    if (err == EAGAIN || err == EACCES) return Status::busy(what + ": " + errno_text(err));
    return errno_status(err, what);
  }

  const std::string path_;
  const int fd_;
  const bool read_only_;
};

}  // namespace

Result<std::unique_ptr<File>> PosixVfs::open(const std::string& path, const OpenOptions& options) {
  const int access = (options.read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC;
  constexpr mode_t kNewFileMode = 0644;
  // To know whether to fsync the directory we must know whether this call created the file,
  // which O_CREAT alone does not say: create with O_EXCL, and fall back to opening what exists.
  for (int attempt = 0; attempt < kMaxOpenAttempts; ++attempt) {
    int fd;
    bool created = false;
    if (options.create) {
      do {
        fd = ::open(path.c_str(), access | O_CREAT | O_EXCL, kNewFileMode);
      } while (fd < 0 && errno == EINTR);
      if (fd >= 0) {
        created = true;
      } else if (errno != EEXIST) {
        return errno_status(errno, "open " + path);
      } else if (options.exclusive) {
        return Status::invalid_argument("open " + path + ": " + errno_text(EEXIST));
      }
    }
    if (!created) {
      do {
        fd = ::open(path.c_str(), access);
      } while (fd < 0 && errno == EINTR);
      if (fd < 0) {
        // Removed between our O_EXCL attempt and this open: try to create it again.
        if (errno == ENOENT && options.create) continue;
        return errno_status(errno, "open " + path);
      }
    }
    auto file = std::make_unique<PosixFile>(path, fd, options.read_only);
    if (created) STRATA_TRY(fsync_dir(dir_of(path)).with_context("creating " + path));
    return std::unique_ptr<File>(std::move(file));
  }
  return Status::io_error("open " + path + ": the file kept appearing and disappearing");
}

Status PosixVfs::remove(const std::string& path) {
  if (::unlink(path.c_str()) != 0) return errno_status(errno, "unlink " + path);
  return fsync_dir(dir_of(path)).with_context("removing " + path);
}

Status PosixVfs::rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return errno_status(errno, "rename " + from + " to " + to);
  }
  const std::string context = "renaming " + from + " to " + to;
  const std::string to_dir = dir_of(to);
  STRATA_TRY(fsync_dir(to_dir).with_context(context));
  const std::string from_dir = dir_of(from);
  if (from_dir != to_dir) STRATA_TRY(fsync_dir(from_dir).with_context(context));
  return Status::ok();
}

Result<bool> PosixVfs::exists(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  return errno_status(errno, "stat " + path);
}

Result<std::vector<std::string>> PosixVfs::list(const std::string& dir) {
  DIR* stream = ::opendir(dir.c_str());
  if (stream == nullptr) return errno_status(errno, "opendir " + dir);
  std::vector<std::string> names;
  for (;;) {
    errno = 0;  // readdir signals its errors only through errno
    const struct dirent* entry = ::readdir(stream);
    if (entry == nullptr) break;
    const std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  const int err = errno;
  ::closedir(stream);
  if (err != 0) return errno_status(err, "readdir " + dir);
  std::sort(names.begin(), names.end());
  return names;
}

Status PosixVfs::sync_dir(const std::string& dir) { return fsync_dir(dir); }

}  // namespace strata::vfs
