// Properties: every scalar function agrees with the real SQLite library on
// random arguments (values of every storage class; for positions and counts,
// mostly small integers).
//
// Replaying a failure: the failure message ends with
//   replay: RC_PARAMS="reproduce=..." <binary> --gtest_filter=Suite.Name
// which reruns exactly the shrunk counterexample; RC_PARAMS="seed=N" reruns a
// whole random sequence, RC_PARAMS="max_success=10000" runs more cases.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <string>
#include <vector>

#include "engine/exec/functions.h"
#include "tests/exec/exec_test_util.h"
#include "tests/exec/functions_test_util.h"
#include "tests/support/rc_replay.h"

namespace strata::exec {
namespace {

using exec_test::function_sql;
using exec_test::FunctionArity;
using exec_test::gen_small_int_value;
using exec_test::gen_value;
using exec_test::mismatch;
using exec_test::outcome_of;
using exec_test::Sqlite;

Sqlite& oracle() {
  static Sqlite db;
  return db;
}

// Arguments 2.. of substr/round/char/zeroblob are numbers in practice.
bool wants_small_int(const std::string& name, size_t index) {
  if (name == "substr" || name == "substring" || name == "round") return index >= 1;
  return name == "char";
}

void check(const std::string& name, const std::vector<Value>& args) {
  if (name == "zeroblob" && exec_test::is_large_length(args[0])) return;
  Result<Value> got = call_function(name, args);
  if (auto m = mismatch(oracle(), function_sql(name, static_cast<int>(args.size())), args,
                        outcome_of(got))) {
    RC_FAIL(*m);
  }
}

STRATA_RC_PROP(FunctionsProp, EveryFunctionMatchesSqlite, ()) {
  const FunctionArity f = *rc::gen::elementOf(exec_test::function_arities());
  std::vector<Value> args;
  for (int i = 0; i < f.arity; ++i) {
    args.push_back(wants_small_int(f.name, static_cast<size_t>(i)) ? *gen_small_int_value()
                                                                   : *gen_value());
  }
  check(f.name, args);
}

STRATA_RC_PROP(FunctionsProp, VariadicFunctionsMatchSqlite, ()) {
  std::string name = *rc::gen::element<std::string>("char", "coalesce", "min", "max");
  size_t count = *rc::gen::inRange<size_t>(name == "char" ? 0 : 2, 9);
  std::vector<Value> args;
  for (size_t i = 0; i < count; ++i) {
    args.push_back(name == "char" ? *gen_small_int_value() : *gen_value());
  }
  check(name, args);
}

STRATA_RC_PROP(FunctionsProp, TextFunctionsMatchSqliteOnUtf8Text, ()) {
  // UTF-8 texts (sometimes as blobs) that share characters, so that
  // instr/replace/trim find something.
  auto text = rc::gen::apply(
      [](std::string s, bool as_blob) { return as_blob ? Value::blob(s) : Value::text(s); },
      exec_test::gen_utf8_text(),
      rc::gen::weightedOneOf<bool>({{3, rc::gen::just(false)}, {1, rc::gen::just(true)}}));
  std::string name =
      *rc::gen::element<std::string>("instr", "replace", "trim", "ltrim", "rtrim", "substr",
                                     "length", "unicode", "upper", "quote");
  std::vector<Value> args;
  // A piece of the haystack as needle/pattern/trim set, so that it is found.
  auto piece_of = [](const Value& haystack) {
    const std::string& bytes = haystack.bytes();
    size_t start = *rc::gen::inRange<size_t>(0, bytes.size() + 1);
    size_t length = *rc::gen::inRange<size_t>(0, bytes.size() - start + 1);
    std::string piece = bytes.substr(start, length);
    return *rc::gen::arbitrary<bool>() ? Value::blob(piece) : Value::text(piece);
  };
  if (name == "replace") {
    Value haystack = *text;
    args = {haystack, *rc::gen::arbitrary<bool>() ? piece_of(haystack) : *text, *text};
  } else if (name == "instr" || name == "trim" || name == "ltrim" || name == "rtrim") {
    Value haystack = *text;
    args = {haystack, *rc::gen::arbitrary<bool>() ? piece_of(haystack) : *text};
  } else if (name == "substr") {
    args = {*text, *gen_small_int_value(), *gen_small_int_value()};
  } else {
    args = {*text};
  }
  check(name, args);
}

STRATA_RC_PROP(FunctionsProp, RoundMatchesSqliteOnDecimals, ()) {
  double x = *exec_test::gen_double();
  int64_t digits = *rc::gen::inRange<int64_t>(-2, 33);
  check("round", {Value::real(x), Value::integer(digits)});
  check("round", {Value::real(x)});
}

}  // namespace
}  // namespace strata::exec
