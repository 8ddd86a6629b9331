// PosixVfs: the shared Vfs contract over real files, plus what only real files and real
// processes can show: locks across fork(), no stale lock after SIGKILL, errno in messages,
// descriptors closed and close-on-exec.
#include "vfs/posix_vfs.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "tests/support/status_testing.h"
#include "tests/support/temp_dir.h"
#include "tests/support/vfs_contract.h"

namespace strata::test {
namespace {

using vfs::File;
using vfs::OpenOptions;
using vfs::PosixVfs;

class PosixHarness final : public VfsHarness {
 public:
  vfs::Vfs& vfs() override { return vfs_; }
  std::string dir() const override { return dir_.path(); }

 private:
  TempDir dir_{"posix-vfs"};
  PosixVfs vfs_;
};

std::unique_ptr<VfsHarness> make_posix_harness() { return std::make_unique<PosixHarness>(); }

INSTANTIATE_TEST_SUITE_P(Posix, VfsContract,
                         ::testing::Values(VfsContractParam{"posix", &make_posix_harness}),
                         vfs_contract_param_name);

class PosixVfsTest : public ::testing::Test {
 protected:
  std::unique_ptr<File> open(const std::string& path, OpenOptions options) {
    auto file = vfs_.open(path, options);
    if (!file.ok()) {
      ADD_FAILURE() << file.status().to_string();
      return nullptr;
    }
    return std::move(file).value();
  }

  TempDir dir_{"posix-vfs"};
  PosixVfs vfs_;
};

// A forked child process that runs `setup`, tells the parent whether it worked, then sleeps
// until it is killed. Destroying a Child kills and reaps it, so a failed assertion in the
// parent never leaves a process behind.
class Child {
 public:
  // `setup` runs in the child only and returns whether it succeeded.
  explicit Child(const std::function<bool()>& setup) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return;
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(fds[0]);
      // Die with the parent even if it is killed before it can reap us.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(2);
      const char verdict = setup() ? '1' : '0';
      if (::write(fds[1], &verdict, 1) != 1) ::_exit(3);
      for (;;) ::pause();
    }
    ::close(fds[1]);
    ready_fd_ = fds[0];
  }
  ~Child() {
    kill_and_reap();
    if (ready_fd_ >= 0) ::close(ready_fd_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Blocks until the child has run setup; true if setup succeeded.
  bool ready() {
    if (pid_ <= 0) return false;
    char verdict = 0;
    ssize_t n;
    do {
      n = ::read(ready_fd_, &verdict, 1);
    } while (n < 0 && errno == EINTR);
    return n == 1 && verdict == '1';
  }

  // SIGKILL, then wait until the kernel has torn the process down (closing its descriptors).
  // True if the child died of that SIGKILL.
  bool kill_and_reap() {
    if (pid_ <= 0) return false;
    ::kill(pid_, SIGKILL);
    int wait_status = 0;
    pid_t reaped;
    do {
      reaped = ::waitpid(pid_, &wait_status, 0);
    } while (reaped < 0 && errno == EINTR);
    pid_ = -1;
    return reaped > 0 && WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL;
  }

 private:
  pid_t pid_ = -1;
  int ready_fd_ = -1;
};

// Opens `path` with a new PosixVfs and takes an exclusive lock on [0, 1), keeping the handle
// until the process ends.
bool lock_exclusively_until_killed(const std::string& path) {
  PosixVfs child_vfs;
  auto file = child_vfs.open(path, {});
  if (!file.ok()) return false;
  if (!(*file)->lock(0, 1, vfs::LockMode::kExclusive).is_ok()) return false;
  (void)std::move(file).value().release();  // deliberately leaked: held until SIGKILL
  return true;
}

// The descriptor of this process open on `path`, or -1.
int descriptor_open_on(const std::string& path) {
  const std::filesystem::path target = std::filesystem::canonical(path);
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    const std::filesystem::path link = std::filesystem::read_symlink(entry.path(), error);
    if (!error && link == target) return std::stoi(entry.path().filename().string());
  }
  return -1;
}

TEST_F(PosixVfsTest, ChildProcessHoldingTheExclusiveLockMakesTheParentBusy) {
  const std::string path = dir_.file("db");
  auto parent_file = open(path, {.create = true});
  ASSERT_NE(parent_file, nullptr);
  Child child([&] { return lock_exclusively_until_killed(path); });
  ASSERT_TRUE(child.ready());
  EXPECT_STATUS(parent_file->lock(0, 1, vfs::LockMode::kExclusive), kBusy);
  EXPECT_STATUS(parent_file->lock(0, 1, vfs::LockMode::kShared), kBusy);
  EXPECT_OK(parent_file->lock(1, 1, vfs::LockMode::kExclusive));  // outside the child's range
}

TEST_F(PosixVfsTest, LockOfAChildKilledWithSigkillIsReleased) {
  const std::string path = dir_.file("db");
  auto parent_file = open(path, {.create = true});
  ASSERT_NE(parent_file, nullptr);
  Child child([&] { return lock_exclusively_until_killed(path); });
  ASSERT_TRUE(child.ready());
  ASSERT_STATUS(parent_file->lock(0, 1, vfs::LockMode::kExclusive), kBusy);
  ASSERT_TRUE(child.kill_and_reap());
  EXPECT_OK(parent_file->lock(0, 1, vfs::LockMode::kExclusive));
}

TEST_F(PosixVfsTest, ParentsSharedLockLetsAChildShareButNotTakeItExclusively) {
  const std::string path = dir_.file("db");
  auto parent_file = open(path, {.create = true});
  ASSERT_NE(parent_file, nullptr);
  ASSERT_OK(parent_file->lock(0, 1, vfs::LockMode::kShared));
  Child child([&] {
    PosixVfs child_vfs;
    auto shared = child_vfs.open(path, {});
    auto exclusive = child_vfs.open(path, {});
    return shared.ok() && exclusive.ok() && (*shared)->lock(0, 1, vfs::LockMode::kShared).is_ok() &&
           (*exclusive)->lock(0, 1, vfs::LockMode::kExclusive).is(StatusCode::kBusy);
  });
  EXPECT_TRUE(child.ready());
}

TEST_F(PosixVfsTest, ErrorMessageNamesTheOperationThePathAndTheReason) {
  const std::string path = dir_.file("missing.db");
  auto file = vfs_.open(path, {});
  ASSERT_STATUS(file, kNotFound);
  EXPECT_EQ(file.status().message(), "open " + path + ": No such file or directory");
}

TEST_F(PosixVfsTest, WriteToAFullDeviceIsNoSpaceAndNamesTheOffset) {
  if (::access("/dev/full", W_OK) != 0) GTEST_SKIP() << "/dev/full is not available";
  auto device = open("/dev/full", {});
  ASSERT_NE(device, nullptr);
  const std::vector<uint8_t> page(4096, 0xAB);
  const Status status = device->write(8192, page);
  EXPECT_STATUS(status, kNoSpace);
  EXPECT_EQ(status.message(), "pwrite /dev/full at 8192: No space left on device");
}

TEST_F(PosixVfsTest, CreateInAMissingDirectoryIsNotFound) {
  EXPECT_STATUS(vfs_.open(dir_.file("no-such-dir/db"), {.create = true}), kNotFound);
}

TEST_F(PosixVfsTest, ListOfAMissingDirectoryIsNotFound) {
  EXPECT_STATUS(vfs_.list(dir_.file("no-such-dir")), kNotFound);
}

TEST_F(PosixVfsTest, SyncDirOfAMissingDirectoryIsNotFound) {
  EXPECT_STATUS(vfs_.sync_dir(dir_.file("no-such-dir")), kNotFound);
}

TEST_F(PosixVfsTest, ListIncludesSubdirectoriesButNeitherDotNorDotDot) {
  std::filesystem::create_directory(dir_.file("sub"));
  ASSERT_NE(open(dir_.file("file"), {.create = true}), nullptr);
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, vfs_.list(dir_.path()));
  EXPECT_EQ(names, (std::vector<std::string>{"file", "sub"}));
}

TEST_F(PosixVfsTest, FileCreatedWithABarePathLivesInTheWorkingDirectory) {
  const std::filesystem::path saved = std::filesystem::current_path();
  std::filesystem::current_path(dir_.path());
  auto file = vfs_.open("bare.db", {.create = true});  // its directory is "."
  std::filesystem::current_path(saved);
  ASSERT_OK(file);
  ASSERT_OK_AND_ASSIGN(bool exists, vfs_.exists(dir_.file("bare.db")));
  EXPECT_TRUE(exists);
}

TEST_F(PosixVfsTest, RenameAcrossDirectoriesMovesTheFile) {
  std::filesystem::create_directory(dir_.file("a"));
  std::filesystem::create_directory(dir_.file("b"));
  ASSERT_NE(open(dir_.file("a/db"), {.create = true}), nullptr);
  ASSERT_OK(vfs_.rename(dir_.file("a/db"), dir_.file("b/db")));
  ASSERT_OK_AND_ASSIGN(bool moved, vfs_.exists(dir_.file("b/db")));
  EXPECT_TRUE(moved);
}

TEST_F(PosixVfsTest, HandleHoldsACloseOnExecDescriptorUntilItIsDestroyed) {
  const std::string path = dir_.file("db");
  auto file = open(path, {.create = true});
  ASSERT_NE(file, nullptr);
  const int fd = descriptor_open_on(path);
  ASSERT_GE(fd, 0);
  EXPECT_NE(::fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
  file.reset();
  EXPECT_EQ(descriptor_open_on(path), -1);
}

TEST_F(PosixVfsTest, ExistsIsTrueForADirectory) {
  ASSERT_OK_AND_ASSIGN(bool exists, vfs_.exists(dir_.path()));
  EXPECT_TRUE(exists);
}

TEST_F(PosixVfsTest, ExistsBelowARegularFileIsFalse) {
  ASSERT_NE(open(dir_.file("file"), {.create = true}), nullptr);
  ASSERT_OK_AND_ASSIGN(bool exists, vfs_.exists(dir_.file("file/child")));
  EXPECT_FALSE(exists);
}

}  // namespace
}  // namespace strata::test
