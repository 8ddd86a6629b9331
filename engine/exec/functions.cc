#include "engine/exec/functions.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "engine/exec/like.h"
#include "engine/exec/number_text.h"
#include "engine/exec/real_format.h"
#include "engine/exec/utf8.h"
#include "engine/exec/value_ops.h"

namespace strata::exec {

namespace {

using Args = std::span<const Value>;
using Impl = Result<Value> (*)(Args);

// SQLITE_MAX_FUNCTION_ARG of the reference build.
constexpr int64_t kMaxFunctionArgs = 127;

constexpr char kHexDigits[] = "0123456789ABCDEF";

Status too_big() { return Status::invalid_argument("string or blob too big"); }

// sqlite3_value_int: the integer value truncated to 32 bits.
int64_t int32_value(const Value& v) { return static_cast<int32_t>(integer_value(v)); }

Result<Value> fn_abs(Args args) {
  const Value& v = args[0];
  switch (v.type()) {
    case ValueType::kNull:
      return Value::null();
    case ValueType::kInteger: {
      int64_t i = v.as_integer();
      if (i == std::numeric_limits<int64_t>::min()) {
        return Status::invalid_argument("integer overflow");
      }
      return Value::integer(i < 0 ? -i : i);
    }
    default: {
      double r = real_value(v);
      if (r < 0) r = -r;  // -0.0 stays -0.0, as in SQLite
      return Value::real(r);
    }
  }
}

Result<Value> fn_char(Args args) {
  std::string out;
  for (const Value& arg : args) {
    int64_t x = integer_value(arg);
    if (x < 0 || x > 0x10ffff) x = 0xfffd;
    auto c = static_cast<uint32_t>(x);
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 + ((c >> 6) & 0x1F));
      out += static_cast<char>(0x80 + (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 + ((c >> 12) & 0x0F));
      out += static_cast<char>(0x80 + ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 + (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 + ((c >> 18) & 0x07));
      out += static_cast<char>(0x80 + ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 + ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 + (c & 0x3F));
    }
  }
  return Value::text(std::move(out));
}

Result<Value> fn_coalesce(Args args) {
  for (const Value& arg : args) {
    if (!arg.is_null()) return arg;
  }
  return Value::null();
}

Result<Value> fn_glob(Args args) { return glob_checked(args[1], args[0]); }

Result<Value> fn_hex(Args args) {
  std::string bytes = to_text(args[0]);
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHexDigits[c >> 4];
    out += kHexDigits[c & 0xf];
  }
  return Value::text(std::move(out));
}

Result<Value> fn_iif(Args args) { return truth(args[0]).value_or(false) ? args[1] : args[2]; }

Result<Value> fn_instr(Args args) {
  const Value& haystack = args[0];
  const Value& needle = args[1];
  if (haystack.is_null() || needle.is_null()) return Value::null();
  std::string hay = to_text(haystack);
  std::string pin = to_text(needle);
  int64_t position = 1;
  if (!pin.empty()) {
    // Positions count characters unless both operands are blobs.
    bool is_text = !(haystack.type() == ValueType::kBlob && needle.type() == ValueType::kBlob);
    size_t at = 0;
    while (pin.size() <= hay.size() - at && hay.compare(at, pin.size(), pin) != 0) {
      ++position;
      do {
        ++at;
      } while (is_text && at < hay.size() && (static_cast<unsigned char>(hay[at]) & 0xc0) == 0x80);
    }
    if (pin.size() > hay.size() - at) position = 0;
  }
  return Value::integer(position);
}

Result<Value> fn_length(Args args) {
  const Value& v = args[0];
  switch (v.type()) {
    case ValueType::kNull:
      return Value::null();
    case ValueType::kText:
      return Value::integer(static_cast<int64_t>(utf8_char_count(c_string(v.as_text()))));
    default:
      return Value::integer(static_cast<int64_t>(to_text(v).size()));
  }
}

Result<Value> fn_like(Args args) {
  return like(args[1], args[0], args.size() == 3 ? &args[2] : nullptr);
}

Result<Value> fn_identity(Args args) { return args[0]; }

Result<Value> change_case(const Value& v, bool upper) {
  if (v.is_null()) return Value::null();
  std::string s = to_text(v);
  for (char& ch : s) {
    if (upper && ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - ('a' - 'A'));
    if (!upper && ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + ('a' - 'A'));
  }
  return Value::text(std::move(s));
}

Result<Value> fn_lower(Args args) { return change_case(args[0], /*upper=*/false); }
Result<Value> fn_upper(Args args) { return change_case(args[0], /*upper=*/true); }

// trim, ltrim, rtrim. The input is all its bytes; the character set ends at a NUL.
Result<Value> trim(Args args, bool left, bool right) {
  if (args[0].is_null()) return Value::null();
  std::string input = to_text(args[0]);
  std::vector<std::string_view> set;
  std::string set_text;
  if (args.size() == 1) {
    set.push_back(" ");
  } else {
    if (args[1].is_null()) return Value::null();
    set_text = to_text(args[1]);
    std::string_view chars = c_string(set_text);
    for (size_t pos = 0; pos < chars.size();) {
      size_t start = pos;
      utf8_skip(chars, &pos);
      // SQLite records each character's length in a byte. A character of 256+
      // bytes (a lead byte and 255 continuation bytes) is compared by that
      // truncated length; at exactly 0 SQLite would loop forever, we skip it.
      size_t length = static_cast<uint8_t>(pos - start);
      if (length > 0) set.push_back(chars.substr(start, length));
    }
  }
  std::string_view rest = input;
  auto starts_with_member = [&set](std::string_view s) -> size_t {
    for (std::string_view member : set) {
      if (member.size() <= s.size() && s.compare(0, member.size(), member) == 0) {
        return member.size();
      }
    }
    return 0;
  };
  auto ends_with_member = [&set](std::string_view s) -> size_t {
    for (std::string_view member : set) {
      if (member.size() <= s.size() &&
          s.compare(s.size() - member.size(), member.size(), member) == 0) {
        return member.size();
      }
    }
    return 0;
  };
  if (left) {
    while (!rest.empty()) {
      size_t n = starts_with_member(rest);
      if (n == 0) break;
      rest.remove_prefix(n);
    }
  }
  if (right) {
    while (!rest.empty()) {
      size_t n = ends_with_member(rest);
      if (n == 0) break;
      rest.remove_suffix(n);
    }
  }
  return Value::text(std::string(rest));
}

Result<Value> fn_trim(Args args) { return trim(args, true, true); }
Result<Value> fn_ltrim(Args args) { return trim(args, true, false); }
Result<Value> fn_rtrim(Args args) { return trim(args, false, true); }

// min/max of 2+ arguments: NULL if any is NULL. On ties min() returns the last
// of the equal arguments and max() the first (1 and 1.0 are equal).
Result<Value> min_max(Args args, bool want_max) {
  size_t best = 0;
  if (args[0].is_null()) return Value::null();
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i].is_null()) return Value::null();
    int c = Value::compare(args[best], args[i]);
    if (want_max ? c < 0 : c >= 0) best = i;
  }
  return args[best];
}

Result<Value> fn_max(Args args) { return min_max(args, true); }
Result<Value> fn_min(Args args) { return min_max(args, false); }

Result<Value> fn_nullif(Args args) {
  if (Value::compare(args[0], args[1]) != 0) return args[0];
  return Value::null();
}

Result<Value> fn_quote(Args args) {
  const Value& v = args[0];
  switch (v.type()) {
    case ValueType::kNull:
      return Value::text("NULL");
    case ValueType::kInteger:
      return Value::text(std::to_string(v.as_integer()));
    case ValueType::kReal: {
      // 15 significant digits if they read back exactly, else 21.
      std::string s = format_real_g15(v.as_real());
      if (scan_real(s).value != v.as_real()) s = format_real_e20(v.as_real());
      return Value::text(std::move(s));
    }
    case ValueType::kText: {
      std::string out = "'";
      for (char ch : c_string(v.as_text())) {
        out += ch;
        if (ch == '\'') out += '\'';
      }
      out += '\'';
      return Value::text(std::move(out));
    }
    case ValueType::kBlob: {
      std::string out = "X'";
      for (unsigned char c : v.as_blob()) {
        out += kHexDigits[c >> 4];
        out += kHexDigits[c & 0xf];
      }
      out += '\'';
      return Value::text(std::move(out));
    }
  }
  return Value::null();
}

Result<Value> fn_replace(Args args) {
  if (args[0].is_null() || args[1].is_null()) return Value::null();
  std::string pattern = to_text(args[1]);
  // An empty pattern (or one starting with NUL) returns the first argument as
  // it is after SQLite read its text: numbers keep their type, a BLOB turns TEXT.
  if (pattern.empty() || pattern[0] == '\0') {
    if (args[0].type() == ValueType::kBlob) return Value::text(args[0].as_blob());
    return args[0];
  }
  if (args[2].is_null()) return Value::null();
  std::string input = to_text(args[0]);
  std::string replacement = to_text(args[2]);
  std::string out;
  size_t i = 0;
  while (i + pattern.size() <= input.size()) {
    if (input.compare(i, pattern.size(), pattern) == 0) {
      out += replacement;
      i += pattern.size();
      if (static_cast<int64_t>(out.size()) > kMaxLength) return too_big();
    } else {
      out += input[i++];
    }
  }
  out.append(input, i, std::string::npos);
  return Value::text(std::move(out));
}

Result<Value> fn_round(Args args) {
  int64_t digits = 0;
  if (args.size() == 2) {
    if (args[1].is_null()) return Value::null();
    digits = std::clamp<int64_t>(int32_value(args[1]), 0, 30);
  }
  if (args[0].is_null()) return Value::null();
  double r = real_value(args[0]);
  if (std::isnan(r)) return Value::null();
  if (r < -4503599627370496.0 || r > 4503599627370496.0) {
    // |r| >= 2^52: no fractional part to round.
  } else if (digits == 0) {
    r = static_cast<double>(static_cast<int64_t>(r + (r < 0 ? -0.5 : +0.5)));
  } else {
    r = scan_real(format_real_fixed(r, static_cast<int>(digits))).value;
  }
  return Value::real(r);
}

Result<Value> fn_sign(Args args) {
  Value v = args[0];
  if (v.type() == ValueType::kText) {
    std::optional<Value> number = numeric_text_value(v.as_text(), /*try_for_int=*/false);
    if (!number) return Value::null();
    v = *number;
  }
  if (!v.is_numeric()) return Value::null();
  double x = real_value(v);
  return Value::integer(x < 0.0 ? -1 : (x > 0.0 ? 1 : 0));
}

Result<Value> fn_substr(Args args) {
  if (args[1].is_null() || (args.size() == 3 && args[2].is_null())) return Value::null();
  const Value& source = args[0];
  if (source.is_null()) return Value::null();
  bool is_blob = source.type() == ValueType::kBlob;
  std::string text_form;
  std::string_view bytes;
  if (is_blob) {
    bytes = source.as_blob();
    // sqlite3_value_blob gives a null pointer for an empty blob: substr returns NULL.
    if (bytes.empty()) return Value::null();
  } else {
    text_form = to_text(source);
    bytes = c_string(text_form);
  }
  int64_t start = int32_value(args[1]);
  int64_t length = 0;  // in characters (bytes for a blob)
  if (start < 0) {
    length = static_cast<int64_t>(is_blob ? bytes.size() : utf8_char_count(bytes));
  }
  int64_t count;
  bool negative_count = false;
  if (args.size() == 3) {
    count = int32_value(args[2]);
    if (count < 0) {
      count = -count;
      negative_count = true;
    }
  } else {
    count = kMaxLength;
  }
  // Positions are 1-based; 0 is "just before the first" and negative counts from
  // the end; a negative count takes characters before the start.
  if (start < 0) {
    start += length;
    if (start < 0) {
      count += start;
      if (count < 0) count = 0;
      start = 0;
    }
  } else if (start > 0) {
    start--;
  } else if (count > 0) {
    count--;
  }
  if (negative_count) {
    start -= count;
    if (start < 0) {
      count += start;
      start = 0;
    }
  }
  if (is_blob) {
    auto size = static_cast<int64_t>(bytes.size());
    if (start >= size) return Value::blob(std::string());
    count = std::min(count, size - start);
    return Value::blob(
        std::string(bytes.substr(static_cast<size_t>(start), static_cast<size_t>(count))));
  }
  size_t begin = 0;
  for (; begin < bytes.size() && start > 0; --start) utf8_skip(bytes, &begin);
  size_t end = begin;
  for (; end < bytes.size() && count > 0; --count) utf8_skip(bytes, &end);
  return Value::text(std::string(bytes.substr(begin, end - begin)));
}

Result<Value> fn_typeof(Args args) {
  switch (args[0].type()) {
    case ValueType::kNull:
      return Value::text("null");
    case ValueType::kInteger:
      return Value::text("integer");
    case ValueType::kReal:
      return Value::text("real");
    case ValueType::kText:
      return Value::text("text");
    case ValueType::kBlob:
      return Value::text("blob");
  }
  return Value::null();
}

Result<Value> fn_unicode(Args args) {
  if (args[0].is_null()) return Value::null();
  std::string text = to_text(args[0]);
  std::string_view chars = c_string(text);
  if (chars.empty()) return Value::null();
  size_t pos = 0;
  return Value::integer(utf8_read(chars, &pos));
}

Result<Value> fn_zeroblob(Args args) {
  int64_t n = integer_value(args[0]);
  if (n < 0) n = 0;
  if (n > kMaxLength) return too_big();
  return Value::blob(std::string(static_cast<size_t>(n), '\0'));
}

struct FunctionDef {
  std::string_view name;
  int min_args;
  int max_args;  // -1: no limit
  Impl impl;
};

constexpr FunctionDef kFunctions[] = {
    {"abs", 1, 1, fn_abs},       {"char", 0, -1, fn_char},        {"coalesce", 2, -1, fn_coalesce},
    {"glob", 2, 2, fn_glob},     {"hex", 1, 1, fn_hex},           {"ifnull", 2, 2, fn_coalesce},
    {"iif", 3, 3, fn_iif},       {"instr", 2, 2, fn_instr},       {"length", 1, 1, fn_length},
    {"like", 2, 3, fn_like},     {"likely", 1, 1, fn_identity},   {"lower", 1, 1, fn_lower},
    {"ltrim", 1, 2, fn_ltrim},   {"max", 2, -1, fn_max},          {"min", 2, -1, fn_min},
    {"nullif", 2, 2, fn_nullif}, {"quote", 1, 1, fn_quote},       {"replace", 3, 3, fn_replace},
    {"round", 1, 2, fn_round},   {"rtrim", 1, 2, fn_rtrim},       {"sign", 1, 1, fn_sign},
    {"substr", 2, 3, fn_substr}, {"substring", 2, 3, fn_substr},  {"trim", 1, 2, fn_trim},
    {"typeof", 1, 1, fn_typeof}, {"unicode", 1, 1, fn_unicode},   {"unlikely", 1, 1, fn_identity},
    {"upper", 1, 1, fn_upper},   {"zeroblob", 1, 1, fn_zeroblob},
};

const FunctionDef* find_function(std::string_view name) {
  for (const FunctionDef& def : kFunctions) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

}  // namespace

Result<Value> call_function(std::string_view name, std::span<const Value> args) {
  const FunctionDef* def = find_function(name);
  if (def == nullptr) return Status::not_found("no such function: " + std::string(name));
  auto argc = static_cast<int64_t>(args.size());
  if (argc > kMaxFunctionArgs) {
    return Status::invalid_argument("too many arguments on function " + std::string(name));
  }
  if (argc < def->min_args || (def->max_args >= 0 && argc > def->max_args)) {
    if ((name == "min" || name == "max") && argc == 1) {
      return Status::invalid_argument("misuse of aggregate function " + std::string(name) + "()");
    }
    return Status::invalid_argument("wrong number of arguments to function " + std::string(name) +
                                    "()");
  }
  Result<Value> result = def->impl(args);
  // sqlite3_result_double turns NaN into NULL (only reachable from a NaN input).
  if (result.ok() && result->type() == ValueType::kReal && std::isnan(result->as_real())) {
    return Value::null();
  }
  if (result.ok() && (result->type() == ValueType::kText || result->type() == ValueType::kBlob) &&
      static_cast<int64_t>(result->bytes().size()) > kMaxLength) {
    return too_big();
  }
  return result;
}

bool is_scalar_function(std::string_view name) { return find_function(name) != nullptr; }

}  // namespace strata::exec
