// SQLite's deterministic core scalar functions, by lower-case name.
//
//   abs char coalesce glob hex ifnull iif instr length like likely lower ltrim
//   max min nullif quote replace round rtrim sign substr substring trim typeof
//   unicode unlikely upper zeroblob
//
// Results equal SQLite 3.40's for the same arguments (type and value); text is
// handled as SQLite does without ICU: upper/lower change ASCII letters only,
// characters are UTF-8 code points (utf8.h), many functions see a text argument
// only up to its first NUL byte, and collation is BINARY.
//
// Errors (Status):
//   kNotFound         "no such function: foo"
//   kInvalidArgument  "wrong number of arguments to function substr()"
//                     "too many arguments on function char" (more than 127)
//                     "misuse of aggregate function min()" (min/max with one
//                       argument are aggregates: the planner must handle those)
//   kInvalidArgument  runtime errors with SQLite's message: abs(-9223372036854775808)
//                     "integer overflow"; zeroblob over 1e9 bytes "string or blob
//                     too big"; like()/glob() errors as in like.h.
// Not provided: random(), randomblob() (non-deterministic), likelihood(),
// printf()/format(), date/time, json and math functions.
#pragma once

#include <span>
#include <string_view>

#include "engine/value.h"
#include "vfs/status.h"

namespace strata::exec {

// REQUIRES: name is lower case (SQL function names are case-insensitive).
Result<Value> call_function(std::string_view name, std::span<const Value> args);

// True if name is a function call_function knows (with any number of arguments).
bool is_scalar_function(std::string_view name);

}  // namespace strata::exec
