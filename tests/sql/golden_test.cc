// Golden cases: tests/sql/golden/parser.golden holds SQL inputs, each followed by what
// the parser and printer make of it (the printed statements, or the error). Review
// changes to that file like code. Regenerate it after an intended change with
//   STRATA_UPDATE_GOLDEN=1 golden_test
// Format: cases are separated by blank lines; a case is one or more lines of SQL (a
// script) then lines starting with "=> " (one per statement, or "=> error: ...").
// Lines starting with "#" before a case are comments and are kept. In outputs, a
// newline inside a string literal shows as \n.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/sql/parser.h"
#include "engine/sql/printer.h"

namespace strata::sql {
namespace {

struct GoldenCase {
  std::vector<std::string> comments;
  std::string sql;
  std::vector<std::string> expected;
};

std::vector<GoldenCase> read_golden(const std::string& path) {
  std::ifstream in(path);
  std::vector<GoldenCase> cases;
  GoldenCase current;
  bool in_case = false;
  auto flush = [&] {
    if (in_case) cases.push_back(std::move(current));
    current = GoldenCase{};
    in_case = false;
  };
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) {
      flush();
    } else if (line.rfind("#", 0) == 0 && current.sql.empty()) {
      current.comments.push_back(line);
      in_case = true;
    } else if (line.rfind("=> ", 0) == 0) {
      current.expected.push_back(line.substr(3));
    } else {
      if (!current.sql.empty()) current.sql += '\n';
      current.sql += line;
      in_case = true;
    }
  }
  flush();
  return cases;
}

std::vector<std::string> actual(const std::string& sql) {
  std::vector<std::string> out;
  Parser parser(sql);
  for (;;) {
    Result<std::optional<ParsedStatement>> next = parser.next();
    if (!next.ok()) {
      // The parser resumes after the failed statement, as a shell would.
      out.push_back("error: " + next.status().to_string());
      continue;
    }
    if (!next->has_value()) break;
    // One line per statement: a newline inside a string literal shows as \n.
    std::string printed;
    for (char c : to_sql(*(*next)->stmt)) {
      if (c == '\n') {
        printed += "\\n";
      } else {
        printed += c;
      }
    }
    out.push_back(std::move(printed));
  }
  if (out.empty()) out.push_back("(no statements)");
  return out;
}

TEST(ParserGolden, OutputsMatchTheGoldenFile) {
  const std::string path = std::string(STRATA_SOURCE_DIR) + "/tests/sql/golden/parser.golden";
  std::vector<GoldenCase> cases = read_golden(path);
  ASSERT_GT(cases.size(), 100u) << path;
  const bool update = std::getenv("STRATA_UPDATE_GOLDEN") != nullptr;
  std::ostringstream rewritten;
  for (size_t i = 0; i < cases.size(); ++i) {
    GoldenCase& c = cases[i];
    std::vector<std::string> got = actual(c.sql);
    if (!update) {
      EXPECT_EQ(got, c.expected) << "golden case:\n" << c.sql;
    }
    if (i > 0) rewritten << '\n';
    for (const std::string& comment : c.comments) rewritten << comment << '\n';
    if (!c.sql.empty()) rewritten << c.sql << '\n';
    for (const std::string& line : got) rewritten << "=> " << line << '\n';
  }
  if (update) {
    std::ofstream out(path, std::ios::trunc);
    out << rewritten.str();
    std::cout << "rewrote " << path << " (" << cases.size() << " cases)\n";
  }
}

}  // namespace
}  // namespace strata::sql
