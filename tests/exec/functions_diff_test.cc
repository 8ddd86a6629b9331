// Scalar functions against the real SQLite library: every function at every
// arity it accepts, on all hand-picked arguments (all pairs for one- and
// two-argument functions, all triples of a smaller set for three), plus the
// error messages for wrong argument counts and unknown names.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/exec/functions.h"
#include "tests/exec/exec_test_util.h"
#include "tests/exec/functions_test_util.h"

namespace strata::exec {
namespace {

using exec_test::FailureBudget;
using exec_test::function_arities;
using exec_test::function_sql;
using exec_test::FunctionArity;
using exec_test::interesting_values;
using exec_test::mismatch;
using exec_test::outcome_of;
using exec_test::small_values;
using exec_test::Sqlite;

// Calls fn(args) for every tuple of `arity` values drawn from `values`.
template <typename Fn>
void for_each_tuple(const std::vector<Value>& values, int arity, Fn&& fn) {
  std::vector<size_t> index(static_cast<size_t>(arity), 0);
  std::vector<Value> args(static_cast<size_t>(arity));
  while (true) {
    for (size_t i = 0; i < index.size(); ++i) args[i] = values[index[i]];
    if (!fn(args)) return;
    size_t i = 0;
    while (i < index.size() && ++index[i] == values.size()) index[i++] = 0;
    if (i == index.size()) return;
  }
}

TEST(FunctionsDiff, EveryFunctionMatchesSqliteOnHandPickedArguments) {
  Sqlite db;
  FailureBudget budget;
  std::vector<Value> all = interesting_values();
  std::vector<Value> small = small_values();
  for (const FunctionArity& f : function_arities()) {
    if (f.arity == 0) {
      std::vector<Value> none;
      budget.check(
          mismatch(db, function_sql(f.name, 0), none, outcome_of(call_function(f.name, none))));
      continue;
    }
    const std::vector<Value>& values = f.arity <= 2 ? all : small;
    std::string sql = function_sql(f.name, f.arity);
    for_each_tuple(values, f.arity, [&](const std::vector<Value>& args) {
      if (f.name == "zeroblob" && exec_test::is_large_length(args[0])) return true;
      return budget.check(mismatch(db, sql, args, outcome_of(call_function(f.name, args))));
    });
  }
}

// Texts and blobs with multi-byte characters, stray continuation bytes and
// repeated substrings: where character and byte positions differ.
std::vector<Value> multibyte_values() {
  std::vector<Value> out;
  for (const char* s : {"", "a", "ab", "ba", "aba", "\xc3\xa9",
                        "\xc3\xa9\x80"
                        "ab",
                        "x\xc3\xa9"
                        "ab\xc3\xa9",
                        "\x80"
                        "ab",
                        "\xe2\x82\xac"
                        "ab",
                        "\xc3", "\xc3\xa9\xc3\xa9",
                        "\xf0\x9f\x98\x80"
                        "b"}) {
    out.push_back(Value::text(s));
    out.push_back(Value::blob(s));
  }
  out.push_back(Value::integer(12));
  return out;
}

TEST(FunctionsDiff, TextFunctionsMatchSqliteWhereCharactersAndBytesDiffer) {
  Sqlite db;
  FailureBudget budget;
  std::vector<Value> values = multibyte_values();
  for (const char* name : {"instr", "trim", "ltrim", "rtrim"}) {
    for_each_tuple(values, 2, [&](const std::vector<Value>& args) {
      return budget.check(
          mismatch(db, function_sql(name, 2), args, outcome_of(call_function(name, args))));
    });
  }
  for_each_tuple(values, 3, [&](const std::vector<Value>& args) {
    return budget.check(
        mismatch(db, function_sql("replace", 3), args, outcome_of(call_function("replace", args))));
  });
  for (const Value& v : values) {
    for (int64_t start = -6; start <= 6; ++start) {
      for (int64_t count = -6; count <= 6; ++count) {
        std::vector<Value> args{v, Value::integer(start), Value::integer(count)};
        budget.check(mismatch(db, function_sql("substr", 3), args,
                              outcome_of(call_function("substr", args))));
      }
    }
    for (const char* name : {"length", "unicode", "hex", "quote", "upper", "typeof"}) {
      std::vector<Value> args{v};
      budget.check(
          mismatch(db, function_sql(name, 1), args, outcome_of(call_function(name, args))));
    }
  }
}

TEST(FunctionsDiff, WrongArgumentCountsGiveSqlitesMessage) {
  Sqlite db;
  FailureBudget budget;
  std::vector<Value> args{Value::integer(1), Value::integer(2), Value::integer(3),
                          Value::integer(4), Value::integer(5)};
  for (std::string_view name : exec_test::function_names()) {
    for (int arity = 0; arity <= 5; ++arity) {
      std::span<const Value> some(args.data(), static_cast<size_t>(arity));
      Result<Value> got = call_function(name, some);
      if (got.ok()) continue;  // covered by the test above
      if (got.status().message().starts_with("misuse of aggregate")) {
        // min(x)/max(x) are aggregates; SQLite says so where no aggregate may be.
        budget.check(mismatch(db, "SELECT 1 WHERE " + exec_test::function_call(name, arity), some,
                              outcome_of(got)));
        continue;
      }
      EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument) << name << "/" << arity;
      budget.check(mismatch(db, function_sql(name, arity), some, outcome_of(got)));
    }
  }
}

TEST(FunctionsDiff, MoreThan127ArgumentsIsAnError) {
  Sqlite db;
  std::vector<Value> args(128, Value::integer(65));
  EXPECT_EQ(mismatch(db, function_sql("char", 128), args, outcome_of(call_function("char", args))),
            std::nullopt);
  args.pop_back();
  EXPECT_EQ(mismatch(db, function_sql("char", 127), args, outcome_of(call_function("char", args))),
            std::nullopt);
}

TEST(FunctionsDiff, UnknownFunctionGivesSqlitesMessage) {
  Sqlite db;
  std::vector<Value> args{Value::integer(1)};
  Result<Value> got = call_function("no_such_fn", args);
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(mismatch(db, "SELECT no_such_fn(?1)", args, outcome_of(got)), std::nullopt);
  EXPECT_FALSE(is_scalar_function("random"));  // deliberately not provided
  EXPECT_TRUE(is_scalar_function("substring"));
}

TEST(FunctionsDiff, VariadicFunctionsMatchSqliteForManyArguments) {
  Sqlite db;
  FailureBudget budget;
  std::vector<Value> values = small_values();
  for (const char* name : {"char", "coalesce", "min", "max"}) {
    for (int arity = 3; arity <= 4; ++arity) {
      std::string sql = function_sql(name, arity);
      std::vector<Value> pool =
          arity == 4 ? std::vector<Value>(values.begin(), values.begin() + 10) : values;
      for_each_tuple(pool, arity, [&](const std::vector<Value>& args) {
        return budget.check(mismatch(db, sql, args, outcome_of(call_function(name, args))));
      });
    }
  }
}

TEST(FunctionsDiff, LengthLimitsMatchSqlite) {
  Sqlite db;
  std::vector<Value> huge{Value::integer(1'000'000'001)};
  EXPECT_EQ(mismatch(db, "SELECT zeroblob(?1)", huge, outcome_of(call_function("zeroblob", huge))),
            std::nullopt);
  std::vector<Value> pattern{Value::text(std::string(50001, 'a')), Value::text("a")};
  EXPECT_EQ(
      mismatch(db, "SELECT like(?1, ?2)", pattern, outcome_of(call_function("like", pattern))),
      std::nullopt);
  EXPECT_EQ(
      mismatch(db, "SELECT glob(?1, ?2)", pattern, outcome_of(call_function("glob", pattern))),
      std::nullopt);
  std::vector<Value> fits{Value::text(std::string(50000, '%')), Value::text("a")};
  EXPECT_EQ(mismatch(db, "SELECT like(?1, ?2)", fits, outcome_of(call_function("like", fits))),
            std::nullopt);
}

}  // namespace
}  // namespace strata::exec
