// Replaying random tests: every random test prints its seed and the exact command that reruns
// it. Two kinds:
//   - seeded tests (std::mt19937_64): test_seed("STRATA_SEED") takes the seed from the
//     environment or draws a fresh one, and replay_command() builds
//       STRATA_SEED=<seed> <test binary> --gtest_filter=<Suite.Name>
//     to put into a SCOPED_TRACE, so that every failure message carries it;
//   - RapidCheck properties: STRATA_RC_PROP (tests/support/rc_replay.h).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>

namespace strata::test {

// The path of the running test binary (tests/CMakeLists.txt defines STRATA_TEST_BINARY).
inline std::string test_binary() {
#ifdef STRATA_TEST_BINARY
  return STRATA_TEST_BINARY;
#else
  return "<test binary>";
#endif
}

// "Suite.Name" of the running test, for --gtest_filter.
inline std::string current_test_filter() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info == nullptr) return "*";
  return std::string(info->test_suite_name()) + "." + info->name();
}

// The seed named by environment variable `env_var` when it is set (decimal), else a fresh
// random one.
inline uint64_t test_seed(const char* env_var = "STRATA_SEED") {
  if (const char* text = std::getenv(env_var); text != nullptr && *text != '\0') {
    return std::strtoull(text, nullptr, 10);
  }
  std::random_device device;
  return (uint64_t{device()} << 32) ^ device();
}

// "replay: STRATA_SEED=<seed> <binary> --gtest_filter=<Suite.Name>".
inline std::string replay_command(uint64_t seed, const char* env_var = "STRATA_SEED") {
  return "seed " + std::to_string(seed) + "; replay: " + env_var + "=" + std::to_string(seed) +
         " " + test_binary() + " --gtest_filter=" + current_test_filter();
}

}  // namespace strata::test
