// format_real_g20 ("%!.20g", how the sqlite3 shell prints REALs in quote and json modes)
// against the real SQLite library's sqlite3_snprintf on seeded random doubles. A failure
// prints the input, both results and the replay command.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <bit>
#include <cmath>
#include <random>
#include <string>

#include "engine/exec/real_format.h"
#include "tests/support/replay.h"

namespace strata::exec {
namespace {

std::string sqlite_g20(double value) {
  char buf[64];
  sqlite3_snprintf(sizeof buf, buf, "%!.20g", value);
  return buf;
}

double random_double(std::mt19937_64& rng) {
  switch (rng() % 4) {
    case 0: {  // any bit pattern
      double d = std::bit_cast<double>(rng());
      return std::isnan(d) ? 0.0 : d;
    }
    case 1: {  // short decimals
      auto k = static_cast<int64_t>(rng() % 2000000001) - 1000000000;
      return static_cast<double>(k) / std::pow(10.0, static_cast<double>(rng() % 16));
    }
    case 2: {  // near powers of ten
      double p = std::pow(10.0, static_cast<double>(static_cast<int>(rng() % 80) - 40));
      for (int i = static_cast<int>(rng() % 4); i > 0; --i) p = std::nextafter(p, INFINITY);
      return (rng() & 1) ? -p : p;
    }
    default:  // integers as reals, past 2^53 too
      return static_cast<double>(static_cast<int64_t>(rng() >> (rng() % 64)));
  }
}

TEST(RealFormatG20Diff, MatchesSqlitesPrintfOnRandomReals) {
  uint64_t seed = test::test_seed();
  SCOPED_TRACE(test::replay_command(seed));
  std::mt19937_64 rng(seed);
  int failures = 0;
  for (int i = 0; i < 200000 && failures < 10; ++i) {
    double d = random_double(rng);
    std::string want = sqlite_g20(d), got = format_real_g20(d);
    if (want != got) {
      ++failures;
      ADD_FAILURE() << "%!.20g of " << std::hexfloat << d << ": sqlite '" << want << "', strata '"
                    << got << "'";
    }
  }
}

TEST(RealFormatG20, KnownForms) {
  EXPECT_EQ(format_real_g20(0.1), "0.10000000000000000555");
  EXPECT_EQ(format_real_g20(1.0), "1.0");
  EXPECT_EQ(format_real_g20(-0.0), "0.0");
  EXPECT_EQ(format_real_g20(1e300), "1.0000000000000000047e+300");
  EXPECT_EQ(format_real_g20(INFINITY), "Inf");
  EXPECT_EQ(format_real_g20(-INFINITY), "-Inf");
}

}  // namespace
}  // namespace strata::exec
