// Value: one SQL value with SQLite's five storage classes.
//
// NULL, INTEGER (int64), REAL (double), TEXT (UTF-8 bytes) and BLOB (bytes).
// compare() implements SQLite's ordering with collation BINARY:
//   NULL < INTEGER and REAL (compared numerically, exactly) < TEXT (memcmp) < BLOB (memcmp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace strata {

enum class ValueType : uint8_t { kNull = 0, kInteger = 1, kReal = 2, kText = 3, kBlob = 4 };

class Value {
 public:
  Value() = default;  // NULL
  static Value null() { return Value(); }
  static Value integer(int64_t v) { Value x; x.data_ = v; return x; }
  static Value real(double v) { Value x; x.data_ = v; return x; }
  static Value text(std::string v) { Value x; x.data_ = Text{std::move(v)}; return x; }
  static Value blob(std::string bytes) { Value x; x.data_ = Blob{std::move(bytes)}; return x; }

  ValueType type() const { return static_cast<ValueType>(data_.index()); }
  bool is_null() const { return type() == ValueType::kNull; }
  bool is_numeric() const { return type() == ValueType::kInteger || type() == ValueType::kReal; }

  // REQUIRES: the matching type().
  int64_t as_integer() const { return std::get<int64_t>(data_); }
  double as_real() const { return std::get<double>(data_); }
  const std::string& as_text() const { return std::get<Text>(data_).bytes; }
  const std::string& as_blob() const { return std::get<Blob>(data_).bytes; }
  // TEXT or BLOB bytes. REQUIRES: type() is kText or kBlob.
  const std::string& bytes() const {
    return type() == ValueType::kText ? as_text() : as_blob();
  }

  // SQLite's ordering (collation BINARY): <0, 0, >0.
  static int compare(const Value& a, const Value& b);
  bool operator==(const Value& other) const { return compare(*this, other) == 0 && type() == other.type(); }

  // Human-readable form for tests and diagnostics: NULL, 42, 1.5, 'text', x'00ff'.
  std::string debug_string() const;

 private:
  struct Text { std::string bytes; };
  struct Blob { std::string bytes; };
  std::variant<std::monostate, int64_t, double, Text, Blob> data_;
};

// Compares an int64 with a double exactly, as SQLite does (no precision loss
// from converting large integers to double). <0, 0, >0. NaN never occurs in
// SQLite values (it becomes NULL), so it need not be handled.
int compare_int_real(int64_t i, double r);

}  // namespace strata
