// MemVfs: the shared Vfs contract in memory, plus what only MemVfs offers: snapshot/restore,
// whole-file access for tests, sync counters, a size limit, implicit directories.
#include "vfs/mem_vfs.h"

#include <memory>
#include <string>
#include <vector>

#include "tests/support/status_testing.h"
#include "tests/support/vfs_contract.h"

namespace strata::test {
namespace {

using vfs::File;
using vfs::MemVfs;

class MemHarness final : public VfsHarness {
 public:
  vfs::Vfs& vfs() override { return vfs_; }
  std::string dir() const override { return "/mem/db"; }

 private:
  MemVfs vfs_;
};

std::unique_ptr<VfsHarness> make_mem_harness() { return std::make_unique<MemHarness>(); }

INSTANTIATE_TEST_SUITE_P(Mem, VfsContract,
                         ::testing::Values(VfsContractParam{"mem", &make_mem_harness}),
                         vfs_contract_param_name);

class MemVfsTest : public ::testing::Test {
 protected:
  std::unique_ptr<File> open(const std::string& path, vfs::OpenOptions options = {}) {
    auto file = vfs_.open(path, options);
    if (!file.ok()) {
      ADD_FAILURE() << file.status().to_string();
      return nullptr;
    }
    return std::move(file).value();
  }

  std::string contents(const std::string& path) const {
    auto bytes = vfs_.read_file(path);
    return bytes.ok() ? to_text(*bytes) : "<error: " + bytes.status().to_string() + ">";
  }

  MemVfs vfs_;
};

TEST_F(MemVfsTest, WriteFileCreatesAFileThatReadFileReturns) {
  vfs_.write_file("/db/x", to_bytes("abc"));
  EXPECT_EQ(contents("/db/x"), "abc");
  auto file = open("/db/x");
  ASSERT_NE(file, nullptr);
  ASSERT_OK_AND_ASSIGN(uint64_t size, file->size());
  EXPECT_EQ(size, 3u);
}

TEST_F(MemVfsTest, WriteFileReplacesTheContentsSeenByOpenHandles) {
  auto file = open("/db/x", {.create = true});
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->write(0, to_bytes("old contents")));
  vfs_.write_file("/db/x", to_bytes("new"));
  std::vector<uint8_t> out(16);
  size_t bytes_read = 0;
  ASSERT_OK(file->read(0, out, &bytes_read));
  EXPECT_EQ(to_text(std::span(out).first(bytes_read)), "new");
}

TEST_F(MemVfsTest, ReadFileOfAMissingFileIsNotFound) {
  EXPECT_STATUS(vfs_.read_file("/db/missing"), kNotFound);
}

TEST_F(MemVfsTest, SnapshotHoldsEveryFilesContents) {
  vfs_.write_file("/db/a", to_bytes("alpha"));
  vfs_.write_file("/db/b", to_bytes(""));
  vfs_.write_file("other", to_bytes("bare"));
  const MemVfs::Snapshot snapshot = vfs_.snapshot();
  EXPECT_EQ(snapshot, (MemVfs::Snapshot{{"/db/a", to_bytes("alpha")},
                                        {"/db/b", to_bytes("")},
                                        {"other", to_bytes("bare")}}));
}

TEST_F(MemVfsTest, SnapshotIsACopyThatLaterWritesDoNotChange) {
  vfs_.write_file("/db/a", to_bytes("before"));
  const MemVfs::Snapshot snapshot = vfs_.snapshot();
  vfs_.write_file("/db/a", to_bytes("after"));
  EXPECT_EQ(snapshot.at("/db/a"), to_bytes("before"));
}

TEST_F(MemVfsTest, RestoreBringsBackContentsAndRemovesFilesNotInTheSnapshot) {
  vfs_.write_file("/db/kept", to_bytes("v1"));
  vfs_.write_file("/db/removed-later", to_bytes("r"));
  const MemVfs::Snapshot snapshot = vfs_.snapshot();
  vfs_.write_file("/db/kept", to_bytes("v2"));
  ASSERT_OK(vfs_.remove("/db/removed-later"));
  vfs_.write_file("/db/created-later", to_bytes("c"));

  vfs_.restore(snapshot);
  EXPECT_EQ(vfs_.snapshot(), snapshot);
  EXPECT_EQ(contents("/db/kept"), "v1");
  EXPECT_EQ(contents("/db/removed-later"), "r");
  EXPECT_STATUS(vfs_.read_file("/db/created-later"), kNotFound);
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, vfs_.list("/db"));
  EXPECT_EQ(names, (std::vector<std::string>{"kept", "removed-later"}));
}

TEST_F(MemVfsTest, OpenHandlesSeeRestoredContents) {
  auto file = open("/db/x", {.create = true});
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->write(0, to_bytes("version one")));
  const MemVfs::Snapshot snapshot = vfs_.snapshot();
  ASSERT_OK(file->write(0, to_bytes("VERSION TWO, longer")));
  vfs_.restore(snapshot);
  ASSERT_OK_AND_ASSIGN(uint64_t size, file->size());
  EXPECT_EQ(size, 11u);
  std::vector<uint8_t> out(size);
  size_t bytes_read = 0;
  ASSERT_OK(file->read(0, out, &bytes_read));
  EXPECT_EQ(to_text(out), "version one");
}

TEST_F(MemVfsTest, RestoreLeavesLocksOfOpenHandlesInPlace) {
  auto holder = open("/db/x", {.create = true});
  auto other = open("/db/x");
  ASSERT_NE(holder, nullptr);
  ASSERT_NE(other, nullptr);
  const MemVfs::Snapshot snapshot = vfs_.snapshot();
  ASSERT_OK(holder->lock(0, 1, vfs::LockMode::kExclusive));
  vfs_.restore(snapshot);
  EXPECT_STATUS(other->lock(0, 1, vfs::LockMode::kShared), kBusy);
}

TEST_F(MemVfsTest, SyncCountCountsFileSyncs) {
  auto file = open("/db/x", {.create = true});
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(vfs_.sync_count(), 0u);
  ASSERT_OK(file->sync());
  ASSERT_OK(file->sync());
  EXPECT_EQ(vfs_.sync_count(), 2u);
  EXPECT_EQ(vfs_.sync_dir_count(), 0u);
  ASSERT_OK(vfs_.sync_dir("/db"));
  EXPECT_EQ(vfs_.sync_dir_count(), 1u);
  EXPECT_EQ(vfs_.sync_count(), 2u);
}

TEST_F(MemVfsTest, ListReturnsOnlyFilesDirectlyInTheDirectory) {
  for (const char* path :
       {"/db/b", "/db/a", "/db/sub/deep", "/dbx/other", "/top", "bare", "rel/file"}) {
    vfs_.write_file(path, {});
  }
  auto names_in = [&](const std::string& dir) {
    auto names = vfs_.list(dir);
    return names.ok() ? *names : std::vector<std::string>{"<error>"};
  };
  EXPECT_EQ(names_in("/db"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(names_in("/db/sub"), (std::vector<std::string>{"deep"}));
  EXPECT_EQ(names_in("/"), (std::vector<std::string>{"top"}));
  EXPECT_EQ(names_in("."), (std::vector<std::string>{"bare"}));
  EXPECT_EQ(names_in("rel"), (std::vector<std::string>{"file"}));
  EXPECT_EQ(names_in("/nowhere"), (std::vector<std::string>{}));
}

TEST_F(MemVfsTest, DirectoriesNeedNotBeCreated) {
  auto file = open("/never/made/db", {.create = true});
  ASSERT_NE(file, nullptr);
  ASSERT_OK_AND_ASSIGN(bool dir_exists, vfs_.exists("/never/made"));
  EXPECT_FALSE(dir_exists);  // exists() knows files only
}

TEST_F(MemVfsTest, WriteThatWouldGrowAFileBeyondTheLimitIsNoSpace) {
  MemVfs small(100);
  auto file = small.open("/db/x", {.create = true});
  ASSERT_OK(file);
  ASSERT_OK((*file)->write(0, std::vector<uint8_t>(100, 1)));
  const Status status = (*file)->write(99, to_bytes("xy"));
  EXPECT_STATUS(status, kNoSpace);
  EXPECT_NE(status.message().find("/db/x"), std::string::npos) << status.to_string();
  EXPECT_STATUS((*file)->truncate(101), kNoSpace);
  ASSERT_OK_AND_ASSIGN(uint64_t size, (*file)->size());
  EXPECT_EQ(size, 100u);
}

TEST_F(MemVfsTest, HugeOffsetIsNoSpaceRatherThanAnAllocation) {
  auto file = open("/db/x", {.create = true});
  ASSERT_NE(file, nullptr);
  EXPECT_STATUS(file->write(uint64_t{1} << 50, to_bytes("x")), kNoSpace);
}

TEST_F(MemVfsTest, HandleStaysUsableAfterTheVfsIsDestroyed) {
  std::unique_ptr<File> file;
  {
    MemVfs short_lived;
    auto opened = short_lived.open("/db/x", {.create = true});
    ASSERT_OK(opened);
    file = std::move(opened).value();
    ASSERT_OK(file->lock(0, 1, vfs::LockMode::kExclusive));
  }
  ASSERT_OK(file->write(0, to_bytes("still works")));
  ASSERT_OK_AND_ASSIGN(uint64_t size, file->size());
  EXPECT_EQ(size, 11u);
}

TEST_F(MemVfsTest, ErrorMessagesNameTheOperationAndThePath) {
  auto missing = vfs_.open("/db/missing", {});
  EXPECT_EQ(missing.status().to_string(), "not found: open /db/missing: no such file");
  auto file = open("/db/x", {.create = true});
  auto other = open("/db/x");
  ASSERT_NE(file, nullptr);
  ASSERT_NE(other, nullptr);
  ASSERT_OK(file->lock(120, 1, vfs::LockMode::kExclusive));
  EXPECT_EQ(other->lock(120, 1, vfs::LockMode::kShared).to_string(),
            "busy: lock(shared) /db/x at 120 length 1: held by another handle");
}

TEST_F(MemVfsTest, SameOperationsGiveTheSameImage) {
  auto run = [](MemVfs& target) {
    auto file = target.open("/db/x", {.create = true});
    EXPECT_OK(file);
    if (!file.ok()) return;
    EXPECT_OK((*file)->write(10, to_bytes("ten")));
    EXPECT_OK((*file)->write(0, to_bytes("zero")));
    EXPECT_OK((*file)->truncate(12));
    EXPECT_OK(target.rename("/db/x", "/db/y"));
  };
  MemVfs first;
  MemVfs second;
  run(first);
  run(second);
  EXPECT_EQ(first.snapshot(), second.snapshot());
}

}  // namespace
}  // namespace strata::test
