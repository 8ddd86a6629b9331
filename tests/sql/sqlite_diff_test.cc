// Differential tests of the parser against SQLite itself (the library the testbed
// diffs Strata against).
//
// Precedence: random expression text built from literals and every operator (prefix, infix,
// postfix, BETWEEN, IN, LIKE ... ESCAPE, COLLATE, IS [NOT] [DISTINCT FROM]) without
// parentheses to guide it. SQLite evaluates the text as written and the text our
// printer produces (fully parenthesized by our parse); the results must be the same,
// and we must accept exactly the texts SQLite accepts. Any grouping we get wrong shows
// up as a different value.
//
// Grammar: every statement our printer writes must be free of syntax errors for
// SQLite; and for near-miss statements (printed statements with a token deleted,
// repeated, swapped or replaced) we reject what SQLite rejects as a syntax error and
// accept (or report unsupported) what SQLite accepts.
//
// Replay with RC_PARAMS="seed=N".
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "engine/sql/lexer.h"
#include "engine/sql/parser.h"
#include "engine/sql/printer.h"
#include "tests/sql/random_ast.h"

namespace strata::sql {
namespace {

struct Outcome {
  bool prepared = false;  // false: SQLite rejected the text (message in `text`)
  bool ok = false;        // the statement ran to a row
  std::string text;       // quote(value), or the error message
  bool operator==(const Outcome&) const = default;
};

sqlite3* database() {
  static sqlite3* db = [] {
    sqlite3* handle = nullptr;
    sqlite3_open(":memory:", &handle);
    return handle;
  }();
  return db;
}

Outcome evaluate(const std::string& expr) {
  Outcome out;
  std::string sql = "SELECT quote(" + expr + ")";
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(database(), sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    out.text = sqlite3_errmsg(database());
    return out;
  }
  out.prepared = true;
  int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    out.ok = true;
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    out.text = text != nullptr ? reinterpret_cast<const char*>(text) : "<null>";
  } else {
    out.text = sqlite3_errmsg(database());
  }
  sqlite3_finalize(stmt);
  return out;
}

using random_ast::coin;
using random_ast::pick;
using random_ast::uniform;

std::string operand(int depth);

// operand (infix operand)* with prefix and postfix operators sprinkled in.
std::string soup(int depth) {
  std::string out = operand(depth);
  int terms = uniform(rc::gen::inRange(0, 5));
  for (int i = 0; i < terms; ++i) {
    int kind = uniform(rc::gen::inRange(0, 10));
    if (kind == 0) {
      out += pick<std::string>({" BETWEEN ", " NOT BETWEEN "}) + operand(depth) + " AND " +
             operand(depth);
    } else if (kind == 1) {
      out += pick<std::string>({" LIKE ", " NOT LIKE ", " GLOB ", " NOT GLOB "}) + operand(depth);
      if (coin(30)) out += " ESCAPE " + pick<std::string>({"'x'", "'%'", "'a' || ''", "'ab'"});
    } else if (kind == 2) {
      out +=
          pick<std::string>({" IS ", " IS NOT ", " IS DISTINCT FROM ", " IS NOT DISTINCT FROM "}) +
          operand(depth);
    } else {
      out += pick<std::string>(
          {" + ", " - ",  " * ", " / ",  " % ", " || ", " & ",  " | ",  " << ",  " >> ",
           " < ", " <= ", " > ", " >= ", " = ", " == ", " != ", " <> ", " AND ", " OR "});
      out += operand(depth);
    }
  }
  return out;
}

std::string operand(int depth) {
  std::string out;
  while (coin(25)) out += pick<std::string>({"-", "+", "~", "NOT ", "- "});
  if (depth > 0 && coin(15)) {
    out += "(" + soup(depth - 1) + ")";
  } else {
    out += pick<std::string>({"0", "1", "2", "3", "7", "-1", "2.5", "'a'", "'A'", "'abc'", "'3'",
                              "NULL", "x'01'", "TRUE", "FALSE", "9223372036854775807",
                              "9223372036854775808", "0x10"});
  }
  while (coin(15)) {
    out += pick<std::string>({" ISNULL", " NOTNULL", " NOT NULL", " COLLATE nocase",
                              " COLLATE binary", " IN (1, 2)", " NOT IN ('a', NULL)", " IN ()"});
  }
  return out;
}

RC_GTEST_PROP(PrecedenceDiff, OurGroupingEvaluatesLikeSqlites, ()) {
  std::string text = soup(2);
  RC_LOG() << "expression: " << text << "\n";
  Outcome original = evaluate(text);
  if (!original.prepared && original.text.find("parser stack overflow") != std::string::npos)
    return;
  Result<ExprPtr> parsed = parse_expression(text);
  if (!original.prepared) {
    // SQLite rejects it; so must we (both for syntax; SQLite's semantic errors are not ours).
    if (original.text.find("syntax error") != std::string::npos ||
        original.text.find("unrecognized token") != std::string::npos) {
      RC_ASSERT(!parsed.ok());
    }
    return;
  }
  if (!parsed.ok()) RC_LOG() << parsed.status().to_string() << "\n";
  RC_ASSERT(parsed.ok());
  std::string printed = to_sql(**parsed);
  RC_LOG() << "printed:    " << printed << "\n";
  Outcome ours = evaluate(printed);
  RC_LOG() << "sqlite: " << original.text << "  ours: " << ours.text << "\n";
  RC_ASSERT(ours == original);
}

// A random statement in SQLite's dialect: Strata's EXPLAIN ANALYZE <dml> reads in
// SQLite as EXPLAIN of an ANALYZE statement, so it is left out.
StmtPtr sqlite_stmt(int depth) {
  StmtPtr stmt = random_ast::random_stmt(depth);
  if (Explain* explain = stmt->as<Explain>();
      explain != nullptr && explain->mode == ExplainMode::kAnalyze) {
    explain->mode = ExplainMode::kExplain;
  }
  return stmt;
}

bool is_syntax_error(const std::string& message) {
  return message.find("syntax error") != std::string::npos ||
         message.find("unrecognized token") != std::string::npos ||
         message.find("incomplete input") != std::string::npos;
}

// SQLite's verdict on a whole statement: prepared, or the error message.
Outcome prepare(const std::string& sql) {
  Outcome out;
  sqlite3_stmt* stmt = nullptr;
  out.prepared = sqlite3_prepare_v2(database(), sql.c_str(), static_cast<int>(sql.size()), &stmt,
                                    nullptr) == SQLITE_OK;
  if (!out.prepared) out.text = sqlite3_errmsg(database());
  sqlite3_finalize(stmt);
  return out;
}

RC_GTEST_PROP(GrammarDiff, SqliteAcceptsEverythingWePrint, ()) {
  StmtPtr stmt = sqlite_stmt(uniform(rc::gen::inRange(0, 3)));
  std::string sql = to_sql(*stmt);
  std::erase(sql, '\0');  // SQLite stops reading at a NUL byte (only string literals hold them)
  RC_LOG() << sql << "\n";
  Outcome verdict = prepare(sql);
  RC_LOG() << "sqlite: " << verdict.text << "\n";
  RC_ASSERT(!is_syntax_error(verdict.text));
}

// Compares SQLite's verdict on `sql` with ours. `from_create_table`: the text came from
// a CREATE TABLE, which resolves column names while it parses.
void check_verdicts_agree(std::string sql, bool from_create_table) {
  std::erase(sql, '\0');  // SQLite stops reading at a NUL byte (only string literals hold them)
  Outcome verdict = prepare(sql);
  if (verdict.text.find("parser stack overflow") != std::string::npos) {
    RC_TAG("sqlite parser stack overflow");
    return;
  }
  Result<std::vector<StmtPtr>> ours = parse_script(sql);
  // These name-resolution errors come after SQLite has parsed the whole statement: it
  // accepted the syntax. ("no such collation sequence" can come mid-statement, from a
  // column definition, and so can any name error inside CREATE TABLE.)
  bool resolved_names = false;
  for (const char* message :
       {"no such table", "no such column", "no such function", "no such index", "no such view"}) {
    resolved_names = resolved_names || verdict.text.rfind(message, 0) == 0;
  }
  if (from_create_table) resolved_names = false;
  // Errors we report while parsing that SQLite reports later, when names resolve.
  bool our_early_error =
      !ours.ok() && ours.status().message().find("all VALUES must have the same number of terms") !=
                        std::string::npos;
  bool agree = true;
  if (is_syntax_error(verdict.text) && ours.ok()) agree = false;
  if ((verdict.prepared || (resolved_names && !our_early_error)) && !ours.ok() &&
      ours.status().code() != StatusCode::kUnsupported) {
    agree = false;
  }
  if (!agree) {
    RC_LOG() << sql << "\nsqlite: " << (verdict.prepared ? "ok" : verdict.text) << "\n"
             << "ours:   " << (ours.ok() ? "ok" : ours.status().to_string()) << "\n";
  }
  RC_ASSERT(agree);
}

std::string join_words(const std::vector<std::string>& words) {
  std::string sql;
  for (const std::string& w : words) {
    if (!sql.empty()) sql += ' ';
    sql += w;
  }
  return sql;
}

RC_GTEST_PROP(GrammarDiff, WeRejectWhatSqliteRejectsAndAcceptWhatItAccepts, ()) {
  StmtPtr stmt = sqlite_stmt(uniform(rc::gen::inRange(0, 2)));
  bool from_create_table = stmt->is<CreateTable>() ||
                           (stmt->is<Explain>() && stmt->as<Explain>()->stmt->is<CreateTable>());
  const std::string printed = to_sql(*stmt);  // the tokens point into it
  Result<std::vector<Token>> tokens = tokenize(printed);
  RC_ASSERT(tokens.ok());
  std::vector<std::string> words;
  for (const Token& t : *tokens) words.emplace_back(t.text);
  if (words.empty()) return;
  // Every single-token deletion and repetition, then one swap and one replacement.
  for (size_t at = 0; at < words.size(); ++at) {
    std::vector<std::string> deleted = words;
    deleted.erase(deleted.begin() + at);
    check_verdicts_agree(join_words(deleted), from_create_table);
    std::vector<std::string> repeated = words;
    repeated.insert(repeated.begin() + at, words[at]);
    check_verdicts_agree(join_words(repeated), from_create_table);
  }
  size_t at = uniform(rc::gen::inRange<size_t>(0, words.size()));
  std::vector<std::string> swapped = words;
  if (at + 1 < swapped.size()) std::swap(swapped[at], swapped[at + 1]);
  check_verdicts_agree(join_words(swapped), from_create_table);
  std::vector<std::string> replaced = words;
  replaced[at] =
      pick<std::string>({"(",       ")",       ",",    "SELECT", "FROM",    "NOT",     "NULL",
                         "AND",     "JOIN",    "ON",   "AS",     "1",       "a",       "'s'",
                         "*",       "=",       "IN",   "IS",     "BETWEEN", "ESCAPE",  "COLLATE",
                         "DEFAULT", "PRIMARY", "KEY",  "ORDER",  "BY",      "LIMIT",   "VALUES",
                         "INTO",    "WHERE",   "CASE", "END",    "UNION",   "ALL",     "DISTINCT",
                         "INDEXED", "TABLE",   "-",    ".",      "LEFT",    "NATURAL", "USING",
                         "IF",      "EXISTS",  "TEMP", "OR",     "REPLACE", "CAST",    "RAISE"});
  check_verdicts_agree(join_words(replaced), from_create_table);
}

// is_complete() answers as sqlite3_complete() does, strings, comments and trigger
// bodies included.
RC_GTEST_PROP(CompleteDiff, IsCompleteAgreesWithSqlite3Complete, ()) {
  std::string text;
  for (int i = random_ast::count(0, 12); i > 0; --i) {
    text += pick<std::string>(
        {"SELECT 1",  ";",       " ",       "\n",  "'",    "\"",      "`",      "[",
         "]",         "--",      "/*",      "*/",  "x",    "CREATE",  "create", "TEMP",
         "TEMPORARY", "TRIGGER", "trigger", "END", "end",  "EXPLAIN", "BEGIN",  "TABLE",
         "'a;b'",     "-",       "/",       "*",   "ENDx", "_end",    "9"});
  }
  RC_LOG() << "text: " << text << "\n";
  RC_ASSERT(is_complete(text) == (sqlite3_complete(text.c_str()) != 0));
}

TEST(PrecedenceDiff, HandPickedCasesAgree) {
  for (const char* text :
       {"NOT 0 = 1", "- 2 || 3", "~ 1 || 2", "1 = 2 BETWEEN 2 AND 2",
        "0 BETWEEN 0 AND 3 BETWEEN 2 AND 3", "NOT 0 BETWEEN -1 AND 2",
        "'a' LIKE 'b' < 'c' ESCAPE 'x'", "1 + 2 * 3 || 4", "1 < 2 = 3 < 4", "5 & 3 | 8 << 1 >> 1",
        "-9223372036854775808", "NOT NULL IS NULL", "1 IS NOT 2 IS 1", "'A' = 'a' COLLATE nocase",
        "NOT 1 NOT NULL", "1 ISNULL NOTNULL", "2 IN (1, 2) = 1"}) {
    Outcome original = evaluate(text);
    ASSERT_TRUE(original.prepared) << text << ": " << original.text;
    Result<ExprPtr> parsed = parse_expression(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().to_string();
    std::string printed = to_sql(**parsed);
    EXPECT_EQ(evaluate(printed), original) << text << " printed as " << printed;
  }
}

}  // namespace
}  // namespace strata::sql
