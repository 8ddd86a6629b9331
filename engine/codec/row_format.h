// Row format: the compact record stored as the value of a row (its non-key columns).
//
// Invariant: decode_row(encode_row(cols)) == cols exactly (same types, same
// bits, -0.0 and NaN payloads included), and the encoding is canonical:
// decode_row accepts only byte strings encode_row can produce. Decoding never
// trusts its input: every length is bounded by the bytes actually present.
//
//   +--------------+--------------+-------------------------+-------------------+
//   | column_count | header_size  | type[0] ... type[n-1]   | payload[0] ...    |
//   |   varint     |   varint     | varints, header_size B  | concatenated      |
//   +--------------+--------------+-------------------------+-------------------+
//
// A varint is unsigned LEB128: 7 bits per byte, least significant group first,
// high bit set on every byte but the last; at most 10 bytes, no redundant
// trailing zero groups (canonical).
//
// Column types and payload sizes:
//
//   type        column                  payload
//   ----------  ----------------------  ----------------------------------------
//   0           NULL                    0 bytes
//   1           INTEGER 0               0 bytes
//   2           INTEGER 1               0 bytes
//   3..10       INTEGER, other          type - 2 bytes (1..8), two's complement,
//                                       big-endian, the fewest bytes that hold it
//   11          REAL                    8 bytes, IEEE-754 bits, big-endian
//   12 + 2*n    TEXT of n bytes         n bytes
//   13 + 2*n    BLOB of n bytes         n bytes
//
// header_size lets decode_column(i) find the payloads after reading only
// type[0..i]; column_count answers row_column_count without a scan. An empty
// row is the two bytes 00 00.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/value.h"
#include "vfs/status.h"

namespace strata::codec {

inline constexpr uint64_t kRowTypeNull = 0;
inline constexpr uint64_t kRowTypeZero = 1;
inline constexpr uint64_t kRowTypeOne = 2;
inline constexpr uint64_t kRowTypeInt1 = 3;  // 3..10: 1..8-byte integers
inline constexpr uint64_t kRowTypeInt8 = 10;
inline constexpr uint64_t kRowTypeReal = 11;
inline constexpr uint64_t kRowTypeTextBase = 12;  // 12 + 2n
inline constexpr uint64_t kRowTypeBlobBase = 13;  // 13 + 2n

// Appends the encoded row to *out.
void encode_row(std::span<const Value> columns, std::string* out);
std::string encode_row(std::span<const Value> columns);

// Decodes every column. Any malformed input gives kCorruption.
Result<std::vector<Value>> decode_row(std::string_view row);

// Decodes column `index` alone, reading only the header up to it and its own
// payload. index >= column count gives kNotFound (a column added to the schema
// after the row was written; the caller supplies its default). On a row that
// decode_row rejects, this returns kCorruption or the value at that position.
Result<Value> decode_column(std::string_view row, size_t index);

// The number of columns stored in the row (checks only the two leading varints).
Result<size_t> row_column_count(std::string_view row);

}  // namespace strata::codec
