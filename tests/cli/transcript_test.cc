// Transcript tests: scripted `strata` sessions with their exact expected output, checked in as
// reviewed text under tests/cli/transcripts/.
//
// NAME.session holds one or more commands, each a line `#! strata ARGS...` followed by the
// lines it reads on standard input (up to the next `#!` line). A line `#! flip-byte FILE
// OFFSET` flips the bits of one byte of a file instead (to show what damage looks like).
// Every command runs in one fresh directory per transcript, into which the *.sql files of
// the transcripts folder are copied first (for .read). NAME.expected holds, per command,
// `$ ` and the command, its standard output and standard error as one stream (the program
// flushes its output before each error, so the order is the program's), and `[exit N]`.
// Lines "Run Time: real ..." are normalised to "Run Time: real * user * sys *".
//
// STRATA_UPDATE_GOLDEN=1 rewrites the .expected files from the actual output (then review
// the diff); otherwise any difference fails with both texts shown.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/cli_test_util.h"
#include "tests/support/temp_dir.h"

namespace strata {
namespace {

namespace fs = std::filesystem;

const fs::path kTranscripts = fs::path(STRATA_SOURCE_DIR) / "tests" / "cli" / "transcripts";
const std::string kStrata = cli_test::strata_binary();

using cli_test::read_text;
using cli_test::write_text;

struct Command {
  std::string line;   // after "#! "
  std::string input;  // standard input
};

std::vector<Command> parse_session(const std::string& text) {
  std::vector<Command> commands;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("#! ", 0) == 0) {
      commands.push_back({line.substr(3), ""});
    } else if (!commands.empty()) {
      commands.back().input += line + "\n";
    }
  }
  return commands;
}

std::string run_session(const fs::path& session) {
  test::TempDir dir;
  fs::path work(dir.path());
  for (const auto& entry : fs::directory_iterator(kTranscripts)) {
    if (entry.path().extension() == ".sql")
      fs::copy_file(entry.path(), work / entry.path().filename());
  }
  std::string transcript;
  int index = 0;
  for (const Command& command : parse_session(read_text(session))) {
    transcript += "$ " + command.line + "\n";
    std::istringstream words(command.line);
    std::string first, file;
    words >> first;
    if (first == "flip-byte") {
      uint64_t offset = 0;
      words >> file >> offset;
      std::string bytes = read_text(work / file);
      if (offset < bytes.size()) bytes[offset] = static_cast<char>(~bytes[offset]);
      write_text(work / file, bytes);
      continue;
    }
    fs::path input = work / ("input-" + std::to_string(index++));
    write_text(input, command.input);
    int status = 0;
    std::string output = cli_test::run_command("cd '" + work.string() + "' && " + kStrata +
                                                   command.line.substr(first.size()) + " < '" +
                                                   input.string() + "' 2>&1",
                                               &status);
    static const std::regex kTimer("Run Time: real [0-9.]+ user [0-9.]+ sys [0-9.]+");
    output = std::regex_replace(output, kTimer, "Run Time: real * user * sys *");
    transcript += output;
    if (!output.empty() && output.back() != '\n') transcript += "\n[no newline at end]\n";
    transcript += "[exit " + std::to_string(status) + "]\n";
  }
  return transcript;
}

std::vector<std::string> session_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kTranscripts)) {
    if (entry.path().extension() == ".session") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class TranscriptTest : public ::testing::TestWithParam<std::string> {};

TEST_P(TranscriptTest, OutputMatchesTheReviewedTranscript) {
  fs::path session = kTranscripts / (GetParam() + ".session");
  fs::path expected_path = kTranscripts / (GetParam() + ".expected");
  std::string actual = run_session(session);
  if (const char* update = std::getenv("STRATA_UPDATE_GOLDEN"); update && *update == '1') {
    write_text(expected_path, actual);
    return;
  }
  ASSERT_TRUE(fs::exists(expected_path))
      << expected_path << " is missing; run with STRATA_UPDATE_GOLDEN=1 and review it";
  EXPECT_EQ(actual, read_text(expected_path)) << "transcript " << session;
}

INSTANTIATE_TEST_SUITE_P(Transcripts, TranscriptTest, ::testing::ValuesIn(session_names()),
                         [](const ::testing::TestParamInfo<std::string>& name) {
                           return name.param;
                         });

TEST(TranscriptSet, EveryFormatAndSubcommandHasATranscript) {
  std::string all;
  for (const std::string& name : session_names())
    all += read_text(kTranscripts / (name + ".session"));
  for (const char* needle : {"--format list",
                             "--format tsv",
                             "--format csv",
                             "--format json",
                             "--format quote",
                             "--format box",
                             "#! strata shell",
                             "#! strata explain ",
                             "#! strata explain-analyze",
                             "#! strata inspect meta",
                             "#! strata inspect pages",
                             "#! strata inspect page ",
                             "#! strata inspect freelist",
                             "#! strata inspect tree",
                             "#! strata inspect schema",
                             "#! strata inspect table",
                             "#! strata inspect index",
                             "#! strata check",
                             "#! strata stats",
                             "--bail"}) {
    EXPECT_NE(all.find(needle), std::string::npos) << "no transcript uses " << needle;
  }
}

}  // namespace
}  // namespace strata
