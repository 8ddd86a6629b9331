// Operators, CAST, truth and text form against the real SQLite library, on every
// pair of hand-picked values (exec_test_util.h: integers at the int64 edges,
// reals including -0.0, inf and exact integers, numeric-looking texts such as
// " 12 ", "1e3", "12abc", "0x10", "-", and blobs).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/exec/value_ops.h"
#include "tests/exec/exec_test_util.h"

namespace strata::exec {
namespace {

using exec_test::FailureBudget;
using exec_test::interesting_values;
using exec_test::mismatch;
using exec_test::outcome_of;
using exec_test::Sqlite;

struct BinaryOp {
  const char* sql;
  Value (*fn)(const Value&, const Value&);
};

const BinaryOp kBinaryOps[] = {
    {"SELECT ?1 + ?2", add},     {"SELECT ?1 - ?2", subtract},    {"SELECT ?1 * ?2", multiply},
    {"SELECT ?1 / ?2", divide},  {"SELECT ?1 % ?2", remainder},   {"SELECT ?1 & ?2", bit_and},
    {"SELECT ?1 | ?2", bit_or},  {"SELECT ?1 << ?2", shift_left}, {"SELECT ?1 >> ?2", shift_right},
    {"SELECT ?1 || ?2", concat},
};

Value truth_as_value(const Value& v) {
  std::optional<bool> t = truth(v);
  if (!t) return Value::null();
  return Value::integer(*t ? 1 : 0);
}

TEST(ValueOpsDiff, BinaryOperatorsMatchSqliteOnAllHandPickedPairs) {
  Sqlite db;
  std::vector<Value> values = interesting_values();
  FailureBudget budget;
  for (const BinaryOp& op : kBinaryOps) {
    for (const Value& a : values) {
      for (const Value& b : values) {
        std::vector<Value> args{a, b};
        if (!budget.check(mismatch(db, op.sql, args, outcome_of(op.fn(a, b))))) return;
      }
    }
  }
}

TEST(ValueOpsDiff, UnaryOperatorsMatchSqlite) {
  Sqlite db;
  FailureBudget budget;
  for (const Value& v : interesting_values()) {
    std::vector<Value> args{v};
    budget.check(mismatch(db, "SELECT -?1", args, outcome_of(negate(v))));
    budget.check(mismatch(db, "SELECT ~?1", args, outcome_of(bit_not(v))));
    budget.check(mismatch(db, "SELECT +?1", args, outcome_of(v)));
  }
}

TEST(ValueOpsDiff, TruthMatchesSqliteInEveryBooleanContext) {
  Sqlite db;
  FailureBudget budget;
  for (const Value& v : interesting_values()) {
    std::vector<Value> args{v};
    Value t = truth_as_value(v);
    budget.check(
        mismatch(db, "SELECT CASE WHEN ?1 THEN 1 WHEN NOT ?1 THEN 0 END", args, outcome_of(t)));
    budget.check(mismatch(db, "SELECT ?1 AND 1", args, outcome_of(t)));
    budget.check(mismatch(db, "SELECT ?1 OR 0", args, outcome_of(t)));
    Value negated = t.is_null() ? t : Value::integer(1 - t.as_integer());
    budget.check(mismatch(db, "SELECT NOT ?1", args, outcome_of(negated)));
    Value where = (t.type() == ValueType::kInteger && t.as_integer() == 1) ? Value::integer(1)
                                                                           : Value::null();
    budget.check(mismatch(db, "SELECT 1 WHERE ?1", args, outcome_of(where)));
  }
}

TEST(ValueOpsDiff, TextFormMatchesCastAndColumnText) {
  Sqlite db;
  FailureBudget budget;
  for (const Value& v : interesting_values()) {
    if (v.is_null()) continue;
    std::vector<Value> args{v};
    budget.check(
        mismatch(db, "SELECT CAST(?1 AS TEXT)", args, outcome_of(Value::text(to_text(v)))));
    std::string shown = db.column_text("SELECT ?1", v);
    if (shown != to_text(v)) {
      budget.check("sqlite3_column_text of " + exec_test::describe(v) + " is '" + shown +
                   "', to_text gives '" + to_text(v) + "'");
    }
  }
}

const char* const kCastTypes[] = {
    "INTEGER",        "INT",      "int",        "BIGINT",
    "REAL",           "FLOAT",    "DOUBLE",     "NUMERIC",
    "DECIMAL(10,2)",  "TEXT",     "VARCHAR(5)", "CLOB",
    "BLOB",           "",         "BOOLEAN",    "DATE",
    "STRING",         "CHARINT",  "BLOBREAL",   "REALBLOB",
    "FLOATING POINT", "TEXTBLOB", "NONE",       "DOUBLE PRECISION",
};

TEST(ValueOpsDiff, CastMatchesSqliteForEveryTypeName) {
  Sqlite db;
  FailureBudget budget;
  for (const char* type : kCastTypes) {
    std::string sql = std::string("SELECT CAST(?1 AS ") + type + ")";
    for (const Value& v : interesting_values()) {
      std::vector<Value> args{v};
      if (!budget.check(mismatch(db, sql, args, outcome_of(cast(v, type))))) return;
    }
  }
}

TEST(ValueOpsDiff, IntegerAndRealValuesMatchSqliteConversions) {
  Sqlite db;
  FailureBudget budget;
  for (const Value& v : interesting_values()) {
    std::vector<Value> args{v};
    // CAST to INTEGER/REAL is exactly integer_value/real_value for non-NULL values.
    if (v.is_null()) continue;
    budget.check(mismatch(db, "SELECT CAST(?1 AS INTEGER)", args,
                          outcome_of(Value::integer(integer_value(v)))));
    budget.check(
        mismatch(db, "SELECT CAST(?1 AS REAL)", args, outcome_of(Value::real(real_value(v)))));
  }
}

}  // namespace
}  // namespace strata::exec
