// Examples for the key codec: exact bytes, order at the boundaries of every
// type, round trips, and rejection of malformed input.
#include "engine/codec/key_codec.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cfloat>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "tests/codec/codec_test_util.h"

namespace strata::codec {
namespace {

using codec_test::same_value;
using codec_test::same_values;
using namespace std::string_literals;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kDenormMin = std::numeric_limits<double>::denorm_min();
constexpr int64_t kInt53 = int64_t{1} << 53;

std::string enc(const Value& v) {
  std::string out;
  encode_key(v, &out);
  return out;
}

std::string enc_tuple(const std::vector<Value>& tuple) {
  std::string out;
  encode_key(tuple, &out);
  return out;
}

std::string hex(std::string_view bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    if (!out.empty()) out += ' ';
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

Value decode_one(std::string_view bytes) {
  std::string_view in = bytes;
  auto v = decode_key(&in);
  EXPECT_TRUE(v.ok()) << v.status().to_string() << " for " << hex(bytes);
  EXPECT_TRUE(in.empty()) << hex(in) << " left over";
  return v.ok() ? *v : Value::null();
}

Status decode_status(std::string_view bytes) {
  std::string_view in = bytes;
  auto v = decode_key(&in);
  return v.ok() ? Status::ok() : v.status();
}

// Values in ascending SQLite order. Neighbours that SQLite calls equal (1 and
// 1.0) appear INTEGER first, the order their encodings take.
std::vector<Value> ascending_examples() {
  using L = std::numeric_limits<int64_t>;
  const double two63 = 9223372036854775808.0;
  const double two53 = 9007199254740992.0;
  return {
      Value::null(),
      Value::real(-kInf),
      Value::real(-DBL_MAX),
      Value::real(-1e300),
      Value::real(std::nextafter(-two63, -kInf)),
      Value::integer(L::min()),
      Value::real(-two63),
      Value::integer(L::min() + 1),
      Value::integer(-kInt53 - 1),
      Value::integer(-kInt53),
      Value::real(-two53),
      Value::integer(-kInt53 + 1),
      Value::integer(-2),
      Value::real(-1.5),
      Value::integer(-1),
      Value::real(-1.0),
      Value::real(-0.5),
      Value::real(-DBL_MIN),
      Value::real(-kDenormMin),
      Value::integer(0),
      Value::real(0.0),
      Value::real(kDenormMin),
      Value::real(2 * kDenormMin),
      Value::real(DBL_MIN - kDenormMin),  // the largest denormal
      Value::real(DBL_MIN),
      Value::real(0.5),
      Value::real(std::nextafter(1.0, 0.0)),
      Value::integer(1),
      Value::real(1.0),
      Value::real(std::nextafter(1.0, 2.0)),
      Value::real(1.5),
      Value::integer(2),
      Value::integer(3),
      Value::integer(127),
      Value::integer(128),
      Value::integer(kInt53 - 1),
      Value::integer(kInt53),
      Value::real(two53),
      Value::integer(kInt53 + 1),  // no double equals it; 2^53 < it < 2^53 + 2
      Value::integer(kInt53 + 2),
      Value::real(two53 + 2),
      Value::integer(int64_t{1} << 62),
      Value::real(std::nextafter(two63, 0.0)),
      Value::integer(L::max() - 1),
      Value::integer(L::max()),
      Value::real(two63),  // the double nearest INT64_MAX, yet greater than it
      Value::real(1e300),
      Value::real(DBL_MAX),
      Value::real(kInf),
      Value::text(""),
      Value::text("\x00"s),
      Value::text("\x00\x00"s),
      Value::text("\x00\x01"s),
      Value::text("\x00\xff"s),
      Value::text("\x01"s),
      Value::text("\x01\x00"s),
      Value::text("\x01\x01"s),
      Value::text("\x02"),
      Value::text("a"),
      Value::text("a\x00"s),
      Value::text("a\x00\x00"s),
      Value::text("a\x01"s),
      Value::text("ab"),
      Value::text("b"),
      Value::text("\xff"),
      Value::text("\xff\xff"),
      Value::blob(""),
      Value::blob("\x00"s),
      Value::blob("\x00\x00"s),
      Value::blob("\x01"s),
      Value::blob("\x02"),
      Value::blob("a"),
      Value::blob("\xff"),
  };
}

TEST(KeyCodec, ExamplesAscendInSqliteOrderAndInByteOrder) {
  std::vector<Value> values = ascending_examples();
  for (size_t i = 0; i < values.size(); ++i) {
    for (size_t j = i + 1; j < values.size(); ++j) {
      const Value& a = values[i];
      const Value& b = values[j];
      ASSERT_LE(Value::compare(a, b), 0) << a.debug_string() << " vs " << b.debug_string();
      EXPECT_LT(enc(a), enc(b)) << a.debug_string() << " = " << hex(enc(a)) << " vs "
                                << b.debug_string() << " = " << hex(enc(b));
    }
  }
}

TEST(KeyCodec, ExamplesRoundTripExactly) {
  for (const Value& v : ascending_examples()) {
    Value back = decode_one(enc(v));
    EXPECT_TRUE(same_value(v, back)) << v.debug_string() << " came back as " << back.debug_string();
  }
}

TEST(KeyCodec, ExactBytesOfSmallValues) {
  EXPECT_EQ(hex(enc(Value::null())), "05");
  EXPECT_EQ(hex(enc(Value::integer(0))), "12 01");
  EXPECT_EQ(hex(enc(Value::real(0.0))), "12 02");
  // 1 = 1.0 * 2^0: exponent 0 + 1100 = 0x044c, one empty group, kind.
  EXPECT_EQ(hex(enc(Value::integer(1))), "13 04 4c 00 01");
  EXPECT_EQ(hex(enc(Value::real(1.0))), "13 04 4c 00 02");
  // 3 = 1.1b * 2^1: first group 1000000b -> byte 0x80 (more = 0).
  EXPECT_EQ(hex(enc(Value::integer(3))), "13 04 4d 80 01");
  EXPECT_EQ(hex(enc(Value::real(1.5))), "13 04 4c 80 02");
  // Negative: exponent and significand bytes complemented, kind as is.
  EXPECT_EQ(hex(enc(Value::integer(-1))), "11 fb b3 ff 01");
  EXPECT_EQ(hex(enc(Value::real(-kInf))), "10");
  EXPECT_EQ(hex(enc(Value::real(kInf))), "14");
  EXPECT_EQ(hex(enc(Value::text("a\x00\x01z"s))), "20 61 01 01 01 02 7a 00");
  EXPECT_EQ(hex(enc(Value::blob("a\x00\x01z"s))), "30 61 01 01 01 02 7a 00");
  EXPECT_EQ(hex(enc(Value::text(""))), "20 00");
  EXPECT_EQ(hex(enc(Value::blob(""))), "30 00");
}

TEST(KeyCodec, LargestMagnitudesUseAllSignificandGroups) {
  // INT64_MAX = 2^63 - 1: 62 fraction bits, all ones -> 9 groups.
  EXPECT_EQ(enc(Value::integer(INT64_MAX)).size(), 1u + 2 + 9 + 1);
  EXPECT_EQ(enc(Value::integer(INT64_MIN)).size(), 1u + 2 + 1 + 1);  // -2^63: 1.0 * 2^63
}

TEST(KeyCodec, EqualIntegerAndRealEncodeDistinctlyIntegerFirst) {
  for (int64_t i : {int64_t{0}, int64_t{1}, int64_t{-1}, kInt53, -kInt53, INT64_MIN}) {
    Value integer = Value::integer(i);
    Value real = Value::real(static_cast<double>(i));
    ASSERT_EQ(Value::compare(integer, real), 0);
    EXPECT_LT(enc(integer), enc(real)) << i;
    EXPECT_EQ(decode_one(enc(real)).type(), ValueType::kReal);
    EXPECT_EQ(decode_one(enc(integer)).type(), ValueType::kInteger);
  }
}

TEST(KeyCodec, LargeIntegerOrdersAgainstNearbyDoubleExactly) {
  Value big = Value::integer(kInt53 + 1);
  Value real = Value::real(9007199254740992.0);
  EXPECT_GT(Value::compare(big, real), 0);
  EXPECT_GT(enc(big), enc(real));
  EXPECT_LT(enc(Value::integer(INT64_MAX)), enc(Value::real(9223372036854775807.0)));
}

TEST(KeyCodec, NegativeZeroIsEncodedAsPositiveZero) {
  EXPECT_EQ(enc(Value::real(-0.0)), enc(Value::real(0.0)));
  Value back = decode_one(enc(Value::real(-0.0)));
  EXPECT_FALSE(std::signbit(back.as_real()));
}

TEST(KeyCodec, NanIsEncodedAsNull) {
  EXPECT_EQ(enc(Value::real(std::nan(""))), enc(Value::null()));
  EXPECT_TRUE(decode_one(enc(Value::real(-std::nan("")))).is_null());
}

TEST(KeyCodec, TextAndBlobWithSameBytesDiffer) {
  EXPECT_LT(enc(Value::text("")), enc(Value::blob("")));
  EXPECT_LT(enc(Value::text("\xff\xff")), enc(Value::blob("\x00"s)));
  Value text = decode_one(enc(Value::text("\x00\x01\x02"s)));
  ASSERT_EQ(text.type(), ValueType::kText);
  EXPECT_EQ(text.as_text(), "\x00\x01\x02"s);
}

TEST(KeyCodec, TupleDecodesLeftToRight) {
  std::vector<Value> tuple = {Value::integer(7), Value::text("a\x00"s), Value::null(),
                              Value::real(-2.5), Value::blob("\x01"s),  Value::integer(INT64_MIN)};
  std::string bytes = enc_tuple(tuple);
  auto back = decode_key_tuple(bytes);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_TRUE(same_values(*back, tuple));

  std::string_view in = bytes;
  for (const Value& expected : tuple) {
    auto v = decode_key(&in);
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE(same_value(*v, expected));
  }
  EXPECT_TRUE(in.empty());
  EXPECT_TRUE(decode_key_tuple("").ok());
  EXPECT_TRUE(decode_key_tuple("")->empty());
}

TEST(KeyCodec, TuplePrefixSortsBeforeItsExtensions) {
  std::vector<Value> prefix = {Value::text("a"), Value::integer(1)};
  for (const Value& next : ascending_examples()) {
    std::vector<Value> longer = prefix;
    longer.push_back(next);
    EXPECT_LT(enc_tuple(prefix), enc_tuple(longer)) << next.debug_string();
  }
  // Element-wise, not byte-wise: ("a", 2) sorts before ("a\x00", 1).
  EXPECT_LT(enc_tuple({Value::text("a"), Value::integer(2)}),
            enc_tuple({Value::text("a\x00"s), Value::integer(1)}));
  EXPECT_LT(enc_tuple({Value::integer(1), Value::blob("")}),
            enc_tuple({Value::real(1.0), Value::null()}));
}

TEST(KeyCodec, RowidIsSignFlippedBigEndian) {
  auto rowid_hex = [](int64_t r) {
    std::string out;
    encode_rowid(r, &out);
    return hex(out);
  };
  EXPECT_EQ(rowid_hex(0), "80 00 00 00 00 00 00 00");
  EXPECT_EQ(rowid_hex(1), "80 00 00 00 00 00 00 01");
  EXPECT_EQ(rowid_hex(-1), "7f ff ff ff ff ff ff ff");
  EXPECT_EQ(rowid_hex(INT64_MIN), "00 00 00 00 00 00 00 00");
  EXPECT_EQ(rowid_hex(INT64_MAX), "ff ff ff ff ff ff ff ff");

  std::vector<int64_t> ascending = {INT64_MIN, INT64_MIN + 1, -256, -1, 0, 1, 255, 256, INT64_MAX};
  std::string previous;
  for (int64_t r : ascending) {
    std::string bytes;
    encode_rowid(r, &bytes);
    EXPECT_LT(previous, bytes) << r;
    std::string_view in = bytes;
    auto back = decode_rowid(&in);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, r);
    EXPECT_TRUE(in.empty());
    previous = bytes;
  }
}

TEST(KeyCodec, TruncatedRowidIsCorruption) {
  std::string bytes;
  encode_rowid(42, &bytes);
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::string_view in(bytes.data(), n);
    auto r = decode_rowid(&in);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().is(StatusCode::kCorruption));
  }
}

TEST(KeyCodec, EveryProperPrefixOfAnEncodingIsCorruption) {
  for (const Value& v : ascending_examples()) {
    std::string bytes = enc(v);
    for (size_t n = 0; n < bytes.size(); ++n) {
      Status s = decode_status(std::string_view(bytes.data(), n));
      EXPECT_TRUE(s.is(StatusCode::kCorruption))
          << v.debug_string() << " cut to " << n << " bytes: " << s.to_string();
    }
  }
}

TEST(KeyCodec, MalformedInputsAreCorruptionWithAReason) {
  struct Case {
    std::string bytes;
    std::string reason;  // a substring of the message
  };
  std::vector<Case> cases = {
      {""s, "empty input"},
      {"\x00"s, "unknown tag"},
      {"\x06"s, "unknown tag"},
      {"\xff"s, "unknown tag"},
      {"\x12\x03"s, "bad number kind"},
      {"\x12"s, "missing kind"},
      {"\x13\x04"s, "truncated number exponent"},
      {"\x13\x04\x4c"s, "truncated number significand"},
      {"\x13\x04\x4c\x01"s, "truncated number significand"},
      {"\x13\x04\x4c\x00"s, "missing kind"},
      {"\x13\x04\x4c\x00\x03"s, "bad number kind"},
      // Exponent -1075 (below the smallest denormal) and 1024 (beyond doubles).
      {"\x13\x00\x19\x00\x02"s, "exponent out of range"},
      {"\x13\x08\x4c\x00\x02"s, "exponent out of range"},
      {"\x13\xff\xff\x00\x02"s, "exponent out of range"},
      // Ten significand groups.
      {"\x13\x04\x4c\x03\x03\x03\x03\x03\x03\x03\x03\x03\x02\x01"s, "longer than 63 bits"},
      // A trailing zero group is not canonical.
      {"\x13\x04\x4c\x81\x00\x01"s, "trailing zero group"},
      // 0.5 = 1.0 * 2^-1 claimed as INTEGER.
      {"\x13\x04\x4b\x00\x01"s, "integer exponent out of range"},
      // 1.5 claimed as INTEGER.
      {"\x13\x04\x4c\x80\x01"s, "fractional bits"},
      // +2^63 does not fit int64 (-2^63 does).
      {"\x13\x04\x8b\x00\x01"s, "out of int64 range"},
      // 2^0 * (1 + 2^-63): 63 fraction bits are too many for a double.
      {"\x13\x04\x4c\x01\x01\x01\x01\x01\x01\x01\x01\x02\x02"s, "wider than a double"},
      // The smallest denormal with a second significant bit.
      {"\x13\x00\x1a\x80\x02"s, "wider than a double"},
      {"\x20"s, "unterminated"},
      {"\x20\x61"s, "unterminated"},
      {"\x20\x01"s, "truncated escape"},
      {"\x30\x01\x03\x00"s, "bad escape"},
      {"\x30\x01\x00"s, "bad escape"},
  };
  for (const Case& c : cases) {
    Status s = decode_status(c.bytes);
    EXPECT_TRUE(s.is(StatusCode::kCorruption)) << hex(c.bytes) << ": " << s.to_string();
    EXPECT_NE(s.message().find(c.reason), std::string::npos)
        << hex(c.bytes) << ": expected '" << c.reason << "' in " << s.to_string();
  }
}

TEST(KeyCodec, SmallestDenormalAndLargestDoubleDecode) {
  // 2^-1074: exponent -1074 + 1100 = 26 = 0x001a.
  Value tiny = decode_one("\x13\x00\x1a\x00\x02"s);
  EXPECT_EQ(tiny.as_real(), kDenormMin);
  EXPECT_EQ(hex(enc(Value::real(kDenormMin))), "13 00 1a 00 02");
  EXPECT_EQ(decode_one(enc(Value::real(DBL_MAX))).as_real(), DBL_MAX);
  EXPECT_EQ(decode_one(enc(Value::real(-DBL_MIN))).as_real(), -DBL_MIN);
}

TEST(KeyCodec, TupleWithTrailingGarbageNamesTheElement) {
  std::string bytes = enc_tuple({Value::integer(5), Value::text("x")}) + "\x20\x61";
  auto r = decode_key_tuple(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().is(StatusCode::kCorruption));
  EXPECT_NE(r.status().message().find("element 2"), std::string::npos) << r.status().to_string();
}

// ---- The SQLite facts the codec relies on, checked against the real library ----

// Runs `sql` (one row, one column) with ?1 bound to `bound` and returns the
// result as a Value; REAL bits are preserved.
Value sqlite_scalar(const char* sql, const Value& bound) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  if (bound.type() == ValueType::kReal) sqlite3_bind_double(stmt, 1, bound.as_real());
  if (bound.type() == ValueType::kInteger) sqlite3_bind_int64(stmt, 1, bound.as_integer());
  Value result;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    switch (sqlite3_column_type(stmt, 0)) {
      case SQLITE_INTEGER:
        result = Value::integer(sqlite3_column_int64(stmt, 0));
        break;
      case SQLITE_FLOAT:
        result = Value::real(sqlite3_column_double(stmt, 0));
        break;
      case SQLITE_TEXT:
        result = Value::text(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
        break;
      default:
        break;
    }
  } else {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return result;
}

TEST(SqliteSemantics, NanBecomesNullAsTheCodecAssumes) {
  EXPECT_TRUE(sqlite_scalar("SELECT ?1", Value::real(std::nan(""))).is_null());
}

TEST(SqliteSemantics, IntegerAndRealCompareExactly) {
  // No rounding of the integer to a double: 2^53 + 1 > 2^53.0, INT64_MAX < 2^63.
  EXPECT_EQ(sqlite_scalar("SELECT 9007199254740993 > 9007199254740992.0", {}).as_integer(), 1);
  EXPECT_EQ(sqlite_scalar("SELECT 9223372036854775807 < 9223372036854775808.0", {}).as_integer(),
            1);
  EXPECT_EQ(sqlite_scalar("SELECT 1 = 1.0", {}).as_integer(), 1);
  EXPECT_EQ(sqlite_scalar("SELECT -0.0 = 0.0", {}).as_integer(), 1);
  EXPECT_EQ(sqlite_scalar("SELECT 1e999 > 9223372036854775807", {}).as_integer(), 1);
}

TEST(SqliteSemantics, ClassesOrderNullNumberTextBlob) {
  EXPECT_EQ(sqlite_scalar("SELECT x'00' > 'zzz' AND 'a' > 1e999", {}).as_integer(), 1);
  EXPECT_TRUE(sqlite_scalar("SELECT NULL < 1", {}).is_null());
  EXPECT_EQ(sqlite_scalar("SELECT NULL IS NULL", {}).as_integer(), 1);
}

TEST(SqliteSemantics, UntypedColumnKeepsNegativeZeroButRealColumnDoesNot) {
  // Why the codec may fold -0.0 into 0.0: the two are equal to SQL, and SQLite
  // itself drops the sign in a REAL column (it stores integral reals as integers).
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t(untyped, typed REAL)", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?1, ?1)", -1, &stmt, nullptr), SQLITE_OK);
  sqlite3_bind_double(stmt, 1, -0.0);
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE);
  sqlite3_finalize(stmt);
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT untyped, typed FROM t", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_type(stmt, 0), SQLITE_FLOAT);
  EXPECT_EQ(sqlite3_column_type(stmt, 1), SQLITE_FLOAT);
  EXPECT_TRUE(std::signbit(sqlite3_column_double(stmt, 0)));
  EXPECT_FALSE(std::signbit(sqlite3_column_double(stmt, 1)));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

}  // namespace
}  // namespace strata::codec
