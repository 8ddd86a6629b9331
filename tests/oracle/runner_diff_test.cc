// Both engines behind the Runner interface (oracle::Sqlite, oracle::StrataRunner), script
// splitting, and the differential runner: agreement on what Strata supports, and every
// divergence reported with both results — including a deliberate one, a construct Strata
// refuses as unsupported while SQLite runs it.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "oracle/diff.h"
#include "oracle/script.h"
#include "oracle/sqlite.h"
#include "oracle/strata_runner.h"
#include "tests/support/temp_dir.h"

namespace strata::oracle {
namespace {

std::vector<std::unique_ptr<Runner>> both_engines() {
  std::vector<std::unique_ptr<Runner>> runners;
  for (Engine e : {Engine::kSqlite, Engine::kStrata}) {
    Result<std::unique_ptr<Runner>> r = open_runner(e);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    if (r.ok()) runners.push_back(std::move(r).value());
  }
  return runners;
}

TEST(Runner, BothEnginesGiveTypedRows) {
  for (auto& runner : both_engines()) {
    SCOPED_TRACE(std::string(runner->name()));
    ASSERT_TRUE(runner->execute("CREATE TABLE t(a INTEGER, b REAL, c TEXT, d BLOB, e)").ok);
    SqlResult insert =
        runner->execute("INSERT INTO t VALUES (1, 2, 'x', x'00ff', NULL), (?1, ?2, ?3, ?4, ?5)",
                        std::vector<Value>{Value::integer(-5), Value::real(0.5), Value::text("y"),
                                           Value::blob("z"), Value::integer(9)});
    ASSERT_TRUE(insert.ok) << insert.error;
    EXPECT_EQ(insert.changes, 2);
    SqlResult r = runner->execute("SELECT a, b, c, d, e FROM t ORDER BY a");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.column_names, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
    ASSERT_EQ(r.rows.size(), 2u);
    EXPECT_EQ(describe_row(r.rows[0]), "INTEGER -5 | REAL 0.5 | TEXT 'y' | BLOB x'7a' | INTEGER 9");
    // b has REAL affinity: 2 is stored as 2.0.
    EXPECT_EQ(describe_row(r.rows[1]), "INTEGER 1 | REAL 2.0 | TEXT 'x' | BLOB x'00ff' | NULL");
    EXPECT_EQ(r.changes, 0);
  }
}

TEST(Runner, FailuresAreResultsNotCrashes) {
  for (auto& runner : both_engines()) {
    SCOPED_TRACE(std::string(runner->name()));
    SqlResult missing = runner->execute("SELECT * FROM nowhere");
    EXPECT_FALSE(missing.ok);
    EXPECT_FALSE(missing.error.empty());
    SqlResult syntax = runner->execute("SELEC 1");
    EXPECT_FALSE(syntax.ok);
    EXPECT_EQ(syntax.code, StatusCode::kSyntax) << syntax.error;
    ASSERT_TRUE(runner->execute("CREATE TABLE u(a PRIMARY KEY)").ok);
    ASSERT_TRUE(runner->execute("INSERT INTO u VALUES (1)").ok);
    SqlResult dup = runner->execute("INSERT INTO u VALUES (1)");
    EXPECT_FALSE(dup.ok);
    EXPECT_EQ(dup.code, StatusCode::kConstraint) << dup.error;
    // Blank SQL is no statement and no error.
    SqlResult blank = runner->execute("  -- nothing\n /* here */ ");
    EXPECT_TRUE(blank.ok) << blank.error;
    EXPECT_EQ(blank.column_count(), 0);
  }
}

TEST(Runner, ARunTimeErrorKeepsTheRowsBeforeIt) {
  for (auto& runner : both_engines()) {
    SCOPED_TRACE(std::string(runner->name()));
    ASSERT_TRUE(runner
                    ->execute_script("CREATE TABLE t(x INTEGER PRIMARY KEY);"
                                     "INSERT INTO t VALUES (1), (2), (-9223372036854775808);")
                    .ok);
    SqlResult r = runner->execute("SELECT abs(x) FROM t ORDER BY x DESC");
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.during_execution) << r.error;
    ASSERT_EQ(r.rows.size(), 2u);
    EXPECT_EQ(describe_row(r.rows[1]), "INTEGER 1");
    // An error found before any row is produced, while compiling, is not such a failure.
    SqlResult missing = runner->execute("SELECT nothing FROM t");
    EXPECT_FALSE(missing.ok);
    EXPECT_FALSE(missing.during_execution) << missing.error;
  }
}

TEST(Runner, ScriptsRunEveryStatementAndStopAtTheFirstFailure) {
  for (auto& runner : both_engines()) {
    SCOPED_TRACE(std::string(runner->name()));
    SqlResult r = runner->execute_script(
        "CREATE TABLE t(a); INSERT INTO t VALUES (1); INSERT INTO t VALUES (2), (3);");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.changes, 3);
    SqlResult failed = runner->execute_script(
        "INSERT INTO t VALUES (4); INSERT INTO nowhere VALUES (5); "
        "INSERT INTO t VALUES (6);");
    EXPECT_FALSE(failed.ok);
    SqlResult count = runner->execute("SELECT a FROM t ORDER BY a");
    ASSERT_EQ(count.rows.size(), 4u);  // 1, 2, 3, 4: the script stopped before 6
  }
}

TEST(Runner, DatabasesOnRealFiles) {
  test::TempDir dir;
  for (Engine e : {Engine::kSqlite, Engine::kStrata}) {
    std::string path = dir.path() + "/" + std::string(engine_name(e)) + ".db";
    {
      Result<std::unique_ptr<Runner>> r = open_runner(e, path);
      ASSERT_TRUE(r.ok()) << r.status().to_string();
      ASSERT_TRUE((*r)->execute_script("CREATE TABLE t(a); INSERT INTO t VALUES (42);").ok);
    }
    EXPECT_TRUE(std::filesystem::exists(path)) << path;
    Result<std::unique_ptr<Runner>> again = open_runner(e, path);
    ASSERT_TRUE(again.ok()) << again.status().to_string();
    SqlResult r = (*again)->execute("SELECT a FROM t");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(describe_row(r.rows[0]), "INTEGER 42");
  }
}

TEST(Runner, StrataReopensWhatItCommitted) {
  Result<std::unique_ptr<StrataRunner>> strata = StrataRunner::open();
  ASSERT_TRUE(strata.ok());
  ASSERT_TRUE((*strata)->execute_script("CREATE TABLE t(a); INSERT INTO t VALUES (7);").ok);
  ASSERT_TRUE((*strata)->reopen().is_ok());
  SqlResult r = (*strata)->execute("SELECT a FROM t");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(describe_row(r.rows[0]), "INTEGER 7");
}

TEST(SplitStatements, EndsAtCompleteSemicolonsAndKeepsLines) {
  std::vector<ScriptStatement> s = split_statements(
      "-- a comment; not a statement\n"
      "CREATE TABLE t(a);\n"
      "INSERT INTO t VALUES ('x;y');  /* ; */\n"
      "\n"
      "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
      "  DELETE FROM t;\n"
      "END;\n"
      ";;\n"
      "SELECT a\n"
      "  FROM t");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].sql, "CREATE TABLE t(a)");
  EXPECT_EQ(s[0].line, 2);
  EXPECT_EQ(s[1].sql, "INSERT INTO t VALUES ('x;y')");
  EXPECT_EQ(s[1].line, 3);
  EXPECT_EQ(s[2].sql, "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  DELETE FROM t;\nEND");
  EXPECT_EQ(s[2].line, 5);
  EXPECT_EQ(s[3].sql, "SELECT a\n  FROM t");
  EXPECT_EQ(s[3].line, 9);
  EXPECT_TRUE(split_statements(" -- only\n/* comments */ ;\n").empty());
  EXPECT_TRUE(is_blank_sql(" -- x\n /* y */\t"));
  EXPECT_TRUE(is_blank_sql("/* unclosed"));
  EXPECT_FALSE(is_blank_sql("-- x\n;"));
}

TEST(Diff, AgreesOnWhatStrataSupports) {
  Result<std::unique_ptr<Sqlite>> sqlite = Sqlite::open();
  Result<std::unique_ptr<StrataRunner>> strata = StrataRunner::open();
  ASSERT_TRUE(sqlite.ok() && strata.ok());
  DiffReport report = diff_script(
      "CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL);\n"
      "CREATE INDEX t_a ON t(a);\n"
      "INSERT INTO t(a, b, c) VALUES (3, 'x', 1.5), (1, 'y', NULL), (3, 'z', 2), (NULL, '', "
      "-0.0);\n"
      "SELECT * FROM t ORDER BY a;\n"
      "SELECT a, b FROM t WHERE a > 1;\n"
      "SELECT DISTINCT a FROM t ORDER BY 1 LIMIT 2;\n"
      "SELECT a + c, b || a, typeof(c) FROM t;\n"
      "UPDATE t SET c = c * 2 WHERE a = 3;\n"
      "BEGIN; DELETE FROM t WHERE a IS NULL; ROLLBACK;\n"
      "INSERT INTO t(id, a) VALUES (1, 0);\n"
      "SELECT id, a, b, c FROM t ORDER BY id DESC;\n",
      **sqlite, **strata);
  for (const Divergence& d : report.divergences) ADD_FAILURE() << format_divergence("", d);
  EXPECT_EQ(report.statements, 13);
  EXPECT_EQ(report.agreed, 13);
  EXPECT_FALSE(report.stopped);
}

// A window function: SQLite runs it, Strata refuses it as unsupported. Whatever Strata
// does with it, it cannot give SQLite's answer without implementing window functions.
constexpr char kDivergentScript[] =
    "CREATE TABLE t(a INTEGER);\n"
    "INSERT INTO t VALUES (1), (2);\n"
    "SELECT a, sum(a) OVER (ORDER BY a) FROM t ORDER BY a;\n"
    "SELECT a FROM t ORDER BY a;\n"
    "SELECT a, row_number() OVER () FROM t;\n";

TEST(Diff, ReportsADivergenceWithBothResults) {
  Result<std::unique_ptr<Sqlite>> sqlite = Sqlite::open();
  Result<std::unique_ptr<StrataRunner>> strata = StrataRunner::open();
  ASSERT_TRUE(sqlite.ok() && strata.ok());
  DiffReport report = diff_script(kDivergentScript, **sqlite, **strata);
  EXPECT_EQ(report.statements, 5);
  EXPECT_EQ(report.agreed, 3);
  ASSERT_EQ(report.divergences.size(), 2u);
  const Divergence& d = report.divergences[0];
  EXPECT_EQ(d.line, 3);
  EXPECT_EQ(d.sql, "SELECT a, sum(a) OVER (ORDER BY a) FROM t ORDER BY a");
  EXPECT_EQ(d.mismatch, "sqlite succeeds, strata fails");
  EXPECT_TRUE(d.unsupported()) << d.actual.error;
  EXPECT_EQ(report.unsupported(), 2);
  std::string text = format_divergence("x.sql", d);
  EXPECT_NE(text.find("x.sql:3: divergence (strata: unsupported): sqlite succeeds, strata fails"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("INTEGER 2 | INTEGER 3"), std::string::npos) << text;  // SQLite's rows
  EXPECT_NE(text.find("strata: error: unsupported"), std::string::npos) << text;
  EXPECT_EQ(format_summary(report),
            "script: 5 statements, 3 agree, 2 diverge (2 unsupported by strata)\n");
}

TEST(Diff, StopsAtTheFirstDivergenceWhenAsked) {
  Result<std::unique_ptr<Sqlite>> sqlite = Sqlite::open();
  Result<std::unique_ptr<StrataRunner>> strata = StrataRunner::open();
  ASSERT_TRUE(sqlite.ok() && strata.ok());
  DiffOptions options;
  options.stop_at_first = true;
  DiffReport report = diff_script(kDivergentScript, **sqlite, **strata, options);
  EXPECT_EQ(report.statements, 3);
  EXPECT_EQ(report.divergences.size(), 1u);
  EXPECT_TRUE(report.stopped);
}

TEST(Diff, ADifferentAnswerIsADivergence) {
  // Two SQLite databases that hold different rows stand in for an engine with a wrong
  // answer: the differential runner must name the row.
  Result<std::unique_ptr<Sqlite>> expected = Sqlite::open();
  Result<std::unique_ptr<Sqlite>> actual = Sqlite::open();
  ASSERT_TRUE(expected.ok() && actual.ok());
  ASSERT_TRUE((*expected)->execute_script("CREATE TABLE t(a); INSERT INTO t VALUES (1), (2);").ok);
  ASSERT_TRUE((*actual)->execute_script("CREATE TABLE t(a); INSERT INTO t VALUES (1), (2.0);").ok);
  std::optional<Divergence> d = diff_statement(**expected, **actual, "SELECT a FROM t ORDER BY a");
  ASSERT_TRUE(d.has_value());
  EXPECT_NE(d->mismatch.find("INTEGER 2"), std::string::npos) << d->mismatch;
  EXPECT_NE(d->mismatch.find("REAL 2.0"), std::string::npos) << d->mismatch;
  // With DISTINCT either is allowed by the comparison, but the row must be one the query can
  // produce: 2.0 is no row of t on the expected side.
  d = diff_statement(**expected, **actual, "SELECT DISTINCT a FROM t ORDER BY a");
  ASSERT_TRUE(d.has_value());
  EXPECT_NE(d->mismatch.find("is no row of"), std::string::npos) << d->mismatch;
  EXPECT_FALSE(diff_statement(**expected, **actual, "SELECT count(*) FROM t").has_value());
}

TEST(Diff, FilesRunOnFreshDatabases) {
  test::TempDir dir;
  std::string path = dir.path() + "/script.sql";
  std::ofstream(path) << kDivergentScript;
  Result<DiffReport> report = diff_file(path);
  ASSERT_TRUE(report.ok()) << report.status().to_string();
  EXPECT_EQ(report->file, path);
  EXPECT_EQ(report->divergences.size(), 2u);
  std::string json = diff_report_json({*report});
  EXPECT_NE(json.find("\"unsupported\": true"), std::string::npos) << json;
  EXPECT_NE(json.find("\"INTEGER 3\""), std::string::npos) << json;
  EXPECT_FALSE(diff_file(dir.path() + "/missing.sql").ok());
}

}  // namespace
}  // namespace strata::oracle
