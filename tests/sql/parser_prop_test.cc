// Properties of the printer and parser together:
//  - for random ASTs of every statement and expression form (bounded depth, only trees the
//    parser can produce), parse(to_sql(ast)) == ast;
//  - for SQLite's sqllogictest corpus (/work/shared/slt, or $STRATA_SLT_DIR), every
//    statement SQLite accepts parses (up to a listed few), and
//    parse(to_sql(parse(x))) == parse(x).
// Replay a failure with the seed RapidCheck prints: RC_PARAMS="seed=N" parser_prop_test.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/sql/parser.h"
#include "engine/sql/printer.h"
#include "tests/sql/random_ast.h"

namespace strata::sql {

// Counterexamples print as SQL.
void showValue(const Stmt& stmt, std::ostream& os) { os << to_sql(stmt); }
void showValue(const Expr& expr, std::ostream& os) { os << to_sql(expr); }

namespace {

using namespace random_ast;  // NOLINT: test generators

RC_GTEST_PROP(ParserRoundTrip, PrintedExpressionsParseBackToTheSameTree, ()) {
  int depth = uniform(rc::gen::inRange(0, 6));
  ExprPtr e = random_expr(depth);
  std::string sql = to_sql(*e);
  RC_LOG() << sql << "\n";
  Result<ExprPtr> parsed = parse_expression(sql);
  RC_ASSERT(parsed.ok());
  RC_ASSERT(**parsed == *e);
  RC_ASSERT(to_sql(**parsed) == sql);
}

RC_GTEST_PROP(ParserRoundTrip, PrintedStatementsParseBackToTheSameTree, ()) {
  int depth = uniform(rc::gen::inRange(0, 4));
  StmtPtr s = random_stmt(depth);
  std::string sql = to_sql(*s);
  RC_LOG() << sql << "\n";
  Result<StmtPtr> parsed = parse_statement(sql);
  if (!parsed.ok()) RC_LOG() << parsed.status().to_string() << "\n";
  RC_ASSERT(parsed.ok());
  RC_ASSERT(**parsed == *s);
}

RC_GTEST_PROP(ParserRoundTrip, ScriptsOfPrintedStatementsSplitBackIntoTheSameStatements, ()) {
  std::vector<StmtPtr> stmts;
  std::string script;
  for (int i = count(0, 4); i > 0; --i) {
    stmts.push_back(random_stmt(2));
    script += to_sql(*stmts.back());
    script += pick<std::string>({";", ";\n", " ; -- comment\n", ";/* c */"});
  }
  RC_ASSERT(is_complete(script) == !stmts.empty());
  Result<std::vector<StmtPtr>> parsed = parse_script(script);
  RC_ASSERT(parsed.ok());
  RC_ASSERT(parsed->size() == stmts.size());
  for (size_t i = 0; i < stmts.size(); ++i) RC_ASSERT(*(*parsed)[i] == *stmts[i]);
}

// Random bytes and token soup never crash the parser; errors always carry a position.
RC_GTEST_PROP(ParserRobustness, ArbitraryInputFailsCleanly, ()) {
  std::string sql;
  if (coin()) {
    sql = *rc::gen::arbitrary<std::string>();
  } else {
    for (int i = count(0, 30); i > 0; --i) {
      sql += pick<std::string>(
          {"SELECT", "FROM",   "(",     ")",       ",",       "a",      "1",     "'s'",   "+",
           "-",      "NOT",    "IN",    "BETWEEN", "AND",     "OR",     "CASE",  "WHEN",  "THEN",
           "END",    "CREATE", "TABLE", "INSERT",  "INTO",    "VALUES", "*",     ";",     "IS",
           "NULL",   "JOIN",   "ON",    "ORDER",   "BY",      "LIMIT",  "x'00'", "?",     "/*",
           "--",     "\"",     "'",     "ESCAPE",  "COLLATE", "CAST",   "AS",    "UNION", "WITH"});
      sql += ' ';
    }
  }
  Parser parser(sql);
  for (int guard = 0; guard < 1000; ++guard) {
    Result<std::optional<ParsedStatement>> next = parser.next();
    if (next.ok()) {
      if (!next->has_value()) break;
      std::string printed = to_sql(*(*next)->stmt);
      Result<StmtPtr> again = parse_statement(printed);
      RC_ASSERT(again.ok());
      RC_ASSERT(**again == *(*next)->stmt);
      continue;
    }
    RC_ASSERT(next.status().code() == StatusCode::kSyntax ||
              next.status().code() == StatusCode::kUnsupported);
    RC_ASSERT(error_position(next.status()).has_value());
    RC_ASSERT(parser.error().has_value());
  }
}

// --- the sqllogictest corpus --------------------------------------------------------

struct SltRecord {
  std::string file;
  int line = 0;
  bool expect_ok = true;  // statement ok / query (as opposed to statement error)
  std::string sql;
};

// Records that apply to SQLite (skipif/onlyif honoured), with their SQL text.
std::vector<SltRecord> read_slt(const std::filesystem::path& path) {
  std::vector<SltRecord> out;
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
      line.pop_back();  // some files use CRLF
    lines.push_back(line);
  }
  bool applies = true;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    std::istringstream words(line);
    std::string first, second;
    words >> first >> second;
    if (first == "skipif") {
      if (second == "sqlite") applies = false;
      continue;
    }
    if (first == "onlyif") {
      if (second != "sqlite") applies = false;
      continue;
    }
    if (first != "statement" && first != "query") {
      if (line.empty()) applies = true;
      continue;
    }
    SltRecord record;
    record.file = path.filename().string();
    record.line = static_cast<int>(i + 2);
    record.expect_ok = !(first == "statement" && second == "error");
    size_t j = i + 1;
    for (; j < lines.size() && !lines[j].empty() && lines[j] != "----"; ++j) {
      record.sql += lines[j];
      record.sql += '\n';
    }
    // Skip the expected results, up to the blank line that ends the record.
    while (j < lines.size() && !lines[j].empty()) ++j;
    i = j;
    if (applies) out.push_back(std::move(record));
    applies = true;
  }
  return out;
}

TEST(ParserSlt, CorpusParsesAndRoundTrips) {
  const char* env = std::getenv("STRATA_SLT_DIR");
  std::filesystem::path dir = env != nullptr ? env : "/work/shared/slt";
  if (!std::filesystem::exists(dir / "select1.test"))
    GTEST_SKIP() << "no sqllogictest corpus at " << dir;
  std::vector<std::filesystem::path> files = {dir / "select1.test"};
  if (std::filesystem::exists(dir / "evidence")) {
    for (const auto& entry : std::filesystem::directory_iterator(dir / "evidence")) {
      if (entry.path().extension() == ".test") files.push_back(entry.path());
    }
  }
  int total = 0, parsed_ok = 0, ok_failed = 0, error_records = 0, error_records_parsed = 0;
  std::map<std::string, int> failure_reasons;
  for (const auto& file : files) {
    for (const SltRecord& record : read_slt(file)) {
      ++total;
      if (!record.expect_ok) ++error_records;
      Result<std::vector<StmtPtr>> first = parse_script(record.sql);
      if (!first.ok()) {
        if (record.expect_ok) {
          ++ok_failed;
          ++failure_reasons[first.status().to_string()];
          ADD_FAILURE() << record.file << ":" << record.line << ": " << first.status().to_string()
                        << "\n"
                        << record.sql;
        }
        continue;
      }
      ++parsed_ok;
      if (!record.expect_ok) ++error_records_parsed;
      for (const StmtPtr& stmt : *first) {
        std::string printed = to_sql(*stmt);
        Result<StmtPtr> again = parse_statement(printed);
        ASSERT_TRUE(again.ok()) << record.file << ":" << record.line << ": " << printed << ": "
                                << again.status().to_string();
        EXPECT_TRUE(**again == *stmt) << record.file << ":" << record.line << "\n"
                                      << record.sql << "printed: " << printed;
      }
    }
  }
  std::cout << "slt: " << total << " records (" << error_records << " 'statement error'); "
            << parsed_ok << " parse; " << ok_failed << " records SQLite accepts fail to parse; "
            << error_records_parsed
            << " 'statement error' records parse (their errors are semantic)\n";
  for (const auto& [reason, n] : failure_reasons) std::cout << "  " << n << " x " << reason << "\n";
  EXPECT_GT(total, 1000);
}

}  // namespace
}  // namespace strata::sql
