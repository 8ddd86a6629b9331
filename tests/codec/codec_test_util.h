// Shared helpers for the codec tests: exact value equality, printing, and
// RapidCheck generators that hit the interesting cases of SQLite's ordering
// (int64 extremes, reals that are exact integers, reals near 2^53 and 2^63,
// denormals, infinities, bytes 00/01/FF in text and blobs) much more often
// than uniform sampling would.
#pragma once

#include <rapidcheck.h>

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "engine/value.h"

namespace strata {

// gtest and RapidCheck find these by ADL to print values in failure messages.
inline void PrintTo(const Value& v, std::ostream* os) { *os << v.debug_string(); }
inline void showValue(const Value& v, std::ostream& os) { os << v.debug_string(); }

namespace codec_test {

// Exact identity: same type and, for reals, the same bits (so -0.0 != 0.0).
inline bool same_value(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  if (a.type() == ValueType::kReal) {
    return std::bit_cast<uint64_t>(a.as_real()) == std::bit_cast<uint64_t>(b.as_real());
  }
  return Value::compare(a, b) == 0;
}

inline bool same_values(const std::vector<Value>& a, const std::vector<Value>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!same_value(a[i], b[i])) return false;
  }
  return true;
}

inline int sign(int c) { return c < 0 ? -1 : (c > 0 ? 1 : 0); }

constexpr double kTwo53 = 9007199254740992.0;
constexpr double kTwo63 = 9223372036854775808.0;
constexpr int64_t kInt53 = int64_t{1} << 53;

inline rc::Gen<int64_t> gen_int64() {
  using L = std::numeric_limits<int64_t>;
  return rc::gen::weightedOneOf<int64_t>({
      {4, rc::gen::inRange<int64_t>(-3, 4)},
      {2, rc::gen::element<int64_t>(L::min(), L::min() + 1, L::max(), L::max() - 1, kInt53,
                                    kInt53 + 1, kInt53 - 1, -kInt53, -kInt53 - 1, kInt53 + 2, 127,
                                    128, -128, -129, 255, 256, 32767, 32768, -32769)},
      // Powers of two and their neighbours, either sign.
      {3, rc::gen::apply(
              [](int exponent, int delta, bool negative) {
                uint64_t magnitude = (uint64_t{1} << exponent) + static_cast<uint64_t>(delta);
                return static_cast<int64_t>(negative ? uint64_t{0} - magnitude : magnitude);
              },
              rc::gen::inRange(0, 63), rc::gen::inRange(-1, 2), rc::gen::arbitrary<bool>())},
      {3, rc::gen::arbitrary<int64_t>()},
  });
}

inline rc::Gen<double> gen_double() {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  constexpr double kDenormMin = std::numeric_limits<double>::denorm_min();
  return rc::gen::weightedOneOf<double>({
      // Reals that are exact integers (and integers rounded to the nearest real).
      {3, rc::gen::map(gen_int64(), [](int64_t i) { return static_cast<double>(i); })},
      // Reals near 2^53 and 2^63, where int64 and double disagree on precision.
      {2, rc::gen::apply(
              [](bool near63, int steps, bool negative) {
                double x = near63 ? kTwo63 : kTwo53;
                for (int i = 0; i < std::abs(steps); ++i)
                  x = std::nextafter(x, steps < 0 ? 0.0 : kInf);
                return negative ? -x : x;
              },
              rc::gen::arbitrary<bool>(), rc::gen::inRange(-3, 4), rc::gen::arbitrary<bool>())},
      {2, rc::gen::element<double>(0.0, -0.0, kInf, -kInf, DBL_MIN, -DBL_MIN, kDenormMin,
                                   -kDenormMin, DBL_MIN - kDenormMin, DBL_MAX, -DBL_MAX, 0.5, -0.5,
                                   1.0, -1.0, std::nextafter(1.0, 0.0), std::nextafter(1.0, 2.0),
                                   1e300, -1e-300)},
      // Small fractions, so near-ties with small integers are common.
      {3, rc::gen::map(rc::gen::inRange(-40, 41), [](int quarters) { return quarters / 4.0; })},
      // Any bit pattern but NaN (SQLite has no NaN values).
      {3, rc::gen::map(rc::gen::arbitrary<uint64_t>(),
                       [](uint64_t bits) {
                         double d = std::bit_cast<double>(bits);
                         return std::isnan(d) ? 0.0 : d;
                       })},
  });
}

// Short byte strings over an alphabet rich in the escape-relevant bytes.
inline rc::Gen<std::string> gen_bytes() {
  return rc::gen::weightedOneOf<std::string>({
      {4,
       rc::gen::resize(6, rc::gen::container<std::string>(rc::gen::element<char>(
                              '\x00', '\x01', '\x02', 'a', 'b', '\x7f', '\x80', '\xfe', '\xff')))},
      {1, rc::gen::arbitrary<std::string>()},
  });
}

inline rc::Gen<Value> gen_value() {
  return rc::gen::weightedOneOf<Value>({
      {1, rc::gen::just(Value::null())},
      {4, rc::gen::map(gen_int64(), [](int64_t i) { return Value::integer(i); })},
      {4, rc::gen::map(gen_double(), [](double d) { return Value::real(d); })},
      {2, rc::gen::map(gen_bytes(), [](std::string s) { return Value::text(std::move(s)); })},
      {2, rc::gen::map(gen_bytes(), [](std::string s) { return Value::blob(std::move(s)); })},
  });
}

// A value near v: the same number in the other numeric type, a neighbour,
// or a string sharing a prefix. Pairs (v, near(v)) exercise ties and near-ties.
inline rc::Gen<Value> gen_value_near(const Value& v) {
  switch (v.type()) {
    case ValueType::kInteger: {
      int64_t i = v.as_integer();
      return rc::gen::element(Value::real(static_cast<double>(i)),
                              Value::integer(i == INT64_MAX ? i : i + 1),
                              Value::integer(i == INT64_MIN ? i : i - 1), Value::integer(i));
    }
    case ValueType::kReal: {
      double d = v.as_real();
      std::vector<Value> near = {Value::real(std::nextafter(d, HUGE_VAL)),
                                 Value::real(std::nextafter(d, -HUGE_VAL)), Value::real(-d)};
      if (std::isfinite(d) && d >= -kTwo63 && d < kTwo63) {
        int64_t t = static_cast<int64_t>(std::trunc(d));
        near.push_back(Value::integer(t));
        if (t < INT64_MAX) near.push_back(Value::integer(t + 1));
        if (t > INT64_MIN) near.push_back(Value::integer(t - 1));
      } else if (std::isfinite(d)) {
        near.push_back(Value::integer(d < 0 ? INT64_MIN : INT64_MAX));
      }
      return rc::gen::elementOf(near);
    }
    case ValueType::kText:
    case ValueType::kBlob: {
      bool text = v.type() == ValueType::kText;
      return rc::gen::map(
          rc::gen::pair(rc::gen::inRange<size_t>(0, v.bytes().size() + 1), gen_bytes()),
          [bytes = v.bytes(), text](const std::pair<size_t, std::string>& cut) {
            std::string s = bytes.substr(0, cut.first) + cut.second;
            return text ? Value::text(s) : Value::blob(s);
          });
    }
    case ValueType::kNull:
      break;
  }
  return gen_value();
}

inline rc::Gen<std::pair<Value, Value>> gen_value_pair() {
  return rc::gen::weightedOneOf<std::pair<Value, Value>>({
      {1, rc::gen::pair(gen_value(), gen_value())},
      {2, rc::gen::mapcat(gen_value(),
                          [](const Value& a) {
                            return rc::gen::map(gen_value_near(a), [a](Value b) {
                              return std::make_pair(a, std::move(b));
                            });
                          })},
  });
}

}  // namespace codec_test
}  // namespace strata
