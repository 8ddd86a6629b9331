// The sqllogictest runner (oracle/slt.h, slt_runner.h, slt_report.h) on small hand-written
// scripts: how records are read, how values print and hash, sort modes, labels, conditions,
// halt, and scripts that must fail — each failure reported at its line with what was
// expected and what came. Scripts run on SQLite and, where Strata supports the SQL, on
// Strata too: the runner must judge both engines alike.
#include "oracle/slt_runner.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "oracle/md5.h"
#include "oracle/slt.h"
#include "oracle/slt_report.h"
#include "tests/support/temp_dir.h"

namespace strata::oracle {
namespace {

SltFileResult run(const std::string& text, Engine engine, SltOptions options = {}) {
  options.engine = engine;
  return run_slt(text, "snippet.test", options);
}

const std::vector<Engine> kBoth = {Engine::kSqlite, Engine::kStrata};

// The records of a result that failed, as "LINE: reason".
std::vector<std::string> failures(const SltFileResult& r) {
  std::vector<std::string> out;
  for (const SltRecordResult& rec : r.records) {
    if (rec.outcome == SltOutcome::kFailed)
      out.push_back(std::to_string(rec.line) + ": " + rec.reason);
  }
  return out;
}

std::string trace(const SltFileResult& r) {
  std::string out = format_slt_summary(r);
  for (const SltRecordResult& rec : r.records) {
    if (rec.outcome == SltOutcome::kFailed) out += format_slt_failure(r, rec);
  }
  for (const std::string& e : r.runner_errors) out += "runner error " + e + "\n";
  return out;
}

// ---------------------------------------------------------------------------------
// Reading scripts

TEST(SltParse, RecordsConditionsCommentsAndSeparators) {
  std::string text =
      "# a comment before anything\n"        // 1
      "hash-threshold 8\n"                   // 2
      "\n"                                   // 3
      "statement ok\r\n"                     // 4
      "CREATE TABLE t(a INTEGER, b TEXT)\n"  // 5
      "# a comment is no separator\n"        // 6
      "INSERT INTO t VALUES (1, 'a')\n"      // 7
      "   \t\n"                              // 8: blanks only: a separator
      "skipif mysql\n"                       // 9
      "onlyif sqlite # trailing words\n"     // 10
      "query IT rowsort label-x\n"           // 11
      "SELECT a, b\n"                        // 12
      "# dropped from the SQL\n"             // 13
      "  FROM t\n"                           // 14
      "----\n"                               // 15
      "1\n"                                  // 16
      "a\n"                                  // 17
      "\n"                                   // 18
      "\n"                                   // 19
      "query I nosort\n"                     // 20
      "SELECT 1 WHERE 0\n"                   // 21
      "\n"                                   // 22
      "halt\n"                               // 23
      "\n"                                   // 24
      "frobnicate now please do it\n";       // 25
  std::vector<SltRecord> records = parse_slt(text);
  ASSERT_EQ(records.size(), 6u);

  EXPECT_EQ(records[0].kind, SltRecordKind::kHashThreshold);
  EXPECT_EQ(records[0].line, 2);
  EXPECT_EQ(records[0].token(1), "8");

  EXPECT_EQ(records[1].kind, SltRecordKind::kStatement);
  EXPECT_EQ(records[1].line, 4);
  EXPECT_EQ(records[1].command(), "statement ok");
  EXPECT_EQ(records[1].sql, "CREATE TABLE t(a INTEGER, b TEXT)\nINSERT INTO t VALUES (1, 'a')");

  const SltRecord& q = records[2];
  EXPECT_EQ(q.kind, SltRecordKind::kQuery);
  EXPECT_EQ(q.line, 11);
  ASSERT_EQ(q.conditions.size(), 2u);
  EXPECT_TRUE(q.conditions[0].skip_if);
  EXPECT_EQ(q.conditions[0].engine, "mysql");
  EXPECT_FALSE(q.conditions[1].skip_if);
  EXPECT_EQ(q.conditions[1].engine, "sqlite");
  EXPECT_EQ(q.tokens, (std::vector<std::string>{"query", "IT", "rowsort", "label-x"}));
  EXPECT_EQ(q.sql, "SELECT a, b\n  FROM t");
  EXPECT_TRUE(q.has_separator);
  EXPECT_EQ(q.expected, (std::vector<std::string>{"1", "a"}));
  EXPECT_EQ(q.expected_line, 16);

  EXPECT_EQ(records[3].kind, SltRecordKind::kQuery);
  EXPECT_FALSE(records[3].has_separator);
  EXPECT_TRUE(records[3].expected.empty());
  EXPECT_EQ(records[4].kind, SltRecordKind::kHalt);
  EXPECT_EQ(records[4].line, 23);
  EXPECT_EQ(records[5].kind, SltRecordKind::kUnknown);
  EXPECT_EQ(records[5].tokens.size(), 4u);  // at most four tokens, as the reference
}

// ---------------------------------------------------------------------------------
// Printing and hashing values

TEST(SltPrint, EachTypeLetterAsTheReferencePrintsIt) {
  Result<std::unique_ptr<SltPrinter>> opened = SltPrinter::open();
  ASSERT_TRUE(opened.ok());
  SltPrinter& p = **opened;
  EXPECT_EQ(p.print(Value::null(), 'I'), "NULL");
  EXPECT_EQ(p.print(Value::null(), 'T'), "NULL");
  // I: sqlite3_column_int, 32 bits.
  EXPECT_EQ(p.print(Value::integer(-42), 'I'), "-42");
  EXPECT_EQ(p.print(Value::integer((int64_t{1} << 32) + 5), 'I'), "5");
  EXPECT_EQ(p.print(Value::real(3.9), 'I'), "3");
  EXPECT_EQ(p.print(Value::real(-3.9), 'I'), "-3");
  EXPECT_EQ(p.print(Value::text("12abc"), 'I'), "12");
  EXPECT_EQ(p.print(Value::text("abc"), 'I'), "0");
  // R: "%.3f".
  EXPECT_EQ(p.print(Value::integer(7), 'R'), "7.000");
  EXPECT_EQ(p.print(Value::real(2.5), 'R'), "2.500");
  EXPECT_EQ(p.print(Value::real(-1.0 / 3), 'R'), "-0.333");
  EXPECT_EQ(p.print(Value::text("1.5x"), 'R'), "1.500");
  // T: text, "(empty)", unprintable bytes as '@'.
  EXPECT_EQ(p.print(Value::integer(12), 'T'), "12");
  EXPECT_EQ(p.print(Value::real(1.0), 'T'), "1.0");
  EXPECT_EQ(p.print(Value::real(0.1), 'T'), "0.1");
  EXPECT_EQ(p.print(Value::text(""), 'T'), "(empty)");
  EXPECT_EQ(p.print(Value::text("a\tb\x7f"), 'T'), "a@b@");
  EXPECT_EQ(p.print(Value::text("caf\xc3\xa9"), 'T'), "caf@@");
  EXPECT_EQ(p.print(Value::blob(std::string("ab\0cd", 5)), 'T'), "ab");
  EXPECT_EQ(p.print(Value::blob(std::string("\0", 1)), 'T'), "(empty)");
}

TEST(SltPrint, RealsRoundToSixteenSignificantDigits) {
  EXPECT_EQ(slt_real(0.0), "0.000");
  EXPECT_EQ(slt_real(-0.0), "0.000");
  EXPECT_EQ(slt_real(1.0005), "1.000");  // 1.000499999999999989...
  EXPECT_EQ(slt_real(0.0005), "0.001");  // 0.000500000000000000010...
  EXPECT_EQ(slt_real(0.0004), "0.000");
  EXPECT_EQ(slt_real(-0.0004), "-0.000");
  EXPECT_EQ(slt_real(0.00001), "0.000");
  EXPECT_EQ(slt_real(9.9996), "10.000");
  EXPECT_EQ(slt_real(-123.4567), "-123.457");
  EXPECT_EQ(slt_real(1e15), "1000000000000000.000");
  // Past 16 significant digits SQLite prints zeros, rounding at the 16th digit.
  EXPECT_EQ(slt_real(-9223372036854775808.0), "-9223372036854776000.000");
  EXPECT_EQ(slt_real(-18446744073709551616.0), "-18446744073709550000.000");
  EXPECT_EQ(slt_real(123456789012345678.0), "123456789012345700.000");
  EXPECT_EQ(slt_real(1e300).size(), 301u + 4u);
  EXPECT_EQ(slt_real(1.0 / 0.0), "Inf");
  EXPECT_EQ(slt_real(-1.0 / 0.0), "-Inf");
}

TEST(SltHash, Md5OfEachValueAndANewline) {
  EXPECT_EQ(*md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(*md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(*slt_hash({"1", "2"}), "2 values hashing to 6ddb4095eb719e2a9f0a3f95677d24e0");
  Md5 md5;
  md5.add("1\n");
  md5.add("2\n");
  EXPECT_EQ(*md5.finish(), "6ddb4095eb719e2a9f0a3f95677d24e0");
  EXPECT_EQ(*md5.finish(), "d41d8cd98f00b204e9800998ecf8427e");  // finish() resets
}

// ---------------------------------------------------------------------------------
// Running scripts

const std::string kTable =
    "statement ok\n"
    "CREATE TABLE t(a INTEGER, b TEXT)\n"
    "\n"
    "statement ok\n"
    "INSERT INTO t VALUES (2, 'c'), (10, 'a'), (1, 'b')\n"
    "\n";  // lines 1-6

TEST(SltRun, SortModes) {
  std::string text = kTable +
                     "query IT nosort\n"  // 7: rows as they come (rowid order)
                     "SELECT a, b FROM t\n"
                     "----\n2\nc\n10\na\n1\nb\n"
                     "\n"
                     "query IT rowsort\n"  // 17: rows sorted by strcmp: "1" < "10" < "2"
                     "SELECT a, b FROM t\n"
                     "----\n1\nb\n10\na\n2\nc\n"
                     "\n"
                     "query IT valuesort\n"  // 27: every value on its own
                     "SELECT a, b FROM t\n"
                     "----\n1\n10\n2\na\nb\nc\n"
                     "\n"
                     "query IT rowsort\n"  // 37: numeric order is not what rowsort gives
                     "SELECT a, b FROM t\n"
                     "----\n1\nb\n2\nc\n10\na\n"
                     "\n"
                     "query I nosort\n"  // 47: nosort keeps the engine's order
                     "SELECT a FROM t\n"
                     "----\n1\n2\n10\n";
  for (Engine e : kBoth) {
    SltFileResult r = run(text, e);
    SCOPED_TRACE(trace(r));
    EXPECT_EQ(r.passed, 5);
    EXPECT_EQ(failures(r), (std::vector<std::string>{"37: wrong result", "47: wrong result"}));
    const SltRecordResult& rowsort = r.records[5];
    EXPECT_EQ(rowsort.expected, (std::vector<std::string>{"1", "b", "2", "c", "10", "a"}));
    EXPECT_EQ(rowsort.got, (std::vector<std::string>{"1", "b", "10", "a", "2", "c"}));
    EXPECT_TRUE(r.runner_errors.empty());
  }
}

const std::string kNine =
    "statement ok\n"
    "CREATE TABLE n(v INTEGER)\n"
    "\n"
    "statement ok\n"
    "INSERT INTO n VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9)\n"
    "\n";  // lines 1-6

TEST(SltRun, ResultsAboveTheThresholdCompareAsAHash) {
  std::string text = kNine +
                     "query I nosort\n"  // 7: 9 values > the default threshold 8
                     "SELECT v FROM n ORDER BY v\n"
                     "----\n"
                     "9 values hashing to 22e400a2ddbb013acf2a5852d6ab69fc\n"
                     "\n"
                     "query I nosort\n"  // 12: a wrong hash
                     "SELECT v FROM n ORDER BY v DESC\n"
                     "----\n"
                     "9 values hashing to 22e400a2ddbb013acf2a5852d6ab69fc\n"
                     "\n"
                     "query I nosort\n"  // 17: 8 values are listed
                     "SELECT v FROM n WHERE v < 9 ORDER BY v\n"
                     "----\n1\n2\n3\n4\n5\n6\n7\n8\n"
                     "\n"
                     "hash-threshold 0\n"  // 29: never hash from here
                     "\n"
                     "query I valuesort\n"  // 31
                     "SELECT v FROM n\n"
                     "----\n1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  for (Engine e : kBoth) {
    SltFileResult r = run(text, e);
    SCOPED_TRACE(trace(r));
    EXPECT_EQ(failures(r), std::vector<std::string>{"12: wrong result hash"});
    EXPECT_EQ(r.passed, 5);
    const SltRecordResult& wrong = r.records[3];
    ASSERT_EQ(wrong.got.size(), 1u);
    EXPECT_EQ(wrong.got[0].rfind("9 values hashing to ", 0), 0u);
    EXPECT_NE(wrong.got[0], wrong.expected[0]);
  }
  // A threshold given to the runner overrides the script's: the listed 9 values no longer
  // match the hash that stands for them.
  SltOptions options;
  options.hash_threshold = 8;
  SltFileResult r = run(text, Engine::kSqlite, options);
  EXPECT_EQ(failures(r),
            (std::vector<std::string>{"12: wrong result hash", "31: wrong result hash"}));
}

TEST(SltRun, ResultsWithTheSameLabelMustAgree) {
  std::string text =
      "query I nosort label-1\n"  // 1
      "SELECT 1\n"
      "----\n1\n"
      "\n"
      "query I nosort label-1\n"  // 6: another query, the same result
      "SELECT 2 - 1\n"
      "----\n1\n"
      "\n"
      "query I nosort label-2\n"  // 11
      "SELECT 1\n"
      "----\n1\n"
      "\n"
      "query I nosort label-2\n"  // 16: its own result is right, but not label-2's
      "SELECT 2\n"
      "----\n2\n"
      "\n"
      "skipif sqlite\n"  // 21: skipped, but its recorded values disagree with label-1
      "query I nosort label-1\n"
      "SELECT 5\n"
      "----\n5\n"
      "\n"
      "onlyif mysql\n"  // 27: skipped, recorded values agree with label-1
      "query I nosort label-1\n"
      "SELECT 1 FROM dual\n"
      "----\n1\n";
  for (Engine e : kBoth) {
    SltFileResult r = run(text, e);
    SCOPED_TRACE(trace(r));
    EXPECT_EQ(failures(r), (std::vector<std::string>{
                               "16: labeled result [label-2] does not agree with line 11",
                               "22: labeled result [label-1] does not agree with line 1"}));
    EXPECT_EQ(r.passed, 3);
    EXPECT_EQ(r.skipped, 1);
  }
}

TEST(SltRun, SkipifAndOnlyifMatchTheNameTheEngineAnswersTo) {
  std::string text =
      "skipif sqlite\n"
      "statement ok\n"
      "THIS IS NOT SQL\n"
      "\n"
      "onlyif SQLite\n"
      "query I nosort\n"
      "SELECT 1\n"
      "----\n1\n"
      "\n"
      "onlyif mysql\n"
      "statement ok\n"
      "NOR IS THIS\n"
      "\n"
      "onlyif sqlite\n"
      "skipif sqlite\n"
      "statement ok\n"
      "NOR THIS\n"
      "\n"
      "onlyif strata\n"
      "query I nosort\n"
      "SELECT 2\n"
      "----\n2\n";
  for (Engine e : kBoth) {
    SltFileResult r = run(text, e);
    SCOPED_TRACE(trace(r));
    EXPECT_EQ(r.passed, 1);
    EXPECT_EQ(r.skipped, 4);
    EXPECT_EQ(r.failed, 0);
  }
  SltOptions as_strata;
  as_strata.answers_to = "strata";
  SltFileResult r = run(text, Engine::kStrata, as_strata);
  SCOPED_TRACE(trace(r));
  EXPECT_EQ(r.passed, 1);  // only "onlyif strata" runs; "skipif sqlite" runs too...
  EXPECT_EQ(r.failed, 1);  // ...and its SQL is not SQL
  EXPECT_EQ(r.skipped, 3);
}

TEST(SltRun, HaltEndsTheScript) {
  std::string text =
      "statement ok\n"
      "CREATE TABLE t(a)\n"
      "\n"
      "onlyif mysql\n"
      "halt\n"
      "\n"
      "statement ok\n"
      "INSERT INTO t VALUES (1)\n"
      "\n"
      "halt\n"  // 10
      "\n"
      "statement ok\n"
      "NOT SQL AT ALL\n";
  for (Engine e : kBoth) {
    SltFileResult r = run(text, e);
    SCOPED_TRACE(trace(r));
    EXPECT_EQ(r.halt_line, 10);
    EXPECT_EQ(r.passed, 2);
    EXPECT_EQ(r.records.size(), 2u);
    EXPECT_NE(format_slt_summary(r).find("halted at line 10"), std::string::npos);
  }
}

TEST(SltRun, StatementsPassWhenTheyDoAsTold) {
  std::string text =
      "statement ok\n"  // 1: several statements, as sqlite3_exec runs them
      "CREATE TABLE t(a PRIMARY KEY);\n"
      "INSERT INTO t VALUES (1)\n"
      "\n"
      "statement error\n"  // 5
      "INSERT INTO t VALUES (1)\n"
      "\n"
      "statement ok\n"  // 8: deliberately wrong
      "INSERT INTO nowhere VALUES (1)\n"
      "\n"
      "statement error\n"  // 11: deliberately wrong
      "INSERT INTO t VALUES (2)\n"
      "\n"
      "query I nosort\n"
      "SELECT a FROM t ORDER BY a\n"
      "----\n1\n2\n";
  for (Engine e : kBoth) {
    SltFileResult r = run(text, e);
    SCOPED_TRACE(trace(r));
    std::vector<std::string> f = failures(r);
    ASSERT_EQ(f.size(), 2u);
    EXPECT_EQ(f[0].rfind("8: statement failed: ", 0), 0u) << f[0];
    EXPECT_EQ(f[1], "11: statement succeeded, expected an error");
    EXPECT_EQ(r.passed, 3);
  }
}

TEST(SltRun, UnsupportedIsNotTheErrorAScriptExpects) {
  // Strata refuses window functions; SQLite runs this one.
  std::string text =
      "statement ok\n"
      "CREATE TABLE t(a)\n"
      "\n"
      "statement error\n"
      "SELECT a, sum(a) OVER () FROM t\n";
  SltFileResult strata = run(text, Engine::kStrata);
  ASSERT_EQ(failures(strata).size(), 1u) << trace(strata);
  EXPECT_NE(failures(strata)[0].find("expected an error, got unsupported"), std::string::npos)
      << trace(strata);
  EXPECT_EQ(failures(run(text, Engine::kSqlite)),
            std::vector<std::string>{"4: statement succeeded, expected an error"});
}

TEST(SltRun, QueriesThatFail) {
  std::string text = kTable +
                     "query I nosort\n"  // 7: no such column
                     "SELECT nope FROM t\n"
                     "----\n1\n"
                     "\n"
                     "query II nosort\n"  // 12: one column, two type letters
                     "SELECT a FROM t WHERE a = 1\n"
                     "----\n1\n1\n"
                     "\n"
                     "query I nosort\n"  // 18: fewer values than recorded
                     "SELECT a FROM t WHERE a = 1\n"
                     "----\n1\n1\n"
                     "\n"
                     "query I nosort\n"  // 24: more values than recorded
                     "SELECT a FROM t ORDER BY a\n"
                     "----\n1\n2\n"
                     "\n"
                     "query I nosort\n"  // 30: no "----": an empty result is expected
                     "SELECT a FROM t WHERE a > 100\n"
                     "\n"
                     "query I nosort\n"  // 33: ... and a row is wrong
                     "SELECT a FROM t WHERE a = 1\n";
  for (Engine e : kBoth) {
    SltFileResult r = run(text, e);
    SCOPED_TRACE(trace(r));
    std::vector<std::string> f = failures(r);
    ASSERT_EQ(f.size(), 5u);
    EXPECT_EQ(f[0].rfind("7: query failed: ", 0), 0u) << f[0];
    EXPECT_EQ(f[1], "12: wrong number of result columns: expected 2 but got 1");
    EXPECT_EQ(f[2], "18: wrong result");
    EXPECT_EQ(f[3], "24: wrong result");
    EXPECT_EQ(f[4], "33: wrong result");
    EXPECT_EQ(r.passed, 3);
    std::string shown = format_slt_failure(r, r.records[4]);
    EXPECT_EQ(shown,
              "snippet.test:18: query I nosort: wrong result\n"
              "  sql:      SELECT a FROM t WHERE a = 1\n"
              "  expected: 1 1\n"
              "  got:      1\n");
  }
}

TEST(SltRun, ARunTimeErrorEndsTheRowsAsInTheReference) {
  // sqlite3_step() failing ends the reference's loop: the query stands with the rows before.
  std::string text =
      "statement ok\n"
      "CREATE TABLE t(x INTEGER PRIMARY KEY)\n"
      "\n"
      "statement ok\n"
      "INSERT INTO t VALUES (1), (2), (-9223372036854775808)\n"
      "\n"
      "query I nosort\n"
      "SELECT abs(x) FROM t ORDER BY x DESC\n"
      "----\n2\n1\n";
  for (Engine e : kBoth) {
    SltFileResult r = run(text, e);
    EXPECT_EQ(r.passed, 3) << trace(r);
  }
}

TEST(SltRun, ProblemsOfTheScriptAreRunnerErrors) {
  std::string text =
      "query IX nosort\n"  // 1: skipped, reported, and the script goes on
      "SELECT 1, 2\n"
      "\n"
      "query I sideways\n"  // 4: reported; compared as nosort
      "SELECT 1\n"
      "----\n1\n"
      "\n"
      "statement maybe\n"  // 9
      "SELECT 1\n"
      "\n"
      "frobnicate\n"  // 12: ends the script
      "\n"
      "statement ok\n"
      "NOT SQL\n";
  for (Engine e : kBoth) {
    SltFileResult r = run(text, e);
    SCOPED_TRACE(trace(r));
    EXPECT_EQ(r.runner_errors,
              (std::vector<std::string>{"1: unknown type character 'X' in type string",
                                        "4: unknown sort method: 'sideways'",
                                        "9: statement argument should be 'ok' or 'error'",
                                        "12: unknown record type: 'frobnicate'"}));
    EXPECT_EQ(r.passed, 1);
    EXPECT_EQ(r.failed, 0);
  }
  SltFileResult missing = run("query\nSELECT 1\n\nstatement ok\nNOT SQL\n", Engine::kSqlite);
  EXPECT_EQ(missing.runner_errors, std::vector<std::string>{"1: missing type string"});
  EXPECT_TRUE(missing.records.empty());
}

// ---------------------------------------------------------------------------------
// Files and reports

TEST(SltFiles, DirectoriesGiveTheirTestFilesSorted) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.path() + "/sub");
  std::ofstream(dir.file("b.test")) << "statement ok\nCREATE TABLE t(a)\n";
  std::ofstream(dir.file("sub/a.test")) << "statement ok\nCREATE TABLE t(a)\n";
  std::ofstream(dir.file("notes.txt")) << "not a script\n";
  Result<std::vector<std::string>> files = collect_slt_files({dir.path()});
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(*files, (std::vector<std::string>{dir.file("b.test"), dir.file("sub/a.test")}));
  files = collect_slt_files({dir.file("notes.txt"), dir.path() + "/sub"});
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(*files, (std::vector<std::string>{dir.file("notes.txt"), dir.file("sub/a.test")}));
  EXPECT_FALSE(collect_slt_files({dir.file("missing")}).ok());
  SltFileResult unreadable = run_slt_file(dir.file("missing.test"), {});
  ASSERT_EQ(unreadable.runner_errors.size(), 1u);
  EXPECT_NE(unreadable.runner_errors[0].find("cannot read"), std::string::npos);
}

TEST(SltReport, JsonAndJunitCarryCountsAndFailures) {
  std::string text = kTable +
                     "query I nosort\n"  // 7: fails
                     "SELECT a FROM t WHERE b <> '<&>\"' ORDER BY a\n"
                     "----\n1\n2\n11\n"
                     "\n"
                     "skipif sqlite\n"
                     "statement ok\n"
                     "NOT SQL\n";
  SltFileResult r = run(text, Engine::kSqlite);
  ASSERT_EQ(r.failed, 1);
  nlohmann::json j = nlohmann::json::parse(slt_json({r}));
  EXPECT_EQ(j["totals"]["passed"], 2);
  EXPECT_EQ(j["totals"]["failed"], 1);
  EXPECT_EQ(j["totals"]["skipped"], 1);
  EXPECT_DOUBLE_EQ(j["files"][0]["pass_rate"].get<double>(), 2.0 / 3);
  EXPECT_EQ(j["files"][0]["failures"][0]["line"], 7);
  EXPECT_EQ(j["files"][0]["failures"][0]["got"], (std::vector<std::string>{"1", "2", "10"}));
  std::string xml = slt_junit({r});
  EXPECT_NE(xml.find("<testsuite name=\"snippet.test\" tests=\"4\" failures=\"1\" skipped=\"1\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("name=\"line 7: query I nosort\">\n      <failure message=\"wrong result\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<skipped/>"), std::string::npos);
  EXPECT_NE(xml.find("&lt;&amp;&gt;&quot;"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("<&>"), std::string::npos);
  EXPECT_EQ(format_slt_totals({r, r}),
            "total: 2 files: 4 passed, 2 failed, 2 skipped (66.7% of run records pass)\n");
}

TEST(SltReport, FailureReasonsAreCountedWithoutPositions) {
  std::string text = kTable +
                     "query I nosort\n"
                     "SELECT nope FROM t\n"
                     "\n"
                     "query I nosort\n"
                     "SELECT a, nope FROM t\n"
                     "\n"
                     "query I nosort\n"
                     "SELECT 1\n"
                     "----\n2\n";
  SltFileResult r = run(text, Engine::kStrata);
  ASSERT_EQ(r.failed, 3) << trace(r);
  ASSERT_NE(r.records[2].reason.find("1:8: "), std::string::npos) << r.records[2].reason;
  std::vector<std::pair<std::string, int>> reasons = slt_failure_reasons({r});
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(reasons[0].second, 2);
  EXPECT_EQ(reasons[0].first.find("1:"), std::string::npos) << reasons[0].first;
  EXPECT_NE(reasons[0].first.find("no such column: nope"), std::string::npos) << reasons[0].first;
  EXPECT_EQ(reasons[1], (std::pair<std::string, int>{"wrong result", 1}));
  EXPECT_EQ(format_slt_failure_reasons({r}, 1),
            "most common failures:\n       2  " + reasons[0].first + "\n  (1 other reasons)\n");
  nlohmann::json j = nlohmann::json::parse(slt_json({r}));
  EXPECT_EQ(j["failure_reasons"][1]["reason"], "wrong result");
}

}  // namespace
}  // namespace strata::oracle
