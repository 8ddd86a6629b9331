// Differential test of operator precedence against SQLite itself.
//
// Random expression text built from literals and every operator (prefix, infix,
// postfix, BETWEEN, IN, LIKE ... ESCAPE, COLLATE, IS [NOT] [DISTINCT FROM]) without
// parentheses to guide it. SQLite evaluates the text as written and the text our
// printer produces (fully parenthesized by our parse); the results must be the same,
// and we must accept exactly the texts SQLite accepts. Any grouping we get wrong shows
// up as a different value. Replay with RC_PARAMS="seed=N".
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "engine/sql/parser.h"
#include "engine/sql/printer.h"

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
  if (sqlite3_prepare_v2(database(), sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
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

// RapidCheck scales its ranges with the test size (at size 0, inRange always gives its
// minimum); draws here are uniform at every size and still shrink towards the minimum.
template <typename T>
T uniform(rc::Gen<T> gen) {
  return *rc::gen::resize(100, std::move(gen));
}

template <typename T>
T pick(std::initializer_list<T> options) {
  return uniform(rc::gen::elementOf(std::vector<T>(options)));
}

bool coin(int percent) { return uniform(rc::gen::inRange(0, 100)) < percent; }

std::string operand(int depth);

// operand (infix operand)* with prefix and postfix operators sprinkled in.
std::string soup(int depth) {
  std::string out = operand(depth);
  int terms = uniform(rc::gen::inRange(0, 5));
  for (int i = 0; i < terms; ++i) {
    int kind = uniform(rc::gen::inRange(0, 10));
    if (kind == 0) {
      out += pick<std::string>({" BETWEEN ", " NOT BETWEEN "}) + operand(depth) + " AND " + operand(depth);
    } else if (kind == 1) {
      out += pick<std::string>({" LIKE ", " NOT LIKE ", " GLOB ", " NOT GLOB "}) + operand(depth);
      if (coin(30)) out += " ESCAPE " + pick<std::string>({"'x'", "'%'", "'a' || ''", "'ab'"});
    } else if (kind == 2) {
      out += pick<std::string>({" IS ", " IS NOT ", " IS DISTINCT FROM ", " IS NOT DISTINCT FROM "}) + operand(depth);
    } else {
      out += pick<std::string>({" + ", " - ", " * ", " / ", " % ", " || ", " & ", " | ", " << ", " >> ", " < ",
                                " <= ", " > ", " >= ", " = ", " == ", " != ", " <> ", " AND ", " OR "});
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
    out += pick<std::string>({"0", "1", "2", "3", "7", "-1", "2.5", "'a'", "'A'", "'abc'", "'3'", "NULL", "x'01'",
                              "TRUE", "FALSE", "9223372036854775807", "9223372036854775808", "0x10"});
  }
  while (coin(15)) {
    out += pick<std::string>({" ISNULL", " NOTNULL", " NOT NULL", " COLLATE nocase", " COLLATE binary", " IN (1, 2)",
                              " NOT IN ('a', NULL)", " IN ()"});
  }
  return out;
}

RC_GTEST_PROP(PrecedenceDiff, OurGroupingEvaluatesLikeSqlites, ()) {
  std::string text = soup(2);
  RC_LOG() << "expression: " << text << "\n";
  Outcome original = evaluate(text);
  if (!original.prepared && original.text.find("parser stack overflow") != std::string::npos) return;
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

TEST(PrecedenceDiff, HandPickedCasesAgree) {
  for (const char* text : {"NOT 0 = 1", "- 2 || 3", "~ 1 || 2", "1 = 2 BETWEEN 2 AND 2", "0 BETWEEN 0 AND 3 BETWEEN 2 AND 3",
                           "NOT 0 BETWEEN -1 AND 2", "'a' LIKE 'b' < 'c' ESCAPE 'x'", "1 + 2 * 3 || 4", "1 < 2 = 3 < 4",
                           "5 & 3 | 8 << 1 >> 1", "-9223372036854775808", "NOT NULL IS NULL", "1 IS NOT 2 IS 1",
                           "'A' = 'a' COLLATE nocase", "NOT 1 NOT NULL", "1 ISNULL NOTNULL", "2 IN (1, 2) = 1"}) {
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
