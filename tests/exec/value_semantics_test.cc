// SQLite's value semantics as a specification: the rules users trip over,
// written out as examples. Every expectation here was checked against sqlite3
// 3.40.1; the *_diff_test and *_prop_test files check the same rules (and
// many more cases) against the library itself.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/exec/affinity.h"
#include "engine/exec/functions.h"
#include "engine/exec/like.h"
#include "engine/exec/number_text.h"
#include "engine/exec/value_ops.h"
#include "tests/exec/exec_test_util.h"

namespace strata::exec {
namespace {

using exec_test::same_value;

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

Value I(int64_t i) { return Value::integer(i); }
Value R(double r) { return Value::real(r); }
Value T(std::string s) { return Value::text(std::move(s)); }
Value B(std::string s) { return Value::blob(std::move(s)); }

#define EXPECT_SAME(actual, expected)                                      \
  EXPECT_TRUE(same_value((actual), (expected)))                            \
      << #actual << " is " << exec_test::describe(actual) << ", expected " \
      << exec_test::describe(expected)

TEST(NumberText, ScanRealClassifiesTheWholeText) {
  EXPECT_EQ(scan_real("  12 ").kind, RealScan::kInteger);
  EXPECT_EQ(scan_real("1e3").kind, RealScan::kReal);
  EXPECT_EQ(scan_real("1.").kind, RealScan::kReal);
  EXPECT_EQ(scan_real(".5").kind, RealScan::kReal);
  EXPECT_EQ(scan_real("12abc").kind, RealScan::kNotNumeric);  // integer prefix + junk
  EXPECT_EQ(scan_real("1.5abc").kind, RealScan::kRealPrefix);
  EXPECT_EQ(scan_real("1e").kind, RealScan::kNotNumeric);    // dangling exponent
  EXPECT_EQ(scan_real("1.e").kind, RealScan::kRealPrefix);   // ... but with a '.' it is a real
  EXPECT_EQ(scan_real("0x10").kind, RealScan::kNotNumeric);  // no hexadecimal
  EXPECT_EQ(scan_real("").kind, RealScan::kNotNumeric);
  EXPECT_EQ(scan_real(std::string("12\0", 3)).kind, RealScan::kNotNumeric);  // NUL is junk
  EXPECT_EQ(scan_real("1.5abc").value, 1.5);
  EXPECT_TRUE(std::signbit(scan_real("-").value));  // "-" reads as -0.0
}

TEST(NumberText, ScanIntegerSaturates) {
  EXPECT_EQ(scan_integer(" -12 ").value, -12);
  EXPECT_EQ(scan_integer(" -12 ").kind, IntScan::kExact);
  EXPECT_EQ(scan_integer("12abc").kind, IntScan::kTrailingText);
  EXPECT_EQ(scan_integer("1e3").value, 1);
  EXPECT_EQ(scan_integer("abc").kind, IntScan::kNoDigits);
  EXPECT_EQ(scan_integer("9223372036854775808").kind, IntScan::kTwoPow63);
  EXPECT_EQ(scan_integer("-9223372036854775808").value, kMin);
  EXPECT_EQ(scan_integer("99999999999999999999").value, kMax);
  EXPECT_EQ(scan_integer("99999999999999999999").kind, IntScan::kOverflow);
}

TEST(Arithmetic, TextOperandsUseTheirNumericPrefix) {
  EXPECT_SAME(add(T("12abc"), I(1)), I(13));
  EXPECT_SAME(add(T("abc"), I(1)), I(1));
  EXPECT_SAME(add(T("1.5abc"), I(1)), R(2.5));
  EXPECT_SAME(add(T("0x10"), I(0)), I(0));
  EXPECT_SAME(add(T(" 12 "), I(0)), I(12));
  EXPECT_SAME(add(T("1e3"), I(0)), R(1000.0));
  EXPECT_SAME(add(B("7"), I(0)), I(7));
}

TEST(Arithmetic, OverflowAndDivisionRules) {
  EXPECT_SAME(add(I(kMax), I(1)), R(9223372036854775808.0));
  EXPECT_SAME(multiply(I(kMin), I(-1)), R(9223372036854775808.0));
  EXPECT_SAME(divide(I(kMin), I(-1)), R(9223372036854775808.0));
  EXPECT_SAME(divide(I(7), I(-2)), I(-3));  // truncates toward zero
  EXPECT_SAME(divide(I(1), I(0)), Value::null());
  EXPECT_SAME(divide(R(1), R(0)), Value::null());
  EXPECT_SAME(remainder(I(-7), I(2)), I(-1));
  EXPECT_SAME(remainder(I(kMin), I(-1)), I(0));
  EXPECT_SAME(remainder(R(5.5), I(2)), R(1.0));                    // integer parts, REAL result
  EXPECT_SAME(remainder(T("1e3"), I(7)), R(1.0));                  // % reads "1e3" as the integer 1
  EXPECT_SAME(subtract(R(INFINITY), R(INFINITY)), Value::null());  // NaN becomes NULL
  EXPECT_SAME(negate(I(kMin)), R(9223372036854775808.0));
  EXPECT_SAME(negate(R(0.0)), R(0.0));
  EXPECT_SAME(negate(R(-0.0)), R(0.0));  // 0 - (-0.0) is +0.0
}

TEST(Bitwise, ShiftsAndConversions) {
  EXPECT_SAME(shift_left(I(1), I(63)), I(kMin));
  EXPECT_SAME(shift_left(I(1), I(64)), I(0));
  EXPECT_SAME(shift_right(I(-8), I(1)), I(-4));  // arithmetic shift
  EXPECT_SAME(shift_right(I(-8), I(100)), I(-1));
  EXPECT_SAME(shift_left(I(8), I(-2)), I(2));  // negative amount shifts the other way
  EXPECT_SAME(bit_and(R(7.9), T("3abc")), I(3));
  EXPECT_SAME(bit_not(R(1e30)), I(~kMax));  // reals saturate
}

TEST(TextForm, RealsUseFifteenSignificantDigits) {
  EXPECT_EQ(to_text(R(1.0)), "1.0");
  EXPECT_EQ(to_text(R(0.1)), "0.1");
  EXPECT_EQ(to_text(R(1e20)), "1.0e+20");
  EXPECT_EQ(to_text(R(1.5e-7)), "1.5e-07");
  EXPECT_EQ(to_text(R(-0.0)), "0.0");
  EXPECT_EQ(to_text(R(INFINITY)), "Inf");
  EXPECT_EQ(to_text(R(-INFINITY)), "-Inf");
  EXPECT_EQ(to_text(R(0.1 + 0.2)), "0.3");
  EXPECT_SAME(concat(R(2.0), I(3)), T("2.03"));
}

TEST(Truth, TextIsReadAsANumber) {
  EXPECT_EQ(truth(T("1abc")), true);
  EXPECT_EQ(truth(T("abc")), false);
  EXPECT_EQ(truth(T("0.0")), false);
  EXPECT_EQ(truth(T(" 0.5")), true);
  EXPECT_EQ(truth(R(-0.0)), false);
  EXPECT_EQ(truth(Value::null()), std::nullopt);
}

TEST(Cast, FollowsTheAffinityOfTheTypeName) {
  EXPECT_SAME(cast(T("12abc"), "INTEGER"), I(12));
  EXPECT_SAME(cast(T("abc"), "INTEGER"), I(0));
  EXPECT_SAME(cast(T("1e3"), "INTEGER"), I(1));  // integer prefix only
  EXPECT_SAME(cast(R(-1.9), "INT"), I(-1));
  EXPECT_SAME(cast(R(1e30), "INTEGER"), I(kMax));
  EXPECT_SAME(cast(T("1e3"), "NUMERIC"), I(1000));
  EXPECT_SAME(cast(T("1.5abc"), "NUMERIC"), R(1.5));
  EXPECT_SAME(cast(R(4.0), "NUMERIC"), R(4.0));  // numbers are left alone
  EXPECT_SAME(cast(T("12"), "STRING"), I(12));   // "STRING" has NUMERIC affinity
  EXPECT_SAME(cast(T("12"), ""), I(12));
  EXPECT_SAME(cast(R(1.5), "TEXT"), T("1.5"));
  EXPECT_SAME(cast(I(5), "BLOB"), B("5"));
  EXPECT_SAME(cast(Value::null(), "INTEGER"), Value::null());
}

TEST(Affinity, StoringConvertsAsDocumented) {
  EXPECT_SAME(apply_affinity(T(" 12 "), Affinity::kInteger), I(12));
  EXPECT_SAME(apply_affinity(T("1e3"), Affinity::kNumeric), I(1000));
  EXPECT_SAME(apply_affinity(T("1.5"), Affinity::kNumeric), R(1.5));
  EXPECT_SAME(apply_affinity(T("12abc"), Affinity::kNumeric), T("12abc"));
  EXPECT_SAME(apply_affinity(T("0x10"), Affinity::kInteger), T("0x10"));
  EXPECT_SAME(apply_affinity(R(3.0), Affinity::kInteger), I(3));
  EXPECT_SAME(apply_affinity(R(-0.0), Affinity::kNumeric), I(0));
  EXPECT_SAME(apply_affinity(R(9223372036854775808.0), Affinity::kInteger),
              R(9223372036854775808.0));
  EXPECT_SAME(apply_affinity(T("9223372036854775807"), Affinity::kNumeric), I(kMax));
  EXPECT_SAME(apply_affinity(I(5), Affinity::kReal), R(5.0));
  EXPECT_SAME(apply_affinity(R(-0.0), Affinity::kReal), R(0.0));
  EXPECT_SAME(apply_affinity(R(1.5), Affinity::kText), T("1.5"));
  EXPECT_SAME(apply_affinity(B("12"), Affinity::kInteger), B("12"));
  EXPECT_SAME(apply_affinity(T("12"), Affinity::kNone), T("12"));
}

TEST(Affinity, ComparisonConvertsOnlyUnderColumnAffinity) {
  // A column of INTEGER affinity against a literal: the text becomes a number.
  EXPECT_EQ(compare_with_affinity(I(1000), Affinity::kInteger, T("1e3"), Affinity::kNone), 0);
  // Two expressions without affinity: INTEGER sorts before TEXT.
  EXPECT_LT(*compare_with_affinity(I(1000), Affinity::kNone, T("1e3"), Affinity::kNone), 0);
  // A TEXT column against a number without affinity: the number becomes text.
  EXPECT_EQ(compare_with_affinity(T("10"), Affinity::kText, I(10), Affinity::kNone), 0);
  EXPECT_GT(*compare_with_affinity(T("9"), Affinity::kText, I(10), Affinity::kNone), 0);
  // A TEXT column against a BLOB column: no conversion at all.
  OperandAffinity text_column{Affinity::kText, true}, blob_column{Affinity::kNone, true};
  EXPECT_GT(*compare_with_affinity(T("1"), text_column, I(1), blob_column), 0);
  EXPECT_EQ(compare_with_affinity(Value::null(), Affinity::kNone, I(1), Affinity::kNone),
            std::nullopt);
}

Result<Value> call(std::string_view name, std::vector<Value> args) {
  return call_function(name, args);
}

TEST(Functions, CornerCasesUsersMeet) {
  EXPECT_EQ(call("abs", {I(kMin)}).status().message(), "integer overflow");
  EXPECT_SAME(*call("abs", {R(-0.0)}), R(-0.0));
  EXPECT_SAME(*call("abs", {T("-5")}), R(5.0));
  EXPECT_SAME(*call("length", {T("\xc3\xa9t\xc3\xa9")}), I(3));
  EXPECT_SAME(*call("length", {B("\xc3\xa9")}), I(2));
  EXPECT_SAME(*call("length", {R(1.0)}), I(3));
  EXPECT_SAME(*call("substr", {T("hello"), I(0), I(2)}), T("h"));
  EXPECT_SAME(*call("substr", {T("hello"), I(-3)}), T("llo"));
  EXPECT_SAME(*call("substr", {T("hello"), I(3), I(-2)}), T("he"));
  EXPECT_SAME(*call("substr", {T("hello"), I(4294967297), I(2)}), T("he"));  // 32-bit start
  EXPECT_SAME(*call("round", {R(2.5)}), R(3.0));
  EXPECT_SAME(*call("round", {R(-2.5)}), R(-3.0));
  EXPECT_SAME(*call("round", {R(1.005), I(2)}), R(1.01));
  EXPECT_SAME(*call("round", {R(-0.001), I(2)}), R(-0.0));
  EXPECT_SAME(*call("quote", {R(0.1)}), T("0.1"));
  EXPECT_SAME(*call("quote", {R(0.1 + 0.2)}), T("3.00000000000000044408e-01"));
  EXPECT_SAME(*call("quote", {T("it's")}), T("'it''s'"));
  EXPECT_SAME(*call("quote", {B("\x01\xab")}), T("X'01AB'"));
  EXPECT_SAME(*call("min", {I(1), R(1.0)}), R(1.0));  // ties: min takes the last
  EXPECT_SAME(*call("max", {I(1), R(1.0)}), I(1));    // ... max the first
  EXPECT_SAME(*call("min", {I(1), Value::null()}), Value::null());
  EXPECT_SAME(*call("replace", {I(5), T(""), T("x")}), I(5));
  EXPECT_SAME(*call("instr", {B("\xc3\xa9"
                                "ab"),
                              B("ab")}),
              I(3));  // bytes for blobs
  EXPECT_SAME(*call("instr", {T("\xc3\xa9"
                                "ab"),
                              T("ab")}),
              I(2));  // characters for text
  EXPECT_SAME(*call("sign", {T("12abc")}), Value::null());
  EXPECT_SAME(*call("hex", {Value::null()}), T(""));
  EXPECT_SAME(*call("char", {I(72), I(0x20AC)}), T("H\xe2\x82\xac"));
  EXPECT_SAME(*call("unicode", {T("")}), Value::null());
  EXPECT_SAME(*call("trim", {T("xxhixx"), T("x")}), T("hi"));
  EXPECT_SAME(*call("upper", {T("\xc3\xa9t\xc3\xa9")}), T("\xc3\xa9T\xc3\xa9"));  // ASCII only
  EXPECT_SAME(*call("iif", {T("0.0"), I(1), I(2)}), I(2));
  EXPECT_SAME(*call("nullif", {I(1), R(1.0)}), Value::null());
  EXPECT_EQ(call("substr", {T("x")}).status().message(),
            "wrong number of arguments to function substr()");
  EXPECT_EQ(call("nope", {}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(call("zeroblob", {I(2000000000)}).status().message(), "string or blob too big");
}

TEST(Like, BlobsNeverMatchInTheReferenceBuild) {
  EXPECT_SAME(*like(B("a"), T("a"), nullptr), I(0));
  EXPECT_SAME(glob(T("a"), B("a")), I(0));
  EXPECT_SAME(*like(T("a"), T("A"), nullptr), I(1));
}

TEST(Robustness, NanInputsNeverCrash) {
  // SQLite values are never NaN, but a caller could build one: results are
  // NULL where SQLite would turn a NaN result into NULL.
  Value nan = R(std::nan(""));
  EXPECT_SAME(add(nan, I(1)), Value::null());
  EXPECT_EQ(to_text(nan), "NaN");
  EXPECT_EQ(integer_value(nan), 0);
  for (std::string_view name : {"abs", "round", "quote", "sign", "length", "hex", "typeof"}) {
    EXPECT_TRUE(call(name, {nan}).ok()) << name;
  }
  EXPECT_SAME(*call("round", {nan}), Value::null());
  EXPECT_SAME(*call("abs", {nan}), Value::null());
}

}  // namespace
}  // namespace strata::exec
