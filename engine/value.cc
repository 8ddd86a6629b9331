#include "engine/value.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace strata {

int compare_int_real(int64_t i, double r) {
  if (std::isnan(r)) return 1;
  // Every int64 lies in [-2^63, 2^63). Doubles outside that range decide at once.
  if (r >= 9223372036854775808.0) return -1;
  if (r < -9223372036854775808.0) return 1;
  // r is within int64 range: compare the integer parts exactly, then the fraction.
  double truncated = std::trunc(r);
  int64_t ri = static_cast<int64_t>(truncated);
  if (i < ri) return -1;
  if (i > ri) return 1;
  double frac = r - truncated;
  if (frac > 0) return -1;
  if (frac < 0) return 1;
  return 0;
}

namespace {
int compare_bytes(const std::string& a, const std::string& b) {
  size_t n = a.size() < b.size() ? a.size() : b.size();
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c < 0 ? -1 : 1;
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

// Rank of the storage class in SQLite's cross-type order.
int class_rank(ValueType t) {
  switch (t) {
    case ValueType::kNull: return 0;
    case ValueType::kInteger:
    case ValueType::kReal: return 1;
    case ValueType::kText: return 2;
    case ValueType::kBlob: return 3;
  }
  return 4;
}
}  // namespace

int Value::compare(const Value& a, const Value& b) {
  int ra = class_rank(a.type()), rb = class_rank(b.type());
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a.type()) {
    case ValueType::kNull: return 0;
    case ValueType::kInteger:
      if (b.type() == ValueType::kInteger) {
        return a.as_integer() < b.as_integer() ? -1 : (a.as_integer() > b.as_integer() ? 1 : 0);
      }
      return compare_int_real(a.as_integer(), b.as_real());
    case ValueType::kReal:
      if (b.type() == ValueType::kInteger) return -compare_int_real(b.as_integer(), a.as_real());
      return a.as_real() < b.as_real() ? -1 : (a.as_real() > b.as_real() ? 1 : 0);
    case ValueType::kText:
    case ValueType::kBlob: return compare_bytes(a.bytes(), b.bytes());
  }
  return 0;
}

std::string Value::debug_string() const {
  static const char* kHex = "0123456789abcdef";
  switch (type()) {
    case ValueType::kNull: return "NULL";
    case ValueType::kInteger: return std::to_string(as_integer());
    case ValueType::kReal: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", as_real());
      return buf;
    }
    case ValueType::kText: return "'" + as_text() + "'";
    case ValueType::kBlob: {
      std::string out = "x'";
      for (unsigned char c : as_blob()) {
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
      return out + "'";
    }
  }
  return "?";
}

}  // namespace strata
