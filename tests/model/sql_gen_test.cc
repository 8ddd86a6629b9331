// The model checker's random SQL generator: choices read as documented (0 is the simplest
// option), one seed gives one input, the schema comes from SQLite's catalog, rendered
// statements mostly run and cover the SQL Strata supports, and the contents text is the same
// for both engines holding the same data.
#include "model/sql_gen.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <string>
#include <vector>

#include "model/checker.h"
#include "model/contents.h"
#include "model/schema.h"
#include "oracle/sqlite.h"
#include "oracle/strata_runner.h"
#include "tests/support/rc_replay.h"

namespace strata::model {
namespace {

std::vector<uint8_t> zeros(size_t n) { return std::vector<uint8_t>(n, 0); }

TEST(Choices, ZeroChoicesPickTheFirstOptionAndNoOptionalClause) {
  std::vector<uint8_t> bytes = zeros(8);
  Choices c(bytes);
  EXPECT_EQ(c.pick(7), 0u);
  EXPECT_EQ(c.range(3, 9), 3);
  EXPECT_FALSE(c.maybe(99));
  const uint32_t weights[] = {5, 1, 1};
  EXPECT_EQ(c.weighted(weights), 0u);
}

TEST(Choices, BytesAreReadInOrderThenAPrngSeededByThemGoesOn) {
  std::vector<uint8_t> bytes = {10, 3, 170};
  Choices a(bytes), b(bytes);
  EXPECT_EQ(a.pick(7), 3u);    // 10 % 7
  EXPECT_EQ(a.pick(100), 3u);  // 3 % 100
  EXPECT_TRUE(a.maybe(50));    // 170 % 100 = 70: in the upper half
  (void)b.pick(7);
  (void)b.pick(100);
  (void)b.maybe(50);
  // After the bytes, both go on identically (the PRNG is seeded by the bytes).
  for (int i = 0; i < 20; ++i) EXPECT_EQ(a.pick(1000), b.pick(1000));
  std::vector<uint8_t> other = {10, 3, 171};
  Choices c(other);
  (void)c.pick(7);
  (void)c.pick(100);
  (void)c.maybe(50);
  bool differs = false;
  for (int i = 0; i < 20; ++i) differs = differs || a.pick(1000) != c.pick(1000);
  EXPECT_TRUE(differs);
}

TEST(Generation, OneSeedGivesOneInputAndOtherSeedsOthers) {
  GenOptions options;
  options.statements = 50;
  options.crash_every = 5;
  auto values = [&](uint64_t seed) {
    std::vector<std::pair<int, std::vector<uint8_t>>> out;
    for (const auto& s : generate_steps(options, seed)) {
      out.emplace_back(static_cast<int>(s.value().kind), s.value().choices);
    }
    return out;
  };
  auto a = values(7);
  EXPECT_EQ(a, values(7));
  EXPECT_NE(a, values(8));
  size_t statements = 0, crashes = 0;
  for (const auto& [kind, choices] : a) {
    statements += kind == static_cast<int>(StepKind::kSql);
    crashes += kind == static_cast<int>(StepKind::kCrash);
    EXPECT_EQ(choices.size(), kChoicesPerStep);
  }
  EXPECT_EQ(statements, 50u);
  EXPECT_GT(crashes, 0u);
  EXPECT_LT(crashes, 25u);
}

TEST(Generation, ShrinksRemoveStepsFirstThenSimplifyChoices) {
  GenOptions options;
  options.statements = 6;
  options.crash_every = 0;
  rc::Shrinkable<Input> input = shrinkable_input(generate_steps(options, 3));
  ASSERT_EQ(input.value().size(), 6u);
  auto shrinks = input.shrinks();
  auto first = shrinks.next();
  ASSERT_TRUE(first);
  EXPECT_LT(first->value().size(), 6u);  // removeChunks first
  // Some later shrink keeps every step and lowers one choice.
  bool lowered = false;
  while (auto s = shrinks.next()) {
    if (s->value().size() != 6u) continue;
    for (size_t i = 0; i < 6 && !lowered; ++i) {
      for (size_t k = 0; k < kChoicesPerStep; ++k) {
        lowered = lowered || s->value()[i].choices[k] < input.value()[i].choices[k];
      }
    }
    if (lowered) break;
  }
  EXPECT_TRUE(lowered);
}

struct Sqlite {
  std::unique_ptr<oracle::Sqlite> db = oracle::Sqlite::open().value();
  void run(const std::string& sql) {
    oracle::SqlResult r = db->execute(sql);
    ASSERT_TRUE(r.ok) << sql << ": " << r.error;
  }
};

TEST(Schema, ReadFromSqlitesCatalog) {
  Sqlite s;
  s.run("CREATE TABLE t0(id INTEGER PRIMARY KEY, c1 TEXT UNIQUE, c2 REAL NOT NULL, c3, w BLOB)");
  s.run("CREATE INDEX t0_i0 ON t0(c3, c2)");
  s.run("CREATE TABLE t1(c0 VARCHAR(10) PRIMARY KEY, c1 INT)");
  s.run("CREATE VIEW v0 AS SELECT c1, c2 FROM t0");
  s.run("INSERT INTO t0 VALUES (1, 'a', 1.5, NULL, x'00'), (2, 'b', 2.5, 1, NULL)");
  s.run("ANALYZE");  // sqlite_stat1 is no table of ours
  Result<Schema> schema = read_schema(s.db->handle());
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  ASSERT_EQ(schema->tables.size(), 2u);
  const TableInfo& t0 = schema->tables[0];
  EXPECT_EQ(t0.name, "t0");
  EXPECT_EQ(t0.rows, 2);
  ASSERT_EQ(t0.columns.size(), 5u);
  EXPECT_TRUE(t0.columns[0].integer_primary_key);
  EXPECT_TRUE(t0.columns[0].unique);
  EXPECT_TRUE(t0.columns[1].unique);
  EXPECT_EQ(t0.columns[1].affinity, exec::Affinity::kText);
  EXPECT_TRUE(t0.columns[2].not_null);
  EXPECT_TRUE(t0.columns[2].indexed);
  EXPECT_FALSE(t0.columns[2].unique);
  EXPECT_EQ(t0.columns[3].affinity, exec::Affinity::kNone);
  EXPECT_FALSE(t0.columns[3].settled());
  EXPECT_TRUE(t0.columns[2].settled());
  EXPECT_TRUE(t0.columns[4].wide);
  EXPECT_FALSE(t0.columns[4].settled());
  ASSERT_EQ(t0.indexes.size(), 2u);
  EXPECT_EQ(t0.indexes[0].name, "sqlite_autoindex_t0_1");
  EXPECT_TRUE(t0.indexes[0].automatic);
  EXPECT_EQ(t0.indexes[1].columns, (std::vector<std::string>{"c3", "c2"}));
  const TableInfo& t1 = schema->tables[1];
  EXPECT_FALSE(t1.columns[0].integer_primary_key);  // VARCHAR PRIMARY KEY: a unique index
  EXPECT_TRUE(t1.columns[0].unique);
  ASSERT_EQ(schema->views.size(), 1u);
  EXPECT_EQ(schema->views[0].columns.size(), 2u);
  EXPECT_TRUE(schema->has_index("T0_I0"));
  s.run("DROP TABLE t0");
  schema = read_schema(s.db->handle());
  ASSERT_TRUE(schema.ok());
  ASSERT_EQ(schema->views.size(), 1u);  // still listed, no columns while its table is gone
  EXPECT_TRUE(schema->views[0].columns.empty());
}

TEST(Render, AnEmptyDatabaseGetsATableFirstAndZeroChoicesTheSimplestStatements) {
  Schema empty;
  std::vector<uint8_t> none = zeros(kChoicesPerStep);
  EXPECT_EQ(render_statement(none, empty, false), "CREATE TABLE t0(c0 INTEGER, c1 INTEGER)");
  Sqlite s;
  s.run("CREATE TABLE t0(c0 INTEGER, c1 INTEGER)");
  Schema one = read_schema(s.db->handle()).value();
  EXPECT_EQ(render_statement(none, one, false), "INSERT INTO t0 VALUES (0, 0)");
}

// Statements rendered for many seeds: most run on SQLite (the generator is not busy producing
// errors), and together they use every construct the generator promises.
TEST(Render, StatementsMostlyRunAndCoverTheSupportedSql) {
  ModelOptions options;
  options.statements = 1500;
  options.policies.clear();  // no crashes: this test is about the SQL
  std::map<std::string, int> seen;
  const std::vector<std::string> constructs = {"CREATE TABLE",
                                               "INTEGER PRIMARY KEY",
                                               " PRIMARY KEY",
                                               " UNIQUE",
                                               "NOT NULL",
                                               "DEFAULT",
                                               "CHECK (",
                                               "CREATE INDEX",
                                               "CREATE UNIQUE INDEX",
                                               "DROP INDEX",
                                               "CREATE VIEW",
                                               "DROP VIEW",
                                               "DROP TABLE",
                                               "ANALYZE",
                                               "INSERT INTO",
                                               "INSERT OR IGNORE",
                                               "REPLACE INTO",
                                               "DEFAULT VALUES",
                                               ") SELECT ",
                                               "UPDATE ",
                                               "UPDATE OR",
                                               "DELETE FROM",
                                               "BEGIN",
                                               "COMMIT",
                                               "ROLLBACK",
                                               " JOIN ",
                                               "LEFT JOIN",
                                               "CROSS JOIN",
                                               "USING (",
                                               "GROUP BY",
                                               "HAVING",
                                               "count(DISTINCT",
                                               "sum(",
                                               "avg(",
                                               "total(",
                                               "min(",
                                               "max(",
                                               "group_concat(",
                                               " UNION ",
                                               " UNION ALL ",
                                               " INTERSECT ",
                                               " EXCEPT ",
                                               "EXISTS (",
                                               "IN (SELECT",
                                               "(SELECT count(*)",
                                               "ORDER BY",
                                               "LIMIT",
                                               "OFFSET",
                                               "DISTINCT",
                                               "LIKE",
                                               "GLOB",
                                               "BETWEEN",
                                               "CASE",
                                               "CAST(",
                                               "coalesce(",
                                               "x'",
                                               "FROM v",
                                               "IS NULL"};
  uint64_t statements = 0, failed = 0;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    options.seed = seed;
    Input input;
    for (const auto& s : generate_steps(gen_options(options), seed)) input.push_back(s.value());
    ModelRun run = run_input(input, options);
    ASSERT_FALSE(run.failure) << "seed " << seed << ": " << run.failure->summary << "\n"
                              << run.failure->detail;
    statements += run.stats.statements;
    failed += run.stats.failed_alike;
    for (const ScriptStep& step : run.script) {
      for (const std::string& c : constructs) seen[c] += step.sql.find(c) != std::string::npos;
    }
  }
  EXPECT_EQ(statements, 4500u);
  EXPECT_LT(failed * 4, statements) << failed << " of " << statements << " failed on both";
  for (const std::string& c : constructs) EXPECT_GT(seen[c], 0) << "never generated: " << c;
}

TEST(Contents, BothEnginesHoldingTheSameDataGiveTheSameText) {
  Sqlite s;
  auto strata = oracle::StrataRunner::open().value();
  const std::vector<std::string> script = {
      "CREATE TABLE t1(id INTEGER PRIMARY KEY, a TEXT UNIQUE, b REAL, c, w BLOB)",
      "CREATE TABLE t0(x VARCHAR(10), y INT, UNIQUE (x, y))",
      "CREATE INDEX t1_i0 ON t1(c, b)",
      "CREATE VIEW v0 AS SELECT a FROM t1",
      "INSERT INTO t1 VALUES (1, 'a', 1, 2.25, x'00ff'), (5, NULL, -0.5, 'é', NULL)",
      "INSERT INTO t1(a, c) VALUES ('b', 7)",
      "INSERT INTO t0 VALUES ('1', '2'), (NULL, 3.5)",
      "ANALYZE"};
  for (const std::string& sql : script) {
    s.run(sql);
    oracle::SqlResult r = strata->execute(sql);
    ASSERT_TRUE(r.ok) << sql << ": " << r.error;
  }
  Result<std::string> a = sqlite_contents(s.db->handle());
  Result<std::string> b = strata_contents(strata->db());
  ASSERT_TRUE(a.ok()) << a.status().to_string();
  ASSERT_TRUE(b.ok()) << b.status().to_string();
  EXPECT_EQ(*a, *b);
  EXPECT_NE(a->find("index sqlite_autoindex_t0_1 unique (x, y)\n"), std::string::npos) << *a;
  EXPECT_NE(a->find("row i1|i1|t1:a|r"), std::string::npos) << *a;  // 1 stored as REAL in b
  EXPECT_NE(a->find("view v0\n"), std::string::npos) << *a;
  // One value of another type is another text.
  s.run("UPDATE t1 SET c = '2.25' WHERE id = 1");
  EXPECT_NE(*sqlite_contents(s.db->handle()), *b);
  // A copy holds the same contents.
  auto copy = copy_sqlite(s.db->handle());
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ(*sqlite_contents((*copy)->handle()), *sqlite_contents(s.db->handle()));
}

TEST(Script, TextRoundTripsAndPlainSqlIsAScript) {
  std::vector<ScriptStep> script(4);
  script[0].sql = "CREATE TABLE t0(a)";
  script[1].kind = StepKind::kCrash;
  script[1].crash_back = 3;
  script[1].crash_image = 17;
  script[2].kind = StepKind::kFault;
  script[2].fault = "eio-write@p=0.125000,seed=9";
  script[3].sql = "INSERT INTO t0 VALUES ('a;b')";
  std::string text = script_text(script, "two lines\nof header");
  EXPECT_EQ(text.rfind("-- two lines\n-- of header\nCREATE TABLE t0(a);\n", 0), 0u) << text;
  Result<std::vector<ScriptStep>> parsed = parse_script(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  ASSERT_EQ(parsed->size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ((*parsed)[i].to_line(), script[i].to_line());

  parsed = parse_script("CREATE TABLE t(a);\nINSERT INTO t\n  VALUES (1);\n-- a comment\n");
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[1].kind, StepKind::kSql);

  EXPECT_FALSE(parse_script("-- model: explode now\n").ok());
  EXPECT_FALSE(parse_script("-- model: fault gamma-ray\n").ok());
}

// The property behind the model checker, as RapidCheck runs it: any generated workload, with
// crashes, runs on Strata exactly as on SQLite.
STRATA_RC_PROP(ModelProperty, GeneratedWorkloadsAgreeWithSqliteThroughCrashes, ()) {
  ModelOptions options;
  options.statements = 40;
  options.crash_every = 6;
  options.policies = {faults::Policy::kProcessKill, faults::Policy::kDropUnsynced};
  const Input input = *gen_input(gen_options(options));
  ModelRun run = run_input(input, options);
  RC_ASSERT(!run.failure.has_value());
}

}  // namespace
}  // namespace strata::model
