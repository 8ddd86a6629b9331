// Key codec: encodes SQL values so that memcmp order is SQLite's order.
//
// Invariant: for values a, b with Value::compare(a, b) < 0, enc(a) < enc(b)
// under memcmp (a shorter prefix sorts first). A tuple encodes as the
// concatenation of its elements, so tuples sort lexicographically, decode left
// to right, and a prefix of a tuple sorts before every extension of it. Every
// encoding is self-delimiting and canonical: decoding accepts exactly the byte
// strings encode_key produces, so decode-then-encode returns the same bytes.
//
// One value = a tag byte, then a tag-specific body:
//
//   tag   meaning            body
//   ----  -----------------  ------------------------------------------------
//   0x05  NULL               (none)
//   0x10  REAL -infinity     (none)
//   0x11  number < 0         ~exponent(2)  ~significand(1..9)  kind(1)
//   0x12  number == 0        kind(1)
//   0x13  number > 0         exponent(2)   significand(1..9)   kind(1)
//   0x14  REAL +infinity     (none)
//   0x20  TEXT               stuffed bytes, then 0x00
//   0x30  BLOB               stuffed bytes, then 0x00
//
// Numbers (INTEGER and REAL share one scale, so they interleave by exact
// value). A nonzero finite |x| is written exactly as 1.f * 2^e:
//
//   exponent      e + kExponentBias (1100), 2 bytes big-endian. e lies in
//                 [-1074, 1023]: 2^-1074 is the smallest denormal double,
//                 2^1023 the top binade of doubles (int64s need e <= 63).
//   significand   the 63 bits of f after the implicit leading 1, cut from the
//                 top into 7-bit groups; each group is one byte (group << 1 |
//                 more), more = 1 if another group follows. Trailing all-zero
//                 groups are dropped, but at least one group is written.
//                 A shorter significand that is a prefix of a longer one is
//                 smaller, and its last byte (more = 0) sorts first.
//   kind          0x01 INTEGER, 0x02 REAL: 1 and 1.0 compare equal in SQL but
//                 encode distinctly, INTEGER first, so the type round-trips.
//
//   Negative numbers store the bitwise complement of the exponent and
//   significand bytes (larger magnitude sorts first); kind is not inverted.
//
//   -0.0 is encoded as 0.0 (SQL cannot tell them apart). NaN is encoded as
//   NULL: SQLite turns NaN into NULL, and encode_key has no way to fail.
//
// TEXT and BLOB bytes are stuffed so that 0x00 can terminate them:
//   0x00 -> 0x01 0x01,   0x01 -> 0x01 0x02,   any other byte -> itself.
// The terminator 0x00 sorts below every stuffed byte, so a string sorts before
// its extensions.
//
// Row ids (encode_rowid) are a separate, fixed 8-byte form with no tag: the
// int64 with its sign bit flipped, big-endian.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/value.h"
#include "vfs/status.h"

namespace strata::codec {

// Tag bytes (see the table above).
inline constexpr uint8_t kTagNull = 0x05;
inline constexpr uint8_t kTagNegInfinity = 0x10;
inline constexpr uint8_t kTagNegative = 0x11;
inline constexpr uint8_t kTagZero = 0x12;
inline constexpr uint8_t kTagPositive = 0x13;
inline constexpr uint8_t kTagPosInfinity = 0x14;
inline constexpr uint8_t kTagText = 0x20;
inline constexpr uint8_t kTagBlob = 0x30;

// The byte after a number's significand (or after kTagZero).
inline constexpr uint8_t kKindInteger = 0x01;
inline constexpr uint8_t kKindReal = 0x02;

inline constexpr int kExponentBias = 1100;
inline constexpr size_t kRowidSize = 8;

// Appends the order-preserving encoding of v to *out.
void encode_key(const Value& v, std::string* out);

// Appends the encodings of the tuple's elements, in order.
void encode_key(std::span<const Value> tuple, std::string* out);

// Decodes one value from the front of *in and advances *in past it.
// Malformed or truncated input gives kCorruption; *in is then unspecified.
Result<Value> decode_key(std::string_view* in);

// Decodes a whole encoded tuple; every byte of in must be consumed.
Result<std::vector<Value>> decode_key_tuple(std::string_view in);

// Appends rowid as 8 bytes: sign bit flipped, big-endian (memcmp = numeric order).
void encode_rowid(int64_t rowid, std::string* out);

// Decodes 8 bytes written by encode_rowid from the front of *in.
Result<int64_t> decode_rowid(std::string_view* in);

}  // namespace strata::codec
