// Key codec implementation; the byte layout is drawn in key_codec.h.
#include "engine/codec/key_codec.h"

#include <bit>
#include <cmath>
#include <cstring>

namespace strata::codec {
namespace {

constexpr int kMinExponent = -1074;    // smallest denormal double: 2^-1074
constexpr int kMaxExponent = 1023;     // largest double is < 2^1024
constexpr int kSignificandGroups = 9;  // 9 groups * 7 bits = the 63 bits after the leading 1
constexpr uint64_t kTopBit = uint64_t{1} << 63;

// A nonzero finite number, exactly: (-1)^negative * significand * 2^(exponent - 63),
// where significand has its top bit set (so |x| = 1.f * 2^exponent).
struct Scaled {
  bool negative;
  int exponent;
  uint64_t significand;
};

Scaled scale_integer(int64_t v) {
  // REQUIRES: v != 0. |INT64_MIN| = 2^63 fits in uint64.
  uint64_t magnitude = v < 0 ? uint64_t{0} - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  int leading = std::countl_zero(magnitude);
  return {v < 0, 63 - leading, magnitude << leading};
}

Scaled scale_real(double d) {
  // REQUIRES: d finite and nonzero. frexp normalizes denormals too.
  int k = 0;
  double m = std::frexp(std::fabs(d), &k);  // |d| = m * 2^k, m in [0.5, 1)
  // m * 2^64 lies in [2^63, 2^64) and has at most 53 significant bits: exact.
  uint64_t significand = static_cast<uint64_t>(std::ldexp(m, 64));
  return {std::signbit(d), k - 1, significand};
}

void put_scaled(const Scaled& x, uint8_t kind, std::string* out) {
  uint8_t invert = x.negative ? 0xFF : 0x00;
  out->push_back(static_cast<char>(x.negative ? kTagNegative : kTagPositive));
  uint16_t biased = static_cast<uint16_t>(x.exponent + kExponentBias);
  out->push_back(static_cast<char>((biased >> 8) ^ invert));
  out->push_back(static_cast<char>((biased & 0xFF) ^ invert));

  uint64_t fraction = x.significand << 1;  // drop the implicit leading 1
  uint8_t groups[kSignificandGroups];
  int used = 1;
  for (int i = 0; i < kSignificandGroups; ++i) {
    groups[i] = static_cast<uint8_t>((fraction >> (57 - 7 * i)) & 0x7F);
    if (groups[i] != 0) used = i + 1;
  }
  for (int i = 0; i < used; ++i) {
    uint8_t more = i + 1 < used ? 1 : 0;
    out->push_back(static_cast<char>(((groups[i] << 1) | more) ^ invert));
  }
  out->push_back(static_cast<char>(kind));
}

void put_stuffed(uint8_t tag, std::string_view bytes, std::string* out) {
  out->push_back(static_cast<char>(tag));
  size_t run_start = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    uint8_t b = static_cast<uint8_t>(bytes[i]);
    if (b > 0x01) continue;
    out->append(bytes.data() + run_start, i - run_start);
    out->push_back(0x01);
    out->push_back(static_cast<char>(b + 1));
    run_start = i + 1;
  }
  out->append(bytes.data() + run_start, bytes.size() - run_start);
  out->push_back(0x00);
}

Status corrupt(std::string_view what) {
  return Status::corruption("key codec: " + std::string(what));
}

uint8_t byte_at(std::string_view in, size_t i) { return static_cast<uint8_t>(in[i]); }

Result<Value> take_kind_zero(std::string_view* in) {
  if (in->empty()) return corrupt("truncated zero: missing kind byte");
  uint8_t kind = byte_at(*in, 0);
  in->remove_prefix(1);
  if (kind == kKindInteger) return Value::integer(0);
  if (kind == kKindReal) return Value::real(0.0);
  return corrupt("bad number kind byte " + std::to_string(kind));
}

Result<Value> take_number(bool negative, std::string_view* in) {
  uint8_t invert = negative ? 0xFF : 0x00;
  if (in->size() < 2) return corrupt("truncated number exponent");
  int biased = ((byte_at(*in, 0) ^ invert) << 8) | (byte_at(*in, 1) ^ invert);
  in->remove_prefix(2);
  int exponent = biased - kExponentBias;
  if (exponent < kMinExponent || exponent > kMaxExponent) {
    return corrupt("number exponent out of range: " + std::to_string(exponent));
  }

  uint64_t fraction = 0;
  int used = 0;
  uint8_t last_group = 0;
  for (;;) {
    if (used == kSignificandGroups) return corrupt("number significand longer than 63 bits");
    if (in->empty()) return corrupt("truncated number significand");
    uint8_t b = byte_at(*in, 0) ^ invert;
    in->remove_prefix(1);
    last_group = b >> 1;
    fraction |= static_cast<uint64_t>(last_group) << (57 - 7 * used);
    ++used;
    if ((b & 1) == 0) break;
  }
  if (used > 1 && last_group == 0) return corrupt("non-canonical number: trailing zero group");
  uint64_t significand = kTopBit | (fraction >> 1);

  if (in->empty()) return corrupt("truncated number: missing kind byte");
  uint8_t kind = byte_at(*in, 0);
  in->remove_prefix(1);

  if (kind == kKindInteger) {
    // An int64 magnitude is below 2^63, or exactly 2^63 for INT64_MIN.
    if (exponent < 0 || exponent > 63) return corrupt("integer exponent out of range");
    if (exponent == 63 && !(negative && significand == kTopBit)) {
      return corrupt("integer out of int64 range");
    }
    int fraction_bits = 63 - exponent;
    if (fraction_bits > 0 && (significand & ((uint64_t{1} << fraction_bits) - 1)) != 0) {
      return corrupt("integer with fractional bits");
    }
    uint64_t magnitude = significand >> fraction_bits;
    uint64_t bits = negative ? uint64_t{0} - magnitude : magnitude;
    return Value::integer(static_cast<int64_t>(bits));
  }
  if (kind == kKindReal) {
    // A double holds 53 significant bits, fewer once denormal (exponent < -1022).
    int allowed_bits = exponent + 1075 < 53 ? exponent + 1075 : 53;
    int zero_bits = 64 - allowed_bits;
    if ((significand & ((uint64_t{1} << zero_bits) - 1)) != 0) {
      return corrupt("real significand wider than a double");
    }
    double magnitude = std::ldexp(static_cast<double>(significand), exponent - 63);
    return Value::real(negative ? -magnitude : magnitude);
  }
  return corrupt("bad number kind byte " + std::to_string(kind));
}

Result<std::string> take_stuffed(std::string_view* in) {
  std::string bytes;
  size_t i = 0;
  for (;;) {
    if (i >= in->size()) return corrupt("unterminated text or blob");
    uint8_t b = byte_at(*in, i);
    if (b == 0x00) break;
    if (b == 0x01) {
      if (i + 1 >= in->size()) return corrupt("truncated escape in text or blob");
      uint8_t next = byte_at(*in, i + 1);
      if (next != 0x01 && next != 0x02) {
        return corrupt("bad escape 01 " + std::to_string(next) + " in text or blob");
      }
      bytes.push_back(static_cast<char>(next - 1));
      i += 2;
      continue;
    }
    bytes.push_back(static_cast<char>(b));
    ++i;
  }
  in->remove_prefix(i + 1);
  return bytes;
}

}  // namespace

void encode_key(const Value& v, std::string* out) {
  switch (v.type()) {
    case ValueType::kNull:
      out->push_back(static_cast<char>(kTagNull));
      return;
    case ValueType::kInteger:
      if (v.as_integer() == 0) {
        out->push_back(static_cast<char>(kTagZero));
        out->push_back(static_cast<char>(kKindInteger));
        return;
      }
      put_scaled(scale_integer(v.as_integer()), kKindInteger, out);
      return;
    case ValueType::kReal: {
      double d = v.as_real();
      if (std::isnan(d)) {
        out->push_back(static_cast<char>(kTagNull));
      } else if (std::isinf(d)) {
        out->push_back(static_cast<char>(d < 0 ? kTagNegInfinity : kTagPosInfinity));
      } else if (d == 0.0) {  // also -0.0
        out->push_back(static_cast<char>(kTagZero));
        out->push_back(static_cast<char>(kKindReal));
      } else {
        put_scaled(scale_real(d), kKindReal, out);
      }
      return;
    }
    case ValueType::kText:
      put_stuffed(kTagText, v.as_text(), out);
      return;
    case ValueType::kBlob:
      put_stuffed(kTagBlob, v.as_blob(), out);
      return;
  }
}

void encode_key(std::span<const Value> tuple, std::string* out) {
  for (const Value& v : tuple) encode_key(v, out);
}

Result<Value> decode_key(std::string_view* in) {
  if (in->empty()) return corrupt("empty input: expected a value tag");
  uint8_t tag = byte_at(*in, 0);
  in->remove_prefix(1);
  switch (tag) {
    case kTagNull:
      return Value::null();
    case kTagNegInfinity:
      return Value::real(-HUGE_VAL);
    case kTagNegative:
      return take_number(true, in);
    case kTagZero:
      return take_kind_zero(in);
    case kTagPositive:
      return take_number(false, in);
    case kTagPosInfinity:
      return Value::real(HUGE_VAL);
    case kTagText: {
      STRATA_ASSIGN(std::string bytes, take_stuffed(in));
      return Value::text(std::move(bytes));
    }
    case kTagBlob: {
      STRATA_ASSIGN(std::string bytes, take_stuffed(in));
      return Value::blob(std::move(bytes));
    }
    default:
      return corrupt("unknown tag " + std::to_string(tag));
  }
}

Result<std::vector<Value>> decode_key_tuple(std::string_view in) {
  std::vector<Value> tuple;
  while (!in.empty()) {
    size_t offset_before = in.size();
    auto value = decode_key(&in);
    if (!value.ok()) {
      return value.status().with_context("element " + std::to_string(tuple.size()) +
                                         " (bytes left " + std::to_string(offset_before) + ")");
    }
    tuple.push_back(std::move(value).value());
  }
  return tuple;
}

void encode_rowid(int64_t rowid, std::string* out) {
  uint64_t bits = static_cast<uint64_t>(rowid) ^ kTopBit;
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((bits >> shift) & 0xFF));
  }
}

Result<int64_t> decode_rowid(std::string_view* in) {
  if (in->size() < kRowidSize) {
    return corrupt("truncated rowid: " + std::to_string(in->size()) + " of 8 bytes");
  }
  uint64_t bits = 0;
  for (size_t i = 0; i < kRowidSize; ++i) bits = (bits << 8) | byte_at(*in, i);
  in->remove_prefix(kRowidSize);
  return static_cast<int64_t>(bits ^ kTopBit);
}

}  // namespace strata::codec
