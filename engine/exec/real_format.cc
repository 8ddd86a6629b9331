#include "engine/exec/real_format.h"

#include <bit>
#include <cmath>
#include <cstdint>

namespace strata::exec {

namespace {

enum class Conversion { kFixed, kExponent, kGeneric };  // %f, %e, %g

constexpr double kHalfUnits[] = {5.0e-01, 5.0e-02, 5.0e-03, 5.0e-04, 5.0e-05,
                                 5.0e-06, 5.0e-07, 5.0e-08, 5.0e-09, 5.0e-10};

// The next decimal digit of a value in [0,10), or '0' once the budget of
// significant digits is spent.
char next_digit(long double& value, int& budget) {
  if (budget <= 0) return '0';
  --budget;
  int digit = static_cast<int>(value);
  long double whole = digit;
  value = (value - whole) * 10.0;
  return static_cast<char>('0' + digit);
}

// One floating-point conversion of SQLite's printf, with no width and no
// flags other than '!' (alt_form2).
std::string render(double input, Conversion conversion, int precision, bool alt_form2) {
  if (std::isnan(input)) return "NaN";
  long double value = input;
  char sign = 0;
  if (value < 0.0) {
    value = -value;
    sign = '-';
  }
  if (conversion == Conversion::kGeneric && precision > 0) --precision;
  int places = precision & 0xfff;
  double rounder = kHalfUnits[places % 10];
  while (places >= 10) {
    rounder *= 1.0e-10;
    places -= 10;
  }
  if (conversion == Conversion::kFixed) {
    double as_double = static_cast<double>(value);
    int binary_exponent =
        -1023 + static_cast<int>((std::bit_cast<uint64_t>(as_double) >> 52) & 0x7ff);
    // Nudges values like 1.005 (really 1.00499999...) to round the way people expect.
    if (precision + (binary_exponent / 3) < 15) rounder += value * 3e-16;
    value += rounder;
  }

  // Normalise value into [1,10) and count the decimal exponent.
  int exponent = 0;
  if (value > 0.0) {
    long double scale = 1.0;
    while (value >= 1e100 * scale && exponent <= 350) {
      scale *= 1e100;
      exponent += 100;
    }
    while (value >= 1e10 * scale && exponent <= 350) {
      scale *= 1e10;
      exponent += 10;
    }
    while (value >= 10.0 * scale && exponent <= 350) {
      scale *= 10.0;
      exponent++;
    }
    value /= scale;
    while (value < 1e-8) {
      value *= 1e8;
      exponent -= 8;
    }
    while (value < 1.0) {
      value *= 10.0;
      exponent--;
    }
    if (exponent > 350) return sign ? "-Inf" : "Inf";
  }

  if (conversion != Conversion::kFixed) {
    value += rounder;
    if (value >= 10.0) {
      value *= 0.1;
      exponent++;
    }
  }
  bool strip_zeros;
  if (conversion == Conversion::kGeneric) {
    strip_zeros = true;
    if (exponent < -4 || exponent > precision) {
      conversion = Conversion::kExponent;
    } else {
      precision -= exponent;
      conversion = Conversion::kFixed;
    }
  } else {
    strip_zeros = alt_form2;
  }
  int whole_digits = conversion == Conversion::kExponent ? 0 : exponent;
  int budget = 16 + (alt_form2 ? 10 : 0);
  bool point = precision > 0 || alt_form2;

  std::string out;
  if (sign) out += sign;
  if (whole_digits < 0) {
    out += '0';
  } else {
    for (; whole_digits >= 0; whole_digits--) out += next_digit(value, budget);
  }
  if (point) out += '.';
  for (whole_digits++; whole_digits < 0; precision--, whole_digits++) out += '0';
  while ((precision--) > 0) out += next_digit(value, budget);
  if (strip_zeros && point) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') {
      if (alt_form2) {
        out += '0';
      } else {
        out.pop_back();
      }
    }
  }
  if (conversion == Conversion::kExponent) {
    out += 'e';
    if (exponent < 0) {
      out += '-';
      exponent = -exponent;
    } else {
      out += '+';
    }
    if (exponent >= 100) {
      out += static_cast<char>(exponent / 100 + '0');
      exponent %= 100;
    }
    out += static_cast<char>(exponent / 10 + '0');
    out += static_cast<char>(exponent % 10 + '0');
  }
  return out;
}

}  // namespace

std::string format_real_g15(double value) {
  return render(value, Conversion::kGeneric, 15, /*alt_form2=*/true);
}

std::string format_real_e20(double value) {
  return render(value, Conversion::kExponent, 20, /*alt_form2=*/true);
}

std::string format_real_g20(double value) {
  return render(value, Conversion::kGeneric, 20, /*alt_form2=*/true);
}

std::string format_real_fixed(double value, int digits_after_point) {
  return render(value, Conversion::kFixed, digits_after_point, /*alt_form2=*/false);
}

}  // namespace strata::exec
