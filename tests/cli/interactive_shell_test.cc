// `strata shell` on a terminal: readline reads the lines (prompts, continuation prompts,
// history saved to $STRATA_HISTORY). The terminal is a pseudo-terminal made by util-linux's
// `script`, which passes our input to the shell as typed keys.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>

#include "tests/cli/cli_test_util.h"
#include "tests/support/temp_dir.h"

namespace strata {
namespace {

using cli_test::read_text;
using cli_test::run_command;
using cli_test::shell_quote;
using cli_test::write_text;

TEST(InteractiveShell, ReadlinePromptsRunsStatementsAndSavesHistory) {
  int status = 0;
  run_command("command -v script >/dev/null 2>&1", &status);
  ASSERT_EQ(status, 0) << "the script command (util-linux) is needed to make a terminal";

  test::TempDir dir("interactive");
  std::string input = dir.file("keys");
  write_text(input,
             "CREATE TABLE t(a);\n"
             "INSERT INTO t VALUES (40), (2);\n"
             "SELECT sum(a)\n"
             "  FROM t;\n"
             "SELECT * FROM nope;\n"
             ".quit\n");
  std::string history = dir.file("history");
  std::string output = run_command(
      "cd " + shell_quote(dir.path()) + " && STRATA_HISTORY=" + shell_quote(history) +
          " timeout 20 script -qec " + shell_quote(cli_test::strata_binary() + " shell test.db") +
          " /dev/null < " + shell_quote(input) + " 2>&1",
      &status);
  ASSERT_EQ(status, 0) << output;
  // Drop terminal control sequences and carriage returns.
  std::string text = std::regex_replace(output, std::regex("\x1b\\[[0-9;?]*[a-zA-Z]"), "");
  text = std::regex_replace(text, std::regex("\r"), "");
  EXPECT_NE(text.find("strata shell on test.db"), std::string::npos) << text;
  EXPECT_NE(text.find("strata> SELECT sum(a)\n   ...>   FROM t;\n42\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Error: 5:15: no such table: nope"), std::string::npos) << text;
  EXPECT_EQ(read_text(history),
            "CREATE TABLE t(a);\nINSERT INTO t VALUES (40), (2);\nSELECT sum(a)\n  FROM t;\n"
            "SELECT * FROM nope;\n.quit\n");
}

}  // namespace
}  // namespace strata
