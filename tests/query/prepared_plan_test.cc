// A prepared SELECT keeps its plan from one execution to the next (planning costs as much as
// a point lookup), and must answer exactly as if it had planned again: on the transaction it
// runs in now, with its parameters now, after rows changed, and plan again when the catalog
// changed (an index appears, a table goes). Plans with subqueries are never kept.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/exec/value_ops.h"
#include "engine/query/database.h"
#include "tests/support/status_testing.h"
#include "vfs/mem_vfs.h"

namespace strata::query {
namespace {

class PreparedPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::open(&vfs_, "/db");
    ASSERT_OK(db);
    db_ = std::move(db).value();
    ASSERT_OK(db_->execute("CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT)"));
    ASSERT_OK(db_->execute("INSERT INTO t VALUES (1, 10, 'x'), (2, 20, 'y'), (3, 30, 'z')"));
  }

  std::unique_ptr<Statement> prepare(const std::string& sql) {
    auto st = db_->prepare(sql);
    EXPECT_OK(st);
    return std::move(st).value();
  }

  // Runs the statement from the start with these integer parameters; every column as text.
  static std::vector<std::string> run(Statement* st, const std::vector<int64_t>& params) {
    EXPECT_OK(st->reset());
    for (size_t i = 0; i < params.size(); ++i) EXPECT_OK(st->bind(static_cast<int>(i) + 1, Value::integer(params[i])));
    std::vector<std::string> rows;
    while (true) {
      auto r = st->step();
      EXPECT_OK(r);
      if (!r.ok() || !*r) break;
      std::string line;
      for (int c = 0; c < st->column_count(); ++c) line += (c ? "|" : "") + exec::to_text(st->column(c));
      rows.push_back(line);
    }
    return rows;
  }

  vfs::MemVfs vfs_;
  std::unique_ptr<Database> db_;
};

TEST_F(PreparedPlanTest, EachExecutionUsesItsOwnParameters) {
  auto st = prepare("SELECT a FROM t WHERE id = ?");
  EXPECT_EQ(run(st.get(), {1}), std::vector<std::string>{"10"});
  EXPECT_EQ(run(st.get(), {3}), std::vector<std::string>{"30"});
  EXPECT_EQ(run(st.get(), {4}), std::vector<std::string>{});
  EXPECT_EQ(run(st.get(), {2}), std::vector<std::string>{"20"});
}

TEST_F(PreparedPlanTest, ReexecutionSeesRowsCommittedSinceAndTheOpenTransaction) {
  auto st = prepare("SELECT count(*), sum(a) FROM t WHERE id >= ?");
  EXPECT_EQ(run(st.get(), {1}), std::vector<std::string>{"3|60"});
  ASSERT_OK(db_->execute("INSERT INTO t VALUES (4, 40, 'w')"));
  EXPECT_EQ(run(st.get(), {1}), std::vector<std::string>{"4|100"});
  ASSERT_OK(db_->execute("BEGIN"));
  ASSERT_OK(db_->execute("DELETE FROM t WHERE id = 1"));
  EXPECT_EQ(run(st.get(), {1}), std::vector<std::string>{"3|90"});
  ASSERT_OK(db_->execute("ROLLBACK"));
  EXPECT_EQ(run(st.get(), {1}), std::vector<std::string>{"4|100"});
}

TEST_F(PreparedPlanTest, AnExecutionLeftUnfinishedDoesNotLeakIntoTheNext) {
  auto st = prepare("SELECT id FROM t WHERE id >= ? ORDER BY id");
  ASSERT_OK(st->bind(1, Value::integer(1)));
  auto r = st->step();
  ASSERT_OK(r);
  ASSERT_TRUE(*r);
  EXPECT_EQ(run(st.get(), {2}), (std::vector<std::string>{"2", "3"}));
}

TEST_F(PreparedPlanTest, ANewIndexOrDroppedTableMakesItPlanAgain) {
  auto st = prepare("SELECT id FROM t WHERE a = ?");
  EXPECT_EQ(run(st.get(), {20}), std::vector<std::string>{"2"});
  ASSERT_OK(db_->execute("CREATE INDEX t_a ON t(a)"));
  EXPECT_EQ(run(st.get(), {20}), std::vector<std::string>{"2"});
  ASSERT_OK(db_->execute("INSERT INTO t VALUES (5, 20, 'v')"));
  EXPECT_EQ(run(st.get(), {20}), (std::vector<std::string>{"2", "5"}));
  ASSERT_OK(db_->execute("DROP INDEX t_a"));
  EXPECT_EQ(run(st.get(), {20}), (std::vector<std::string>{"2", "5"}));
  ASSERT_OK(db_->execute("DROP TABLE t"));
  ASSERT_OK(st->reset());
  auto gone = st->step();
  EXPECT_FALSE(gone.ok());
  ASSERT_OK(db_->execute("CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT)"));
  ASSERT_OK(db_->execute("INSERT INTO t VALUES (7, 20, 'q')"));
  EXPECT_EQ(run(st.get(), {20}), std::vector<std::string>{"7"});
}

TEST_F(PreparedPlanTest, SubqueriesAndJoinsAnswerAfreshEachTime) {
  // An uncorrelated subquery runs once per execution; its result must not be kept across.
  auto sub = prepare("SELECT (SELECT max(a) FROM t WHERE a < ?), (SELECT count(*) FROM (SELECT * FROM t WHERE id > ?))");
  EXPECT_EQ(run(sub.get(), {25, 1}), std::vector<std::string>{"20|2"});
  EXPECT_EQ(run(sub.get(), {15, 2}), std::vector<std::string>{"10|1"});
  ASSERT_OK(db_->execute("CREATE TABLE u(id INTEGER PRIMARY KEY, g INTEGER)"));
  ASSERT_OK(db_->execute("INSERT INTO u VALUES (1, 100), (2, 200), (3, 100)"));
  auto join = prepare("SELECT u.g, sum(t.a) FROM t JOIN u ON u.id = t.id WHERE t.a >= ? GROUP BY u.g ORDER BY u.g");
  EXPECT_EQ(run(join.get(), {0}), (std::vector<std::string>{"100|40", "200|20"}));
  EXPECT_EQ(run(join.get(), {25}), (std::vector<std::string>{"100|30"}));
  ASSERT_OK(db_->execute("CREATE VIEW v AS SELECT id, a FROM t WHERE a > 15"));
  auto view = prepare("SELECT count(*) FROM v WHERE id >= ?");
  EXPECT_EQ(run(view.get(), {1}), std::vector<std::string>{"2"});
  ASSERT_OK(db_->execute("INSERT INTO t VALUES (9, 90, 'n')"));
  EXPECT_EQ(run(view.get(), {1}), std::vector<std::string>{"3"});
}

}  // namespace
}  // namespace strata::query
