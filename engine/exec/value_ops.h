// Value operations with SQLite's semantics: conversions between storage
// classes, the arithmetic/bitwise/concatenation operators, CAST and truth.
//
// The invariant every function here keeps: for the same inputs, the result has
// the same storage class and the same value (reals bit for bit, text byte for
// byte) as SQLite 3.40 gives for the corresponding SQL expression on bound
// parameters. tests/exec/ check this against the real library.
//
// Conversions, as the VDBE does them:
//   integer_value  INTEGER as is; REAL truncated toward zero, saturating;
//                  TEXT/BLOB: the integer prefix ("12abc" -> 12, "1e3" -> 1,
//                  "abc" -> 0), saturating; NULL -> 0.
//   real_value     REAL as is; INTEGER rounded to nearest; TEXT/BLOB: the real
//                  prefix ("1e3x" -> 1000.0, "-" -> -0.0); NULL -> 0.0.
//   to_text        INTEGER in decimal; REAL by "%!.15g" (see real_format.h);
//                  TEXT as is; BLOB bytes as text; NULL -> "" (not a value).
// Every operator returns NULL when an operand is NULL (except as noted).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/value.h"
#include "vfs/status.h"

namespace strata::exec {

// SQLite's upper bound on a string or blob (SQLITE_MAX_LENGTH / LIMIT_LENGTH).
inline constexpr int64_t kMaxLength = 1'000'000'000;

int64_t integer_value(const Value& v);
double real_value(const Value& v);
std::string to_text(const Value& v);
// REAL -> INTEGER for CAST and integer_value: truncation toward zero that
// saturates at INT64_MIN/INT64_MAX (and maps NaN to 0).
int64_t real_to_integer(double r);
// The INTEGER a REAL becomes under NUMERIC/INTEGER affinity: r if it is an exact
// integer strictly between INT64_MIN and INT64_MAX (-0.0 gives 0), else nullopt.
std::optional<int64_t> real_as_exact_integer(double r);

// The number an operand of + - * / % stands for: INTEGER or REAL. TEXT/BLOB use
// the numeric prefix ("12abc" -> 12, "1.5x" -> 1.5, "abc" -> 0, "9223372036854775808"
// -> REAL). REQUIRES: v is not NULL.
Value arithmetic_operand(const Value& v);

// TEXT that is entirely a number (surrounding whitespace allowed) as INTEGER or
// REAL, the way SQLite applies NUMERIC affinity; nullopt otherwise ("12abc",
// "0x10", ""). With try_for_int, a real result that is an exact integer strictly
// inside the int64 range becomes INTEGER ("1e3" -> 1000, "-0.0" -> 0).
std::optional<Value> numeric_text_value(std::string_view text, bool try_for_int);

// Truth in a boolean context (WHERE, AND/OR/NOT, CASE WHEN, iif): NULL -> nullopt;
// INTEGER != 0; REAL != 0.0; TEXT/BLOB: real_value != 0.0 ("1abc" true, "0.0" false).
std::optional<bool> truth(const Value& v);

// Arithmetic. Integer results overflowing int64 are computed in REAL instead;
// integer / and % by zero give NULL; a REAL result that is NaN gives NULL
// (inf - inf); INT64_MIN / -1 is REAL 9.223372036854775808e18. % works on the
// integer values of its operands (5.5 % 2 = 1.0; REAL if either operand is REAL).
Value add(const Value& a, const Value& b);
Value subtract(const Value& a, const Value& b);
Value multiply(const Value& a, const Value& b);
Value divide(const Value& a, const Value& b);
Value remainder(const Value& a, const Value& b);
// Bitwise operators on integer_value of both operands. A negative shift shifts
// the other way; shifts of 64 or more give 0 (or -1 for >> of a negative).
Value bit_and(const Value& a, const Value& b);
Value bit_or(const Value& a, const Value& b);
Value shift_left(const Value& a, const Value& b);
Value shift_right(const Value& a, const Value& b);
// a || b: TEXT of both text forms (BLOB bytes included as is).
Value concat(const Value& a, const Value& b);
// Unary minus of a non-literal operand: SQLite computes 0 - v, so -(0.0) and
// -(-0.0) are +0.0 and -INT64_MIN is REAL. (A negative numeric literal such as
// -0.0 or -9223372036854775808 is the parser's business, not this function's.)
Value negate(const Value& v);
Value bit_not(const Value& v);

// CAST(v AS type_name). The affinity comes from the type name by SQLite's
// rules (an empty name means NUMERIC here, unlike a column's empty type):
//   INTEGER  integer_value (prefix, saturating, REAL truncated)
//   REAL     real_value
//   NUMERIC  TEXT/BLOB -> INTEGER or REAL ("12abc" -> 12, "1.5x" -> 1.5, "1e3" -> 1000);
//            INTEGER and REAL unchanged
//   TEXT     to_text;  BLOB: the bytes of the text form (a BLOB stays as is)
// CAST of NULL is NULL.
Value cast(const Value& v, std::string_view type_name);

}  // namespace strata::exec
