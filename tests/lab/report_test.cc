// The run folder (summary.json, junit.xml, report.html), replay files, shrinking, and the
// regression replays under tests/regressions/.
#include "lab/report.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/status_testing.h"
#include "tests/support/temp_dir.h"

namespace strata::lab {
namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

SweepOptions small(const std::string& workload, ProtocolBug bug = ProtocolBug::kNone) {
  SweepOptions o;
  auto w = load_workload(workload);
  EXPECT_OK(w.status());
  if (w.ok()) o.workload = *w;
  o.policies = {faults::Policy::kProcessKill, faults::Policy::kDropUnsynced,
                faults::Policy::kSectorSubset};
  o.sector_sizes = {512};
  o.exhaustive_bound = 6;
  o.samples = 4;
  o.protocol_bug = bug;
  return o;
}

TEST(RunFolder, WritesSummaryJunitAndAReadableReport) {
  test::TempDir dir;
  SweepOptions o = small("default");
  o.faults = {faults::FaultKind::kFsyncFail};
  o.fault_points = 5;
  auto report = run_sweep(o);
  ASSERT_OK(report.status());
  RunInfo info{"strata-lab crash --workload default", &o};
  auto written = write_run_folder(dir.path(), *report, info);
  ASSERT_OK(written.status());
  EXPECT_TRUE(written->empty()) << "no violation, no replay file";

  auto summary = nlohmann::json::parse(slurp(dir.path() + "/summary.json"));
  EXPECT_EQ(summary["pass"], true);
  EXPECT_EQ(summary["states"], report->states);
  EXPECT_EQ(summary["workload"], "default");
  EXPECT_TRUE(summary["matrix"].contains("meta slot"));
  EXPECT_EQ(summary["options"]["exhaustive_bound"], 6);

  std::string junit = slurp(dir.path() + "/junit.xml");
  size_t cells = 0;
  for (const auto& [phase, row] : report->matrix) cells += row.size();
  for (const auto& [fault, row] : report->fault_matrix) cells += row.size();
  size_t testcases = 0;
  for (size_t at = junit.find("<testcase"); at != std::string::npos;
       at = junit.find("<testcase", at + 1)) {
    ++testcases;
  }
  EXPECT_EQ(testcases, cells) << "one test case per phase x policy and fault x policy cell";
  EXPECT_NE(junit.find("failures=\"0\""), std::string::npos);

  std::string html = slurp(dir.path() + "/report.html");
  EXPECT_NE(html.find("id=\"verdict-matrix\""), std::string::npos);
  EXPECT_NE(html.find("<svg id=\"timeline\""), std::string::npos);
  EXPECT_NE(html.find("PASS: 0 violations"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"))
      << "self-contained: no link but the SVG namespace";
  EXPECT_EQ(html.find("<script src"), std::string::npos);
}

TEST(RunFolder, HeadlessChromiumRendersTheVerdictMatrix) {
  test::TempDir dir;
  SweepOptions o = small("churn");
  o.points = "20";
  auto report = run_sweep(o);
  ASSERT_OK(report.status());
  RunInfo info{"strata-lab crash --workload churn", &o};
  ASSERT_OK(write_run_folder(dir.path(), *report, info).status());
  std::string browser;
  for (const char* candidate : {"chromium", "chromium-browser", "google-chrome"}) {
    if (std::system((std::string("command -v ") + candidate + " >/dev/null 2>&1").c_str()) == 0) {
      browser = candidate;
      break;
    }
  }
  ASSERT_FALSE(browser.empty())
      << "headless Chromium is needed to check the report (scripts/install-deps.sh installs "
         "the Debian package chromium)";
  std::string dom = dir.path() + "/dom.html";
  std::string cmd = browser +
                    " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage "
                    "--dump-dom file://" +
                    dir.path() + "/report.html > " + dom + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::string rendered = slurp(dom);
  // The browser parsed the document and produced the matrix table with its rows and cells.
  EXPECT_NE(rendered.find("id=\"verdict-matrix\""), std::string::npos) << rendered.substr(0, 400);
  EXPECT_NE(rendered.find("<th>meta slot</th>"), std::string::npos);
  EXPECT_NE(rendered.find("<th>sector-subset/512</th>"), std::string::npos);
  EXPECT_NE(rendered.find("recovered-new"), std::string::npos);
}

TEST(ReplayFile, RoundTripsThroughJson) {
  ReplayFile r;
  r.workload.name = "w";
  r.workload.statements = {"CREATE TABLE t(a)", "INSERT INTO t VALUES(1)"};
  r.options.page_size = 1024;
  r.options.protocol_bug = ProtocolBug::kNoDataSync;
  r.record.mode = "crash";
  r.record.crash_after_op = 17;
  r.record.policy = "torn-sector";
  r.record.device.sector_size = 4096;
  r.record.device.tear = faults::TearMode::kSuffix;
  r.record.choice.applied = {true, false, true};
  r.record.choice.torn_unit = 1;
  r.record.choice.tear_seed = 99;
  r.record.expected.durable = 3;
  r.record.expected.in_flight = 4;
  r.record.outcome.kind = ViolationKind::kMixedVersions;
  r.record.statements = 2;
  auto back = parse_replay_json(replay_json(r));
  ASSERT_OK(back.status());
  EXPECT_EQ(back->workload.statements, r.workload.statements);
  EXPECT_EQ(back->options.page_size, 1024u);
  EXPECT_EQ(back->options.protocol_bug, ProtocolBug::kNoDataSync);
  EXPECT_EQ(back->record.crash_after_op, 17u);
  EXPECT_EQ(back->record.device.tear, faults::TearMode::kSuffix);
  EXPECT_EQ(back->record.choice.applied, r.record.choice.applied);
  EXPECT_EQ(back->record.choice.torn_unit, 1);
  EXPECT_EQ(back->record.expected.in_flight, 4u);
  EXPECT_EQ(back->record.outcome.kind, ViolationKind::kMixedVersions);
  EXPECT_FALSE(parse_replay_json("{}").ok());
  EXPECT_FALSE(parse_replay_json("not json").ok());
}

TEST(ReplayFile, ABrokenProtocolViolationShrinksAndReplaysDeterministically) {
  test::TempDir dir;
  SweepOptions o = small("default", ProtocolBug::kNoMetaSync);
  auto report = run_sweep(o);
  ASSERT_OK(report.status());
  ASSERT_GT(report->violations, 0u);
  shrink_first_violation(o, &*report);
  const ViolationRecord& first = report->violation_records.front();
  EXPECT_LT(first.statements, o.workload.statements.size()) << "shrunk to a shorter prefix";
  EXPECT_LE(first.statements, 3u) << "no-meta-sync shows after the first committed statement";
  RunInfo info{"test", &o};
  auto written = write_run_folder(dir.path(), *report, info);
  ASSERT_OK(written.status());
  ASSERT_FALSE(written->empty());
  auto replay = read_replay_file(written->front());
  ASSERT_OK(replay.status());
  EXPECT_EQ(replay->workload.statements.size(), first.statements) << "self-contained prefix";
  for (int i = 0; i < 2; ++i) {
    auto outcome = replay_state(replay->workload, replay->options, replay->record);
    ASSERT_OK(outcome.status());
    EXPECT_EQ(outcome->verdict, Verdict::kViolation);
    EXPECT_EQ(outcome->kind, first.outcome.kind);
  }
  // The same state on the real engine is fine: the violation is the bug's, not the harness's.
  replay->options.protocol_bug = ProtocolBug::kNone;
  auto fixed = replay_state(replay->workload, replay->options, replay->record);
  ASSERT_OK(fixed.status());
  EXPECT_NE(fixed->verdict, Verdict::kViolation) << fixed->detail;
}

TEST(Regressions, EveryCheckedInReplayNowRecovers) {
  // Each file records a failure the testbed once found; the fix must keep it fixed.
  std::filesystem::path dir = std::filesystem::path(STRATA_SOURCE_DIR) / "tests" / "regressions";
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    auto replay = read_replay_file(entry.path().string());
    ASSERT_OK(replay.status());
    auto outcome = replay_state(replay->workload, replay->options, replay->record);
    ASSERT_OK(outcome.status());
    EXPECT_NE(outcome->verdict, Verdict::kViolation)
        << entry.path() << ": " << violation_name(outcome->kind) << ": " << outcome->detail
        << "\nreplay: strata-lab replay " << entry.path().string();
  }
  EXPECT_GT(files, 0u);
}

}  // namespace
}  // namespace strata::lab
