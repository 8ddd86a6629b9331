// Affinity against the real SQLite library: the value a column stores for each
// hand-picked value and declared type, the affinity of declared type names, and
// the conversions before comparing operands with and without affinity.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/exec/affinity.h"
#include "engine/exec/value_ops.h"
#include "tests/exec/affinity_test_util.h"
#include "tests/exec/exec_test_util.h"

namespace strata::exec {
namespace {

using exec_test::describe;
using exec_test::FailureBudget;
using exec_test::interesting_values;
using exec_test::same_value;
using exec_test::Sqlite;

TEST(AffinityOfType, FollowsTheFiveRulesInOrder) {
  EXPECT_EQ(affinity_of_type("INTEGER"), Affinity::kInteger);
  EXPECT_EQ(affinity_of_type("tinyint"), Affinity::kInteger);
  EXPECT_EQ(affinity_of_type("FLOATING POINT"), Affinity::kInteger);  // "INT" wins
  EXPECT_EQ(affinity_of_type("VARCHAR(255)"), Affinity::kText);
  EXPECT_EQ(affinity_of_type("CLOB"), Affinity::kText);
  EXPECT_EQ(affinity_of_type("TEXTBLOB"), Affinity::kText);  // TEXT before BLOB
  EXPECT_EQ(affinity_of_type("BLOB"), Affinity::kNone);
  EXPECT_EQ(affinity_of_type(""), Affinity::kNone);
  EXPECT_EQ(affinity_of_type("REALBLOB"), Affinity::kNone);  // BLOB before REAL
  EXPECT_EQ(affinity_of_type("DOUBLE PRECISION"), Affinity::kReal);
  EXPECT_EQ(affinity_of_type("FLOAT"), Affinity::kReal);
  EXPECT_EQ(affinity_of_type("DECIMAL(10,5)"), Affinity::kNumeric);
  EXPECT_EQ(affinity_of_type("STRING"), Affinity::kNumeric);  // the classic surprise
  EXPECT_EQ(cast_affinity_of_type(""), Affinity::kNumeric);
}

TEST(AffinityDiff, StoredValueMatchesSqliteForEveryColumnAffinity) {
  Sqlite db;
  db.exec("CREATE TABLE t(a INTEGER, b TEXT, c REAL, d NUMERIC, e BLOB, f)");
  const Affinity kColumns[] = {Affinity::kInteger, Affinity::kText, Affinity::kReal,
                               Affinity::kNumeric, Affinity::kNone, Affinity::kNone};
  FailureBudget budget;
  for (const Value& v : interesting_values()) {
    db.exec("DELETE FROM t");
    std::vector<Value> args{v};
    db.rows("INSERT INTO t VALUES(?1, ?1, ?1, ?1, ?1, ?1)", args);
    auto rows = db.rows("SELECT a, b, c, d, e, f FROM t");
    ASSERT_EQ(rows.size(), 1u);
    for (size_t column = 0; column < 6; ++column) {
      Value want = rows[0][column];
      Value got = apply_affinity(v, kColumns[column]);
      if (!same_value(want, got)) {
        budget.check("storing " + describe(v) + " in column " + std::string(1, 'a' + column) +
                     ": sqlite reads back " + describe(want) + ", apply_affinity gives " +
                     describe(got));
      }
    }
  }
}

TEST(AffinityDiff, DeclaredTypeNamesGiveSqlitesAffinity) {
  Sqlite db;
  FailureBudget budget;
  int table = 0;
  for (const std::string& type : exec_test::declared_type_names()) {
    std::string name = "t" + std::to_string(table++);
    db.exec("CREATE TABLE " + name + "(c " + type + ")");
    Affinity affinity = affinity_of_type(type);
    for (const Value& v : interesting_values()) {
      std::vector<Value> args{v};
      db.rows("INSERT INTO " + name + " VALUES(?1)", args);
      auto rows = db.rows("SELECT c FROM " + name);
      db.exec("DELETE FROM " + name);
      ASSERT_EQ(rows.size(), 1u);
      Value got = apply_affinity(v, affinity);
      if (!same_value(rows[0][0], got)) {
        budget.check("column type '" + type + "' storing " + describe(v) + ": sqlite reads " +
                     describe(rows[0][0]) + ", strata gives " + describe(got));
        break;
      }
    }
  }
}

TEST(AffinityDiff, ComparisonsMatchSqliteForEveryOperandAffinity) {
  Sqlite db;
  exec_test::ComparisonOracle oracle(db);
  std::vector<Value> values = interesting_values();
  FailureBudget budget;
  for (const Value& left : values) {
    for (const Value& right : values) {
      for (const std::string& m : oracle.mismatches(left, right)) {
        if (!budget.check(m)) return;
      }
    }
  }
}

}  // namespace
}  // namespace strata::exec
