// Properties of the row format: exact round trips, single-column access, and
// robustness against arbitrary bytes (run this under ASan/UBSan too).
//
// Replaying a failure: RapidCheck prints the failing (shrunk) input and, when
// the binary exits, a line like
//   Some of your RapidCheck properties had failures. To reproduce these, run with:
//   RC_PARAMS="reproduce=BCM..."
// Run the same binary with that environment variable (add
// --gtest_filter=Suite.Name to run one property) to replay exactly that case.
// RC_PARAMS="seed=N" reruns a whole random sequence.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "engine/codec/row_format.h"
#include "tests/codec/codec_test_util.h"

namespace strata::codec {
namespace {

using codec_test::gen_value;
using codec_test::same_value;
using codec_test::same_values;

rc::Gen<std::vector<Value>> gen_row() {
  return rc::gen::resize(12, rc::gen::container<std::vector<Value>>(gen_value()));
}

RC_GTEST_PROP(RowFormatProp, DecodeInvertsEncodeExactly, ()) {
  auto row = *gen_row();
  std::string bytes = encode_row(row);
  auto back = decode_row(bytes);
  RC_ASSERT(back.ok());
  RC_ASSERT(same_values(*back, row));
  auto count = row_column_count(bytes);
  RC_ASSERT(count.ok());
  RC_ASSERT(*count == row.size());
}

RC_GTEST_PROP(RowFormatProp, DecodeColumnMatchesDecodeRow, ()) {
  auto row = *gen_row();
  std::string bytes = encode_row(row);
  for (size_t i = 0; i < row.size(); ++i) {
    auto column = decode_column(bytes, i);
    RC_ASSERT(column.ok());
    RC_ASSERT(same_value(*column, row[i]));
  }
  RC_ASSERT(decode_column(bytes, row.size()).status().is(StatusCode::kNotFound));
}

// Random bytes, or a valid row with one byte changed, cut short or extended.
rc::Gen<std::string> gen_damaged_row() {
  return rc::gen::weightedOneOf<std::string>({
      {1, rc::gen::arbitrary<std::string>()},
      {3, rc::gen::mapcat(gen_row(),
                          [](const std::vector<Value>& row) {
                            std::string valid = encode_row(row);
                            return rc::gen::apply(
                                [valid](size_t at, char replacement, int how) {
                                  std::string s = valid;
                                  at %= s.size();
                                  if (how == 0) return s.substr(0, at);
                                  if (how == 1) return s + replacement;
                                  s[at] = replacement;
                                  return s;
                                },
                                rc::gen::arbitrary<size_t>(), rc::gen::arbitrary<char>(),
                                rc::gen::inRange(0, 3));
                          })},
  });
}

RC_GTEST_PROP(RowFormatProp, DamagedBytesDecodeCanonicallyOrFail, ()) {
  std::string bytes = *gen_damaged_row();
  auto row = decode_row(bytes);
  auto count = row_column_count(bytes);
  if (row.ok()) {
    // Anything accepted is exactly what encode_row would have written.
    RC_ASSERT(encode_row(*row) == bytes);
    RC_ASSERT(count.ok() && *count == row->size());
  } else {
    RC_ASSERT(row.status().is(StatusCode::kCorruption));
  }
  // decode_column may succeed on a row decode_row rejects, but never disagrees
  // with an accepted row and never fails with anything but these codes.
  size_t probes = count.ok() ? std::min<size_t>(*count + 1, 64) : 3;
  for (size_t i = 0; i < probes; ++i) {
    auto column = decode_column(bytes, i);
    if (column.ok()) {
      if (row.ok()) RC_ASSERT(same_value(*column, (*row)[i]));
    } else {
      RC_ASSERT(column.status().is(StatusCode::kCorruption) ||
                column.status().is(StatusCode::kNotFound));
      if (row.ok()) RC_ASSERT(i >= row->size());
    }
  }
}

}  // namespace
}  // namespace strata::codec
