// Properties: the value a column stores (for random values and random declared
// types) and the result of comparing random values held by operands of every
// affinity agree with the real SQLite library.
//
// Replaying a failure: the failure message ends with
//   replay: RC_PARAMS="reproduce=..." <binary> --gtest_filter=Suite.Name
// which reruns exactly the shrunk counterexample; RC_PARAMS="seed=N" reruns a
// whole random sequence, RC_PARAMS="max_success=10000" runs more cases.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <functional>
#include <string>
#include <vector>

#include "engine/exec/affinity.h"
#include "engine/exec/value_ops.h"
#include "tests/exec/affinity_test_util.h"
#include "tests/exec/exec_test_util.h"
#include "tests/support/rc_replay.h"

namespace strata::exec {
namespace {

using exec_test::describe;
using exec_test::gen_value;
using exec_test::same_value;
using exec_test::Sqlite;

Sqlite& oracle() {
  static Sqlite db;
  return db;
}

rc::Gen<std::string> gen_declared_type() {
  auto word = rc::gen::element<std::string>("INT", "int", "CHAR", "Clob", "TEXT", "BLOB", "REAL",
                                            "FLOA", "DOUB", "le", "NUM", "VAR", "X", "ING", "BIG",
                                            "POINT", "D", "BL", "OB", "tExT");
  return rc::gen::weightedOneOf<std::string>({
      {1, rc::gen::elementOf(exec_test::declared_type_names())},
      {2, rc::gen::map(exec_test::gen_sized<std::vector<std::string>>(5, word),
                       [](const std::vector<std::string>& words) {
                         std::string name;
                         for (const std::string& w : words) name += (name.empty() ? "" : " ") + w;
                         return name;
                       })},
  });
}

STRATA_RC_PROP(AffinityProp, StoredValueMatchesSqliteForAnyDeclaredType, ()) {
  std::string type = *gen_declared_type();
  Value v = *gen_value();
  std::string table = "t" + std::to_string(std::hash<std::string>{}(type));
  Sqlite& db = oracle();
  db.exec("CREATE TABLE IF NOT EXISTS " + table + "(c " + type + ")");
  db.exec("DELETE FROM " + table);
  std::vector<Value> args{v};
  db.rows("INSERT INTO " + table + " VALUES(?1)", args);
  auto rows = db.rows("SELECT c FROM " + table);
  RC_ASSERT(rows.size() == 1u);
  Value got = apply_affinity(v, affinity_of_type(type));
  if (!same_value(rows[0][0], got)) {
    RC_FAIL("column type '" + type + "' storing " + describe(v) + ": sqlite reads " +
            describe(rows[0][0]) + ", strata gives " + describe(got));
  }
}

STRATA_RC_PROP(AffinityProp, ComparisonsMatchSqliteForEveryOperandAffinity, ()) {
  static exec_test::ComparisonOracle comparisons(oracle());
  Value left = *gen_value();
  // Half the time compare with a value of the same text, to hit the conversions.
  Value right = *rc::gen::weightedOneOf<Value>({
      {2, gen_value()},
      {1, rc::gen::just(Value::text(exec::to_text(left)))},
      {1, rc::gen::just(Value::integer(exec::integer_value(left)))},
      {1, rc::gen::just(Value::real(exec::real_value(left)))},
  });
  std::vector<std::string> problems = comparisons.mismatches(left, right);
  if (!problems.empty()) RC_FAIL(problems.front());
}

}  // namespace
}  // namespace strata::exec
