// The model checker finds planted bugs and shrinks them (issue 6): a commit protocol that
// skips a sync (a test-only engine switch) is a crash-state violation, and a wrong count (a
// test-only switch in the oracle's StrataRunner) is a divergence; each shrinks to at most 5
// statements, is written as a replay — the crash testbed's replay file for the crash-state
// failure, a script for both — and replays. Without the switch the same seeds pass.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lab/report.h"
#include "model/checker.h"
#include "model/report.h"
#include "tests/support/temp_dir.h"

namespace strata::model {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

ModelOptions small(uint64_t seed) {
  ModelOptions o;
  o.seed = seed;
  o.statements = 600;  // the run stops at the first failure; most are found much earlier
  o.crash_every = 10;
  return o;
}

void print(const ModelResult& r) {
  const ModelRun& run = r.final_run();
  if (!run.failure) return;
  std::cout << "seed " << r.seed << ": " << run.failure->summary << "\nshrunk from "
            << r.run.statements_in_script() << " to " << run.statements_in_script()
            << " statements in " << r.shrink_runs << " runs (" << r.shrink_seconds << " s):\n"
            << script_text(run.script, "");
}

class ProtocolBugs : public testing::TestWithParam<ProtocolBug> {};

TEST_P(ProtocolBugs, AreFoundAsCrashStateViolationsShrunkAndReplayedByTheCrashTestbed) {
  for (uint64_t seed : {1, 2}) {
    ModelOptions o = small(seed);
    o.protocol_bug = GetParam();
    ModelResult r = check_seed(o);
    print(r);
    ASSERT_TRUE(r.run.failure) << "seed " << seed;
    ASSERT_TRUE(r.shrunk);
    const ModelRun& run = *r.shrunk;
    ASSERT_TRUE(run.failure);
    EXPECT_EQ(run.failure->kind, Failure::Kind::kCrashState);
    EXPECT_LE(run.statements_in_script(), 5u);
    EXPECT_LT(run.statements_in_script(), r.run.statements_in_script() + 1);
    EXPECT_TRUE(run.failure->lab_replayable);

    // The run folder: the script and a crash-testbed replay file that reproduces the state.
    test::TempDir dir("model-bug");
    ModelReport report;
    report.options = o;
    report.results.push_back(r);
    auto files = write_model_folder(dir.path(), report);
    ASSERT_TRUE(files.ok()) << files.status().to_string();
    ASSERT_EQ(files->size(), 2u);
    EXPECT_EQ((*files)[0], dir.file("failure-001.sql"));
    EXPECT_EQ((*files)[1], dir.file("replay-001.json"));
    auto replay = lab::read_replay_file(dir.file("replay-001.json"));
    ASSERT_TRUE(replay.ok()) << replay.status().to_string();
    EXPECT_EQ(replay->options.protocol_bug, GetParam());
    EXPECT_EQ(replay->workload.statements.size(), replay->record.statements);
    auto outcome = lab::replay_state(replay->workload, replay->options, replay->record);
    ASSERT_TRUE(outcome.ok()) << outcome.status().to_string();
    EXPECT_EQ(outcome->verdict, lab::Verdict::kViolation) << outcome->detail;

    // The script replays the failure with the bug, and passes without it.
    auto script = parse_script(read(dir.file("failure-001.sql")));
    ASSERT_TRUE(script.ok()) << script.status().to_string();
    ModelRun again = run_script(*script, o);
    ASSERT_TRUE(again.failure);
    EXPECT_EQ(again.failure->kind, Failure::Kind::kCrashState);
    ModelOptions real = o;
    real.protocol_bug = ProtocolBug::kNone;
    EXPECT_FALSE(run_script(*script, real).failure);
    nlohmann::json summary = nlohmann::json::parse(read(dir.file("summary.json")));
    EXPECT_EQ(summary["pass"], false);
    EXPECT_EQ(summary["violations"], 1);
    EXPECT_EQ(summary["runs"][0]["failure"]["replay"], dir.file("replay-001.json"));
  }
}

INSTANTIATE_TEST_SUITE_P(Model, ProtocolBugs,
                         testing::Values(ProtocolBug::kNoMetaSync, ProtocolBug::kNoDataSync),
                         [](const testing::TestParamInfo<ProtocolBug>& param) {
                           std::string name(protocol_bug_name(param.param));
                           std::erase(name, '-');
                           return name;
                         });

TEST(PlantedWrongAnswer, IsFoundAsADivergenceShrunkToAFewStatementsAndReplayed) {
  for (uint64_t seed : {1, 2, 3}) {
    ModelOptions o = small(seed);
    o.planted_bug = oracle::PlantedBug::kCountOffByOne;
    ModelResult r = check_seed(o);
    print(r);
    ASSERT_TRUE(r.run.failure) << "seed " << seed;
    ASSERT_TRUE(r.shrunk);
    const ModelRun& run = *r.shrunk;
    ASSERT_TRUE(run.failure);
    EXPECT_EQ(run.failure->kind, Failure::Kind::kDivergence);
    EXPECT_LE(run.statements_in_script(), 5u);
    EXPECT_NE(run.script.back().sql.find("count("), std::string::npos);

    test::TempDir dir("model-count");
    ModelReport report;
    report.options = o;
    report.results.push_back(r);
    auto files = write_model_folder(dir.path(), report);
    ASSERT_TRUE(files.ok()) << files.status().to_string();
    ASSERT_EQ(files->size(), 1u);  // a divergence has no crash-testbed replay file
    std::string text = read(dir.file("failure-001.sql"));
    EXPECT_NE(text.find("-- replay: strata-lab model --script " + dir.file("failure-001.sql") +
                        " --seed " + std::to_string(seed) + " --planted-bug count-off-by-one"),
              std::string::npos)
        << text;
    auto script = parse_script(text);
    ASSERT_TRUE(script.ok());
    ModelRun again = run_script(*script, o);
    ASSERT_TRUE(again.failure);
    EXPECT_EQ(again.failure->kind, Failure::Kind::kDivergence);
    ModelOptions real = o;
    real.planted_bug = oracle::PlantedBug::kNone;
    EXPECT_FALSE(run_script(*script, real).failure);
  }
}

TEST(PlantedBugs, TheSameSeedsPassOnTheRealEngine) {
  for (uint64_t seed : {1, 2, 3}) {
    ModelResult r = check_seed(small(seed));
    EXPECT_FALSE(r.run.failure) << "seed " << seed << ": " << r.run.failure->summary << "\n"
                                << r.run.failure->detail;
    EXPECT_GT(r.run.stats.crashes, 3u);
  }
}

}  // namespace
}  // namespace strata::model
