// `strata-lab model` as add_model_command() registers it, driven through CLI11 as strata-lab's
// main() drives it: exit codes, printed figures, the run folder, and replaying a failure's
// script with --script.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "model/commands.h"
#include "tests/support/temp_dir.h"

namespace strata::model {
namespace {

struct LabRun {
  int exit_code;
  std::string out;
};

LabRun strata_lab(std::vector<std::string> args) {
  CLI::App app{"strata-lab"};
  app.require_subcommand(1);
  add_model_command(app);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 wants them reversed
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  int code = -1;
  try {
    app.parse(reversed);
    code = 0;
  } catch (const CLI::ParseError& e) {
    code = app.exit(e);
  }
  std::string err = testing::internal::GetCapturedStderr();
  return {code, testing::internal::GetCapturedStdout() + err};
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ModelCommand, PassingSeedsExitZeroAndWriteTheRunFolder) {
  test::TempDir dir("model-cmd");
  LabRun r =
      strata_lab({"model", "--seed", "4", "--seeds", "2", "--steps", "80", "--crash-every", "10",
                  "--policy", "process-kill", "drop-unsynced", "--report", dir.path()});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("seed 4: 80 statements"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("seed 5: 80 statements"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("statements/s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("crash checks/s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("verdict: PASS: 2 seeds, 160 statements"), std::string::npos) << r.out;
  nlohmann::json j = nlohmann::json::parse(read(dir.file("summary.json")));
  EXPECT_EQ(j["tool"], "strata-lab model");
  EXPECT_EQ(j["pass"], true);
  EXPECT_EQ(j["totals"]["statements"], 160);
  EXPECT_GT(j["totals"]["crashes_checked"].get<int>(), 0);
  EXPECT_GT(j["totals"]["queries_diffed"].get<int>(), 0);
  EXPECT_EQ(j["divergences"], 0);
  EXPECT_EQ(j["runs"].size(), 2u);
  EXPECT_EQ(j["options"]["policies"], "process-kill drop-unsynced");
  EXPECT_EQ(j["command"],
            "strata-lab model --steps 80 --crash-every 10 --policy process-kill drop-unsynced "
            "--seed 4 5");
  std::string junit = read(dir.file("junit.xml"));
  EXPECT_NE(junit.find("name=\"seed 4\""), std::string::npos);
  EXPECT_NE(junit.find("failures=\"0\""), std::string::npos);
  std::string html = read(dir.file("report.html"));
  EXPECT_NE(html.find("id=\"verdict-matrix\""), std::string::npos);
  EXPECT_NE(html.find("PASS: 2 seeds"), std::string::npos);
}

TEST(ModelCommand, AFailureExitsOneWithAShrunkScriptThatReplays) {
  test::TempDir dir("model-cmd");
  LabRun r = strata_lab({"model", "--seed", "2", "--steps", "60", "--planted-bug",
                         "count-off-by-one", "--report", dir.path()});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("FAILED: divergence"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("failure: " + dir.file("failure-001.sql")), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("verdict: FAIL"), std::string::npos) << r.out;
  nlohmann::json j = nlohmann::json::parse(read(dir.file("summary.json")));
  EXPECT_EQ(j["pass"], false);
  EXPECT_EQ(j["divergences"], 1);
  EXPECT_LE(j["runs"][0]["failure"]["statements"].get<int>(), 5);

  LabRun again = strata_lab(
      {"model", "--script", dir.file("failure-001.sql"), "--planted-bug", "count-off-by-one"});
  EXPECT_EQ(again.exit_code, 1) << again.out;
  EXPECT_NE(again.out.find("verdict: FAIL: divergence"), std::string::npos) << again.out;
  LabRun fixed = strata_lab({"model", "--script", dir.file("failure-001.sql")});
  EXPECT_EQ(fixed.exit_code, 0) << fixed.out;
  EXPECT_NE(fixed.out.find("verdict: PASS"), std::string::npos) << fixed.out;
}

TEST(ModelCommand, BadArgumentsExitTwo) {
  EXPECT_EQ(strata_lab({"model", "--policy", "gentle"}).exit_code, 2);
  EXPECT_EQ(strata_lab({"model", "--faults", "gamma-ray"}).exit_code, 2);
  EXPECT_EQ(strata_lab({"model", "--planted-bug", "nope"}).exit_code, 2);
  EXPECT_EQ(strata_lab({"model", "--script", "/nonexistent/x.sql"}).exit_code, 2);
}

}  // namespace
}  // namespace strata::model
