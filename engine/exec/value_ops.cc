#include "engine/exec/value_ops.h"

#include <bit>
#include <cmath>
#include <limits>

#include "engine/exec/affinity.h"
#include "engine/exec/number_text.h"
#include "engine/exec/real_format.h"

namespace strata::exec {

namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

bool is_text_or_blob(const Value& v) {
  return v.type() == ValueType::kText || v.type() == ValueType::kBlob;
}

// sqlite3RealSameAsInt: r is exactly i and small enough that the REAL and the
// INTEGER are interchangeable (or r is a zero of either sign).
bool real_same_as_int(double r, int64_t i) {
  double back = static_cast<double>(i);
  return r == 0.0 || (std::bit_cast<uint64_t>(r) == std::bit_cast<uint64_t>(back) &&
                      i >= -2251799813685248LL && i < 2251799813685248LL);
}

// (int64_t)r where C would be undefined: any value outside the range cannot be
// "the same as" an integer, so the caller never uses what this returns for it.
int64_t unchecked_real_to_int(double r) {
  if (std::isnan(r) || r >= 9223372036854775808.0 || r < -9223372036854775808.0) {
    return kInt64Min;
  }
  return static_cast<int64_t>(r);
}

Value real_integer_affinity(double r) {
  std::optional<int64_t> exact = real_as_exact_integer(r);
  return exact ? Value::integer(*exact) : Value::real(r);
}

enum class Arith { kAdd, kSubtract, kMultiply, kDivide, kRemainder };

Value arithmetic(Arith op, const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value::null();
  Value na = arithmetic_operand(a);
  Value nb = arithmetic_operand(b);
  if (na.type() == ValueType::kInteger && nb.type() == ValueType::kInteger) {
    int64_t x = na.as_integer(), y = nb.as_integer(), r = 0;
    bool overflow = false;
    switch (op) {
      case Arith::kAdd:
        overflow = __builtin_add_overflow(x, y, &r);
        break;
      case Arith::kSubtract:
        overflow = __builtin_sub_overflow(x, y, &r);
        break;
      case Arith::kMultiply:
        overflow = __builtin_mul_overflow(x, y, &r);
        break;
      case Arith::kDivide:
        if (y == 0) return Value::null();
        if (y == -1 && x == kInt64Min) {
          overflow = true;
        } else {
          r = x / y;
        }
        break;
      case Arith::kRemainder:
        if (y == 0) return Value::null();
        r = y == -1 ? 0 : x % y;  // x % -1 is 0, and INT64_MIN % -1 must not trap
        break;
    }
    if (!overflow) return Value::integer(r);
  }
  // REAL arithmetic re-reads the original operands: a text operand's value is
  // its real prefix, which can differ from the integer it stood for above.
  double x = real_value(a), y = real_value(b), r = 0;
  switch (op) {
    case Arith::kAdd:
      r = x + y;
      break;
    case Arith::kSubtract:
      r = x - y;
      break;
    case Arith::kMultiply:
      r = x * y;
      break;
    case Arith::kDivide:
      if (y == 0.0) return Value::null();
      r = x / y;
      break;
    case Arith::kRemainder: {
      int64_t ix = integer_value(a), iy = integer_value(b);
      if (iy == 0) return Value::null();
      if (iy == -1) iy = 1;
      r = static_cast<double>(ix % iy);
      break;
    }
  }
  if (std::isnan(r)) return Value::null();
  return Value::real(r);
}

}  // namespace

std::optional<int64_t> real_as_exact_integer(double r) {
  int64_t i = real_to_integer(r);
  if (r == static_cast<double>(i) && i > kInt64Min && i < kInt64Max) return i;
  return std::nullopt;
}

int64_t real_to_integer(double r) {
  if (std::isnan(r)) return 0;
  if (r <= -9223372036854775808.0) return kInt64Min;
  if (r >= 9223372036854775808.0) return kInt64Max;
  return static_cast<int64_t>(r);
}

int64_t integer_value(const Value& v) {
  switch (v.type()) {
    case ValueType::kNull:
      return 0;
    case ValueType::kInteger:
      return v.as_integer();
    case ValueType::kReal:
      return real_to_integer(v.as_real());
    case ValueType::kText:
    case ValueType::kBlob:
      return scan_integer(v.bytes()).value;
  }
  return 0;
}

double real_value(const Value& v) {
  switch (v.type()) {
    case ValueType::kNull:
      return 0.0;
    case ValueType::kInteger:
      return static_cast<double>(v.as_integer());
    case ValueType::kReal:
      return v.as_real();
    case ValueType::kText:
    case ValueType::kBlob:
      return scan_real(v.bytes()).value;
  }
  return 0.0;
}

std::string to_text(const Value& v) {
  switch (v.type()) {
    case ValueType::kNull:
      return std::string();
    case ValueType::kInteger:
      return std::to_string(v.as_integer());
    case ValueType::kReal:
      return format_real_g15(v.as_real());
    case ValueType::kText:
    case ValueType::kBlob:
      return v.bytes();
  }
  return std::string();
}

Value arithmetic_operand(const Value& v) {
  if (v.is_numeric()) return v;
  if (!is_text_or_blob(v)) return Value::integer(0);
  RealParse real = scan_real(v.bytes());
  switch (real.kind) {
    case RealScan::kNotNumeric: {
      IntParse integer = scan_integer(v.bytes());
      if (integer.kind <= IntScan::kTrailingText) return Value::integer(integer.value);
      return Value::real(real.value);
    }
    case RealScan::kRealPrefix:
    case RealScan::kReal:
      return Value::real(real.value);
    case RealScan::kInteger: {
      IntParse integer = scan_integer(v.bytes());
      if (integer.kind == IntScan::kExact) return Value::integer(integer.value);
      return Value::real(real.value);
    }
  }
  return Value::real(real.value);
}

std::optional<Value> numeric_text_value(std::string_view text, bool try_for_int) {
  RealParse real = scan_real(text);
  if (real.kind == RealScan::kNotNumeric || real.kind == RealScan::kRealPrefix) {
    return std::nullopt;
  }
  if (real.kind == RealScan::kInteger) {
    int64_t as_int = unchecked_real_to_int(real.value);
    if (real_same_as_int(real.value, as_int)) return Value::integer(as_int);
    IntParse integer = scan_integer(text);
    if (integer.kind == IntScan::kExact) return Value::integer(integer.value);
  }
  if (try_for_int) return real_integer_affinity(real.value);
  return Value::real(real.value);
}

std::optional<bool> truth(const Value& v) {
  switch (v.type()) {
    case ValueType::kNull:
      return std::nullopt;
    case ValueType::kInteger:
      return v.as_integer() != 0;
    default:
      return real_value(v) != 0.0;
  }
}

Value add(const Value& a, const Value& b) { return arithmetic(Arith::kAdd, a, b); }
Value subtract(const Value& a, const Value& b) { return arithmetic(Arith::kSubtract, a, b); }
Value multiply(const Value& a, const Value& b) { return arithmetic(Arith::kMultiply, a, b); }
Value divide(const Value& a, const Value& b) { return arithmetic(Arith::kDivide, a, b); }
Value remainder(const Value& a, const Value& b) { return arithmetic(Arith::kRemainder, a, b); }

Value bit_and(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value::null();
  return Value::integer(integer_value(a) & integer_value(b));
}

Value bit_or(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value::null();
  return Value::integer(integer_value(a) | integer_value(b));
}

namespace {

Value shift(const Value& a, const Value& b, bool left) {
  if (a.is_null() || b.is_null()) return Value::null();
  int64_t value = integer_value(a);
  int64_t amount = integer_value(b);
  if (amount == 0) return Value::integer(value);
  if (amount < 0) {
    left = !left;
    amount = amount > -64 ? -amount : 64;
  }
  if (amount >= 64) return Value::integer(value >= 0 || left ? 0 : -1);
  uint64_t bits = static_cast<uint64_t>(value);
  if (left) {
    bits <<= amount;
  } else {
    bits >>= amount;
    if (value < 0) bits |= ~uint64_t{0} << (64 - amount);  // sign-extend
  }
  return Value::integer(static_cast<int64_t>(bits));
}

}  // namespace

Value shift_left(const Value& a, const Value& b) { return shift(a, b, /*left=*/true); }
Value shift_right(const Value& a, const Value& b) { return shift(a, b, /*left=*/false); }

Value concat(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value::null();
  return Value::text(to_text(a) + to_text(b));
}

Value negate(const Value& v) { return subtract(Value::integer(0), v); }

Value bit_not(const Value& v) {
  if (v.is_null()) return Value::null();
  return Value::integer(~integer_value(v));
}

Value cast(const Value& v, std::string_view type_name) {
  if (v.is_null()) return v;
  switch (cast_affinity_of_type(type_name)) {
    case Affinity::kNone:
      if (v.type() == ValueType::kBlob) return v;
      return Value::blob(to_text(v));
    case Affinity::kText:
      return Value::text(to_text(v));
    case Affinity::kInteger:
      return Value::integer(integer_value(v));
    case Affinity::kReal:
      return Value::real(real_value(v));
    case Affinity::kNumeric: {
      if (v.is_numeric()) return v;
      RealParse real = scan_real(v.bytes());
      if (real.kind == RealScan::kNotNumeric || real.kind == RealScan::kInteger) {
        IntParse integer = scan_integer(v.bytes());
        if (integer.kind <= IntScan::kTrailingText) return Value::integer(integer.value);
      }
      int64_t as_int = unchecked_real_to_int(real.value);
      if (real_same_as_int(real.value, as_int)) return Value::integer(as_int);
      return Value::real(real.value);
    }
  }
  return v;
}

}  // namespace strata::exec
