// Properties: every operator, CAST, truth and the text form agree with the real
// SQLite library on random values (exec_test_util.h generators: int64 edges,
// reals of every kind incl. -0.0 and inf, numeric-looking texts, UTF-8 texts,
// arbitrary bytes, blobs).
//
// Replaying a failure: the failure message ends with
//   replay: RC_PARAMS="reproduce=..." <binary> --gtest_filter=Suite.Name
// which reruns exactly the shrunk counterexample; RC_PARAMS="seed=N" reruns a
// whole random sequence, RC_PARAMS="max_success=10000" runs more cases.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <string>
#include <vector>

#include "engine/exec/value_ops.h"
#include "tests/exec/exec_test_util.h"
#include "tests/support/rc_replay.h"

namespace strata::exec {
namespace {

using exec_test::gen_value;
using exec_test::mismatch;
using exec_test::outcome_of;
using exec_test::Sqlite;

Sqlite& oracle() {
  static Sqlite db;
  return db;
}

struct BinaryOp {
  const char* sql;
  Value (*fn)(const Value&, const Value&);
};

const std::vector<BinaryOp>& binary_ops() {
  static const std::vector<BinaryOp> ops = {
      {"SELECT ?1 + ?2", add},          {"SELECT ?1 - ?2", subtract},
      {"SELECT ?1 * ?2", multiply},     {"SELECT ?1 / ?2", divide},
      {"SELECT ?1 % ?2", remainder},    {"SELECT ?1 & ?2", bit_and},
      {"SELECT ?1 | ?2", bit_or},       {"SELECT ?1 << ?2", shift_left},
      {"SELECT ?1 >> ?2", shift_right}, {"SELECT ?1 || ?2", concat},
  };
  return ops;
}

void expect_same(const std::string& sql, const std::vector<Value>& args,
                 const exec_test::Outcome& got) {
  if (auto m = mismatch(oracle(), sql, args, got)) RC_FAIL(*m);
}

STRATA_RC_PROP(ValueOpsProp, BinaryOperatorsMatchSqlite, ()) {
  const BinaryOp op = *rc::gen::elementOf(binary_ops());
  Value a = *gen_value();
  Value b = *gen_value();
  expect_same(op.sql, {a, b}, outcome_of(op.fn(a, b)));
}

STRATA_RC_PROP(ValueOpsProp, ShiftsByAnyAmountMatchSqlite, ()) {
  Value a = *gen_value();
  Value amount = Value::integer(*rc::gen::inRange<int64_t>(-70, 71));
  expect_same("SELECT ?1 << ?2", {a, amount}, outcome_of(shift_left(a, amount)));
  expect_same("SELECT ?1 >> ?2", {a, amount}, outcome_of(shift_right(a, amount)));
}

STRATA_RC_PROP(ValueOpsProp, UnaryOperatorsMatchSqlite, ()) {
  Value v = *gen_value();
  expect_same("SELECT -?1", {v}, outcome_of(negate(v)));
  expect_same("SELECT ~?1", {v}, outcome_of(bit_not(v)));
}

STRATA_RC_PROP(ValueOpsProp, TruthMatchesSqlite, ()) {
  Value v = *gen_value();
  std::optional<bool> t = truth(v);
  Value as_value = t ? Value::integer(*t ? 1 : 0) : Value::null();
  expect_same("SELECT CASE WHEN ?1 THEN 1 WHEN NOT ?1 THEN 0 END", {v}, outcome_of(as_value));
}

STRATA_RC_PROP(ValueOpsProp, TextFormMatchesSqlite, ()) {
  Value v = *gen_value();
  RC_PRE(!v.is_null());
  expect_same("SELECT CAST(?1 AS TEXT)", {v}, outcome_of(Value::text(to_text(v))));
  std::string shown = oracle().column_text("SELECT ?1", v);
  RC_ASSERT(shown == to_text(v));
}

// Type names built from the words SQLite's affinity rules look for.
rc::Gen<std::string> gen_type_name() {
  auto word = rc::gen::element<std::string>("INT", "int", "CHAR", "Clob", "TEXT", "BLOB", "blob",
                                            "REAL", "FLOA", "DOUB", "le", "NUM", "VAR", "X", "ING",
                                            "BIG", "POINT", "TINY", "ER", "D", "BL", "OB");
  return rc::gen::apply(
      [](const std::vector<std::string>& words, bool spaced, bool sized) {
        std::string name;
        for (const std::string& w : words) name += (spaced && !name.empty() ? " " : "") + w;
        if (sized && !name.empty()) name += "(10)";
        return name;
      },
      exec_test::gen_sized<std::vector<std::string>>(5, word), rc::gen::arbitrary<bool>(),
      rc::gen::arbitrary<bool>());
}

STRATA_RC_PROP(ValueOpsProp, CastMatchesSqlite, ()) {
  Value v = *gen_value();
  std::string type = *rc::gen::weightedOneOf<std::string>(
      {{2, rc::gen::element<std::string>("INTEGER", "REAL", "TEXT", "BLOB", "NUMERIC", "")},
       {1, gen_type_name()}});
  expect_same("SELECT CAST(?1 AS " + type + ")", {v}, outcome_of(cast(v, type)));
}

}  // namespace
}  // namespace strata::exec
