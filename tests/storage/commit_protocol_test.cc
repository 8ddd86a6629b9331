// The two commit protocols (docs/commit-protocols.md): two-sync (pages, sync, meta, sync)
// and one-sync (pages and meta, one sync, the commit's pages verified at open).
#include <gtest/gtest.h>

#include "engine/check.h"
#include "engine/store.h"
#include "tests/support/status_testing.h"
#include "tests/support/store_scan.h"
#include "vfs/mem_vfs.h"

namespace strata {
namespace {

StoreOptions with(CommitProtocol protocol) {
  StoreOptions o;
  o.page_size = 512;
  o.commit_protocol = protocol;
  return o;
}

TEST(CommitProtocol, OneSyncCommitsWithOneSyncTwoSyncWithTwo) {
  for (CommitProtocol protocol : {CommitProtocol::kTwoSync, CommitProtocol::kOneSync}) {
    vfs::MemVfs vfs;
    ASSERT_OK_AND_ASSIGN(auto store, Store::open(&vfs, "db", with(protocol)));
    ASSERT_OK(test::put_keys(store.get(), 0, 10));  // a session's first commit is two-sync (below)
    uint64_t before = vfs.sync_count();
    ASSERT_OK(test::put_keys(store.get(), 10, 50));
    EXPECT_EQ(vfs.sync_count() - before, protocol == CommitProtocol::kOneSync ? 1u : 2u)
        << commit_protocol_name(protocol);
    EXPECT_EQ((store->meta().flags & kMetaFlagVerifyOnOpen) != 0,
              protocol == CommitProtocol::kOneSync);
  }
}

// One-sync's open check accepts a page whose generation matches its pointer, so a generation
// must never be written twice. A commit that crashed before its meta was durable may have left
// pages of generation meta+1 behind, and each session starts again from meta: its first
// commit is therefore two-sync, and only the commits after it (generations no earlier session
// reached) are one-sync. (Found by the model checker: tests/regressions/model/.)
TEST(CommitProtocol, EachSessionsFirstCommitIsTwoSync) {
  vfs::MemVfs vfs;
  for (int session = 0; session < 3; ++session) {
    ASSERT_OK_AND_ASSIGN(auto store, Store::open(&vfs, "db", with(CommitProtocol::kOneSync)));
    for (int commit = 0; commit < 3; ++commit) {
      uint64_t before = vfs.sync_count();
      const int from = 100 * session + 10 * commit;
      ASSERT_OK(test::put_keys(store.get(), from, from + 10));
      EXPECT_EQ(vfs.sync_count() - before, commit == 0 ? 2u : 1u)
          << "session " << session << " commit " << commit;
      EXPECT_EQ((store->meta().flags & kMetaFlagVerifyOnOpen) != 0, commit > 0)
          << "session " << session << " commit " << commit;
    }
  }
}

// The case the rule exists for, built by hand: a first attempt at generation G+1 wrote its
// pages and crashed before its meta; the next session commits G+1 again and then G+2. Even
// with G+2's pages replaced by the crashed attempt's bytes (checksums valid, generation G+1),
// open refuses G+2 and lands on the retry's G+1, whose contents it holds exactly.
TEST(CommitProtocol, ACrashedAttemptsPagesNeverPassForALaterCommit) {
  const StoreOptions options = with(CommitProtocol::kOneSync);
  vfs::MemVfs vfs;
  uint64_t g = 0;
  {
    ASSERT_OK_AND_ASSIGN(auto store, Store::open(&vfs, "db", options));
    ASSERT_OK(test::put_keys(store.get(), 0, 40));
    g = store->meta().generation;
  }
  const std::vector<uint8_t> durable = *vfs.read_file("db");
  {
    ASSERT_OK_AND_ASSIGN(auto store, Store::open(&vfs, "db", options));
    ASSERT_OK(test::put_keys(store.get(), 40, 240));  // the attempt that "crashed": many pages
    ASSERT_EQ(store->meta().generation, g + 1);
  }
  std::vector<uint8_t> image = *vfs.read_file("db");
  const std::vector<uint8_t> attempt = image;
  // Its meta never reached the disk: both slots as they were.
  std::copy(durable.begin(), durable.begin() + 2 * 512, image.begin());
  vfs.write_file("db", image);
  std::vector<uint8_t> after_retry;
  {
    ASSERT_OK_AND_ASSIGN(auto store, Store::open(&vfs, "db", options));
    ASSERT_EQ(store->meta().generation, g);
    ASSERT_OK(test::put_keys(store.get(), 80, 90));  // the retry: generation g + 1 again, few pages
    ASSERT_EQ(store->meta().generation, g + 1);
    EXPECT_EQ(store->meta().flags & kMetaFlagVerifyOnOpen, 0u);
    after_retry = *vfs.read_file("db");
    ASSERT_OK(test::put_keys(store.get(), 120, 240));  // on pages the attempt wrote
    ASSERT_EQ(store->meta().generation, g + 2);
    EXPECT_NE(store->meta().flags & kMetaFlagVerifyOnOpen, 0u);
  }
  // G+2's pages did not land; where the crashed attempt wrote, its bytes are there instead.
  std::vector<uint8_t> torn = *vfs.read_file("db");
  size_t replaced = 0;
  for (size_t page = 2; (page + 1) * 512 <= torn.size(); ++page) {
    auto at = [&](const std::vector<uint8_t>& bytes) {
      return (page + 1) * 512 <= bytes.size()
                 ? std::vector<uint8_t>(bytes.begin() + page * 512, bytes.begin() + (page + 1) * 512)
                 : std::vector<uint8_t>(512, 0);
    };
    if (at(torn) == at(after_retry)) continue;  // G+2 did not write this page
    std::vector<uint8_t> old = at(attempt) != at(durable) ? at(attempt) : at(after_retry);
    replaced += at(attempt) != at(durable);
    std::copy(old.begin(), old.end(), torn.begin() + page * 512);
  }
  vfs.write_file("db", torn);
  ASSERT_OK_AND_ASSIGN(auto store, Store::open(&vfs, "db", options));
  EXPECT_EQ(store->meta().generation, g + 1) << store->open_note();
  ASSERT_OK_AND_ASSIGN(auto tx, store->begin_read());
  for (int i : {0, 39, 80, 89}) {
    ASSERT_OK_AND_ASSIGN(auto value, tx->get("key" + std::to_string(1000 + i)));
    EXPECT_TRUE(value.has_value()) << i;
  }
  for (int i : {40, 79, 90, 120, 239}) {
    ASSERT_OK_AND_ASSIGN(auto value, tx->get("key" + std::to_string(1000 + i)));
    EXPECT_FALSE(value.has_value()) << i;
  }
  ASSERT_OK_AND_ASSIGN(CheckReport report, check_store(store.get()));
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_GT(replaced, 0u) << "no page of G+2 lies where the crashed attempt wrote";
}

TEST(CommitProtocol, OneSyncOpenFallsBackWhenTheNewestCommitsPagesAreIncomplete) {
  vfs::MemVfs vfs;
  uint64_t older = 0;
  uint64_t root = 0;
  {
    ASSERT_OK_AND_ASSIGN(auto store, Store::open(&vfs, "db", with(CommitProtocol::kOneSync)));
    ASSERT_OK(test::put_keys(store.get(), 0, 40));
    older = store->meta().generation;
    ASSERT_OK(test::put_keys(store.get(), 40, 41));  // rewrites the root-to-leaf path
    root = store->meta().root;
    ASSERT_EQ(store->meta().root_generation, older + 1);
  }
  // The newest commit's root never reached the disk: it still holds zeros.
  std::vector<uint8_t> bytes = *vfs.read_file("db");
  std::fill(bytes.begin() + root * 512, bytes.begin() + (root + 1) * 512, 0);
  vfs.write_file("db", bytes);
  ASSERT_OK_AND_ASSIGN(auto store, Store::open(&vfs, "db", with(CommitProtocol::kOneSync)));
  EXPECT_EQ(store->meta().generation, older);
  EXPECT_NE(store->open_note().find("did not reach the disk whole"), std::string::npos)
      << store->open_note();
  ASSERT_OK_AND_ASSIGN(auto tx, store->begin_read());
  ASSERT_OK_AND_ASSIGN(auto missing, tx->get("key1040"));
  EXPECT_FALSE(missing.has_value()) << "the incomplete commit is not visible";
  ASSERT_OK_AND_ASSIGN(auto present, tx->get("key1039"));
  EXPECT_TRUE(present.has_value());
  ASSERT_OK_AND_ASSIGN(CheckReport report, check_store(store.get()));
  EXPECT_TRUE(report.ok()) << report.to_string();
}

TEST(CommitProtocol, TwoSyncFilesAreNotVerifiedAtOpenAndOpenAsBefore) {
  vfs::MemVfs vfs;
  {
    ASSERT_OK_AND_ASSIGN(auto store, Store::open(&vfs, "db", with(CommitProtocol::kTwoSync)));
    ASSERT_OK(test::put_keys(store.get(), 0, 40));
  }
  // Either protocol opens a file written by the other.
  ASSERT_OK_AND_ASSIGN(auto store, Store::open(&vfs, "db", with(CommitProtocol::kOneSync)));
  EXPECT_TRUE(store->open_note().empty());
  ASSERT_OK(test::put_keys(store.get(), 40, 60));
  store.reset();
  ASSERT_OK_AND_ASSIGN(auto again, Store::open(&vfs, "db", with(CommitProtocol::kTwoSync)));
  EXPECT_TRUE(again->open_note().empty());
  ASSERT_OK_AND_ASSIGN(CheckReport report, check_store(again.get()));
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_EQ(report.keys, 60u);
}

TEST(CommitProtocol, OneSyncSyncsOnceHoweverManyPagesTheCommitWrites) {
  // MemVfs cannot fail a sync; the crash testbed's fsync-fail sweep covers the device side.
  vfs::MemVfs vfs;
  ASSERT_OK_AND_ASSIGN(auto store, Store::open(&vfs, "db", with(CommitProtocol::kOneSync)));
  ASSERT_OK(test::put_keys(store.get(), 0, 1));  // the session's first commit is two-sync
  uint64_t syncs = vfs.sync_count();
  ASSERT_OK(test::put_keys(store.get(), 1, 300));
  EXPECT_EQ(vfs.sync_count() - syncs, 1u) << "however many pages the commit wrote";
  EXPECT_GT(store->meta().commit_pages, 3u);
}

// A meta slot holding a whole, checksum-valid page of another number was not torn by a crash:
// a misdirected write landed on it (found by the model checker with a misdirected meta write).
// Open takes the other slot and says what it found there.
TEST(CommitProtocol, OpenSaysWhenAMetaSlotHoldsAMisdirectedPage) {
  vfs::MemVfs vfs;
  uint64_t newest = 0;
  {
    ASSERT_OK_AND_ASSIGN(auto store, Store::open(&vfs, "db", with(CommitProtocol::kOneSync)));
    ASSERT_OK(test::put_keys(store.get(), 0, 40));
    ASSERT_OK(test::put_keys(store.get(), 40, 41));
    newest = store->meta().generation;
  }
  std::vector<uint8_t> bytes = *vfs.read_file("db");
  const uint64_t slot = newest % 2;
  std::copy(bytes.begin() + 2 * 512, bytes.begin() + 3 * 512, bytes.begin() + slot * 512);
  vfs.write_file("db", bytes);
  ASSERT_OK_AND_ASSIGN(auto store, Store::open(&vfs, "db", with(CommitProtocol::kOneSync)));
  EXPECT_EQ(store->meta().generation, newest - 1);
  EXPECT_NE(store->open_note().find("holds page 2 (misdirected write)"), std::string::npos)
      << store->open_note();
  EXPECT_NE(store->open_note().find("a newer commit may be lost"), std::string::npos);
}

TEST(CommitProtocol, NamesParse) {
  for (CommitProtocol p : {CommitProtocol::kTwoSync, CommitProtocol::kOneSync}) {
    EXPECT_EQ(parse_commit_protocol(commit_protocol_name(p)), p);
  }
  EXPECT_FALSE(parse_commit_protocol("zero-sync").has_value());
}

}  // namespace
}  // namespace strata
