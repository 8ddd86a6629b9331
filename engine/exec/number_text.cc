#include "engine/exec/number_text.h"

#include <cmath>
#include <limits>

namespace strata::exec {

namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

// 10^e in long double by repeated squaring, the way SQLite 3.40 builds its
// scale factor (the rounding of the intermediate squares shows in the result).
// REQUIRES: 0 <= e <= 341.
long double power_of_ten(int e) {
  long double square = 10.0;
  long double result = 1.0;
  while (true) {
    if (e & 1) result *= square;
    e >>= 1;
    if (e == 0) break;
    square *= square;
  }
  return result;
}

// significand * 10^exponent as SQLite computes it: integer steps first, then one
// long-double scale factor, rounded to double once at the end (twice near the
// range limits). The rounding differs from strtod's in rare cases; users see it.
double scale_significand(int64_t significand, bool negative, int exponent) {
  bool exp_negative = exponent < 0;
  int e = exp_negative ? -exponent : exponent;
  // Move powers of ten into the significand while that stays exact.
  while (e > 0) {
    if (!exp_negative) {
      if (significand >= kInt64Max / 10) break;
      significand *= 10;
    } else {
      if (significand % 10 != 0) break;
      significand /= 10;
    }
    --e;
  }
  if (negative) significand = -significand;
  if (e == 0) return static_cast<double>(significand);

  double result;
  if (e > 307) {
    if (e < 342) {
      // Scale to within 1e308 in long double, then the last 1e308 in double.
      long double scale = power_of_ten(e - 308);
      if (exp_negative) {
        result = static_cast<double>(significand / scale);
        result /= 1.0e+308;
      } else {
        result = static_cast<double>(significand * scale);
        result *= 1.0e+308;
      }
    } else if (exp_negative) {
      result = 0.0 * static_cast<double>(significand);  // keeps the sign of zero
    } else {
      result = std::numeric_limits<double>::infinity() * static_cast<double>(significand);
    }
  } else {
    long double scale = power_of_ten(e);
    result = static_cast<double>(exp_negative ? significand / scale : significand * scale);
  }
  return result;
}

}  // namespace

bool is_sqlite_space(unsigned char c) { return c == ' ' || (c >= 0x09 && c <= 0x0d); }

RealParse scan_real(std::string_view bytes) {
  RealParse out;
  const auto* z = reinterpret_cast<const unsigned char*>(bytes.data());
  const unsigned char* end = z + bytes.size();
  while (z < end && is_sqlite_space(*z)) ++z;
  if (z >= end) return out;

  bool negative = false;
  if (*z == '-') {
    negative = true;
    ++z;
  } else if (*z == '+') {
    ++z;
  }

  // Digits beyond what an int64 significand can take only move the decimal point.
  constexpr int64_t kSignificandCap = (kInt64Max - 9) / 10;
  int64_t significand = 0;
  int digits = 0;           // significant digits consumed
  int64_t point_shift = 0;  // power of ten implied by dropped or fractional digits
  int kind = 1;             // 1: integer so far; +1 for '.', +1 for an exponent
  bool exponent_valid = true;
  while (z < end && is_digit(*z)) {
    significand = significand * 10 + (*z - '0');
    ++z;
    ++digits;
    if (significand >= kSignificandCap) {
      while (z < end && is_digit(*z)) {
        ++z;
        ++point_shift;
      }
    }
  }
  if (z < end && *z == '.') {
    ++z;
    ++kind;
    while (z < end && is_digit(*z)) {
      if (significand < kSignificandCap) {
        significand = significand * 10 + (*z - '0');
        --point_shift;
        ++digits;
      }
      ++z;
    }
  }
  int exponent = 0;
  bool exponent_negative = false;
  if (z < end && (*z == 'e' || *z == 'E')) {
    ++z;
    exponent_valid = false;
    ++kind;
    if (z < end) {
      if (*z == '-') {
        exponent_negative = true;
        ++z;
      } else if (*z == '+') {
        ++z;
      }
      while (z < end && is_digit(*z)) {
        exponent = exponent < 10000 ? exponent * 10 + (*z - '0') : 10000;
        ++z;
        exponent_valid = true;
      }
    }
  }
  while (z < end && is_sqlite_space(*z)) ++z;

  // |point_shift| is bounded by the text length; clamp so the sum stays in int.
  int64_t total = (exponent_negative ? -exponent : exponent) + point_shift;
  if (total > 1000000) total = 1000000;
  if (total < -1000000) total = -1000000;
  if (significand == 0) {
    out.value = negative ? -0.0 : 0.0;
  } else {
    out.value = scale_significand(significand, negative, static_cast<int>(total));
  }

  if (z == end && digits > 0 && exponent_valid) {
    out.kind = kind == 1 ? RealScan::kInteger : RealScan::kReal;
  } else if (kind >= 2 && (kind == 3 || exponent_valid) && digits > 0) {
    out.kind = RealScan::kRealPrefix;
  } else {
    out.kind = RealScan::kNotNumeric;
  }
  return out;
}

IntParse scan_integer(std::string_view bytes) {
  IntParse out;
  const auto* z = reinterpret_cast<const unsigned char*>(bytes.data());
  const unsigned char* end = z + bytes.size();
  while (z < end && is_sqlite_space(*z)) ++z;
  bool negative = false;
  if (z < end) {
    if (*z == '-') {
      negative = true;
      ++z;
    } else if (*z == '+') {
      ++z;
    }
  }
  const unsigned char* start = z;
  while (z < end && *z == '0') ++z;  // leading zeros do not count towards the 19 digits
  uint64_t magnitude = 0;            // wraps for 21+ digits; those saturate below anyway
  size_t n = 0;
  while (z + n < end && is_digit(z[n])) {
    magnitude = magnitude * 10 + (z[n] - '0');
    ++n;
  }
  if (magnitude > static_cast<uint64_t>(kInt64Max)) {
    out.value = negative ? kInt64Min : kInt64Max;
  } else {
    out.value = negative ? -static_cast<int64_t>(magnitude) : static_cast<int64_t>(magnitude);
  }

  IntScan kind = IntScan::kExact;
  if (n == 0 && start == z) {
    kind = IntScan::kNoDigits;
  } else {
    for (const unsigned char* p = z + n; p < end; ++p) {
      if (!is_sqlite_space(*p)) {
        kind = IntScan::kTrailingText;
        break;
      }
    }
  }
  out.kind = kind;
  if (n < 19) return out;

  // 19 or more significant digits: compare with 2^63 = 9223372036854775808.
  int order = 1;
  if (n == 19) {
    std::string_view digits(reinterpret_cast<const char*>(z), 19);
    int c = digits.compare("9223372036854775808");
    order = c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (order < 0) return out;
  out.value = negative ? kInt64Min : kInt64Max;
  if (order > 0) {
    out.kind = IntScan::kOverflow;
  } else if (!negative) {
    out.kind = IntScan::kTwoPow63;
  }
  return out;
}

}  // namespace strata::exec
