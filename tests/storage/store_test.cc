// Transactions: durability, rollback, one writer, snapshot readers, the commit
// protocol's order of operations and labels, and poisoning after a failed sync.
#include <gtest/gtest.h>

#include <set>

#include "engine/check.h"
#include "engine/collection.h"
#include "engine/store.h"
#include "tests/support/status_testing.h"
#include "tests/support/temp_dir.h"
#include "vfs/mem_vfs.h"
#include "vfs/posix_vfs.h"

namespace strata {
namespace {

// Wraps the real MemVfs: records every write and sync with the engine's label,
// and can fail the sync whose label matches `fail_sync_label`. (The crash
// testbed's FaultVfs does far more; this is all these tests need.)
struct Op {
  std::string kind;  // "write" or "sync"
  uint64_t offset;
  std::string label;
};

class RecordingVfs : public vfs::Vfs {
 public:
  class RecordingFile : public vfs::File {
   public:
    RecordingFile(RecordingVfs* owner, std::unique_ptr<vfs::File> base)
        : owner_(owner), base_(std::move(base)) {}
    Status read(uint64_t offset, std::span<uint8_t> out, size_t* n) override {
      return base_->read(offset, out, n);
    }
    Status write(uint64_t offset, std::span<const uint8_t> data) override {
      owner_->ops.push_back({"write", offset, owner_->label});
      return base_->write(offset, data);
    }
    Status sync() override {
      owner_->ops.push_back({"sync", 0, owner_->label});
      if (owner_->label == owner_->fail_sync_label) return Status::io_error("injected fsync failure");
      return base_->sync();
    }
    Result<uint64_t> size() override { return base_->size(); }
    Status truncate(uint64_t size) override { return base_->truncate(size); }
    Status lock(uint64_t s, uint64_t l, vfs::LockMode m) override { return base_->lock(s, l, m); }
    Status unlock(uint64_t s, uint64_t l) override { return base_->unlock(s, l); }
    Status test_lock(uint64_t s, uint64_t l, vfs::LockMode m) override {
      return base_->test_lock(s, l, m);
    }
    const std::string& path() const override { return base_->path(); }

   private:
    RecordingVfs* owner_;
    std::unique_ptr<vfs::File> base_;
  };

  Result<std::unique_ptr<vfs::File>> open(const std::string& path,
                                          const vfs::OpenOptions& options) override {
    STRATA_ASSIGN(std::unique_ptr<vfs::File> f, base.open(path, options));
    return std::unique_ptr<vfs::File>(new RecordingFile(this, std::move(f)));
  }
  Status remove(const std::string& p) override { return base.remove(p); }
  Status rename(const std::string& a, const std::string& b) override { return base.rename(a, b); }
  Result<bool> exists(const std::string& p) override { return base.exists(p); }
  Result<std::vector<std::string>> list(const std::string& d) override { return base.list(d); }
  Status sync_dir(const std::string& d) override { return base.sync_dir(d); }
  void set_label(std::string_view l) override { label = std::string(l); }

  vfs::MemVfs base;
  std::string label;
  std::string fail_sync_label = "<none>";
  std::vector<Op> ops;
};

// These tests spell out the two-sync protocol step by step (DESIGN §3); the one-sync protocol
// has its own in commit_protocol_test.cc.
std::unique_ptr<Store> open_store(vfs::Vfs* vfs, const std::string& path = "/db") {
  StoreOptions options;
  options.commit_protocol = CommitProtocol::kTwoSync;
  auto s = Store::open(vfs, path, options);
  EXPECT_OK(s);
  return s.ok() ? std::move(s).value() : nullptr;
}

Status put_commit(Store* store, const std::string& k, const std::string& v) {
  STRATA_ASSIGN(std::unique_ptr<WriteTx> w, store->begin_write());
  STRATA_TRY(w->put(k, v));
  return w->commit();
}

std::string get(Store* store, const std::string& k) {
  auto r = store->begin_read();
  EXPECT_OK(r);
  auto v = (*r)->get(k);
  EXPECT_OK(v);
  return v.ok() && v->has_value() ? **v : "<missing>";
}

TEST(StoreTest, CommittedDataSurvivesReopen) {
  vfs::MemVfs vfs;
  {
    auto store = open_store(&vfs);
    ASSERT_OK(put_commit(store.get(), "a", "1"));
    ASSERT_OK(put_commit(store.get(), "b", "2"));
  }
  auto store = open_store(&vfs);
  EXPECT_EQ(get(store.get(), "a"), "1");
  EXPECT_EQ(get(store.get(), "b"), "2");
  EXPECT_EQ(store->meta().generation, 3u);
}

TEST(StoreTest, RollbackAndAbandonedTransactionsLeaveNoTrace) {
  vfs::MemVfs vfs;
  auto store = open_store(&vfs);
  ASSERT_OK(put_commit(store.get(), "keep", "1"));
  uint64_t pages_before = store->meta().page_count;
  {
    auto w = store->begin_write();
    ASSERT_OK(w);
    for (int i = 0; i < 1000; ++i) ASSERT_OK((*w)->put("x" + std::to_string(i), "v"));
    (*w)->rollback();
  }
  {
    auto w = store->begin_write();
    ASSERT_OK(w);
    ASSERT_OK((*w)->put("abandoned", "v"));
    // destroyed without commit: rolled back
  }
  EXPECT_EQ(get(store.get(), "x1"), "<missing>");
  EXPECT_EQ(get(store.get(), "abandoned"), "<missing>");
  EXPECT_EQ(store->meta().generation, 2u);
  EXPECT_EQ(store->meta().page_count, pages_before);
  auto report = check_store(store.get());
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok()) << report->to_string();
}

TEST(StoreTest, OnlyOneWriteTransactionAtATime) {
  vfs::MemVfs vfs;
  auto store = open_store(&vfs);
  auto w1 = store->begin_write();
  ASSERT_OK(w1);
  auto w2 = store->begin_write();
  EXPECT_EQ(w2.status().code(), StatusCode::kBusy);
  ASSERT_OK((*w1)->commit());
  EXPECT_OK(store->begin_write());
}

TEST(StoreTest, ReaderKeepsItsSnapshotWhileWriterCommits) {
  vfs::MemVfs vfs;
  auto store = open_store(&vfs);
  ASSERT_OK(put_commit(store.get(), "k", "old"));
  auto reader = store->begin_read();
  ASSERT_OK(reader);
  for (int i = 0; i < 20; ++i) ASSERT_OK(put_commit(store.get(), "k", "new" + std::to_string(i)));
  EXPECT_EQ(*(*reader)->get("k").value(), "old");
  EXPECT_EQ(get(store.get(), "k"), "new19");
}

TEST(StoreTest, EmptyCommitWritesNothing) {
  RecordingVfs vfs;
  auto store = open_store(&vfs);
  vfs.ops.clear();
  auto w = store->begin_write();
  ASSERT_OK(w);
  ASSERT_OK((*w)->commit());
  EXPECT_TRUE(vfs.ops.empty());
  EXPECT_EQ(store->meta().generation, 1u);
}

TEST(StoreTest, CommitWritesPagesSyncsThenMetaThenSyncsWithLabels) {
  RecordingVfs vfs;
  auto store = open_store(&vfs);
  ASSERT_OK(put_commit(store.get(), "seed", "v"));
  // Pages reachable from the durable meta before the next commit.
  std::set<uint64_t> durable_pages;
  {
    auto r = store->begin_read();
    ASSERT_OK(r);
    durable_pages.insert((*r)->root());
    for (uint64_t p : store->freelist_chain()) durable_pages.insert(p);
  }
  vfs.ops.clear();
  auto w = store->begin_write();
  ASSERT_OK(w);
  for (int i = 0; i < 500; ++i) ASSERT_OK((*w)->put("key" + std::to_string(i), std::string(50, 'v')));
  ASSERT_OK((*w)->commit());

  const uint64_t ps = store->page_size();
  ASSERT_GE(vfs.ops.size(), 4u);
  size_t i = 0;
  while (i < vfs.ops.size() && vfs.ops[i].kind == "write") {
    EXPECT_EQ(vfs.ops[i].label, "commit 3: pages");
    EXPECT_GE(vfs.ops[i].offset, 2 * ps) << "a data page write touched a meta slot";
    EXPECT_FALSE(durable_pages.count(vfs.ops[i].offset / ps))
        << "overwrote page " << vfs.ops[i].offset / ps << " reachable from the durable meta";
    ++i;
  }
  EXPECT_GT(i, 1u);
  ASSERT_EQ(vfs.ops.size(), i + 3);
  EXPECT_EQ(vfs.ops[i].kind, "sync");
  EXPECT_EQ(vfs.ops[i].label, "commit 3: sync pages");
  EXPECT_EQ(vfs.ops[i + 1].kind, "write");
  EXPECT_EQ(vfs.ops[i + 1].label, "commit 3: meta slot 1");
  EXPECT_EQ(vfs.ops[i + 1].offset, 1 * ps);
  EXPECT_EQ(vfs.ops[i + 2].kind, "sync");
  EXPECT_EQ(vfs.ops[i + 2].label, "commit 3: sync meta");
}

TEST(StoreTest, FailedSyncFailsTheCommitAndPoisonsTheWriterUntilReopen) {
  for (const char* step : {"commit 3: sync pages", "commit 3: sync meta"}) {
    SCOPED_TRACE(step);
    RecordingVfs vfs;
    auto store = open_store(&vfs);
    ASSERT_OK(put_commit(store.get(), "k", "committed"));
    vfs.fail_sync_label = step;
    Status s = put_commit(store.get(), "k", "failed");
    EXPECT_EQ(s.code(), StatusCode::kIOError) << s.to_string();
    // No retry: exactly one sync attempt carried the failing label.
    int attempts = 0;
    for (const auto& op : vfs.ops) attempts += op.kind == "sync" && op.label == step;
    EXPECT_EQ(attempts, 1);
    EXPECT_TRUE(store->poisoned());
    EXPECT_EQ(store->begin_write().status().code(), StatusCode::kPoisoned);
    // Readers still see the last committed state.
    EXPECT_EQ(get(store.get(), "k"), "committed");
    vfs.fail_sync_label = "<none>";
    store.reset();
    store = open_store(&vfs);
    ASSERT_NE(store, nullptr);
    // The meta of commit 3 may or may not have reached the (in-memory) disk;
    // either version is legal, nothing else is.
    std::string v = get(store.get(), "k");
    EXPECT_TRUE(v == "committed" || v == "failed") << v;
    EXPECT_OK(put_commit(store.get(), "k", "after reopen"));
  }
}

TEST(StoreTest, TwoOpensOfTheSameRealFileShareItOneWriterAtATime) {
  test::TempDir dir("store");
  vfs::PosixVfs vfs;
  std::string path = dir.file("db");
  auto first = open_store(&vfs, path);
  ASSERT_NE(first, nullptr);
  auto second = open_store(&vfs, path);
  ASSERT_NE(second, nullptr);
  ASSERT_OK(put_commit(first.get(), "k", "from first"));
  EXPECT_EQ(get(second.get(), "k"), "from first");
  auto writer = first->begin_write();
  ASSERT_OK(writer);
  Result<std::unique_ptr<WriteTx>> busy = second->begin_write();
  EXPECT_EQ(busy.status().code(), StatusCode::kBusy) << busy.status().to_string();
  EXPECT_NE(busy.status().message().find("database is locked"), std::string::npos);
  ASSERT_OK((*writer)->put("k", "first again"));
  ASSERT_OK((*writer)->commit());
  ASSERT_OK(put_commit(second.get(), "k", "from second"));
  EXPECT_EQ(get(first.get(), "k"), "from second");
  first.reset();
  EXPECT_EQ(get(second.get(), "k"), "from second");
}

TEST(StoreTest, RealFilesThroughPosixVfsSurviveReopen) {
  test::TempDir dir("store");
  vfs::PosixVfs vfs;
  std::string path = dir.file("db");
  {
    auto store = open_store(&vfs, path);
    auto w = store->begin_write();
    ASSERT_OK(w);
    for (int i = 0; i < 3000; ++i) ASSERT_OK((*w)->put("k" + std::to_string(i), std::to_string(i)));
    ASSERT_OK((*w)->commit());
  }
  auto store = open_store(&vfs, path);
  EXPECT_EQ(get(store.get(), "k2999"), "2999");
  auto report = check_store(store.get());
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok()) << report->to_string();
}

TEST(CollectionTest, CreateListDropAndKeysStayInTheirCollection) {
  vfs::MemVfs vfs;
  auto store = open_store(&vfs);
  {
    auto w = store->begin_write();
    ASSERT_OK(w);
    auto users = Collection::create(w->get(), "users");
    ASSERT_OK(users);
    auto orders = Collection::create(w->get(), "orders");
    ASSERT_OK(orders);
    EXPECT_EQ(Collection::create(w->get(), "users").status().code(), StatusCode::kInvalidArgument);
    for (int i = 0; i < 100; ++i) {
      ASSERT_OK(users->put("u" + std::to_string(i), "user"));
      ASSERT_OK(orders->put("u" + std::to_string(i), "order"));
    }
    ASSERT_OK((*w)->commit());
  }
  {
    auto r = store->begin_read();
    ASSERT_OK(r);
    auto names = Collection::list(r->get());
    ASSERT_OK(names);
    EXPECT_EQ(*names, (std::vector<std::string>{"orders", "users"}));
    auto users = Collection::open(r->get(), "users");
    ASSERT_OK(users);
    EXPECT_EQ(*users->count(), 100u);
    EXPECT_EQ(*users->get("u5").value(), "user");
    EXPECT_EQ(users->put("x", "y").code(), StatusCode::kReadOnly);
    EXPECT_EQ(Collection::open(r->get(), "nope").status().code(), StatusCode::kNotFound);
  }
  {
    auto w = store->begin_write();
    ASSERT_OK(w);
    ASSERT_OK(Collection::drop(w->get(), "users"));
    ASSERT_OK((*w)->commit());
  }
  auto r = store->begin_read();
  auto names = Collection::list(r->get());
  EXPECT_EQ(*names, (std::vector<std::string>{"orders"}));
  auto orders = Collection::open(r->get(), "orders");
  EXPECT_EQ(*orders->count(), 100u);
  // Reverse scan with bounds inside one collection.
  KeyRange range;
  range.lower = "u10";
  range.upper = "u12";
  RangeScan scan = orders->scan(range, Direction::kBackward);
  ASSERT_OK(scan.start());
  std::vector<std::string> keys;
  while (scan.valid()) {
    keys.emplace_back(scan.key());
    ASSERT_OK(scan.next());
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"u12", "u11", "u10"}));
}

}  // namespace
}  // namespace strata
