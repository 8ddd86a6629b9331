// The strata-lab subcommands `diff` and `slt` as registered by add_oracle_commands(), driven
// through CLI11 exactly as strata-lab's main() drives them: arguments, printed output,
// exit codes, and the JSON and JUnit files they write.
#include "oracle/commands.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace strata::oracle {
namespace {

struct LabRun {
  int exit_code;
  std::string out;
};

// Parses args as `strata-lab <args>` would and returns main()'s exit code and stdout.
LabRun strata_lab(std::vector<std::string> args) {
  CLI::App app{"strata-lab"};
  app.require_subcommand(1);
  add_oracle_commands(app);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 wants them reversed
  testing::internal::CaptureStdout();
  int code = -1;
  try {
    app.parse(reversed);
    code = 0;
  } catch (const CLI::ParseError& e) {
    code = app.exit(e);
  }
  return {code, testing::internal::GetCapturedStdout()};
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string kCorpus = STRATA_SOURCE_DIR "/tests/slt";

TEST(DiffCommand, ReportsEveryDivergenceAndExitsNonZero) {
  test::TempDir dir;
  std::ofstream(dir.file("d.sql")) << "CREATE TABLE t(a);\n"
                                      "INSERT INTO t VALUES (1);\n"
                                      "SELECT a, sum(a) OVER () FROM t;\n"
                                      "SELECT a FROM t;\n"
                                      "SELECT a, rank() OVER () FROM t;\n";
  LabRun r = strata_lab({"diff", dir.file("d.sql"), "--json", dir.file("d.json")});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find(dir.file("d.sql") + ":3: divergence (strata: unsupported)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(dir.file("d.sql") + ":5: divergence"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("5 statements, 3 agree, 2 diverge (2 unsupported by strata)"),
            std::string::npos)
      << r.out;
  nlohmann::json j = nlohmann::json::parse(read(dir.file("d.json")));
  EXPECT_EQ(j["files"][0]["divergences"].size(), 2u);
  EXPECT_EQ(j["files"][0]["divergences"][0]["sqlite"]["rows"][0][1], "INTEGER 1");

  LabRun stop = strata_lab({"diff", "--stop", dir.file("d.sql")});
  EXPECT_EQ(stop.exit_code, 1);
  EXPECT_EQ(stop.out.find(":5: divergence"), std::string::npos) << stop.out;
  EXPECT_NE(stop.out.find("stopped at the first divergence"), std::string::npos) << stop.out;
}

TEST(DiffCommand, AgreementExitsZero) {
  test::TempDir dir;
  std::ofstream(dir.file("ok.sql")) << "CREATE TABLE t(a INTEGER PRIMARY KEY, b);\n"
                                       "INSERT INTO t VALUES (1, 'x'), (2, 2.5);\n"
                                       "SELECT * FROM t WHERE a > 0 ORDER BY b;\n";
  LabRun r = strata_lab({"diff", dir.file("ok.sql")});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("3 statements, 3 agree, 0 diverge"), std::string::npos) << r.out;
  EXPECT_NE(strata_lab({"diff", dir.file("missing.sql")}).exit_code, 0);
}

TEST(SltCommand, SqliteRunsTheCorpusCleanlyAndWritesReports) {
  test::TempDir dir;
  LabRun r = strata_lab({"slt", "--engine", "sqlite", kCorpus, "--json", dir.file("r.json"),
                         "--junit", dir.file("r.xml")});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("total: 5 files:"), std::string::npos) << r.out;
  nlohmann::json j = nlohmann::json::parse(read(dir.file("r.json")));
  EXPECT_EQ(j["totals"]["files"], 5);
  EXPECT_EQ(j["totals"]["failed"], 0);
  EXPECT_GT(j["totals"]["passed"].get<int>(), 1300);
  std::string xml = read(dir.file("r.xml"));
  EXPECT_EQ(xml.rfind("<?xml", 0), 0u);
  EXPECT_NE(xml.find("select1.test\" tests=\"1031\" failures=\"0\""), std::string::npos);
}

TEST(SltCommand, FailuresAreShownAndSetTheExitCode) {
  test::TempDir dir;
  std::ofstream(dir.file("bad.test")) << "query I nosort\nSELECT 1\n----\n2\n\n"
                                         "query I nosort\nSELECT 3\n----\n4\n";
  LabRun r = strata_lab({"slt", dir.file("bad.test"), "--show", "1"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find(dir.file("bad.test") + ":1: query I nosort: wrong result"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find(":6: query"), std::string::npos) << r.out;  // --show 1
  EXPECT_NE(r.out.find("2 records: 0 passed, 2 failed, 0 skipped (0.0% of run records pass)"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(strata_lab({"slt", "--report-only", dir.file("bad.test")}).exit_code, 0);
  // A problem with the script itself, or with the arguments, is exit code 2.
  std::ofstream(dir.file("broken.test")) << "frobnicate\n";
  EXPECT_EQ(strata_lab({"slt", "--report-only", dir.file("broken.test")}).exit_code, 2);
  EXPECT_EQ(strata_lab({"slt", dir.file("nowhere")}).exit_code, 2);
  EXPECT_NE(strata_lab({"slt", "--engine", "mysql", dir.file("bad.test")}).exit_code, 0);
}

}  // namespace
}  // namespace strata::oracle
