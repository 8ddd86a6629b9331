// Concurrency of the store (issue 10): readers on snapshots while one writer commits, in one
// Store shared by threads and across several Stores (handles) on one file. Run under the
// tsan preset too (ctest --preset tsan -R Concurrency): ThreadSanitizer must report nothing.
//
// The bank: kAccounts accounts holding kInitial each; every write transaction moves an amount
// between two accounts, so every snapshot's total is kAccounts * kInitial. Iteration counts
// are bounded (no time limits); the writer's transfer choices come from a seed printed on
// failure (STRATA_SEED=<n> replays the plan; the scheduler decides the interleaving).
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/check.h"
#include "engine/store.h"
#include "tests/support/replay.h"
#include "tests/support/status_testing.h"
#include "vfs/mem_vfs.h"

namespace strata {
namespace {

constexpr int kAccounts = 40;
constexpr int64_t kInitial = 1000;

std::string account_key(int i) { return "acct/" + std::to_string(1000 + i); }

Status create_accounts(Store* store) {
  STRATA_ASSIGN(std::unique_ptr<WriteTx> tx, store->begin_write());
  // A long value spreads the accounts over several leaves, so transfers copy several pages.
  for (int i = 0; i < kAccounts; ++i) {
    STRATA_TRY(tx->put(account_key(i), std::to_string(kInitial) + std::string(150, ' ')));
  }
  return tx->commit();
}

Result<int64_t> balance(Tx* tx, int i) {
  STRATA_ASSIGN(std::optional<std::string> v, tx->get(account_key(i)));
  if (!v) return Status::not_found(account_key(i) + " is missing");
  return std::stoll(*v);
}

// Every account of one snapshot, summed.
Result<int64_t> total(Tx* tx) {
  int64_t sum = 0;
  for (int i = 0; i < kAccounts; ++i) {
    STRATA_ASSIGN(int64_t b, balance(tx, i));
    sum += b;
  }
  return sum;
}

Status transfer(Store* store, std::mt19937_64& rng) {
  STRATA_ASSIGN(std::unique_ptr<WriteTx> tx, store->begin_write());
  int from = static_cast<int>(rng() % kAccounts);
  int to = static_cast<int>(rng() % kAccounts);
  int64_t amount = static_cast<int64_t>(rng() % 50);
  STRATA_ASSIGN(int64_t a, balance(tx.get(), from));
  STRATA_TRY(tx->put(account_key(from), std::to_string(a - amount) + std::string(150, ' ')));
  STRATA_ASSIGN(int64_t b, balance(tx.get(), to));
  STRATA_TRY(tx->put(account_key(to), std::to_string(b + amount) + std::string(150, ' ')));
  return tx->commit();
}

// A reader checks one snapshot twice over: the total is right, and reading again gives the
// same balances (the snapshot does not move while the writer commits).
void check_snapshot(Store* store, int64_t* snapshots, std::atomic<bool>* failed) {
  Result<std::unique_ptr<ReadTx>> tx = store->begin_read();
  if (!tx.ok()) {
    ADD_FAILURE() << "begin_read: " << tx.status().to_string();
    failed->store(true);
    return;
  }
  Result<int64_t> first = total(tx->get());
  Result<int64_t> again = total(tx->get());
  if (!first.ok() || !again.ok() || *first != kAccounts * kInitial || *again != *first) {
    ADD_FAILURE() << "snapshot " << (*tx)->generation() << ": total "
                  << (first.ok() ? std::to_string(*first) : first.status().to_string())
                  << ", again "
                  << (again.ok() ? std::to_string(*again) : again.status().to_string());
    failed->store(true);
  }
  ++*snapshots;
}

struct BankRun {
  int64_t transfers = 0;
  std::vector<int64_t> snapshots;  // per reader
};

// One writer thread with `transfers` transfers on writer_store; each reader thread reads
// snapshots from its own store (the same Store for threads of one handle) until the writer
// is done, then once more.
BankRun run_bank(Store* writer_store, const std::vector<Store*>& reader_stores, int transfers,
                 uint64_t seed) {
  BankRun run;
  run.snapshots.assign(reader_stores.size(), 0);
  std::atomic<bool> done{false}, failed{false};
  std::vector<std::thread> readers;
  for (size_t r = 0; r < reader_stores.size(); ++r) {
    readers.emplace_back([&, r] {
      while (!done.load() && !failed.load()) check_snapshot(reader_stores[r], &run.snapshots[r], &failed);
      check_snapshot(reader_stores[r], &run.snapshots[r], &failed);
    });
  }
  std::mt19937_64 rng(seed);
  for (int i = 0; i < transfers && !failed.load(); ++i) {
    Status s = transfer(writer_store, rng);
    if (!s.is_ok()) {
      ADD_FAILURE() << "transfer " << i << ": " << s.to_string();
      failed.store(true);
      break;
    }
    ++run.transfers;
  }
  done.store(true);
  for (std::thread& t : readers) t.join();
  return run;
}

TEST(Concurrency, ThreadsOfOneStoreReadBalancedTotalsWhileOneWriterTransfers) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(test::replay_command(seed));
  vfs::MemVfs vfs;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> store, Store::open(&vfs, "/bank"));
  ASSERT_OK(create_accounts(store.get()));
  Store* s = store.get();
  BankRun run = run_bank(s, {s, s, s, s}, 400, seed);
  EXPECT_EQ(run.transfers, 400);
  for (int64_t n : run.snapshots) EXPECT_GT(n, 0);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ReadTx> tx, store->begin_read());
  EXPECT_EQ(*total(tx.get()), kAccounts * kInitial);
  tx.reset();
  ASSERT_OK_AND_ASSIGN(CheckReport report, check_store(store.get()));
  EXPECT_TRUE(report.issues.empty()) << report.issues.front().to_string();
}

TEST(Concurrency, ReadersOfOtherHandlesReadBalancedTotalsWhileOneWriterTransfers) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(test::replay_command(seed));
  vfs::MemVfs vfs;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> writer, Store::open(&vfs, "/bank"));
  ASSERT_OK(create_accounts(writer.get()));
  std::vector<std::unique_ptr<Store>> handles;
  std::vector<Store*> readers;
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> h, Store::open(&vfs, "/bank"));
    readers.push_back(h.get());
    readers.push_back(h.get());  // two threads per handle
    handles.push_back(std::move(h));
  }
  BankRun run = run_bank(writer.get(), readers, 300, seed);
  EXPECT_EQ(run.transfers, 300);
  for (int64_t n : run.snapshots) EXPECT_GT(n, 0);
  // Every handle sees the writer's last commit, and the file is sound.
  for (auto& h : handles) {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<ReadTx> tx, h->begin_read());
    EXPECT_EQ(tx->generation(), writer->meta().generation);
  }
  ASSERT_OK_AND_ASSIGN(CheckReport report, check_store(writer.get()));
  EXPECT_TRUE(report.issues.empty()) << report.issues.front().to_string();
}

TEST(Concurrency, AnotherHandlesOldSnapshotKeepsItsPagesUntilItEnds) {
  vfs::MemVfs vfs;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> writer, Store::open(&vfs, "/bank"));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> reader, Store::open(&vfs, "/bank"));
  ASSERT_OK(create_accounts(writer.get()));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ReadTx> old, reader->begin_read());
  const uint64_t old_generation = old->generation();
  std::mt19937_64 rng(7);
  // Without the reader these commits would reuse the snapshot's pages many times over.
  for (int i = 0; i < 200; ++i) ASSERT_OK(transfer(writer.get(), rng));
  const uint64_t pages_while_read = writer->stats().page_count;
  for (int i = 0; i < kAccounts; ++i) {
    ASSERT_OK_AND_ASSIGN(int64_t b, balance(old.get(), i));
    EXPECT_EQ(b, kInitial) << account_key(i) << " in generation " << old_generation;
  }
  old.reset();
  // Once it ended, the pages come back: the next 200 commits do not grow the file.
  for (int i = 0; i < 2; ++i) ASSERT_OK(transfer(writer.get(), rng));
  const uint64_t settled = writer->stats().page_count;
  for (int i = 0; i < 200; ++i) ASSERT_OK(transfer(writer.get(), rng));
  EXPECT_LE(writer->stats().page_count, std::max(settled, pages_while_read));
  EXPECT_LE(writer->stats().page_count, settled + 8);
  ASSERT_OK_AND_ASSIGN(CheckReport report, check_store(writer.get()));
  EXPECT_TRUE(report.issues.empty()) << report.issues.front().to_string();
}

TEST(Concurrency, AWriterOfAnotherHandleIsBusyAndTheBusyTimeoutWaitsForIt) {
  vfs::MemVfs vfs;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> first, Store::open(&vfs, "/db"));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> second, Store::open(&vfs, "/db"));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<WriteTx> holder, first->begin_write());
  ASSERT_OK(holder->put("k", "first"));
  Result<std::unique_ptr<WriteTx>> busy = second->begin_write();
  ASSERT_EQ(busy.status().code(), StatusCode::kBusy);
  EXPECT_NE(busy.status().message().find("database is locked"), std::string::npos)
      << busy.status().to_string();
  // Readers of the second handle are not held up by the first's writer.
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ReadTx> during, second->begin_read());
  EXPECT_FALSE(during->get("k")->has_value());
  during.reset();

  // With a (generous) busy timeout the second writer waits until the first commits.
  second->set_busy_timeout(60'000);
  std::atomic<bool> waiting{false};
  std::thread committer([&] {
    while (!waiting.load()) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_OK(holder->commit());
  });
  waiting.store(true);
  Result<std::unique_ptr<WriteTx>> waited = second->begin_write();
  committer.join();
  ASSERT_OK(waited);
  // It writes on top of the first handle's commit.
  EXPECT_EQ(*(*waited)->get("k").value(), "first");
  ASSERT_OK((*waited)->put("k", "second"));
  ASSERT_OK((*waited)->commit());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ReadTx> r, first->begin_read());
  EXPECT_EQ(*r->get("k").value(), "second");
}

TEST(Concurrency, HandlesTakeTurnsWritingAndEachSeesTheOthersCommits) {
  vfs::MemVfs vfs;
  std::vector<std::unique_ptr<Store>> handles;
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> h, Store::open(&vfs, "/db"));
    handles.push_back(std::move(h));
  }
  std::mt19937_64 rng(11);
  ASSERT_OK(create_accounts(handles[0].get()));
  for (int i = 0; i < 150; ++i) {
    Store* h = handles[rng() % handles.size()].get();
    SCOPED_TRACE("transfer " + std::to_string(i));
    ASSERT_OK(transfer(h, rng));
    Store* other = handles[rng() % handles.size()].get();
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<ReadTx> r, other->begin_read());
    EXPECT_EQ(r->generation(), h->meta().generation);
    EXPECT_EQ(*total(r.get()), kAccounts * kInitial);
  }
  for (auto& h : handles) {
    ASSERT_OK_AND_ASSIGN(CheckReport report, check_store(h.get()));
    EXPECT_TRUE(report.issues.empty()) << report.issues.front().to_string();
  }
  // Each reopens and sees the same.
  handles.clear();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> reopened, Store::open(&vfs, "/db"));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ReadTx> r, reopened->begin_read());
  EXPECT_EQ(*total(r.get()), kAccounts * kInitial);
}

}  // namespace
}  // namespace strata
