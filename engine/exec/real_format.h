// Real formatting: how SQLite prints a double, digit for digit.
//
// SQLite has its own printf (not the C library's). Its digits come from a
// long-double value that is normalised to [1,10) and rounded by adding a
// decimal "rounder" before the digits are peeled off one at a time, with at
// most 16 significant digits (26 with the '!' flag) before it pads with '0'.
// The three conversions below are the ones SQL values go through:
//   format_real_g15   "%!.15g"  every REAL -> TEXT conversion (CAST, ||, affinity,
//                               sqlite3_column_text): "1.0", "0.1", "1.0e+20",
//                               "1.5e-07", "Inf", "-Inf"; -0.0 prints as "0.0".
//   format_real_e20   "%!.20e"  quote() when "%!.15g" does not read back exactly.
//   format_real_fixed "%.*f"    round(x, n) for n > 0, which re-reads this text.
//   format_real_g20   "%!.20g"  how the sqlite3 shell prints a REAL in its quote and
//                               json modes: "0.10000000000000000555", "1.0", "Inf".
#pragma once

#include <string>

namespace strata::exec {

std::string format_real_g15(double value);
std::string format_real_e20(double value);
std::string format_real_g20(double value);
// REQUIRES: 0 <= digits_after_point <= 4095.
std::string format_real_fixed(double value, int digits_after_point);

}  // namespace strata::exec
