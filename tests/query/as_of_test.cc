// Time travel through SQL (issue 10): PRAGMA retain_generations, PRAGMA generation and
// SELECT ... FROM t AS OF GENERATION g — contents, schema changes, indexes, joins of the past
// with the present, restoring rows from the past, errors, another connection, reopen.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/check.h"
#include "engine/query/database.h"
#include "engine/query/integrity.h"
#include "tests/support/status_testing.h"
#include "vfs/mem_vfs.h"

namespace strata::query {
namespace {

// Every row of a query, columns joined by '|'.
Result<std::vector<std::string>> rows(Database* db, const std::string& sql) {
  STRATA_ASSIGN(std::unique_ptr<Statement> stmt, db->prepare(sql));
  std::vector<std::string> out;
  while (true) {
    STRATA_ASSIGN(bool row, stmt->step());
    if (!row) break;
    std::string line;
    for (int i = 0; i < stmt->column_count(); ++i) {
      line += (i ? "|" : "") + stmt->column(i).debug_string();
    }
    out.push_back(std::move(line));
  }
  return out;
}

Result<int64_t> integer(Database* db, const std::string& sql) {
  STRATA_ASSIGN(std::vector<std::string> r, rows(db, sql));
  if (r.size() != 1) return Status::invalid_argument("not one row: " + sql);
  return std::stoll(r[0]);
}

using Rows = std::vector<std::string>;

class AsOf : public ::testing::Test {
 protected:
  void SetUp() override { db_ = open(); }
  std::unique_ptr<Database> open() {
    Result<std::unique_ptr<Database>> db = Database::open(&vfs_, "/as_of.db");
    EXPECT_OK(db);
    return db.ok() ? std::move(db).value() : nullptr;
  }
  uint64_t generation() {
    Result<int64_t> g = integer(db_.get(), "PRAGMA generation");
    EXPECT_OK(g);
    return g.ok() ? static_cast<uint64_t>(*g) : 0;
  }
  Rows q(const std::string& sql) {
    Result<Rows> r = rows(db_.get(), sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().to_string();
    return r.ok() ? *r : Rows{};
  }
  Status error(const std::string& sql) {
    Result<Rows> r = rows(db_.get(), sql);
    EXPECT_FALSE(r.ok()) << sql << " should fail";
    return r.ok() ? Status::ok() : r.status();
  }
  void expect_clean() {
    Result<CheckReport> report = check_database(db_.get());
    ASSERT_OK(report);
    EXPECT_TRUE(report->ok()) << report->to_string();
  }

  vfs::MemVfs vfs_;
  std::unique_ptr<Database> db_;
};

TEST_F(AsOf, PragmasSetAndAnswerTheRetention) {
  EXPECT_EQ(q("PRAGMA retain_generations"), Rows{"0"});
  const uint64_t before = generation();
  EXPECT_EQ(q("PRAGMA retain_generations = 4"), Rows{"4"});
  EXPECT_EQ(generation(), before + 1);  // setting it is a commit
  EXPECT_EQ(q("PRAGMA retain_generations"), Rows{"4"});
  Status bad = error("PRAGMA retain_generations = -1");
  EXPECT_TRUE(bad.is(StatusCode::kInvalidArgument)) << bad.to_string();
  EXPECT_TRUE(error("PRAGMA retain_generations = 'many'").is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(error("PRAGMA generation = 3").is(StatusCode::kInvalidArgument));
  // Inside a transaction it commits (or rolls back) with the transaction.
  ASSERT_OK(db_->execute("BEGIN"));
  EXPECT_EQ(q("PRAGMA retain_generations = 9"), Rows{"9"});
  EXPECT_EQ(q("PRAGMA retain_generations"), Rows{"9"});
  ASSERT_OK(db_->execute("ROLLBACK"));
  EXPECT_EQ(q("PRAGMA retain_generations"), Rows{"4"});
  // It is in the file: a new connection sees it.
  db_.reset();
  db_ = open();
  EXPECT_EQ(q("PRAGMA retain_generations"), Rows{"4"});
}

TEST_F(AsOf, EachRetainedGenerationAnswersAsItWasCommitted) {
  ASSERT_OK(db_->execute("PRAGMA retain_generations = 10"));
  ASSERT_OK(db_->execute("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)"));
  const uint64_t created = generation();
  ASSERT_OK(db_->execute("INSERT INTO t VALUES (1, 'one'), (2, 'two')"));
  const uint64_t two_rows = generation();
  ASSERT_OK(db_->execute("UPDATE t SET b = 'uno' WHERE a = 1"));
  const uint64_t updated = generation();
  ASSERT_OK(db_->execute("DELETE FROM t WHERE a = 2"));
  const uint64_t deleted = generation();

  auto at = [&](uint64_t g) {
    return q("SELECT a, b FROM t AS OF GENERATION " + std::to_string(g) + " ORDER BY a");
  };
  EXPECT_EQ(at(created), Rows{});
  EXPECT_EQ(at(two_rows), (Rows{"1|'one'", "2|'two'"}));
  EXPECT_EQ(at(updated), (Rows{"1|'uno'", "2|'two'"}));
  EXPECT_EQ(at(deleted), Rows{"1|'uno'"});
  EXPECT_EQ(q("SELECT a, b FROM t"), Rows{"1|'uno'"});
  // The past joined with the present: what changed since two_rows.
  EXPECT_EQ(q("SELECT old.a, old.b, now.b FROM t AS OF GENERATION " + std::to_string(two_rows) +
              " AS old LEFT JOIN t AS now USING (a) WHERE now.b IS NOT old.b ORDER BY old.a"),
            (Rows{"1|'one'|'uno'", "2|'two'|NULL"}));
  // Aggregates and subqueries over the past.
  EXPECT_EQ(q("SELECT count(*), (SELECT max(a) FROM t AS OF GENERATION " +
              std::to_string(two_rows) + ") FROM t AS OF GENERATION " + std::to_string(updated)),
            Rows{"2|2"});
  expect_clean();
}

TEST_F(AsOf, ThePastKeepsItsSchemaAndIndexes) {
  ASSERT_OK(db_->execute("PRAGMA retain_generations = 10"));
  ASSERT_OK(db_->execute("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)"));
  ASSERT_OK(db_->execute("CREATE INDEX t_b ON t(b)"));
  ASSERT_OK(db_->execute("INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'x')"));
  const uint64_t g = generation();
  const std::string past = " FROM t AS OF GENERATION " + std::to_string(g);
  ASSERT_OK(db_->execute("DROP TABLE t"));
  ASSERT_OK(db_->execute("CREATE TABLE t(z REAL)"));
  ASSERT_OK(db_->execute("INSERT INTO t VALUES (0.5)"));
  // The past table has its own columns and its own index.
  EXPECT_EQ(q("SELECT a" + past + " WHERE b = 'x' ORDER BY a"), (Rows{"1", "3"}));
  Rows plan = q("EXPLAIN SELECT a" + past + " WHERE b = 'x'");
  bool uses_index = false;
  for (const std::string& line : plan) {
    uses_index = uses_index || (line.find("t_b") != std::string::npos &&
                                line.find("AS OF GENERATION " + std::to_string(g)) != std::string::npos);
  }
  EXPECT_TRUE(uses_index) << ::testing::PrintToString(plan);
  EXPECT_EQ(q("SELECT z FROM t"), Rows{"0.5"});
  Status no_column = error("SELECT z" + past);
  EXPECT_NE(no_column.message().find("no such column: z"), std::string::npos)
      << no_column.to_string();
  // A table that did not exist yet.
  Status missing = error("SELECT * FROM u AS OF GENERATION " + std::to_string(g));
  EXPECT_TRUE(missing.is(StatusCode::kNotFound)) << missing.to_string();
  EXPECT_NE(missing.message().find("in generation " + std::to_string(g)), std::string::npos);
}

TEST_F(AsOf, RowsComeBackFromThePast) {
  ASSERT_OK(db_->execute("PRAGMA retain_generations = 3"));
  ASSERT_OK(db_->execute("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)"));
  ASSERT_OK(db_->execute("INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three')"));
  const uint64_t good = generation();
  ASSERT_OK(db_->execute("DELETE FROM t WHERE a > 1"));  // oops
  ASSERT_OK(db_->execute("INSERT INTO t SELECT * FROM t AS OF GENERATION " +
                         std::to_string(good) + " WHERE a NOT IN (SELECT a FROM t)"));
  EXPECT_EQ(q("SELECT a, b FROM t ORDER BY a"), (Rows{"1|'one'", "2|'two'", "3|'three'"}));
  expect_clean();
}

TEST_F(AsOf, GenerationsOutsideTheWindowAndViewsSaySo) {
  ASSERT_OK(db_->execute("CREATE TABLE t(a)"));
  ASSERT_OK(db_->execute("CREATE VIEW v AS SELECT a FROM t"));
  ASSERT_OK(db_->execute("INSERT INTO t VALUES (1)"));
  const uint64_t g = generation();
  ASSERT_OK(db_->execute("INSERT INTO t VALUES (2)"));
  // No retention: only the newest generation is readable.
  Status gone = error("SELECT * FROM t AS OF GENERATION " + std::to_string(g));
  EXPECT_TRUE(gone.is(StatusCode::kNotFound)) << gone.to_string();
  EXPECT_NE(gone.message().find("1:15: generation " + std::to_string(g) + " is not retained"),
            std::string::npos)
      << gone.to_string();
  EXPECT_EQ(q("SELECT count(*) FROM t AS OF GENERATION " + std::to_string(g + 1)), Rows{"2"});
  Status future = error("SELECT * FROM t AS OF GENERATION " + std::to_string(g + 5));
  EXPECT_TRUE(future.is(StatusCode::kInvalidArgument)) << future.to_string();
  Status view = error("SELECT * FROM v AS OF GENERATION " + std::to_string(g + 1));
  EXPECT_TRUE(view.is(StatusCode::kUnsupported)) << view.to_string();
}

TEST_F(AsOf, AnotherConnectionReadsThePastWhileTheWindowMoves) {
  ASSERT_OK(db_->execute("PRAGMA retain_generations = 2"));
  ASSERT_OK(db_->execute("CREATE TABLE t(a INTEGER PRIMARY KEY, b)"));
  for (int i = 0; i < 20; ++i) {
    ASSERT_OK(db_->execute("INSERT INTO t VALUES (" + std::to_string(i) + ", '" +
                           std::string(300, static_cast<char>('a' + i)) + "')"));
  }
  const uint64_t g = generation();
  std::unique_ptr<Database> other = open();
  ASSERT_NE(other, nullptr);
  // A statement of the other connection holds generation g while it steps.
  Result<std::unique_ptr<Statement>> stmt =
      other->prepare("SELECT a, length(b) FROM t AS OF GENERATION " + std::to_string(g));
  ASSERT_OK(stmt);
  ASSERT_OK((*stmt)->step());
  // Meanwhile this connection moves the window far past g, rewriting every row.
  for (int i = 0; i < 10; ++i) {
    ASSERT_OK(db_->execute("UPDATE t SET b = upper(b) || " + std::to_string(i)));
  }
  int seen = 1;
  while (true) {
    Result<bool> more = (*stmt)->step();
    ASSERT_OK(more);
    if (!*more) break;
    EXPECT_EQ((*stmt)->column(1).debug_string(), "300");
    ++seen;
  }
  EXPECT_EQ(seen, 20);
  ASSERT_OK((*stmt)->reset());
  EXPECT_FALSE(rows(other.get(), "SELECT * FROM t AS OF GENERATION " + std::to_string(g)).ok());
  expect_clean();
}

}  // namespace
}  // namespace strata::query
