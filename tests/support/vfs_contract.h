// The behaviour every Vfs must share, as one value-parameterised GoogleTest suite (VfsContract).
// A test file instantiates it once per implementation it wants checked, e.g.:
//
//   INSTANTIATE_TEST_SUITE_P(Mem, VfsContract,
//                            ::testing::Values(VfsContractParam{"mem", &make_mem_harness}),
//                            vfs_contract_param_name);
//
// The tests are defined in this header (GoogleTest's pattern for interface conformance), so
// REQUIRES: exactly one translation unit per test binary includes it.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/support/status_testing.h"
#include "vfs/vfs.h"

namespace strata::test {

// A Vfs under test and a directory in it, empty when the test starts, for the test's files.
class VfsHarness {
 public:
  virtual ~VfsHarness() = default;
  virtual vfs::Vfs& vfs() = 0;
  virtual std::string dir() const = 0;
};

struct VfsContractParam {
  std::string name;  // "posix", "mem": becomes the suffix of each test's name
  std::unique_ptr<VfsHarness> (*make)();
};

inline void PrintTo(const VfsContractParam& param, std::ostream* out) { *out << param.name; }

inline std::string vfs_contract_param_name(const ::testing::TestParamInfo<VfsContractParam>& info) {
  return info.param.name;
}

inline std::vector<uint8_t> to_bytes(std::string_view text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

inline std::string to_text(std::span<const uint8_t> bytes) {
  return std::string(bytes.begin(), bytes.end());
}

class VfsContract : public ::testing::TestWithParam<VfsContractParam> {
 protected:
  void SetUp() override { harness_ = GetParam().make(); }

  vfs::Vfs& vfs() { return harness_->vfs(); }
  std::string dir() const { return harness_->dir(); }
  std::string path(std::string_view name) const { return dir() + "/" + std::string(name); }

  // Opens `name` in the test directory; nullptr (and a test failure) on error.
  std::unique_ptr<vfs::File> open(std::string_view name, vfs::OpenOptions options) {
    auto file = vfs().open(path(name), options);
    if (!file.ok()) {
      ADD_FAILURE() << "open " << path(name) << ": " << file.status().to_string();
      return nullptr;
    }
    return std::move(file).value();
  }
  std::unique_ptr<vfs::File> create(std::string_view name) { return open(name, {.create = true}); }

  // Creates `name` holding `contents`.
  void make_file(std::string_view name, std::string_view contents) {
    auto file = create(name);
    ASSERT_NE(file, nullptr);
    ASSERT_OK(file->write(0, to_bytes(contents)));
  }

  // The whole contents of the file, or "<error: ...>".
  static std::string read_all(vfs::File& file) {
    auto size = file.size();
    if (!size.ok()) return "<error: " + size.status().to_string() + ">";
    std::vector<uint8_t> bytes(*size);
    size_t bytes_read = 0;
    const Status status = file.read(0, bytes, &bytes_read);
    if (!status.is_ok()) return "<error: " + status.to_string() + ">";
    bytes.resize(bytes_read);
    return to_text(bytes);
  }
  std::string read_all(std::string_view name) {
    auto file = open(name, {.read_only = true});
    return file == nullptr ? "<error: cannot open>" : read_all(*file);
  }

 private:
  std::unique_ptr<VfsHarness> harness_;
};

using vfs::LockMode;

// ---- Reading and writing ----

TEST_P(VfsContract, WriteThenReadReturnsTheSameBytes) {
  auto file = create("data");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->write(0, to_bytes("hello, strata")));
  std::vector<uint8_t> out(13);
  size_t bytes_read = 0;
  ASSERT_OK(file->read(0, out, &bytes_read));
  EXPECT_EQ(bytes_read, 13u);
  EXPECT_EQ(to_text(out), "hello, strata");
}

TEST_P(VfsContract, ReadAtAnOffsetReturnsTheBytesThere) {
  make_file("data", "0123456789");
  auto file = open("data", {});
  ASSERT_NE(file, nullptr);
  std::vector<uint8_t> out(3);
  size_t bytes_read = 0;
  ASSERT_OK(file->read(4, out, &bytes_read));
  EXPECT_EQ(bytes_read, 3u);
  EXPECT_EQ(to_text(out), "456");
}

TEST_P(VfsContract, ReadPastEndOfFileIsShortNotAnErrorAndLeavesTheRestUntouched) {
  make_file("data", "abcdef");
  auto file = open("data", {});
  ASSERT_NE(file, nullptr);
  std::vector<uint8_t> out = to_bytes("xxxxxxxx");
  size_t bytes_read = 99;
  ASSERT_OK(file->read(2, out, &bytes_read));
  EXPECT_EQ(bytes_read, 4u);
  EXPECT_EQ(to_text(out), "cdefxxxx");
}

TEST_P(VfsContract, ReadWhollyBeyondEndOfFileReturnsZeroBytes) {
  make_file("data", "abc");
  auto file = open("data", {});
  ASSERT_NE(file, nullptr);
  std::vector<uint8_t> out(4);
  size_t bytes_read = 99;
  ASSERT_OK(file->read(3, out, &bytes_read));
  EXPECT_EQ(bytes_read, 0u);
  ASSERT_OK(file->read(1000, out, &bytes_read));
  EXPECT_EQ(bytes_read, 0u);
}

TEST_P(VfsContract, WriteBeyondEndOfFileGrowsItAndZeroFillsTheGap) {
  auto file = create("data");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->write(0, to_bytes("ab")));
  ASSERT_OK(file->write(5, to_bytes("cd")));
  ASSERT_OK_AND_ASSIGN(uint64_t size, file->size());
  EXPECT_EQ(size, 7u);
  EXPECT_EQ(read_all(*file), std::string("ab\0\0\0cd", 7));
}

TEST_P(VfsContract, OverwriteReplacesOnlyTheBytesWritten) {
  make_file("data", "aaaaaaaa");
  auto file = open("data", {});
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->write(3, to_bytes("XY")));
  EXPECT_EQ(read_all(*file), "aaaXYaaa");
}

TEST_P(VfsContract, EmptyWriteAndEmptyReadSucceed) {
  auto file = create("data");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->write(0, std::span<const uint8_t>()));
  size_t bytes_read = 99;
  ASSERT_OK(file->read(0, std::span<uint8_t>(), &bytes_read));
  EXPECT_EQ(bytes_read, 0u);
}

TEST_P(VfsContract, WriteRangeBeyondTheLargestFileOffsetIsInvalidArgument) {
  auto file = create("data");
  ASSERT_NE(file, nullptr);
  EXPECT_STATUS(file->write(UINT64_MAX - 1, to_bytes("xyz")), kInvalidArgument);
}

TEST_P(VfsContract, NewFileIsEmpty) {
  auto file = create("data");
  ASSERT_NE(file, nullptr);
  ASSERT_OK_AND_ASSIGN(uint64_t size, file->size());
  EXPECT_EQ(size, 0u);
}

TEST_P(VfsContract, SizeIsTheEndOfTheFurthestWrite) {
  auto file = create("data");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->write(8192, to_bytes("page")));
  ASSERT_OK(file->write(0, to_bytes("head")));
  ASSERT_OK_AND_ASSIGN(uint64_t size, file->size());
  EXPECT_EQ(size, 8196u);
}

TEST_P(VfsContract, TruncateShrinksTheFile) {
  make_file("data", "0123456789");
  auto file = open("data", {});
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->truncate(4));
  ASSERT_OK_AND_ASSIGN(uint64_t size, file->size());
  EXPECT_EQ(size, 4u);
  EXPECT_EQ(read_all(*file), "0123");
}

TEST_P(VfsContract, TruncateGrowsTheFileWithZeros) {
  make_file("data", "ab");
  auto file = open("data", {});
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->truncate(5));
  EXPECT_EQ(read_all(*file), std::string("ab\0\0\0", 5));
}

TEST_P(VfsContract, WritesThroughOneHandleAreSeenThroughAnother) {
  auto writer = create("data");
  auto reader = open("data", {.read_only = true});
  ASSERT_NE(writer, nullptr);
  ASSERT_NE(reader, nullptr);
  ASSERT_OK(writer->write(0, to_bytes("shared")));
  EXPECT_EQ(read_all(*reader), "shared");
}

TEST_P(VfsContract, ContentsOutliveTheHandleThatWroteThem) {
  make_file("data", "durable");
  EXPECT_EQ(read_all("data"), "durable");
}

TEST_P(VfsContract, SyncOfAWrittenFileSucceeds) {
  auto file = create("data");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->write(0, to_bytes("x")));
  EXPECT_OK(file->sync());
}

TEST_P(VfsContract, ConcurrentWritesToDisjointRangesAllLand) {
  auto file = create("data");
  ASSERT_NE(file, nullptr);
  constexpr int kThreads = 4;
  constexpr int kBlocksPerThread = 64;
  constexpr size_t kBlock = 512;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&file, t] {
      const std::vector<uint8_t> block(kBlock, static_cast<uint8_t>('a' + t));
      for (int b = 0; b < kBlocksPerThread; ++b) {
        const uint64_t offset = (uint64_t{static_cast<uint64_t>(b)} * kThreads + t) * kBlock;
        EXPECT_OK(file->write(offset, block));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::string contents = read_all(*file);
  ASSERT_EQ(contents.size(), kThreads * kBlocksPerThread * kBlock);
  for (size_t i = 0; i < contents.size(); ++i) {
    ASSERT_EQ(contents[i], static_cast<char>('a' + (i / kBlock) % kThreads)) << "byte " << i;
  }
}

// ---- Opening ----

TEST_P(VfsContract, OpenOfMissingFileWithoutCreateIsNotFound) {
  EXPECT_STATUS(vfs().open(path("missing"), {}), kNotFound);
  EXPECT_STATUS(vfs().open(path("missing"), {.read_only = true}), kNotFound);
  ASSERT_OK_AND_ASSIGN(bool exists, vfs().exists(path("missing")));
  EXPECT_FALSE(exists);
}

TEST_P(VfsContract, CreateOfAnExistingFileKeepsItsContents) {
  make_file("data", "kept");
  auto again = create("data");
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(read_all(*again), "kept");
}

TEST_P(VfsContract, ExclusiveCreateOfAnExistingFileIsInvalidArgument) {
  make_file("data", "kept");
  EXPECT_STATUS(vfs().open(path("data"), {.create = true, .exclusive = true}), kInvalidArgument);
  EXPECT_EQ(read_all("data"), "kept");
}

TEST_P(VfsContract, ExclusiveCreateOfANewFileSucceeds) {
  auto file = open("fresh", {.create = true, .exclusive = true});
  ASSERT_NE(file, nullptr);
  ASSERT_OK_AND_ASSIGN(bool exists, vfs().exists(path("fresh")));
  EXPECT_TRUE(exists);
}

TEST_P(VfsContract, ReadOnlyHandleReadsButRefusesWriteAndTruncate) {
  make_file("data", "fixed");
  auto file = open("data", {.read_only = true});
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(read_all(*file), "fixed");
  EXPECT_STATUS(file->write(0, to_bytes("x")), kReadOnly);
  EXPECT_STATUS(file->truncate(0), kReadOnly);
  EXPECT_EQ(read_all(*file), "fixed");
}

TEST_P(VfsContract, HandleRemembersThePathItWasOpenedWith) {
  auto file = create("data");
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->path(), path("data"));
}

// ---- Directory operations ----

TEST_P(VfsContract, ExistsIsTrueOnlyOnceTheFileIsCreated) {
  ASSERT_OK_AND_ASSIGN(bool before, vfs().exists(path("data")));
  EXPECT_FALSE(before);
  make_file("data", "");
  ASSERT_OK_AND_ASSIGN(bool after, vfs().exists(path("data")));
  EXPECT_TRUE(after);
}

TEST_P(VfsContract, RemoveDeletesTheFile) {
  make_file("data", "doomed");
  ASSERT_OK(vfs().remove(path("data")));
  ASSERT_OK_AND_ASSIGN(bool exists, vfs().exists(path("data")));
  EXPECT_FALSE(exists);
  EXPECT_STATUS(vfs().open(path("data"), {}), kNotFound);
}

TEST_P(VfsContract, RemoveOfAMissingFileIsNotFound) {
  EXPECT_STATUS(vfs().remove(path("missing")), kNotFound);
}

TEST_P(VfsContract, OpenHandleKeepsReadingAndWritingAFileRemovedUnderIt) {
  make_file("data", "still here");
  auto file = open("data", {});
  ASSERT_NE(file, nullptr);
  ASSERT_OK(vfs().remove(path("data")));
  EXPECT_EQ(read_all(*file), "still here");
  ASSERT_OK(file->write(0, to_bytes("STILL")));
  EXPECT_EQ(read_all(*file), "STILL here");
  // A file created later at the same path is a different, empty file.
  auto fresh = create("data");
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(read_all(*fresh), "");
}

TEST_P(VfsContract, RenameMovesTheFile) {
  make_file("old", "contents");
  ASSERT_OK(vfs().rename(path("old"), path("new")));
  ASSERT_OK_AND_ASSIGN(bool old_exists, vfs().exists(path("old")));
  EXPECT_FALSE(old_exists);
  EXPECT_EQ(read_all("new"), "contents");
}

TEST_P(VfsContract, RenameReplacesAnExistingTarget) {
  make_file("next", "new version");
  make_file("current", "old version");
  auto old_reader = open("current", {.read_only = true});
  ASSERT_NE(old_reader, nullptr);
  ASSERT_OK(vfs().rename(path("next"), path("current")));
  EXPECT_EQ(read_all("current"), "new version");
  ASSERT_OK_AND_ASSIGN(bool next_exists, vfs().exists(path("next")));
  EXPECT_FALSE(next_exists);
  // A handle open on the replaced file still sees the replaced contents.
  EXPECT_EQ(read_all(*old_reader), "old version");
}

TEST_P(VfsContract, RenameOfAMissingFileIsNotFound) {
  EXPECT_STATUS(vfs().rename(path("missing"), path("target")), kNotFound);
}

TEST_P(VfsContract, ListReturnsTheNamesSorted) {
  make_file("charlie", "");
  make_file("alpha", "");
  make_file("bravo", "");
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, vfs().list(dir()));
  EXPECT_EQ(names, (std::vector<std::string>{"alpha", "bravo", "charlie"}));
}

TEST_P(VfsContract, ListOfAnEmptyDirectoryIsEmpty) {
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, vfs().list(dir()));
  EXPECT_TRUE(names.empty());
}

TEST_P(VfsContract, ListForgetsRemovedAndRenamedFiles) {
  make_file("a", "");
  make_file("b", "");
  ASSERT_OK(vfs().remove(path("a")));
  ASSERT_OK(vfs().rename(path("b"), path("c")));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, vfs().list(dir()));
  EXPECT_EQ(names, (std::vector<std::string>{"c"}));
}

TEST_P(VfsContract, SyncDirSucceeds) {
  make_file("data", "");
  EXPECT_OK(vfs().sync_dir(dir()));
}

// ---- Locks ----

TEST_P(VfsContract, SharedLocksOnTwoHandlesCoexist) {
  auto first = create("db");
  auto second = open("db", {});
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_OK(first->lock(0, 1, LockMode::kShared));
  EXPECT_OK(second->lock(0, 1, LockMode::kShared));
}

TEST_P(VfsContract, SharedLockMakesExclusiveOnAnotherHandleBusy) {
  auto reader = create("db");
  auto writer = open("db", {});
  ASSERT_NE(reader, nullptr);
  ASSERT_NE(writer, nullptr);
  ASSERT_OK(reader->lock(0, 1, LockMode::kShared));
  EXPECT_STATUS(writer->lock(0, 1, LockMode::kExclusive), kBusy);
}

TEST_P(VfsContract, ExclusiveLockMakesSharedOnAnotherHandleBusy) {
  auto writer = create("db");
  auto reader = open("db", {});
  ASSERT_NE(writer, nullptr);
  ASSERT_NE(reader, nullptr);
  ASSERT_OK(writer->lock(0, 1, LockMode::kExclusive));
  EXPECT_STATUS(reader->lock(0, 1, LockMode::kShared), kBusy);
}

TEST_P(VfsContract, ExclusiveLockMakesExclusiveOnAnotherHandleBusy) {
  auto first = create("db");
  auto second = open("db", {});
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_OK(first->lock(0, 1, LockMode::kExclusive));
  const Status busy = second->lock(0, 1, LockMode::kExclusive);
  EXPECT_STATUS(busy, kBusy);
  EXPECT_NE(busy.message().find(path("db")), std::string::npos) << busy.to_string();
}

TEST_P(VfsContract, LockConflictsOnlyWhereRangesOverlap) {
  auto first = create("db");
  auto second = open("db", {});
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_OK(first->lock(10, 10, LockMode::kExclusive));  // bytes 10..19
  EXPECT_OK(second->lock(0, 10, LockMode::kExclusive));
  EXPECT_OK(second->lock(20, 5, LockMode::kExclusive));
  EXPECT_STATUS(second->lock(19, 1, LockMode::kShared), kBusy);
  EXPECT_STATUS(second->lock(5, 100, LockMode::kShared), kBusy);
}

TEST_P(VfsContract, TestLockSeesOtherHandlesLocksButTakesNothing) {
  auto first = create("db");
  auto second = open("db", {});
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_OK(first->lock(10, 1, LockMode::kShared));
  EXPECT_OK(second->test_lock(10, 1, LockMode::kShared));
  EXPECT_STATUS(second->test_lock(0, 100, LockMode::kExclusive), kBusy);
  EXPECT_OK(second->test_lock(11, 100, LockMode::kExclusive));
  // A handle's own locks never conflict with its tests, and a test takes nothing.
  EXPECT_OK(first->test_lock(10, 1, LockMode::kExclusive));
  EXPECT_OK(first->test_lock(50, 1, LockMode::kExclusive));
  EXPECT_OK(second->lock(50, 1, LockMode::kExclusive));
  EXPECT_STATUS(first->test_lock(50, 1, LockMode::kShared), kBusy);
  ASSERT_OK(first->unlock(10, 1));
  EXPECT_OK(second->test_lock(0, 50, LockMode::kExclusive));
}

TEST_P(VfsContract, UnlockLetsAnotherHandleTakeTheLock) {
  auto first = create("db");
  auto second = open("db", {});
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_OK(first->lock(0, 1, LockMode::kExclusive));
  ASSERT_STATUS(second->lock(0, 1, LockMode::kExclusive), kBusy);
  ASSERT_OK(first->unlock(0, 1));
  EXPECT_OK(second->lock(0, 1, LockMode::kExclusive));
}

TEST_P(VfsContract, UnlockOfARangeNotHeldSucceeds) {
  auto file = create("db");
  ASSERT_NE(file, nullptr);
  EXPECT_OK(file->unlock(0, 100));
}

TEST_P(VfsContract, UnlockingTheMiddleOfARangeKeepsBothEndsLocked) {
  auto first = create("db");
  auto second = open("db", {});
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_OK(first->lock(0, 30, LockMode::kExclusive));
  ASSERT_OK(first->unlock(10, 10));  // bytes 10..19
  EXPECT_OK(second->lock(10, 10, LockMode::kExclusive));
  EXPECT_STATUS(second->lock(9, 1, LockMode::kShared), kBusy);
  EXPECT_STATUS(second->lock(20, 1, LockMode::kShared), kBusy);
}

TEST_P(VfsContract, DestroyingAHandleReleasesAllItsLocks) {
  auto survivor = create("db");
  ASSERT_NE(survivor, nullptr);
  {
    auto holder = open("db", {});
    ASSERT_NE(holder, nullptr);
    ASSERT_OK(holder->lock(0, 1, LockMode::kExclusive));
    ASSERT_OK(holder->lock(100, 50, LockMode::kShared));
    ASSERT_STATUS(survivor->lock(0, 1, LockMode::kExclusive), kBusy);
  }
  EXPECT_OK(survivor->lock(0, 1, LockMode::kExclusive));
  EXPECT_OK(survivor->lock(100, 50, LockMode::kExclusive));
}

TEST_P(VfsContract, RelockingOwnRangeDowngradesExclusiveToShared) {
  auto writer = create("db");
  auto reader = open("db", {});
  ASSERT_NE(writer, nullptr);
  ASSERT_NE(reader, nullptr);
  ASSERT_OK(writer->lock(0, 1, LockMode::kExclusive));
  ASSERT_OK(writer->lock(0, 1, LockMode::kShared));
  EXPECT_OK(reader->lock(0, 1, LockMode::kShared));
  EXPECT_STATUS(reader->lock(0, 1, LockMode::kExclusive), kBusy);
}

TEST_P(VfsContract, RelockingOwnRangeUpgradesSharedToExclusiveWhenNoOneElseHoldsIt) {
  auto writer = create("db");
  auto reader = open("db", {});
  ASSERT_NE(writer, nullptr);
  ASSERT_NE(reader, nullptr);
  ASSERT_OK(writer->lock(0, 1, LockMode::kShared));
  ASSERT_OK(reader->lock(0, 1, LockMode::kShared));
  EXPECT_STATUS(writer->lock(0, 1, LockMode::kExclusive), kBusy);
  ASSERT_OK(reader->unlock(0, 1));
  EXPECT_OK(writer->lock(0, 1, LockMode::kExclusive));
  EXPECT_STATUS(reader->lock(0, 1, LockMode::kShared), kBusy);
}

TEST_P(VfsContract, LockRangeMayLieBeyondTheEndOfTheFile) {
  auto first = create("db");
  auto second = open("db", {});
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  constexpr uint64_t kFar = uint64_t{1} << 30;
  ASSERT_OK(first->lock(kFar, 1, LockMode::kExclusive));
  EXPECT_STATUS(second->lock(kFar, 1, LockMode::kShared), kBusy);
  ASSERT_OK_AND_ASSIGN(uint64_t size, first->size());
  EXPECT_EQ(size, 0u);  // locking does not grow the file
}

TEST_P(VfsContract, LockOfAnEmptyRangeIsInvalidArgument) {
  auto file = create("db");
  ASSERT_NE(file, nullptr);
  EXPECT_STATUS(file->lock(0, 0, LockMode::kShared), kInvalidArgument);
  EXPECT_STATUS(file->unlock(0, 0), kInvalidArgument);
}

TEST_P(VfsContract, ExclusiveLockThroughAReadOnlyHandleIsRefused) {
  make_file("db", "");
  auto reader = open("db", {.read_only = true});
  ASSERT_NE(reader, nullptr);
  EXPECT_STATUS(reader->lock(0, 1, LockMode::kExclusive), kReadOnly);
  EXPECT_OK(reader->lock(0, 1, LockMode::kShared));
}

TEST_P(VfsContract, LockOnARemovedFileDoesNotBlockANewFileAtTheSamePath) {
  auto old_file = create("db");
  ASSERT_NE(old_file, nullptr);
  ASSERT_OK(old_file->lock(0, 1, LockMode::kExclusive));
  ASSERT_OK(vfs().remove(path("db")));
  auto new_file = create("db");
  ASSERT_NE(new_file, nullptr);
  EXPECT_OK(new_file->lock(0, 1, LockMode::kExclusive));
}

TEST_P(VfsContract, HandlesUsedFromDifferentThreadsConflict) {
  auto first = create("db");
  auto second = open("db", {});
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_OK(first->lock(0, 1, LockMode::kExclusive));
  Status from_thread;
  std::thread([&] { from_thread = second->lock(0, 1, LockMode::kShared); }).join();
  EXPECT_STATUS(from_thread, kBusy);
}

}  // namespace strata::test
