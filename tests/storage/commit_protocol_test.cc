// The two commit protocols (docs/commit-protocols.md): two-sync (pages, sync, meta, sync)
// and one-sync (pages and meta, one sync, the commit's pages verified at open).
#include <gtest/gtest.h>

#include "engine/check.h"
#include "engine/store.h"
#include "tests/support/status_testing.h"
#include "vfs/mem_vfs.h"

namespace strata {
namespace {

StoreOptions with(CommitProtocol protocol) {
  StoreOptions o;
  o.page_size = 512;
  o.commit_protocol = protocol;
  return o;
}

Status put_all(Store* store, int from, int to) {
  STRATA_ASSIGN(std::unique_ptr<WriteTx> tx, store->begin_write());
  for (int i = from; i < to; ++i) {
    STRATA_TRY(tx->put("key" + std::to_string(1000 + i), std::string(40, 'a' + i % 26)));
  }
  return tx->commit();
}

TEST(CommitProtocol, OneSyncCommitsWithOneSyncTwoSyncWithTwo) {
  for (CommitProtocol protocol : {CommitProtocol::kTwoSync, CommitProtocol::kOneSync}) {
    vfs::MemVfs vfs;
    ASSERT_OK_AND_ASSIGN(auto store, Store::open(&vfs, "db", with(protocol)));
    uint64_t before = vfs.sync_count();
    ASSERT_OK(put_all(store.get(), 0, 50));
    EXPECT_EQ(vfs.sync_count() - before, protocol == CommitProtocol::kOneSync ? 1u : 2u)
        << commit_protocol_name(protocol);
    EXPECT_EQ((store->meta().flags & kMetaFlagVerifyOnOpen) != 0,
              protocol == CommitProtocol::kOneSync);
  }
}

TEST(CommitProtocol, OneSyncOpenFallsBackWhenTheNewestCommitsPagesAreIncomplete) {
  vfs::MemVfs vfs;
  uint64_t older = 0;
  uint64_t root = 0;
  {
    ASSERT_OK_AND_ASSIGN(auto store, Store::open(&vfs, "db", with(CommitProtocol::kOneSync)));
    ASSERT_OK(put_all(store.get(), 0, 40));
    older = store->meta().generation;
    ASSERT_OK(put_all(store.get(), 40, 41));  // rewrites the root-to-leaf path
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
    ASSERT_OK(put_all(store.get(), 0, 40));
  }
  // Either protocol opens a file written by the other.
  ASSERT_OK_AND_ASSIGN(auto store, Store::open(&vfs, "db", with(CommitProtocol::kOneSync)));
  EXPECT_TRUE(store->open_note().empty());
  ASSERT_OK(put_all(store.get(), 40, 60));
  store.reset();
  ASSERT_OK_AND_ASSIGN(auto again, Store::open(&vfs, "db", with(CommitProtocol::kTwoSync)));
  EXPECT_TRUE(again->open_note().empty());
  ASSERT_OK_AND_ASSIGN(CheckReport report, check_store(again.get()));
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_EQ(report.keys, 60u);
}

TEST(CommitProtocol, OneSyncFailedSyncFailsTheCommitAndTheReopenedFileHoldsAVersion) {
  // MemVfs cannot fail a sync; the crash testbed's fsync-fail sweep covers the device side.
  // Here: the commit labels of the one-sync protocol, in order.
  vfs::MemVfs vfs;
  ASSERT_OK_AND_ASSIGN(auto store, Store::open(&vfs, "db", with(CommitProtocol::kOneSync)));
  uint64_t syncs = vfs.sync_count();
  ASSERT_OK(put_all(store.get(), 0, 300));
  EXPECT_EQ(vfs.sync_count() - syncs, 1u) << "however many pages the commit wrote";
  EXPECT_GT(store->meta().commit_pages, 3u);
}

TEST(CommitProtocol, NamesParse) {
  for (CommitProtocol p : {CommitProtocol::kTwoSync, CommitProtocol::kOneSync}) {
    EXPECT_EQ(parse_commit_protocol(commit_protocol_name(p)), p);
  }
  EXPECT_FALSE(parse_commit_protocol("zero-sync").has_value());
}

}  // namespace
}  // namespace strata
