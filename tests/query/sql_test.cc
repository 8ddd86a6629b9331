// The SQL layer end to end: DDL, DML, single-table SELECT, transactions,
// constraint errors that change nothing, and plans that use indexes.
#include <gtest/gtest.h>

#include "engine/check.h"
#include "engine/exec/value_ops.h"
#include "engine/query/database.h"
#include "tests/support/status_testing.h"
#include "vfs/mem_vfs.h"

namespace strata::query {
namespace {

class SqlTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }
  void reopen() {
    db_.reset();
    auto db = Database::open(&vfs_, "/db");
    ASSERT_OK(db);
    db_ = std::move(db).value();
  }
  // Rows as "a|b" lines, values in SQLite's text form, NULL as "NULL".
  std::string query(const std::string& sql) {
    std::string out;
    Status s = db_->execute(sql, [&](const Statement& st) {
      std::string line;
      for (int i = 0; i < st.column_count(); ++i) {
        if (i) line += "|";
        line += st.column(i).is_null() ? "NULL" : exec::to_text(st.column(i));
      }
      out += line + "\n";
    });
    if (!s.is_ok()) return "error: " + s.to_string();
    return out;
  }
  void exec(const std::string& sql) { ASSERT_OK(db_->execute(sql)); }

  vfs::MemVfs vfs_;
  std::unique_ptr<Database> db_;
};

TEST_F(SqlTest, CreateInsertSelectWithWhereOrderLimit) {
  exec("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL)");
  exec("INSERT INTO t(name, score) VALUES ('ann', 3.5), ('bob', NULL), ('cy', 1)");
  EXPECT_EQ(query("SELECT id, name, score FROM t ORDER BY id"), "1|ann|3.5\n2|bob|NULL\n3|cy|1.0\n");
  EXPECT_EQ(query("SELECT name FROM t WHERE score > 2"), "ann\n");
  EXPECT_EQ(query("SELECT name FROM t ORDER BY score DESC"), "ann\ncy\nbob\n");
  EXPECT_EQ(query("SELECT name FROM t ORDER BY score"), "bob\ncy\nann\n");
  EXPECT_EQ(query("SELECT name FROM t ORDER BY id LIMIT 1 OFFSET 1"), "bob\n");
  EXPECT_EQ(query("SELECT 1 + 2, 'a' || 'b', 7 / 2, 7 / 0, typeof(1.0)"), "3|ab|3|NULL|real\n");
}

TEST_F(SqlTest, DataSurvivesReopen) {
  exec("CREATE TABLE t(a INTEGER, b TEXT); CREATE INDEX t_a ON t(a)");
  exec("INSERT INTO t VALUES (1, 'x'), (2, 'y')");
  reopen();
  EXPECT_EQ(query("SELECT b FROM t WHERE a = 2"), "y\n");
  auto report = check_store(db_->store());
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok()) << report->to_string();
}

TEST_F(SqlTest, ConstraintErrorsReadLikeSqliteAndChangeNothing) {
  exec("CREATE TABLE t(a INTEGER UNIQUE, b TEXT NOT NULL)");
  exec("INSERT INTO t VALUES (1, 'x')");
  EXPECT_EQ(query("INSERT INTO t VALUES (2, 'y'), (1, 'z')"),
            "error: constraint: UNIQUE constraint failed: t.a");
  EXPECT_EQ(query("INSERT INTO t VALUES (3, NULL)"),
            "error: constraint: NOT NULL constraint failed: t.b");
  EXPECT_EQ(query("SELECT a, b FROM t ORDER BY a"), "1|x\n");  // (2,'y') was undone too
  exec("INSERT OR IGNORE INTO t VALUES (1, 'ignored'), (4, 'w')");
  exec("INSERT OR REPLACE INTO t VALUES (1, 'replaced')");
  EXPECT_EQ(query("SELECT a, b FROM t ORDER BY a"), "1|replaced\n4|w\n");
}

TEST_F(SqlTest, FailedStatementInsideTransactionLeavesTheRestIntact) {
  exec("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)");
  exec("BEGIN");
  exec("INSERT INTO t VALUES (1, 'one')");
  EXPECT_NE(query("INSERT INTO t VALUES (2, 'two'), (1, 'dup')").rfind("error:", 0), std::string::npos);
  exec("INSERT INTO t VALUES (3, 'three')");
  exec("COMMIT");
  EXPECT_EQ(query("SELECT a, b FROM t ORDER BY a"), "1|one\n3|three\n");
  exec("BEGIN; DELETE FROM t; ROLLBACK");
  EXPECT_EQ(query("SELECT a FROM t ORDER BY a"), "1\n3\n");
}

TEST_F(SqlTest, UpdateAndDeleteWithIndexes) {
  exec("CREATE TABLE t(a INTEGER PRIMARY KEY, b INTEGER, c TEXT); CREATE INDEX t_b ON t(b)");
  for (int i = 1; i <= 100; ++i) {
    exec("INSERT INTO t VALUES (" + std::to_string(i) + ", " + std::to_string(i % 10) + ", 'r" +
         std::to_string(i) + "')");
  }
  exec("UPDATE t SET b = b + 100 WHERE b = 3");
  EXPECT_EQ(query("SELECT a FROM t WHERE b = 103 ORDER BY a LIMIT 3"), "3\n13\n23\n");
  EXPECT_EQ(query("SELECT a FROM t WHERE b = 3"), "");
  exec("DELETE FROM t WHERE b >= 100");
  EXPECT_EQ(query("SELECT a FROM t WHERE a BETWEEN 1 AND 5 ORDER BY a"), "1\n2\n4\n5\n");
  auto report = check_store(db_->store());
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok()) << report->to_string();
}

TEST_F(SqlTest, ExplainAnalyzeShowsTheIndexScanningOnlyMatchingRows) {
  exec("CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT)");
  exec("BEGIN");
  for (int i = 0; i < 10000; ++i) {
    exec("INSERT INTO t(a, b) VALUES (" + std::to_string(i % 500) + ", 'x')");
  }
  exec("COMMIT");
  std::string before = query("EXPLAIN ANALYZE SELECT id FROM t WHERE a = 7");
  EXPECT_NE(before.find("FullScan t"), std::string::npos) << before;
  EXPECT_NE(before.find("scanned=10000"), std::string::npos) << before;
  EXPECT_NE(before.find("matched=20"), std::string::npos) << before;
  exec("CREATE INDEX t_a ON t(a)");
  std::string after = query("EXPLAIN ANALYZE SELECT id FROM t WHERE a = 7");
  EXPECT_NE(after.find("IndexLookup t USING INDEX t_a (a = 7)"), std::string::npos) << after;
  EXPECT_NE(after.find("scanned=20"), std::string::npos) << after;
  EXPECT_EQ(after.find("Filter"), std::string::npos) << after;
  std::string pk = query("EXPLAIN ANALYZE SELECT a FROM t WHERE id = 42");
  EXPECT_NE(pk.find("RowidLookup t (rowid = 42)"), std::string::npos) << pk;
  EXPECT_NE(pk.find("scanned=1"), std::string::npos) << pk;
}

TEST_F(SqlTest, PlannerPicksJoinAlgorithmsByCostAndAnalyzeChangesTheOrder) {
  exec("CREATE TABLE big(id INTEGER PRIMARY KEY, k INTEGER, v REAL)");
  exec("CREATE TABLE small(s INTEGER, w TEXT)");
  exec("CREATE INDEX small_s ON small(s)");
  exec("BEGIN");
  for (int i = 1; i <= 3000; ++i) {
    exec("INSERT INTO big VALUES (" + std::to_string(i) + ", " + std::to_string(i % 50) + ", " +
         std::to_string(i) + ".5)");
  }
  for (int i = 1; i <= 40; ++i) {
    exec("INSERT INTO small VALUES (" + std::to_string(i * 7) + ", 'w" + std::to_string(i) + "')");
  }
  exec("COMMIT");
  // Before ANALYZE both tables are guessed alike (a million rows) and the FROM order stands;
  // after it, the small table is the one hashed.
  std::string before = query("EXPLAIN SELECT count(*) FROM small JOIN big ON big.v = small.w");
  EXPECT_NE(before.find("Join order: small, big"), std::string::npos) << before;
  exec("ANALYZE");
  std::string after = query("EXPLAIN SELECT count(*) FROM small JOIN big ON big.v = small.w");
  EXPECT_NE(after.find("Join order: big, small"), std::string::npos) << after;
  // A few outer rows and a rowid to look up: an index nested loop.
  std::string inl =
      query("EXPLAIN SELECT w, v FROM small JOIN big ON big.id = small.s WHERE small.s < 20");
  EXPECT_NE(inl.find("IndexNestedLoop"), std::string::npos) << inl;
  EXPECT_NE(inl.find("RowidLookup big (rowid = small.s)"), std::string::npos) << inl;
  // Every row of both sides on a column without an index: a hash join.
  std::string hash = query("EXPLAIN SELECT count(*) FROM big JOIN small ON small.w = big.v");
  EXPECT_NE(hash.find("HashJoin"), std::string::npos) << hash;
  EXPECT_EQ(query("SELECT count(*) FROM small JOIN big ON big.id = small.s"), "40\n");
  // The statistics are stored: they survive a reopen.
  reopen();
  EXPECT_EQ(query("EXPLAIN SELECT count(*) FROM small JOIN big ON big.v = small.w"), after);
}

TEST_F(SqlTest, ExplainAnalyzeCountsTheInnerSidePerLoop) {
  exec("CREATE TABLE a(x INTEGER)");
  exec("CREATE TABLE b(y INTEGER, z TEXT)");
  exec("CREATE INDEX b_y ON b(y)");
  exec("INSERT INTO a VALUES (1), (2), (3)");
  exec("INSERT INTO b VALUES (1, 'p'), (1, 'q'), (2, 'r'), (3, 's'), (3, 't'), (3, 'u')");
  exec("ANALYZE");
  std::string plan = query("EXPLAIN ANALYZE SELECT x, z FROM a JOIN b ON b.y = a.x WHERE a.x < 3");
  EXPECT_NE(plan.find("IndexLookup b USING INDEX b_y (y = a.x)  (loops=2 scanned=3 (1.5/loop)"),
            std::string::npos)
      << plan;
  EXPECT_NE(plan.find("IndexNestedLoop  (rows=3)"), std::string::npos) << plan;
}

TEST_F(SqlTest, ErrorsCarryPositions) {
  EXPECT_EQ(query("SELECT * FROM missing"), "error: not found: 1:15: no such table: missing");
  exec("CREATE TABLE t(a)");
  EXPECT_EQ(query("SELECT nope FROM t"), "error: not found: 1:8: no such column: nope");
  EXPECT_EQ(query("SELECT a FROM t WHERE count(*) > 0"),
            "error: invalid argument: 1:23: misuse of aggregate: count()");
  EXPECT_EQ(query("SELECT a FROM t WINDOW w AS (ORDER BY a)").rfind("error: unsupported: 1:", 0),
            0u);
  EXPECT_NE(query("SELEC 1").find("1:1: near \"SELEC\""), std::string::npos);
  // SQLite's limit on LIKE/GLOB pattern length holds for both operators.
  std::string long_pattern(50001, '*');
  for (const char* op : {"GLOB", "LIKE"}) {
    std::string r = query(std::string("SELECT 'a' ") + op + " '" + long_pattern + "'");
    EXPECT_NE(r.find("LIKE or GLOB pattern too complex"), std::string::npos) << op << ": " << r;
  }
}

}  // namespace
}  // namespace strata::query
