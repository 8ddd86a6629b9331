// The sqllogictest corpus (tests/slt) as a differential test: every statement and query of
// every file that applies to SQLite (skipif/onlyif sqlite honoured, halt obeyed) runs on a
// Strata database and on the real SQLite library side by side, and the two must agree
// (tests/support/sql_diff.h: both fail or both succeed with identical rows, exact about
// types; rowsort/valuesort queries as multisets). The recorded expected results are the
// slt runner's business (oracle/, strata-lab slt); this test proves Strata matches SQLite
// on the same SQL, record by record, and names the first record that does not.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/sql/parser.h"
#include "tests/support/sql_diff.h"

namespace strata::test {
namespace {

struct Record {
  int line = 0;
  bool query = false;
  bool rowsort = false;  // rowsort or valuesort: compare as a multiset
  std::string sql;
};

// The records of a .test file that SQLite runs, in order, up to a `halt` that applies.
std::vector<Record> read_records(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  std::vector<Record> records;
  size_t i = 0;
  while (i < lines.size()) {
    if (lines[i].empty() || lines[i][0] == '#') {
      ++i;
      continue;
    }
    bool applies = true;
    while (i < lines.size() &&
           (lines[i].rfind("skipif ", 0) == 0 || lines[i].rfind("onlyif ", 0) == 0)) {
      std::istringstream words(lines[i]);
      std::string kind, db;
      words >> kind >> db;
      if (kind == "skipif" && db == "sqlite") applies = false;
      if (kind == "onlyif" && db != "sqlite") applies = false;
      ++i;
    }
    if (i >= lines.size()) break;
    const std::string head = lines[i];
    int head_line = static_cast<int>(i) + 1;
    ++i;
    if (head == "halt") {
      if (applies) break;
      continue;
    }
    if (head.rfind("hash-threshold", 0) == 0) continue;
    Record r;
    r.line = head_line;
    r.query = head.rfind("query ", 0) == 0;
    r.rowsort = r.query && (head.find(" rowsort") != std::string::npos ||
                            head.find(" valuesort") != std::string::npos);
    while (i < lines.size() && !lines[i].empty() && lines[i] != "----") {
      r.sql += (r.sql.empty() ? "" : "\n") + lines[i];
      ++i;
    }
    // Skip the expected results.
    while (i < lines.size() && !lines[i].empty()) ++i;
    if (applies && (r.query || head.rfind("statement ", 0) == 0)) records.push_back(std::move(r));
  }
  return records;
}

// The statements of a record's SQL (a record may hold several, separated by ';').
std::vector<std::string> statements_of(const std::string& sql) {
  std::vector<std::string> out;
  sql::Parser parser(sql);
  while (true) {
    Result<std::optional<sql::ParsedStatement>> parsed = parser.next();
    if (!parsed.ok()) {
      out.push_back(sql);  // let both engines report the error
      return out;
    }
    if (!*parsed) return out;
    out.push_back(sql.substr((*parsed)->begin, (*parsed)->end - (*parsed)->begin));
  }
}

TEST(SltDiffTest, EveryRecordOfTheCorpusMatchesSqlite) {
  const std::filesystem::path root = std::filesystem::path(STRATA_SOURCE_DIR) / "tests" / "slt";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 5u) << "the sqllogictest corpus is missing from " << root;
  int64_t total = 0;
  for (const auto& file : files) {
    SqlDiff d;
    std::vector<Record> records = read_records(file.string());
    EXPECT_GT(records.size(), 10u) << file;
    int agreed = 0;
    for (const Record& r : records) {
      std::string mismatch;
      for (const std::string& stmt : statements_of(r.sql)) {
        mismatch = d.diff(stmt, r.rowsort ? SqlDiff::Order::kMultiset : SqlDiff::Order::kAuto);
        if (!mismatch.empty()) break;
      }
      if (mismatch.empty()) {
        ++agreed;
      } else {
        ADD_FAILURE() << file.filename().string() << ":" << r.line << ": " << mismatch;
      }
    }
    total += agreed;
    std::cout << file.lexically_relative(root).string() << ": " << agreed << " of "
              << records.size() << " records agree with sqlite\n";
  }
  EXPECT_GT(total, 1000);
}

}  // namespace
}  // namespace strata::test
