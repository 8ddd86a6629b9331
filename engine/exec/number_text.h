// Numeric text: how SQLite reads a number out of TEXT (or BLOB) bytes.
//
// SQLite never uses strtod/strtoll. It has two scanners, and which one a
// conversion uses decides results users can see:
//   scan_real    (sqlite3AtoF)  - decimal significand, optional '.', optional
//                exponent; the value of the longest numeric prefix, computed
//                with SQLite's own long-double scaling (not correctly rounded
//                in every case, and we reproduce that bit for bit);
//   scan_integer (sqlite3Atoi64) - optional sign and decimal digits only,
//                saturating at INT64_MIN/INT64_MAX.
// Both skip leading whitespace (space, \t \n \v \f \r) and accept trailing
// whitespace. Neither knows hexadecimal: "0x10" is 0 followed by junk.
// The bytes are a length-delimited buffer: an embedded NUL is ordinary junk.
#pragma once

#include <cstdint>
#include <string_view>

namespace strata::exec {

// SQLite's isspace: ' ', \t, \n, \v, \f, \r (and nothing above 0x7f).
bool is_sqlite_space(unsigned char c);

// What scan_real recognised. The numeric values match SQLite's return codes.
enum class RealScan : int8_t {
  kRealPrefix = -1,  // "1.5abc", "2e3x": a prefix with '.' or a valid exponent, then junk
  kNotNumeric = 0,   // no digits, an integer prefix then junk ("12abc"), or a bad exponent ("1e")
  kInteger = 1,      // the whole text is an integer literal ("  -12 ")
  kReal = 2,         // the whole text is a real literal ("1.", ".5", "1e3", "1.5e-3")
};

struct RealParse {
  double value = 0.0;  // the value of the longest numeric prefix; 0.0 (or -0.0 for "-") if none
  RealScan kind = RealScan::kNotNumeric;
};
RealParse scan_real(std::string_view bytes);

// What scan_integer recognised. The numeric values match SQLite's return codes.
enum class IntScan : int8_t {
  kNoDigits = -1,     // value 0
  kExact = 0,         // the whole text is an integer that fits in int64
  kTrailingText = 1,  // an integer that fits, followed by non-space text
  kOverflow = 2,      // more than int64 can hold: value saturated to INT64_MIN/MAX
  kTwoPow63 = 3,      // exactly "9223372036854775808" (no '-'): value INT64_MAX
};

struct IntParse {
  int64_t value = 0;
  IntScan kind = IntScan::kNoDigits;
};
IntParse scan_integer(std::string_view bytes);

}  // namespace strata::exec
