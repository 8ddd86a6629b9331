// Concurrency through SQL (issue 10): several Database handles on one file, each used by one
// thread (a Database is one connection, like an sqlite3*: one thread at a time). One writer
// moves money between accounts with BEGIN IMMEDIATE ... COMMIT; readers sum the balances in
// autocommit SELECTs and in explicit read transactions; every total must be the same.
// Also: BEGIN DEFERRED / IMMEDIATE, "database is locked", PRAGMA busy_timeout, and another
// handle's schema changes. Runs under the tsan preset (ctest --preset tsan -R Concurrency).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/query/database.h"
#include "engine/query/integrity.h"
#include "tests/support/replay.h"
#include "tests/support/status_testing.h"
#include "vfs/mem_vfs.h"

namespace strata::query {
namespace {

constexpr int kAccounts = 50;
constexpr int64_t kInitial = 100;

std::unique_ptr<Database> open_db(vfs::Vfs* vfs) {
  auto db = Database::open(vfs, "/bank");
  EXPECT_OK(db);
  return db.ok() ? std::move(db).value() : nullptr;
}

// The single value of a one-row, one-column query.
Result<Value> one(Database* db, const std::string& sql) {
  STRATA_ASSIGN(std::unique_ptr<Statement> stmt, db->prepare(sql));
  STRATA_ASSIGN(bool row, stmt->step());
  if (!row) return Status::not_found("no row: " + sql);
  Value v = stmt->column(0);
  STRATA_ASSIGN(bool more, stmt->step());
  if (more) return Status::invalid_argument("more than one row: " + sql);
  return v;
}

Result<int64_t> integer(Database* db, const std::string& sql) {
  STRATA_ASSIGN(Value v, one(db, sql));
  return v.as_integer();
}

Status create_bank(Database* db) {
  STRATA_TRY(db->execute("CREATE TABLE accounts(id INTEGER PRIMARY KEY, owner TEXT, balance INTEGER)"));
  STRATA_TRY(db->execute("CREATE INDEX accounts_owner ON accounts(owner)"));
  STRATA_TRY(db->execute("BEGIN"));
  for (int i = 0; i < kAccounts; ++i) {
    STRATA_TRY(db->execute("INSERT INTO accounts VALUES(" + std::to_string(i) + ", 'owner " +
                           std::to_string(i) + "', " + std::to_string(kInitial) + ")"));
  }
  return db->execute("COMMIT");
}

TEST(SqlConcurrency, ReaderThreadsSeeTheSameTotalWhileAWriterThreadTransfers) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(test::replay_command(seed));
  constexpr int kTransfers = 300;
  constexpr int kReaders = 4;
  vfs::MemVfs vfs;
  std::unique_ptr<Database> writer = open_db(&vfs);
  ASSERT_NE(writer, nullptr);
  ASSERT_OK(create_bank(writer.get()));
  std::vector<std::unique_ptr<Database>> reader_dbs;
  for (int r = 0; r < kReaders; ++r) {
    reader_dbs.push_back(open_db(&vfs));
    ASSERT_NE(reader_dbs.back(), nullptr);
  }

  std::atomic<bool> done{false}, failed{false};
  std::vector<int64_t> checks(kReaders, 0);
  auto fail = [&](const std::string& what) {
    ADD_FAILURE() << what;
    failed.store(true);
  };
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      Database* db = reader_dbs[r].get();
      auto check = [&] {
        if (r % 2 == 0) {
          // Autocommit: one snapshot per statement.
          Result<int64_t> sum = integer(db, "SELECT sum(balance) FROM accounts");
          if (!sum.ok() || *sum != kAccounts * kInitial) {
            fail("autocommit total: " + (sum.ok() ? std::to_string(*sum) : sum.status().to_string()));
          }
        } else {
          // One read transaction, three statements, one snapshot: through the index too.
          Status s = db->execute("BEGIN");
          Result<int64_t> a = integer(db, "SELECT sum(balance) FROM accounts");
          Result<int64_t> b = integer(db, "SELECT sum(balance) FROM accounts WHERE owner >= ''");
          Result<int64_t> c = integer(db, "SELECT balance FROM accounts WHERE id = 7");
          Result<int64_t> c2 = integer(db, "SELECT balance FROM accounts WHERE owner = 'owner 7'");
          Status e = db->execute("COMMIT");
          if (!s.is_ok() || !e.is_ok() || !a.ok() || !b.ok() || !c.ok() || !c2.ok() ||
              *a != kAccounts * kInitial || *b != *a || *c != *c2) {
            fail("read transaction: " + s.to_string() + " " + e.to_string() + " " +
                 a.status().to_string() + " " + b.status().to_string() + " " +
                 (a.ok() && b.ok() ? std::to_string(*a) + " " + std::to_string(*b) : "") +
                 (c.ok() && c2.ok() ? " " + std::to_string(*c) + " " + std::to_string(*c2) : ""));
          }
        }
        ++checks[r];
      };
      while (!done.load() && !failed.load()) check();
      check();
    });
  }
  std::mt19937_64 rng(seed);
  int committed = 0;
  for (int i = 0; i < kTransfers && !failed.load(); ++i) {
    int from = static_cast<int>(rng() % kAccounts);
    int to = static_cast<int>(rng() % kAccounts);
    int amount = static_cast<int>(rng() % 20);
    Status s = writer->execute(
        "BEGIN IMMEDIATE;"
        "UPDATE accounts SET balance = balance - " + std::to_string(amount) +
        " WHERE id = " + std::to_string(from) + ";"
        "UPDATE accounts SET balance = balance + " + std::to_string(amount) +
        " WHERE id = " + std::to_string(to) + ";"
        "COMMIT");
    if (!s.is_ok()) {
      fail("transfer " + std::to_string(i) + ": " + s.to_string());
      break;
    }
    ++committed;
  }
  done.store(true);
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(committed, kTransfers);
  for (int64_t n : checks) EXPECT_GT(n, 0);
  for (auto& db : reader_dbs) {
    EXPECT_EQ(*integer(db.get(), "SELECT sum(balance) FROM accounts"), kAccounts * kInitial);
  }
  ASSERT_OK_AND_ASSIGN(CheckReport report, check_database(writer.get()));
  EXPECT_TRUE(report.issues.empty()) << report.issues.front().to_string();
}

TEST(SqlConcurrency, DeferredTransactionReadsOneSnapshotAndCannotWriteOnAStaleOne) {
  vfs::MemVfs vfs;
  std::unique_ptr<Database> a = open_db(&vfs);
  std::unique_ptr<Database> b = open_db(&vfs);
  ASSERT_OK(a->execute("CREATE TABLE t(x INTEGER)"));
  ASSERT_OK(a->execute("INSERT INTO t VALUES(1)"));
  // BEGIN takes nothing: another handle may still write.
  ASSERT_OK(b->execute("BEGIN"));
  ASSERT_OK(a->execute("INSERT INTO t VALUES(2)"));
  // The first read takes the snapshot, later commits of others stay invisible.
  EXPECT_EQ(*integer(b.get(), "SELECT count(*) FROM t"), 2);
  ASSERT_OK(a->execute("INSERT INTO t VALUES(3)"));
  EXPECT_EQ(*integer(b.get(), "SELECT count(*) FROM t"), 2);
  // Writing on a snapshot that is no longer the newest: busy, and the transaction goes on.
  Status stale = b->execute("INSERT INTO t VALUES(99)");
  EXPECT_EQ(stale.code(), StatusCode::kBusy) << stale.to_string();
  EXPECT_NE(stale.message().find("database is locked"), std::string::npos) << stale.to_string();
  EXPECT_TRUE(b->in_transaction());
  EXPECT_EQ(*integer(b.get(), "SELECT count(*) FROM t"), 2);
  ASSERT_OK(b->execute("ROLLBACK"));
  EXPECT_EQ(*integer(b.get(), "SELECT count(*) FROM t"), 3);
  // A deferred transaction that writes on the newest snapshot holds the write lock until COMMIT.
  ASSERT_OK(b->execute("BEGIN; SELECT count(*) FROM t; INSERT INTO t VALUES(4)"));
  Status locked = a->execute("INSERT INTO t VALUES(5)");
  EXPECT_EQ(locked.code(), StatusCode::kBusy) << locked.to_string();
  EXPECT_EQ(*integer(a.get(), "SELECT count(*) FROM t"), 3);  // readers are not held up
  ASSERT_OK(b->execute("COMMIT"));
  ASSERT_OK(a->execute("INSERT INTO t VALUES(5)"));
  EXPECT_EQ(*integer(b.get(), "SELECT sum(x) FROM t"), 15);
}

TEST(SqlConcurrency, BeginImmediateTakesTheWriteLockAndOthersGetDatabaseIsLocked) {
  vfs::MemVfs vfs;
  std::unique_ptr<Database> a = open_db(&vfs);
  std::unique_ptr<Database> b = open_db(&vfs);
  ASSERT_OK(a->execute("CREATE TABLE t(x INTEGER)"));
  ASSERT_OK(a->execute("BEGIN IMMEDIATE"));
  Status immediate = b->execute("BEGIN IMMEDIATE");
  EXPECT_EQ(immediate.code(), StatusCode::kBusy) << immediate.to_string();
  EXPECT_NE(immediate.message().find("database is locked"), std::string::npos);
  EXPECT_FALSE(b->in_transaction());
  EXPECT_EQ(b->execute("BEGIN EXCLUSIVE").code(), StatusCode::kBusy);
  EXPECT_EQ(b->execute("INSERT INTO t VALUES(1)").code(), StatusCode::kBusy);
  ASSERT_OK(b->execute("BEGIN"));  // deferred: nothing to take yet
  EXPECT_EQ(*integer(b.get(), "SELECT count(*) FROM t"), 0);
  ASSERT_OK(b->execute("COMMIT"));
  ASSERT_OK(a->execute("INSERT INTO t VALUES(1); COMMIT"));
  ASSERT_OK(b->execute("BEGIN IMMEDIATE; INSERT INTO t VALUES(2); COMMIT"));
  EXPECT_EQ(*integer(a.get(), "SELECT sum(x) FROM t"), 3);
}

TEST(SqlConcurrency, BusyTimeoutPragmaWaitsForTheOtherWriter) {
  vfs::MemVfs vfs;
  std::unique_ptr<Database> a = open_db(&vfs);
  std::unique_ptr<Database> b = open_db(&vfs);
  EXPECT_EQ(*integer(b.get(), "PRAGMA busy_timeout"), 0);
  EXPECT_EQ(*integer(b.get(), "PRAGMA busy_timeout = 60000"), 60000);
  EXPECT_EQ(*integer(b.get(), "PRAGMA busy_timeout"), 60000);
  EXPECT_EQ(*integer(b.get(), "PRAGMA busy_timeout = -5"), 0);
  Status other = a->execute("PRAGMA journal_mode = wal");
  EXPECT_EQ(other.code(), StatusCode::kUnsupported) << other.to_string();

  ASSERT_OK(a->execute("CREATE TABLE t(x INTEGER)"));
  ASSERT_OK(a->execute("BEGIN IMMEDIATE; INSERT INTO t VALUES(1)"));
  ASSERT_OK(b->execute("PRAGMA busy_timeout = 60000"));
  std::atomic<bool> started{false};
  std::thread committer([&] {
    while (!started.load()) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_OK(a->execute("COMMIT"));
  });
  started.store(true);
  Status waited = b->execute("INSERT INTO t VALUES(2)");  // waits for a's COMMIT
  committer.join();
  ASSERT_OK(waited);
  EXPECT_EQ(*integer(a.get(), "SELECT sum(x) FROM t"), 3);
  // A short timeout still ends in "database is locked" when the writer stays.
  ASSERT_OK(a->execute("BEGIN IMMEDIATE"));
  ASSERT_OK(b->execute("PRAGMA busy_timeout = 30"));
  EXPECT_EQ(b->execute("INSERT INTO t VALUES(3)").code(), StatusCode::kBusy);
  ASSERT_OK(a->execute("ROLLBACK"));
}

TEST(SqlConcurrency, AnotherHandlesSchemaChangesAreSeenAtItsNextTransaction) {
  vfs::MemVfs vfs;
  std::unique_ptr<Database> a = open_db(&vfs);
  std::unique_ptr<Database> b = open_db(&vfs);
  ASSERT_OK(a->execute("CREATE TABLE t(x INTEGER); INSERT INTO t VALUES(1)"));
  EXPECT_EQ(*integer(b.get(), "SELECT count(*) FROM t"), 1);
  ASSERT_OK(b->execute("CREATE TABLE u(y TEXT); CREATE INDEX u_y ON u(y); INSERT INTO u VALUES('b')"));
  ASSERT_OK(a->execute("INSERT INTO u VALUES('a')"));
  EXPECT_EQ(*integer(a.get(), "SELECT count(*) FROM u WHERE y = 'a'"), 1);
  ASSERT_OK(a->execute("DROP TABLE t"));
  Status gone = b->execute("SELECT * FROM t");
  EXPECT_FALSE(gone.is_ok());
  EXPECT_NE(gone.message().find("no such table"), std::string::npos) << gone.to_string();
  ASSERT_OK_AND_ASSIGN(CheckReport report, check_database(b.get()));
  EXPECT_TRUE(report.issues.empty()) << report.issues.front().to_string();
}

TEST(SqlConcurrency, APreparedSelectReplansAfterAnotherConnectionChangesTheSchema) {
  vfs::MemVfs vfs;
  std::unique_ptr<Database> a = open_db(&vfs);
  std::unique_ptr<Database> b = open_db(&vfs);
  ASSERT_OK(a->execute("CREATE TABLE t(x INTEGER, y INTEGER); INSERT INTO t VALUES(1, 10)"));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Statement> stmt, b->prepare("SELECT * FROM t"));
  ASSERT_OK_AND_ASSIGN(bool row, stmt->step());
  ASSERT_TRUE(row);
  EXPECT_EQ(stmt->column_count(), 2);
  ASSERT_OK(stmt->reset());
  // Another connection makes t again with other columns (and other pages).
  ASSERT_OK(a->execute("DROP TABLE t; CREATE TABLE t(z TEXT); INSERT INTO t VALUES('new')"));
  ASSERT_OK_AND_ASSIGN(row, stmt->step());
  ASSERT_TRUE(row);
  ASSERT_EQ(stmt->column_count(), 1);
  EXPECT_EQ(stmt->column(0).as_text(), "new");
}

}  // namespace
}  // namespace strata::query
