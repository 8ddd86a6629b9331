// STRATA_RC_PROP(Suite, Name, (args...)): RC_GTEST_PROP whose failure message ends with the
// one command that replays the shrunk counterexample, e.g.
//
//   replay: RC_PARAMS="seed=123 reproduce=BchdlNG..." ./build/default/tests/x_test
//           --gtest_filter=Suite.Name
//
// RapidCheck itself prints the same reproduce string when the binary exits; this puts it in
// the GoogleTest failure, next to the counterexample, with the binary and the filter.
// RC_PARAMS="seed=N" alone reruns the whole random sequence of a run.
#pragma once

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/detail/Configuration.h>

#include <iostream>
#include <sstream>
#include <string>
#include <utility>

#include "tests/support/replay.h"

namespace strata::test {

template <typename Testable>
void check_property_with_replay(Testable&& testable) {
  using namespace rc::detail;
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  TestMetadata metadata;
  // The id RapidCheck's own gtest integration uses, so RC_PARAMS="reproduce=..." finds it.
  metadata.id = std::string(info->test_suite_name()) + "/" + info->name();
  metadata.description = info->name();
  const TestResult result = checkTestable(std::forward<Testable>(testable), metadata);
  if (result.template is<SuccessResult>()) {
    if (!result.template get<SuccessResult>().distribution.empty()) {
      printResultMessage(result, std::cout);
      std::cout << std::endl;
    }
    return;
  }
  std::ostringstream message;
  printResultMessage(result, message);
  Configuration config = configuration();
  config.reproduce.clear();
  if (result.template is<FailureResult>()) {
    config.reproduce[metadata.id] = result.template get<FailureResult>().reproduce;
  }
  message << "\nreplay: RC_PARAMS=\"" << configToMinimalString(config) << "\" " << test_binary()
          << " --gtest_filter=" << current_test_filter();
  ADD_FAILURE() << message.str();
}

}  // namespace strata::test

#define STRATA_RC_PROP(Suite, Name, ArgList)                                      \
  void strata_rc_prop_##Suite##_##Name ArgList;                                   \
  TEST(Suite, Name) {                                                             \
    ::strata::test::check_property_with_replay(&strata_rc_prop_##Suite##_##Name); \
  }                                                                               \
  void strata_rc_prop_##Suite##_##Name ArgList
