// The functions engine/exec provides and the arities SQLite accepts for them,
// and the SQL that calls one on bound parameters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/exec/value_ops.h"
#include "engine/value.h"

namespace strata::exec_test {

struct FunctionArity {
  std::string name;
  int arity;
};

inline std::vector<std::string_view> function_names() {
  return {"abs",    "char",    "coalesce", "glob",  "hex",     "ifnull", "iif",       "instr",
          "length", "like",    "likely",   "lower", "ltrim",   "max",    "min",       "nullif",
          "quote",  "replace", "round",    "rtrim", "sign",    "substr", "substring", "trim",
          "typeof", "unicode", "unlikely", "upper", "zeroblob"};
}

// Every (function, arity) SQLite accepts as a scalar call, variadic ones at
// their smallest arities (larger ones are tested separately).
inline std::vector<FunctionArity> function_arities() {
  return {{"abs", 1},       {"char", 0},    {"char", 1},    {"char", 2},   {"coalesce", 2},
          {"glob", 2},      {"hex", 1},     {"ifnull", 2},  {"iif", 3},    {"instr", 2},
          {"length", 1},    {"like", 2},    {"like", 3},    {"likely", 1}, {"lower", 1},
          {"ltrim", 1},     {"ltrim", 2},   {"max", 2},     {"min", 2},    {"nullif", 2},
          {"quote", 1},     {"replace", 3}, {"round", 1},   {"round", 2},  {"rtrim", 1},
          {"rtrim", 2},     {"sign", 1},    {"substr", 2},  {"substr", 3}, {"substring", 2},
          {"substring", 3}, {"trim", 1},    {"trim", 2},    {"typeof", 1}, {"unicode", 1},
          {"unlikely", 1},  {"upper", 1},   {"zeroblob", 1}};
}

// True for a zeroblob() size that SQLite accepts but that would make both sides
// allocate up to a gigabyte (sizes over 1e9 are an error, tested on their own).
inline bool is_large_length(const Value& v) {
  int64_t n = exec::integer_value(v);
  return n > 1'000'000 && n <= exec::kMaxLength;
}

// "name(?1, ?2, ...)".
inline std::string function_call(std::string_view name, int arity) {
  std::string call = std::string(name) + "(";
  for (int i = 1; i <= arity; ++i) call += (i > 1 ? ", ?" : "?") + std::to_string(i);
  return call + ")";
}

// "SELECT name(?1, ?2, ...)".
inline std::string function_sql(std::string_view name, int arity) {
  return "SELECT " + function_call(name, arity);
}

}  // namespace strata::exec_test
