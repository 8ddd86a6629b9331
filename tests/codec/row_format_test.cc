// Examples for the row format: exact bytes, integer widths, single-column
// access, and rejection of malformed rows.
#include "engine/codec/row_format.h"

#include <gtest/gtest.h>

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

std::vector<Value> sample_row() {
  return {Value::null(),
          Value::integer(0),
          Value::integer(1),
          Value::integer(-1),
          Value::integer(127),
          Value::integer(128),
          Value::integer(-129),
          Value::integer(INT64_MIN),
          Value::integer(INT64_MAX),
          Value::real(-0.0),
          Value::real(1.5),
          Value::real(std::numeric_limits<double>::infinity()),
          Value::real(std::numeric_limits<double>::denorm_min()),
          Value::text(""),
          Value::text("h\x00llo"s),
          Value::blob(""),
          Value::blob("\x00\x01\xff"s),
          Value::text(std::string(300, 'x'))};
}

TEST(RowFormat, ExactBytesOfASmallRow) {
  std::vector<Value> row = {Value::null(),      Value::integer(0),   Value::integer(1),
                            Value::integer(-2), Value::integer(300), Value::real(1.0),
                            Value::text("hi"),  Value::blob("\x00"s)};
  // count 8, header 8 bytes: types 0 1 2 3(1 byte) 4(2 bytes) 11 12+4 13+2.
  EXPECT_EQ(hex(encode_row(row)),
            "08 08 00 01 02 03 04 0b 10 0f "
            "fe 01 2c 3f f0 00 00 00 00 00 00 68 69 00");
}

TEST(RowFormat, EmptyRowIsTwoZeroBytes) {
  EXPECT_EQ(encode_row({}), "\x00\x00"s);
  auto back = decode_row("\x00\x00"s);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->empty());
  EXPECT_EQ(*row_column_count("\x00\x00"s), 0u);
  EXPECT_TRUE(decode_column("\x00\x00"s, 0).status().is(StatusCode::kNotFound));
}

TEST(RowFormat, IntegersUseTheFewestBytes) {
  struct Case {
    int64_t value;
    size_t payload;
  };
  std::vector<Case> cases = {{0, 0},
                             {1, 0},
                             {2, 1},
                             {-1, 1},
                             {127, 1},
                             {-128, 1},
                             {128, 2},
                             {-129, 2},
                             {32767, 2},
                             {32768, 3},
                             {8388607, 3},
                             {8388608, 4},
                             {INT32_MAX, 4},
                             {INT32_MIN, 4},
                             {int64_t{1} << 31, 5},
                             {int64_t{1} << 47, 7},
                             {INT64_MAX, 8},
                             {INT64_MIN, 8}};
  for (const Case& c : cases) {
    std::string bytes = encode_row(std::vector<Value>{Value::integer(c.value)});
    EXPECT_EQ(bytes.size(), 3 + c.payload) << c.value << ": " << hex(bytes);
    auto back = decode_column(bytes, 0);
    ASSERT_TRUE(back.ok()) << back.status().to_string();
    EXPECT_EQ(back->as_integer(), c.value);
  }
}

TEST(RowFormat, RoundTripsExactly) {
  std::vector<Value> row = sample_row();
  std::string bytes = encode_row(row);
  auto back = decode_row(bytes);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_TRUE(same_values(*back, row));
  EXPECT_TRUE(std::signbit((*back)[9].as_real())) << "-0.0 keeps its sign";
  EXPECT_EQ(*row_column_count(bytes), row.size());
  for (size_t i = 0; i < row.size(); ++i) {
    auto column = decode_column(bytes, i);
    ASSERT_TRUE(column.ok()) << i << ": " << column.status().to_string();
    EXPECT_TRUE(same_value(*column, row[i])) << i << ": " << column->debug_string();
  }
}

TEST(RowFormat, AppendingEncoderKeepsWhatWasThere) {
  std::string out = "prefix";
  encode_row(std::vector<Value>{Value::integer(5)}, &out);
  EXPECT_EQ(out, "prefix" + encode_row(std::vector<Value>{Value::integer(5)}));
}

TEST(RowFormat, ColumnPastTheEndIsNotFound) {
  std::string bytes = encode_row(std::vector<Value>{Value::integer(5), Value::text("a")});
  auto r = decode_column(bytes, 2);
  EXPECT_TRUE(r.status().is(StatusCode::kNotFound)) << r.status().to_string();
}

TEST(RowFormat, EveryProperPrefixIsCorruption) {
  std::string bytes = encode_row(sample_row());
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = decode_row(std::string_view(bytes.data(), n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_TRUE(r.status().is(StatusCode::kCorruption)) << r.status().to_string();
  }
}

TEST(RowFormat, MalformedRowsAreCorruptionWithAReason) {
  struct Case {
    std::string bytes;
    std::string reason;
  };
  std::vector<Case> cases = {
      {"", "truncated varint"},
      {"\x01", "truncated varint"},
      {"\x80", "truncated varint"},
      {"\x80\x00\x00"s, "non-canonical varint"},
      {"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", "overflows 64 bits"},
      {"\x01\x05\x00"s, "exceeds"},     // header of 5 bytes, 1 present
      {"\x02\x01\x00"s, "cannot fit"},  // 2 columns in a 1-byte header
      {"\x01\x02\x00\x00"s, "stray bytes after the column types"},
      {"\x01\x01\x00\x00"s, "stray bytes after the payloads"},
      {"\x01\x01\x0b\x00"s, "exceeds"},                    // REAL with 1 of 8 bytes
      {"\x01\x01\x03"s, "exceeds"},                        // 1-byte integer, no payload
      {"\x01\x01\x03\x00"s, "non-canonical integer"},      // 0 in one byte
      {"\x01\x01\x03\x01"s, "non-canonical integer"},      // 1 in one byte
      {"\x01\x01\x04\x00\x05"s, "non-canonical integer"},  // 5 in two bytes
      {"\x01\x01\x04\xff\xff"s, "non-canonical integer"},  // -1 in two bytes
      {"\x01\x02\xe8\x07hi"s, "exceeds"},                  // TEXT of 494 bytes, 2 present
      {"\x01\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"s, "exceeds"},  // BLOB of ~2^63 bytes
  };
  for (const Case& c : cases) {
    auto r = decode_row(c.bytes);
    ASSERT_FALSE(r.ok()) << hex(c.bytes);
    EXPECT_TRUE(r.status().is(StatusCode::kCorruption))
        << hex(c.bytes) << ": " << r.status().to_string();
    EXPECT_NE(r.status().message().find(c.reason), std::string::npos)
        << hex(c.bytes) << ": expected '" << c.reason << "' in " << r.status().to_string();
  }
}

TEST(RowFormat, DecodeColumnBoundsItsPayload) {
  // Column 0 is fine; column 1 claims 8 bytes that are not there.
  std::string bytes = "\x02\x02\x02\x0b"s;
  EXPECT_EQ(decode_column(bytes, 0)->as_integer(), 1);
  auto r = decode_column(bytes, 1);
  EXPECT_TRUE(r.status().is(StatusCode::kCorruption)) << r.status().to_string();
}

TEST(RowFormat, HugeColumnCountIsRejectedBeforeAllocating) {
  // 2^63 - 1 columns claimed in a 10-byte row.
  std::string bytes = "\xff\xff\xff\xff\xff\xff\xff\xff\x7f\x00"s;
  EXPECT_TRUE(decode_row(bytes).status().is(StatusCode::kCorruption));
  EXPECT_TRUE(row_column_count(bytes).status().is(StatusCode::kCorruption));
}

}  // namespace
}  // namespace strata::codec
