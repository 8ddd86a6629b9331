// Bulk differential sweep of the conversions where SQLite's own floating-point
// code (not the C library's) decides the bits: REAL -> text ("%!.15g"), quote()
// ("%!.20e"), round(x, n) ("%.*f" read back), and text -> REAL/NUMERIC
// (sqlite3AtoF's long-double scaling). Hundreds of thousands of seeded random
// inputs; a failure prints the input, both results and the replay command
// (STRATA_SEED=<seed> <binary> --gtest_filter=<test>).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "engine/exec/functions.h"
#include "engine/exec/number_text.h"
#include "engine/exec/real_format.h"
#include "engine/exec/value_ops.h"
#include "tests/exec/exec_test_util.h"
#include "tests/support/replay.h"

namespace strata::exec {
namespace {

using exec_test::FailureBudget;
using exec_test::mismatch;
using exec_test::outcome_of;
using exec_test::Sqlite;

// A double from one of several distributions, never NaN.
double random_double(std::mt19937_64& rng) {
  switch (rng() % 6) {
    case 0: {  // any bit pattern
      double d = std::bit_cast<double>(rng());
      return std::isnan(d) ? 0.0 : d;
    }
    case 1: {  // short decimals k / 10^d
      auto k = static_cast<int64_t>(rng() % 2000000001) - 1000000000;
      return static_cast<double>(k) / std::pow(10.0, static_cast<double>(rng() % 16));
    }
    case 2: {  // decimals with 15-17 significant digits at any scale
      auto k = static_cast<int64_t>(rng() % 100000000000000000ULL);
      int exponent = static_cast<int>(rng() % 640) - 330;
      return static_cast<double>(k) * std::pow(10.0, exponent - 16);
    }
    case 3: {  // near powers of ten, where digit counts change
      double p = std::pow(10.0, static_cast<double>(static_cast<int>(rng() % 60) - 30));
      int ulps = static_cast<int>(rng() % 7) - 3;
      double d = p;
      for (int i = 0; i < std::abs(ulps); ++i) d = std::nextafter(d, ulps > 0 ? INFINITY : 0.0);
      return (rng() & 1) ? -d : d;
    }
    case 4: {  // halves and x.xx5 values round() is asked about
      auto k = static_cast<int64_t>(rng() % 200001) - 100000;
      return (static_cast<double>(k) + 0.5) / std::pow(10.0, static_cast<double>(rng() % 5));
    }
    default:  // integers as reals, including past 2^53
      return static_cast<double>(static_cast<int64_t>(rng() >> (rng() % 64)));
  }
}

// Numeric text in SQLite's syntax with many digits and exponents at the edges.
std::string random_numeric_text(std::mt19937_64& rng) {
  std::string s;
  if (rng() % 4 == 0) s += (rng() & 1) ? "-" : "+";
  int whole = static_cast<int>(rng() % 26);
  for (int i = 0; i < whole; ++i) s += static_cast<char>('0' + rng() % 10);
  if (rng() % 2) {
    s += '.';
    int frac = static_cast<int>(rng() % 26);
    for (int i = 0; i < frac; ++i) s += static_cast<char>('0' + rng() % 10);
  }
  if (rng() % 2) {
    s += (rng() & 1) ? 'e' : 'E';
    if (rng() % 2) s += (rng() & 1) ? "-" : "+";
    s += std::to_string(rng() % 400);
  }
  if (rng() % 8 == 0) s += "x";
  return s;
}

constexpr int kIterations = 100000;

TEST(RealFormatDiff, TextFormQuoteAndRoundMatchSqliteOnRandomReals) {
  uint64_t seed = test::test_seed();
  SCOPED_TRACE(test::replay_command(seed));
  std::mt19937_64 rng(seed);
  Sqlite db;
  FailureBudget budget;
  for (int i = 0; i < kIterations; ++i) {
    double d = random_double(rng);
    Value v = Value::real(d);
    std::string shown = db.column_text("SELECT ?1", v);
    if (shown != to_text(v) && !budget.check("text of " + exec_test::describe(v) + ": sqlite '" +
                                             shown + "', strata '" + to_text(v) + "'")) {
      return;
    }
    std::vector<Value> one{v};
    if (!budget.check(
            mismatch(db, "SELECT quote(?1)", one, outcome_of(call_function("quote", one))))) {
      return;
    }
    std::vector<Value> two{v, Value::integer(static_cast<int64_t>(rng() % 18))};
    if (!budget.check(
            mismatch(db, "SELECT round(?1, ?2)", two, outcome_of(call_function("round", two))))) {
      return;
    }
  }
}

TEST(RealFormatDiff, TextToNumberMatchesSqliteOnRandomNumericText) {
  uint64_t seed = test::test_seed();
  SCOPED_TRACE(test::replay_command(seed));
  std::mt19937_64 rng(seed);
  Sqlite db;
  FailureBudget budget;
  for (int i = 0; i < kIterations; ++i) {
    std::vector<Value> args{Value::text(random_numeric_text(rng))};
    if (!budget.check(
            mismatch(db, "SELECT CAST(?1 AS REAL)", args, outcome_of(cast(args[0], "REAL")))) ||
        !budget.check(mismatch(db, "SELECT CAST(?1 AS NUMERIC)", args,
                               outcome_of(cast(args[0], "NUMERIC")))) ||
        !budget.check(
            mismatch(db, "SELECT ?1 + 0", args, outcome_of(add(args[0], Value::integer(0)))))) {
      return;
    }
  }
}

TEST(RealFormat, KnownFormsMatchTheDocumentedExamples) {
  EXPECT_EQ(format_real_g15(1.0), "1.0");
  EXPECT_EQ(format_real_g15(0.1), "0.1");
  EXPECT_EQ(format_real_g15(1e20), "1.0e+20");
  EXPECT_EQ(format_real_g15(1.5e-07), "1.5e-07");
  EXPECT_EQ(format_real_g15(-0.0), "0.0");
  EXPECT_EQ(format_real_g15(INFINITY), "Inf");
  EXPECT_EQ(format_real_g15(-INFINITY), "-Inf");
  EXPECT_EQ(format_real_g15(123456789012345678.0), "1.23456789012346e+17");
  EXPECT_EQ(format_real_g15(0.30000000000000004), "0.3");
  EXPECT_EQ(format_real_e20(0.30000000000000004), "3.00000000000000044408e-01");
  EXPECT_EQ(format_real_fixed(1.005, 2), "1.01");  // SQLite's 3e-16 nudge
}

}  // namespace
}  // namespace strata::exec
