// Row format implementation; the byte layout is drawn in row_format.h.
#include "engine/codec/row_format.h"

#include <bit>
#include <cstring>

namespace strata::codec {
namespace {

constexpr size_t kMaxVarintBytes = 10;

Status corrupt(std::string_view what) {
  return Status::corruption("row format: " + std::string(what));
}

void put_varint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Reads a canonical varint from the front of *in and advances past it.
Result<uint64_t> take_varint(std::string_view* in) {
  uint64_t v = 0;
  for (size_t i = 0; i < kMaxVarintBytes; ++i) {
    if (i >= in->size()) return corrupt("truncated varint");
    uint8_t b = static_cast<uint8_t>((*in)[i]);
    uint64_t group = b & 0x7F;
    if (i == kMaxVarintBytes - 1 && b > 0x01) return corrupt("varint overflows 64 bits");
    v |= group << (7 * i);
    if ((b & 0x80) == 0) {
      if (i > 0 && b == 0) return corrupt("non-canonical varint");
      in->remove_prefix(i + 1);
      return v;
    }
  }
  return corrupt("varint longer than 10 bytes");
}

// Bytes needed for v as a big-endian two's complement integer (1..8).
int integer_width(int64_t v) {
  // Bits beyond the sign: a value needs (64 - redundant sign bits) + 1 bits.
  uint64_t folded = static_cast<uint64_t>(v < 0 ? ~v : v);
  int bits = 64 - std::countl_zero(folded) + 1;
  return (bits + 7) / 8;
}

uint64_t column_type(const Value& v) {
  switch (v.type()) {
    case ValueType::kNull:
      return kRowTypeNull;
    case ValueType::kInteger:
      if (v.as_integer() == 0) return kRowTypeZero;
      if (v.as_integer() == 1) return kRowTypeOne;
      return kRowTypeInt1 - 1 + static_cast<uint64_t>(integer_width(v.as_integer()));
    case ValueType::kReal:
      return kRowTypeReal;
    case ValueType::kText:
      return kRowTypeTextBase + 2 * static_cast<uint64_t>(v.as_text().size());
    case ValueType::kBlob:
      return kRowTypeBlobBase + 2 * static_cast<uint64_t>(v.as_blob().size());
  }
  return kRowTypeNull;
}

uint64_t payload_size(uint64_t type) {
  if (type <= kRowTypeOne) return 0;
  if (type <= kRowTypeInt8) return type - kRowTypeInt1 + 1;
  if (type == kRowTypeReal) return 8;
  return (type - kRowTypeTextBase) / 2;  // text and blob alike
}

void put_big_endian(uint64_t bits, int width, std::string* out) {
  for (int shift = 8 * (width - 1); shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((bits >> shift) & 0xFF));
  }
}

uint64_t get_big_endian(std::string_view bytes) {
  uint64_t bits = 0;
  for (char c : bytes) bits = (bits << 8) | static_cast<uint8_t>(c);
  return bits;
}

// Decodes one payload whose size the caller has already bounded.
Result<Value> read_payload(uint64_t type, std::string_view payload) {
  switch (type) {
    case kRowTypeNull:
      return Value::null();
    case kRowTypeZero:
      return Value::integer(0);
    case kRowTypeOne:
      return Value::integer(1);
    case kRowTypeReal:
      return Value::real(std::bit_cast<double>(get_big_endian(payload)));
    default:
      break;
  }
  if (type <= kRowTypeInt8) {
    int width = static_cast<int>(payload.size());
    uint64_t bits = get_big_endian(payload);
    int unused = 64 - 8 * width;
    // Sign-extend: shift the top payload bit to bit 63, then arithmetic shift back.
    int64_t v = static_cast<int64_t>(bits << unused) >> unused;
    if (v == 0 || v == 1 || integer_width(v) != width) {
      return corrupt("non-canonical integer of " + std::to_string(width) + " bytes");
    }
    return Value::integer(v);
  }
  std::string bytes(payload);
  if ((type - kRowTypeTextBase) % 2 == 0) return Value::text(std::move(bytes));
  return Value::blob(std::move(bytes));
}

// The parsed front of a row: its column count, its type list and its payloads.
struct RowParts {
  uint64_t column_count;
  std::string_view types;
  std::string_view payloads;
};

Result<RowParts> split_row(std::string_view row) {
  STRATA_ASSIGN(uint64_t column_count, take_varint(&row));
  STRATA_ASSIGN(uint64_t header_size, take_varint(&row));
  if (header_size > row.size()) {
    return corrupt("header of " + std::to_string(header_size) + " bytes exceeds the " +
                   std::to_string(row.size()) + " bytes left");
  }
  // Every type takes at least one header byte: this also bounds allocations.
  if (column_count > header_size) {
    return corrupt(std::to_string(column_count) + " columns cannot fit a header of " +
                   std::to_string(header_size) + " bytes");
  }
  return RowParts{column_count, row.substr(0, header_size), row.substr(header_size)};
}

}  // namespace

void encode_row(std::span<const Value> columns, std::string* out) {
  std::string types;
  for (const Value& v : columns) put_varint(column_type(v), &types);
  put_varint(columns.size(), out);
  put_varint(types.size(), out);
  out->append(types);
  for (const Value& v : columns) {
    switch (v.type()) {
      case ValueType::kNull:
        break;
      case ValueType::kInteger: {
        int64_t i = v.as_integer();
        if (i != 0 && i != 1) put_big_endian(static_cast<uint64_t>(i), integer_width(i), out);
        break;
      }
      case ValueType::kReal:
        put_big_endian(std::bit_cast<uint64_t>(v.as_real()), 8, out);
        break;
      case ValueType::kText:
      case ValueType::kBlob:
        out->append(v.bytes());
        break;
    }
  }
}

std::string encode_row(std::span<const Value> columns) {
  std::string out;
  encode_row(columns, &out);
  return out;
}

Result<std::vector<Value>> decode_row(std::string_view row) {
  STRATA_ASSIGN(RowParts parts, split_row(row));
  std::vector<Value> columns;
  columns.reserve(parts.column_count);
  for (uint64_t i = 0; i < parts.column_count; ++i) {
    auto type = take_varint(&parts.types);
    if (!type.ok()) return type.status().with_context("column " + std::to_string(i) + " type");
    uint64_t size = payload_size(*type);
    if (size > parts.payloads.size()) {
      return corrupt("column " + std::to_string(i) + ": payload of " + std::to_string(size) +
                     " bytes exceeds the " + std::to_string(parts.payloads.size()) + " bytes left");
    }
    auto value = read_payload(*type, parts.payloads.substr(0, size));
    if (!value.ok()) return value.status().with_context("column " + std::to_string(i));
    columns.push_back(std::move(value).value());
    parts.payloads.remove_prefix(size);
  }
  if (!parts.types.empty()) {
    return corrupt(std::to_string(parts.types.size()) + " stray bytes after the column types");
  }
  if (!parts.payloads.empty()) {
    return corrupt(std::to_string(parts.payloads.size()) + " stray bytes after the payloads");
  }
  return columns;
}

Result<Value> decode_column(std::string_view row, size_t index) {
  STRATA_ASSIGN(RowParts parts, split_row(row));
  if (index >= parts.column_count) {
    return Status::not_found("row format: column " + std::to_string(index) + " of a row with " +
                             std::to_string(parts.column_count) + " columns");
  }
  uint64_t offset = 0;  // sum of earlier payload sizes; each is <= the row size, so no overflow
  for (size_t i = 0;; ++i) {
    auto type = take_varint(&parts.types);
    if (!type.ok()) return type.status().with_context("column " + std::to_string(i) + " type");
    uint64_t size = payload_size(*type);
    if (size > parts.payloads.size() - offset) {
      return corrupt("column " + std::to_string(i) + ": payload exceeds the row");
    }
    if (i == index) {
      auto value = read_payload(*type, parts.payloads.substr(offset, size));
      if (!value.ok()) return value.status().with_context("column " + std::to_string(i));
      return value;
    }
    offset += size;
  }
}

Result<size_t> row_column_count(std::string_view row) {
  STRATA_ASSIGN(RowParts parts, split_row(row));
  return static_cast<size_t>(parts.column_count);
}

}  // namespace strata::codec
