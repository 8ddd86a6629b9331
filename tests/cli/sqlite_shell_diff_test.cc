// `strata exec` against the real sqlite3 shell (Debian's sqlite3 binary, run with -batch):
// the same script on both, output compared byte for byte.
//
//   - The SQL of the sqllogictest files in tests/slt runs through `strata exec --format
//     quote` and `sqlite3 -batch` in quote mode, as a script with `.print ~~~ N` between the
//     statements (the co-process protocol tools use), so each statement's output is compared
//     on its own. A statement Strata refuses (an error where SQLite succeeds) is counted, not
//     compared; everything both run must print the same bytes — in the same order when the
//     statement has an ORDER BY, else as the same multiset of lines.
//   - Random values (every storage class; reals from random bits, text and blobs from bytes
//     that stress quoting: control bytes, quotes, commas, tabs, newlines, NUL, UTF-8, invalid
//     UTF-8) and awkward column names run through every output mode, with and without
//     headers, switched by dot-commands in the script; the outputs must be identical.
//     Seeded: a failure prints the seed and the replay command.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/cli_test_util.h"
#include "tests/support/replay.h"
#include "tests/support/temp_dir.h"

namespace strata {
namespace {

namespace fs = std::filesystem;
using cli_test::read_text;
using cli_test::run_command;
using cli_test::shell_quote;
using cli_test::write_text;

const fs::path kSlt = fs::path(STRATA_SOURCE_DIR) / "tests" / "slt";

// The SQL of a sqllogictest file, in order, as SQLite would run it: records under
// `skipif sqlite` or `onlyif <other engine>` are left out, and `halt` ends the file.
std::vector<std::string> slt_statements(const fs::path& file) {
  std::vector<std::string> statements;
  std::istringstream in(read_text(file));
  std::string line;
  bool skip_next = false;
  while (std::getline(in, line)) {
    if (line.rfind("skipif ", 0) == 0) {
      skip_next = skip_next || line.find("sqlite") != std::string::npos;
      continue;
    }
    if (line.rfind("onlyif ", 0) == 0) {
      skip_next = skip_next || line.find("sqlite") == std::string::npos;
      continue;
    }
    if (line == "halt" || line.rfind("halt ", 0) == 0) {
      if (!skip_next) break;
      skip_next = false;
      continue;
    }
    bool statement = line.rfind("statement ", 0) == 0;
    bool query = line.rfind("query ", 0) == 0;
    if (!statement && !query) continue;
    std::string sql;
    while (std::getline(in, line) && !line.empty() && line != "----") sql += line + "\n";
    if (query && line == "----") {
      while (std::getline(in, line) && !line.empty()) {
      }
    }
    if (!skip_next && !sql.empty()) statements.push_back(sql);
    skip_next = false;
  }
  return statements;
}

// Outputs of a script split at the marker lines "~~~ N": element N is what statement N printed.
std::vector<std::string> split_at_markers(const std::string& output, size_t count) {
  std::vector<std::string> parts(count);
  std::istringstream in(output);
  std::string line;
  long current = -1;
  while (std::getline(in, line)) {
    if (line.rfind("~~~ ", 0) == 0) {
      current = std::stol(line.substr(4));
      continue;
    }
    if (current >= 0 && static_cast<size_t>(current) < count) parts[current] += line + "\n";
  }
  return parts;
}

std::string sorted_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

bool has_order_by(const std::string& sql) {
  std::string upper;
  for (char c : sql) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper.find("ORDER BY") != std::string::npos;
}

struct ScriptRun {
  std::string strata, sqlite;
};

// Runs the same script through `strata exec` (with strata_flags) and `sqlite3 -batch`
// (with sqlite_flags), standard error merged into standard output.
ScriptRun run_both(const std::string& script, const std::string& strata_flags,
                   const std::string& sqlite_flags) {
  test::TempDir dir("shell-diff");
  fs::path path = fs::path(dir.path()) / "script.sql";
  write_text(path, script);
  int status = 0;
  ScriptRun out;
  out.strata = run_command(cli_test::strata_binary() + " exec " + strata_flags + " " +
                               shell_quote(dir.file("strata.db")) + " < " +
                               shell_quote(path.string()) + " 2>&1",
                           &status);
  out.sqlite =
      run_command("sqlite3 -batch " + sqlite_flags + " " + shell_quote(dir.file("sqlite.db")) +
                      " < " + shell_quote(path.string()) + " 2>&1",
                  &status);
  return out;
}

TEST(SqliteShellDiff, Sqlite3IsInstalled) {
  int status = 0;
  std::string version = run_command("sqlite3 -version 2>&1", &status);
  ASSERT_EQ(status, 0) << "the sqlite3 command is needed (Debian package sqlite3): " << version;
}

TEST(SqliteShellDiff, QuoteModeMatchesSqlite3OnTheSltCorpus) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(kSlt)) {
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty()) << "no .test files under " << kSlt;
  size_t compared = 0, refused = 0, total = 0;
  for (const fs::path& file : files) {
    std::vector<std::string> statements = slt_statements(file);
    std::string script;
    for (size_t i = 0; i < statements.size(); ++i) {
      script += ".print ~~~ " + std::to_string(i) + "\n" + statements[i] + ";\n";
    }
    ScriptRun run = run_both(script, "--format quote", "-cmd '.mode quote'");
    std::vector<std::string> strata = split_at_markers(run.strata, statements.size());
    std::vector<std::string> sqlite = split_at_markers(run.sqlite, statements.size());
    int reported = 0;
    for (size_t i = 0; i < statements.size(); ++i) {
      ++total;
      bool strata_failed = strata[i].find("Error: ") != std::string::npos;
      bool sqlite_failed = sqlite[i].find("error near line") != std::string::npos;
      if (strata_failed || sqlite_failed) {
        refused += strata_failed && !sqlite_failed;
        continue;
      }
      ++compared;
      bool same = strata[i] == sqlite[i] || (!has_order_by(statements[i]) &&
                                             sorted_lines(strata[i]) == sorted_lines(sqlite[i]));
      if (!same && reported++ < 5) {
        ADD_FAILURE() << file.filename() << " statement " << i << ":\n"
                      << statements[i] << "sqlite3:\n"
                      << sqlite[i] << "strata:\n"
                      << strata[i];
      }
    }
  }
  std::printf(
      "slt corpus in quote mode: %zu statements, %zu compared byte for byte, %zu refused by "
      "strata\n",
      total, compared, refused);
  EXPECT_GT(compared, total / 2) << "too few statements compared for the test to mean much";
}

// A random value as an SQL expression both engines evaluate to the same value.
std::string random_value_sql(std::mt19937_64& rng) {
  static const char* kHex = "0123456789ABCDEF";
  auto hex_of = [&](const std::string& bytes) {
    std::string out;
    for (unsigned char c : bytes) {
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
    return out;
  };
  auto random_bytes = [&]() {
    static const std::vector<std::string> kPieces = {"a",
                                                     "Z",
                                                     "0",
                                                     " ",
                                                     ",",
                                                     "'",
                                                     "\"",
                                                     "\t",
                                                     "\n",
                                                     "\r",
                                                     "\r\n",
                                                     "\\",
                                                     "|",
                                                     "\x01",
                                                     "\x1f",
                                                     "\x7f",
                                                     "\xc3\xa9",
                                                     "\xe2\x94\x80",
                                                     "\xf0\x9f\x98\x80",
                                                     "\x80",
                                                     "\xff",
                                                     "{",
                                                     "}",
                                                     ":",
                                                     "-"};
    std::string out;
    size_t n = rng() % 12;
    for (size_t i = 0; i < n; ++i) out += kPieces[rng() % kPieces.size()];
    if (rng() % 10 == 0) out.insert(out.size() / 2, 1, '\0');
    return out;
  };
  switch (rng() % 7) {
    case 0:
      return "NULL";
    case 1: {
      static const int64_t kEdges[] = {
          0, 1, -1, 42, -9223372036854775807 - 1, 9223372036854775807, 4294967296, -1000000};
      if (rng() % 2) return "(" + std::to_string(kEdges[rng() % 8]) + ")";
      return "(" + std::to_string(static_cast<int64_t>(rng()) >> (rng() % 63)) + ")";
    }
    case 2: {
      double d;
      switch (rng() % 4) {
        case 0:
          d = std::bit_cast<double>(rng());
          break;
        case 1:
          d = static_cast<double>(static_cast<int64_t>(rng() % 2000001) - 1000000) /
              std::pow(10.0, static_cast<double>(rng() % 8));
          break;
        case 2:
          d = static_cast<double>(static_cast<int64_t>(rng() >> (rng() % 64)));
          break;
        default:
          d = (rng() % 2 ? 1 : -1) * std::pow(10.0, static_cast<double>(rng() % 40) - 20);
      }
      if (std::isnan(d)) d = 0.5;
      if (std::isinf(d)) return d > 0 ? "9e999" : "-9e999";
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", d);
      std::string text = buf;
      if (text.find_first_of(".eE") == std::string::npos) text += ".0";
      return "(" + text + ")";
    }
    case 3:
    case 4:
      return "CAST(X'" + hex_of(random_bytes()) + "' AS TEXT)";
    case 5:
      return "X'" + hex_of(random_bytes()) + "'";
    default:
      return "'" + std::string(1, static_cast<char>('a' + rng() % 26)) + "''s, \"x\"'";
  }
}

TEST(SqliteShellDiff, EveryModeMatchesSqlite3OnRandomValues) {
  uint64_t seed = test::test_seed();
  SCOPED_TRACE(test::replay_command(seed));
  std::mt19937_64 rng(seed);
  std::string script = "CREATE TABLE v(id INTEGER PRIMARY KEY, a, b, c);\n";
  for (int id = 1; id <= 40; ++id) {
    script += "INSERT INTO v VALUES (" + std::to_string(id) + ", " + random_value_sql(rng) + ", " +
              random_value_sql(rng) + ", " + random_value_sql(rng) + ");\n";
  }
  const std::vector<std::string> queries = {
      "SELECT * FROM v ORDER BY id;",
      "SELECT id, typeof(a), a, b AS \"a,b\", c AS \"x\"\"y\", id * 0.5 AS \"é\", "
      "c AS \"tab\tname\" FROM v ORDER BY id DESC;",
      "SELECT 1 + 1, 'x' || 'y', NULL, 0.1, -0.0, 1e308 * 10, x'00', '' ;",
      "SELECT * FROM v WHERE id < 0;",
      "SELECT a FROM v ORDER BY id LIMIT 3; SELECT b FROM v ORDER BY id LIMIT 2;",
  };
  int marker = 0;
  for (const char* mode : {"list", "tabs", "csv", "json", "quote", "box"}) {
    for (const char* headers : {"off", "on"}) {
      script += std::string(".mode ") + mode + "\n.headers " + headers + "\n";
      for (const std::string& q : queries) {
        script += ".print ~~~ " + std::to_string(marker++) + "\n" + q + "\n";
      }
    }
  }
  ScriptRun run = run_both(script, "", "");
  ASSERT_EQ(run.strata.find("Error"), std::string::npos) << run.strata;
  std::vector<std::string> strata = split_at_markers(run.strata, marker);
  std::vector<std::string> sqlite = split_at_markers(run.sqlite, marker);
  int reported = 0;
  for (int i = 0; i < marker; ++i) {
    if (strata[i] != sqlite[i] && reported++ < 3) {
      ADD_FAILURE() << "output " << i << " (mode "
                    << std::vector<std::string>{"list", "tabs", "csv", "json", "quote", "box"}
                           [i / (2 * queries.size())]
                    << ", headers " << ((i / queries.size()) % 2 ? "on" : "off") << ", query "
                    << queries[i % queries.size()] << ")\nsqlite3:\n"
                    << sqlite[i] << "strata:\n"
                    << strata[i];
    }
  }
  EXPECT_EQ(run.strata, run.sqlite) << "whole outputs differ (see the first differences above)";
}

}  // namespace
}  // namespace strata
