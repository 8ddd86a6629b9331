// Shared helpers for the engine/exec tests: the real SQLite library as the
// oracle, exact value identity, failure descriptions, hand-picked values that
// hit SQLite's conversion corner cases, and RapidCheck generators for them.
//
// Every differential check evaluates one SQL expression on bound parameters
// (SELECT ?1 + ?2, SELECT substr(?1, ?2), ...) with sqlite3 and the same
// operation with strata::exec, and requires the same storage class and value:
// reals bit for bit, text and blobs byte for byte, errors with the same message.
#pragma once

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <sqlite3.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "engine/value.h"
#include "vfs/status.h"

namespace strata {

// gtest and RapidCheck find these by ADL to print values in failure messages.
inline void PrintTo(const Value& v, std::ostream* os) { *os << v.debug_string(); }
inline void showValue(const Value& v, std::ostream& os) { os << v.debug_string(); }

namespace exec_test {

// Exact identity: same storage class and, for reals, the same bits (-0.0 != 0.0).
inline bool same_value(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  if (a.type() == ValueType::kReal) {
    return std::bit_cast<uint64_t>(a.as_real()) == std::bit_cast<uint64_t>(b.as_real());
  }
  return Value::compare(a, b) == 0;
}

inline const char* type_name(ValueType t) {
  switch (t) {
    case ValueType::kNull:
      return "null";
    case ValueType::kInteger:
      return "integer";
    case ValueType::kReal:
      return "real";
    case ValueType::kText:
      return "text";
    case ValueType::kBlob:
      return "blob";
  }
  return "?";
}

// "real -0 (0x8000000000000000)", "text 'a\x00b'", "blob x'00ff'".
inline std::string describe(const Value& v) {
  std::string out = type_name(v.type());
  out += ' ';
  switch (v.type()) {
    case ValueType::kReal: {
      char buf[80];
      std::snprintf(buf, sizeof buf, "%.17g (0x%016llx)", v.as_real(),
                    static_cast<unsigned long long>(std::bit_cast<uint64_t>(v.as_real())));
      out += buf;
      break;
    }
    case ValueType::kText: {
      out += '\'';
      for (unsigned char c : v.as_text()) {
        if (c >= 0x20 && c < 0x7f) {
          out += static_cast<char>(c);
        } else {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        }
      }
      out += '\'';
      break;
    }
    default:
      out += v.debug_string();
  }
  return out;
}

inline std::string describe(std::span<const Value> args) {
  std::string out = "(";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ", ";
    out += describe(args[i]);
  }
  return out + ")";
}

// What one evaluation produced: a value or an error message.
struct Outcome {
  bool ok = true;
  Value value;
  std::string error;
};

inline Outcome outcome_of(const Result<Value>& r) {
  if (r.ok()) return {true, *r, ""};
  return {false, Value(), r.status().message()};
}
inline Outcome outcome_of(const Value& v) { return {true, v, ""}; }

inline bool same_outcome(const Outcome& a, const Outcome& b) {
  if (a.ok != b.ok) return false;
  return a.ok ? same_value(a.value, b.value) : a.error == b.error;
}

inline std::string describe(const Outcome& o) {
  return o.ok ? describe(o.value) : "error \"" + o.error + "\"";
}

// An in-memory SQLite database that evaluates expressions on bound values.
class Sqlite {
 public:
  Sqlite() {
    if (sqlite3_open(":memory:", &db_) != SQLITE_OK) ADD_FAILURE() << "sqlite3_open failed";
  }
  ~Sqlite() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }
  Sqlite(const Sqlite&) = delete;
  Sqlite& operator=(const Sqlite&) = delete;

  sqlite3* db() { return db_; }

  // Runs statements that return no rows; ADD_FAILURE on error.
  void exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << (message ? message : "?");
    }
    sqlite3_free(message);
  }

  // The first column of the first row of `sql` with ?1..?n bound to params (NULL
  // if there is no row), or the error message of prepare or step.
  Outcome eval(const std::string& sql, std::span<const Value> params) {
    sqlite3_stmt* stmt = prepare(sql);
    if (stmt == nullptr) return {false, Value(), sqlite3_errmsg(db_)};
    for (size_t i = 0; i < params.size(); ++i) bind(stmt, static_cast<int>(i + 1), params[i]);
    Outcome out;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      out.value = column(stmt, 0);
    } else if (rc != SQLITE_DONE) {
      out = {false, Value(), sqlite3_errmsg(db_)};
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return out;
  }
  Outcome eval(const std::string& sql, std::initializer_list<Value> params) {
    return eval(sql, std::span<const Value>(params.begin(), params.size()));
  }

  // All columns of every row (for tables read back with SELECT).
  std::vector<std::vector<Value>> rows(const std::string& sql, std::span<const Value> params = {}) {
    std::vector<std::vector<Value>> out;
    sqlite3_stmt* stmt = prepare(sql);
    if (stmt == nullptr) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return out;
    }
    for (size_t i = 0; i < params.size(); ++i) bind(stmt, static_cast<int>(i + 1), params[i]);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::vector<Value> row;
      for (int c = 0; c < sqlite3_column_count(stmt); ++c) row.push_back(column(stmt, c));
      out.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return out;
  }

  // sqlite3_column_text of the first column: the text form SQLite shows users.
  std::string column_text(const std::string& sql, const Value& param) {
    sqlite3_stmt* stmt = prepare(sql);
    if (stmt == nullptr) return "<prepare failed>";
    bind(stmt, 1, param);
    std::string out = "<no row>";
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      int n = sqlite3_column_bytes(stmt, 0);
      out = text ? std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(n))
                 : "<null>";
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return out;
  }

 private:
  sqlite3_stmt* prepare(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return nullptr;
    statements_[sql] = stmt;
    return stmt;
  }

  static void bind(sqlite3_stmt* stmt, int index, const Value& v) {
    static const char kEmpty[1] = {0};
    switch (v.type()) {
      case ValueType::kNull:
        sqlite3_bind_null(stmt, index);
        break;
      case ValueType::kInteger:
        sqlite3_bind_int64(stmt, index, v.as_integer());
        break;
      case ValueType::kReal:
        sqlite3_bind_double(stmt, index, v.as_real());
        break;
      case ValueType::kText:
        sqlite3_bind_text(stmt, index, v.as_text().empty() ? kEmpty : v.as_text().data(),
                          static_cast<int>(v.as_text().size()), SQLITE_TRANSIENT);
        break;
      case ValueType::kBlob:
        // A null pointer would bind NULL, not an empty blob.
        sqlite3_bind_blob(stmt, index, v.as_blob().empty() ? kEmpty : v.as_blob().data(),
                          static_cast<int>(v.as_blob().size()), SQLITE_TRANSIENT);
        break;
    }
  }

  static Value column(sqlite3_stmt* stmt, int c) {
    switch (sqlite3_column_type(stmt, c)) {
      case SQLITE_INTEGER:
        return Value::integer(sqlite3_column_int64(stmt, c));
      case SQLITE_FLOAT:
        return Value::real(sqlite3_column_double(stmt, c));
      case SQLITE_TEXT: {
        const unsigned char* text = sqlite3_column_text(stmt, c);
        int n = sqlite3_column_bytes(stmt, c);
        return Value::text(
            std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(n)));
      }
      case SQLITE_BLOB: {
        const void* blob = sqlite3_column_blob(stmt, c);
        int n = sqlite3_column_bytes(stmt, c);
        return Value::blob(blob
                               ? std::string(static_cast<const char*>(blob), static_cast<size_t>(n))
                               : std::string());
      }
      default:
        return Value::null();
    }
  }

  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*> statements_;
};

// Evaluates `sql` on args with SQLite and compares with strata's outcome. Returns
// a description of the difference (inputs and both results), or nullopt.
inline std::optional<std::string> mismatch(Sqlite& db, const std::string& sql,
                                           std::span<const Value> args, const Outcome& got) {
  Outcome want = db.eval(sql, args);
  if (same_outcome(want, got)) return std::nullopt;
  return sql + " with " + describe(args) + ": sqlite gives " + describe(want) + ", strata gives " +
         describe(got);
}

// Counts failures of a table-driven differential test and stops reporting after
// the first few, so one broken rule does not print thousands of lines.
class FailureBudget {
 public:
  explicit FailureBudget(int limit = 40) : limit_(limit) {}
  // Reports m if present; returns false once the budget is spent.
  bool check(const std::optional<std::string>& m) {
    if (!m) return true;
    ++failures_;
    if (failures_ <= limit_) ADD_FAILURE() << *m;
    return failures_ < limit_;
  }
  int failures() const { return failures_; }

 private:
  int limit_;
  int failures_ = 0;
};

// ---------------------------------------------------------------------------
// Hand-picked values.

constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr double kInf = std::numeric_limits<double>::infinity();

inline std::vector<Value> interesting_integers() {
  std::vector<Value> out;
  for (int64_t i :
       {int64_t{0},          int64_t{1},           int64_t{-1},         int64_t{2},
        int64_t{-2},         int64_t{3},           int64_t{7},          int64_t{-7},
        int64_t{10},         int64_t{63},          int64_t{64},         int64_t{65},
        int64_t{-63},        int64_t{-64},         int64_t{-65},        int64_t{255},
        int64_t{0x10ffff},   int64_t{0x110000},    int64_t{2147483647}, int64_t{2147483648},
        int64_t{4294967297}, int64_t{-2147483649}, int64_t{1} << 53,    (int64_t{1} << 53) + 1,
        kInt64Max,           kInt64Max - 1,        kInt64Min,           kInt64Min + 1,
        int64_t{1000000000}, int64_t{1000000001}}) {
    out.push_back(Value::integer(i));
  }
  return out;
}

inline std::vector<Value> interesting_reals() {
  std::vector<Value> out;
  for (double r : {0.0,
                   -0.0,
                   1.0,
                   -1.0,
                   0.5,
                   -0.5,
                   1.5,
                   -1.5,
                   2.5,
                   -2.5,
                   0.1,
                   0.2,
                   0.3,
                   1e-5,
                   0.30000000000000004,
                   1.005,
                   2.675,
                   123.456,
                   -123.456,
                   1e15,
                   1e16,
                   1e20,
                   1e-7,
                   1.5e-7,
                   9.2233720368547758e18,
                   -9.2233720368547758e18,
                   9.2233720368547748e18,
                   4503599627370496.5,
                   4503599627370497.0,
                   9007199254740993.0,
                   1e308,
                   -1e308,
                   5e-324,
                   2.2250738585072014e-308,
                   kInf,
                   -kInf,
                   3.141592653589793,
                   7.0,
                   -7.0,
                   64.0,
                   100.0,
                   1e300,
                   0.99999999999999989,
                   12345678901234567.0}) {
    out.push_back(Value::real(r));
  }
  return out;
}

inline std::vector<std::string> interesting_numeric_texts() {
  return {"12",
          " 12 ",
          "\t12\n",
          "1e3",
          "1E3",
          "12abc",
          "0x10",
          "",
          " ",
          "-0",
          "+0",
          "-0.0",
          "0.0",
          "-",
          "+",
          ".",
          "1.",
          ".5",
          "-.5",
          "1.e5",
          "1e",
          "1e+",
          "1e-",
          ".e5",
          "e5",
          "1.5abc",
          "1e3x",
          "1.e",
          "1.5",
          "-1.5",
          "2.5",
          "abc",
          "1 2",
          "12 x",
          "0012",
          "000000000000000000000000000001",
          "9223372036854775807",
          "9223372036854775808",
          "-9223372036854775808",
          "-9223372036854775809",
          "99999999999999999999",
          "1234567890123456789",
          "12345678901234567890123",
          "9223372036854775807.0",
          "1e400",
          "-1e400",
          "1e-400",
          "1e308",
          "1.7976931348623157e308",
          "4.9e-324",
          "0.1",
          "0.30000000000000004",
          "123.456e-2",
          "1e18",
          "1e19",
          "-1e19",
          std::string("12\0", 3),
          std::string("1\x00"
                      "2",
                      3),
          "\v\f\r 7 \r",
          "+-1",
          "0e0",
          "1e10000000000",
          "0.000000000000000000000000001e27",
          "7.0",
          "64",
          "-64",
          "3",
          "-3",
          "\xc2\xa0"
          "1"};
}

inline std::vector<Value> interesting_texts() {
  std::vector<Value> out;
  for (const std::string& s : interesting_numeric_texts()) out.push_back(Value::text(s));
  for (const char* s :
       {"hello", "Hello World", "a'b", "%", "_", "a%b", "A_c", "[a]", "*", "\xc3\xa9t\xc3\xa9",
        "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x80\x80", "\xc3", "\xff\xfe", "abcabc", "  x  "}) {
    out.push_back(Value::text(s));
  }
  return out;
}

inline std::vector<Value> interesting_blobs() {
  return {Value::blob(""),
          Value::blob(std::string("\0", 1)),
          Value::blob("12"),
          Value::blob("1.5"),
          Value::blob("abc"),
          Value::blob(std::string("a\0b", 3)),
          Value::blob("\xff\x80"),
          Value::blob(" 7 "),
          Value::blob("\xc3\xa9\x80"
                      "ab")};
}

inline std::vector<Value> interesting_values() {
  std::vector<Value> out{Value::null()};
  for (auto* list :
       {&interesting_integers, &interesting_reals, &interesting_texts, &interesting_blobs}) {
    for (Value& v : (*list)()) out.push_back(std::move(v));
  }
  return out;
}

// A smaller set for functions of three arguments.
inline std::vector<Value> small_values() {
  return {Value::null(),
          Value::integer(0),
          Value::integer(1),
          Value::integer(-1),
          Value::integer(2),
          Value::integer(-3),
          Value::integer(kInt64Min),
          Value::real(1.5),
          Value::real(-0.0),
          Value::real(2.0),
          Value::text(""),
          Value::text("abc"),
          Value::text("2"),
          Value::text("-1"),
          Value::text("a%"),
          Value::text("\xc3\xa9x\xc3\xa9"),
          Value::blob(""),
          Value::blob("ab"),
          Value::blob(std::string("\0a", 2))};
}

// ---------------------------------------------------------------------------
// RapidCheck generators.

inline rc::Gen<int64_t> gen_int64() {
  return rc::gen::weightedOneOf<int64_t>({
      {4, rc::gen::inRange<int64_t>(-10, 11)},
      {2, rc::gen::elementOf(std::vector<int64_t>{kInt64Min, kInt64Min + 1, kInt64Max,
                                                  kInt64Max - 1, 0, -1, 63, 64, -64, 2147483647,
                                                  4294967296, 0x10ffff})},
      {3, rc::gen::apply(
              [](int exponent, int delta, bool negative) {
                uint64_t magnitude = (uint64_t{1} << exponent) + static_cast<uint64_t>(delta);
                return static_cast<int64_t>(negative ? uint64_t{0} - magnitude : magnitude);
              },
              rc::gen::inRange(0, 63), rc::gen::inRange(-1, 2), rc::gen::arbitrary<bool>())},
      {2, rc::gen::arbitrary<int64_t>()},
  });
}

// Doubles SQLite formats and converts in interesting ways. Never NaN (SQLite
// turns NaN into NULL before it becomes a value).
inline rc::Gen<double> gen_double() {
  return rc::gen::weightedOneOf<double>({
      {3, rc::gen::map(gen_int64(), [](int64_t i) { return static_cast<double>(i); })},
      // Short decimals: k / 10^d, the values people type and round().
      {4,
       rc::gen::apply([](int64_t k, int d) { return static_cast<double>(k) / std::pow(10.0, d); },
                      rc::gen::inRange<int64_t>(-100000000, 100000000), rc::gen::inRange(0, 12))},
      {2, rc::gen::apply(
              [](int mantissa, int exponent) { return mantissa * std::pow(10.0, exponent); },
              rc::gen::inRange(-999, 1000), rc::gen::inRange(-330, 310))},
      {2, rc::gen::element(0.0, -0.0, 0.1, 0.5, -0.5, 2.5, 1e15, 1e16, 1e-5, 1e-4, 5e-324, 1e308,
                           1.7976931348623157e308, kInf, -kInf, 9.2233720368547758e18,
                           -9.2233720368547758e18, 4503599627370496.5)},
      // Any finite or infinite bit pattern.
      {3, rc::gen::map(rc::gen::arbitrary<uint64_t>(),
                       [](uint64_t bits) {
                         double d = std::bit_cast<double>(bits);
                         return std::isnan(d) ? 1.0 : d;
                       })},
  });
}

// A container of 0..max_length-1 elements drawn from `element`.
template <typename Container, typename T>
rc::Gen<Container> gen_sized(size_t max_length, rc::Gen<T> element) {
  return rc::gen::mapcat(rc::gen::inRange<size_t>(0, max_length),
                         [element](size_t n) { return rc::gen::container<Container>(n, element); });
}

inline rc::Gen<std::string> gen_digits(int max_length) {
  return gen_sized<std::string>(static_cast<size_t>(max_length) + 1,
                                rc::gen::inRange('0', static_cast<char>('9' + 1)));
}

// Text that is, or nearly is, a number in SQLite's syntax.
inline rc::Gen<std::string> gen_numeric_text() {
  auto spaces = gen_sized<std::string>(3, rc::gen::element(' ', '\t', '\n', '\r', '\v', '\f'));
  auto sign = rc::gen::element<std::string>("", "", "-", "+");
  auto optional = [](rc::Gen<std::string> g) {
    return rc::gen::weightedOneOf<std::string>({{1, rc::gen::just(std::string())}, {1, g}});
  };
  auto fraction = rc::gen::map(gen_digits(6), [](std::string d) { return "." + d; });
  auto exponent = rc::gen::apply(
      [](char e, std::string s, std::string d) { return std::string(1, e) + s + d; },
      rc::gen::element('e', 'E'), rc::gen::element<std::string>("", "-", "+"), gen_digits(4));
  auto junk = rc::gen::element<std::string>("", "", "", "abc", "x", std::string(1, '\0'), " 1", ".",
                                            "e", "0x1", "\xc3\xa9");
  auto built = rc::gen::apply(
      [](std::string lead, std::string s, std::string whole, std::string frac, std::string exp,
         std::string trail,
         std::string tail) { return lead + s + whole + frac + exp + trail + tail; },
      spaces, sign, rc::gen::weightedOneOf<std::string>({{4, gen_digits(4)}, {1, gen_digits(25)}}),
      optional(fraction), optional(exponent), spaces, junk);
  return rc::gen::weightedOneOf<std::string>({
      {6, built},
      {2, rc::gen::elementOf(interesting_numeric_texts())},
      {1, rc::gen::map(gen_int64(), [](int64_t i) { return std::to_string(i); })},
      {1, rc::gen::map(gen_double(),
                       [](double d) {
                         char buf[64];
                         std::snprintf(buf, sizeof buf, "%.17g", d);
                         return std::string(buf);
                       })},
  });
}

// UTF-8 text: ASCII, multi-byte characters, pattern characters.
inline rc::Gen<std::string> gen_utf8_text() {
  auto piece = rc::gen::weightedOneOf<std::string>({
      {6, rc::gen::map(rc::gen::inRange(0x20, 0x7f),
                       [](int c) { return std::string(1, static_cast<char>(c)); })},
      {3, rc::gen::element<std::string>("a", "b", "A", "B", "%", "_", "*", "?", "[", "]", "^", "-",
                                        "'", "\\", " ", "x")},
      {2, rc::gen::element<std::string>("\xc3\xa9", "\xc3\x89", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                                        "\xce\xa9", "\xc3\x9f")},
      {1, rc::gen::element<std::string>("\x80", "\xc3", "\xff", "\xed\xa0\x80", "\xef\xbf\xbe",
                                        "\xc0\x80", std::string(1, '\0'))},
  });
  return rc::gen::map(gen_sized<std::vector<std::string>>(9, piece),
                      [](const std::vector<std::string>& pieces) {
                        std::string out;
                        for (const std::string& p : pieces) out += p;
                        return out;
                      });
}

inline rc::Gen<std::string> gen_text() {
  return rc::gen::weightedOneOf<std::string>({
      {4, gen_numeric_text()},
      {4, gen_utf8_text()},
      {1, rc::gen::arbitrary<std::string>()},
  });
}

inline rc::Gen<Value> gen_value() {
  return rc::gen::weightedOneOf<Value>({
      {1, rc::gen::just(Value::null())},
      {4, rc::gen::map(gen_int64(), &Value::integer)},
      {4, rc::gen::map(gen_double(), &Value::real)},
      {6, rc::gen::map(gen_text(), [](std::string s) { return Value::text(std::move(s)); })},
      {2, rc::gen::map(gen_text(), [](std::string s) { return Value::blob(std::move(s)); })},
  });
}

// Values for arguments that act as small counts or positions.
inline rc::Gen<Value> gen_small_int_value() {
  return rc::gen::weightedOneOf<Value>({
      {6, rc::gen::map(rc::gen::inRange<int64_t>(-8, 9), &Value::integer)},
      {1, rc::gen::map(gen_int64(), &Value::integer)},
      {1, gen_value()},
  });
}

}  // namespace exec_test
}  // namespace strata
