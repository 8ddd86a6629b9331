#include "oracle/result.h"

#include <fmt/core.h>

#include <cstdint>
#include <optional>

#include "engine/exec/real_format.h"
#include "engine/exec/value_ops.h"

namespace strata::oracle {

SqlResult SqlResult::failure(StatusCode code, std::string error) {
  SqlResult r;
  r.ok = false;
  r.code = code;
  r.error = std::move(error);
  return r;
}

namespace {

constexpr char kHex[] = "0123456789abcdef";

std::string quoted_text(const std::string& bytes) {
  std::string out = "'";
  for (unsigned char c : bytes) {
    if (c == '\'') {
      out += "''";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out + "'";
}

std::string hex_blob(const std::string& bytes) {
  std::string out = "x'";
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out + "'";
}

}  // namespace

std::string normal_form(const Value& v) {
  switch (v.type()) {
    case ValueType::kNull:
      return "NULL";
    case ValueType::kInteger:
      return "INTEGER " + std::to_string(v.as_integer());
    case ValueType::kReal:
      return "REAL " + exec::format_real_g15(v.as_real());
    case ValueType::kText:
      return "TEXT " + quoted_text(v.as_text());
    case ValueType::kBlob:
      return "BLOB " + hex_blob(v.as_blob());
  }
  return "?";
}

std::string equality_form(const Value& v) {
  switch (v.type()) {
    case ValueType::kInteger:
      return "NUMBER " + std::to_string(v.as_integer());
    case ValueType::kReal: {
      // An integral real equal to an int64 compares equal to that integer in SQLite.
      double r = v.as_real();
      if (std::optional<int64_t> i = exec::real_as_exact_integer(r)) {
        return "NUMBER " + std::to_string(*i);
      }
      if (r == -0x1p63) return "NUMBER " + std::to_string(INT64_MIN);
      return "NUMBER " + exec::format_real_g15(r);
    }
    default:
      return normal_form(v);
  }
}

std::string describe_row(const Row& row) {
  std::string out;
  for (size_t i = 0; i < row.size(); ++i) {
    if (i) out += " | ";
    out += normal_form(row[i]);
  }
  return out;
}

std::string describe_result(const SqlResult& r, size_t max_rows) {
  if (!r.ok) return "error: " + r.error;
  std::string out =
      fmt::format("ok: {} row{}, {} change{}", r.rows.size(), r.rows.size() == 1 ? "" : "s",
                  r.changes, r.changes == 1 ? "" : "s");
  for (size_t i = 0; i < r.rows.size() && i < max_rows; ++i) {
    out += "\n    " + describe_row(r.rows[i]);
  }
  if (r.rows.size() > max_rows) out += fmt::format("\n    ... ({} more)", r.rows.size() - max_rows);
  return out;
}

}  // namespace strata::oracle
