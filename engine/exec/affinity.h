// Column affinity and the type conversions SQLite makes before storing and
// before comparing (https://sqlite.org/datatype3.html, sections 3 and 4.2).
//
// An expression has an affinity if it is a column reference or a CAST; every
// other expression (literal, parameter, operator, function) has none. Values
// read from a column already carry the column's affinity (apply_affinity was
// applied when they were stored).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "engine/value.h"

namespace strata::exec {

// kNone is both BLOB affinity and "no affinity"; see OperandAffinity for the one
// place where the two differ.
enum class Affinity : uint8_t { kNone /* BLOB */, kText, kNumeric, kInteger, kReal };

// The affinity of a column declared with this type name, by the rules of
// datatype3.html 3.1 applied as SQLite's scanner does (case-insensitive; "INT"
// anywhere wins; then CHAR/CLOB/TEXT; then BLOB; then REAL/FLOA/DOUB; an empty
// name is BLOB; anything else NUMERIC).
Affinity affinity_of_type(std::string_view declared_type);
// The affinity CAST(x AS type_name) converts to: the same rules, except that an
// empty name means NUMERIC (SQLite parses "CAST(x AS)" and treats it so).
Affinity cast_affinity_of_type(std::string_view type_name);

// The value a column of affinity `a` stores (and reads back) for v:
//   TEXT     INTEGER/REAL -> their text form (REAL by "%!.15g")
//   NUMERIC, INTEGER  TEXT that is entirely a number -> INTEGER if it is an exact
//            integer within (INT64_MIN, INT64_MAX), else REAL; REAL that is an
//            exact integer in that range -> INTEGER (-0.0 -> 0)
//   REAL     like NUMERIC, then INTEGER -> REAL (so "5" -> 5.0, -0.0 -> 0.0)
//   BLOB     unchanged
// NULL and BLOB values are never converted.
Value apply_affinity(const Value& v, Affinity a);

// One comparison operand's affinity. `declared` is true for column references
// and CASTs, false otherwise. It matters in one case only: TEXT is applied to an
// operand without affinity but not to a BLOB-affinity column (t.text_col =
// t.blob_col compares without conversion).
struct OperandAffinity {
  Affinity affinity = Affinity::kNone;
  bool declared = false;
};

// The affinity SQLite converts both operands to before comparing them:
//   both declared: NUMERIC if either is INTEGER/REAL/NUMERIC, else none;
//   otherwise: the declared operand's affinity (none if neither is declared).
Affinity comparison_affinity(OperandAffinity a, OperandAffinity b);

// a <op> b for = <> < <= > >=: nullopt if either is NULL, else <0, 0, >0 by
// Value::compare after the conversions of datatype3.html 4.2: under NUMERIC
// (INTEGER, REAL) comparison affinity, TEXT operands that are entirely numbers
// become numbers; under TEXT, INTEGER/REAL operands become text.
std::optional<int> compare_with_affinity(const Value& a, OperandAffinity aa, const Value& b,
                                         OperandAffinity ab);
// The same with plain affinities, where kNone means "no affinity" and anything
// else a declared one. Exact except for TEXT against a BLOB-affinity column.
std::optional<int> compare_with_affinity(const Value& a, Affinity aa, const Value& b, Affinity ab);
// a <op> b when the comparison affinity is already known (IN lists, BETWEEN,
// CASE x WHEN ...): kNone compares the values as they are.
std::optional<int> compare_under_affinity(const Value& a, const Value& b, Affinity comparison);

}  // namespace strata::exec
