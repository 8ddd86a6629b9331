// Golden plans: for each query in tests/query/golden/plans.txt, the AST (as the
// printer's fully parenthesized SQL), the EXPLAIN plan and the EXPLAIN ANALYZE
// counts are checked against the reviewed text in the file. A case that is no SELECT
// (ANALYZE, CREATE INDEX) runs, in file order, so later cases show its effect on plans:
// the file shows join orders and algorithms before and after ANALYZE.
//
// Regenerate after a deliberate change, then review the diff:
//   STRATA_UPDATE_GOLDEN=1 ./build/default/tests/golden_plan_test
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine/query/database.h"
#include "engine/sql/parser.h"
#include "engine/sql/printer.h"
#include "tests/support/status_testing.h"
#include "vfs/mem_vfs.h"

namespace strata::query {
namespace {

const char* kGoldenPath = STRATA_SOURCE_DIR "/tests/query/golden/plans.txt";

// The fixture every query runs against: deterministic data, two indexes.
const char* kSetup = R"sql(
CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL);
CREATE INDEX t_a ON t(a);
CREATE UNIQUE INDEX t_b ON t(b);
CREATE TABLE u(x, y TEXT NOT NULL, z NUMERIC DEFAULT 7);
CREATE INDEX u_xy ON u(x, y);
)sql";

struct Case {
  std::string sql;
  std::string ast, plan, analyze;
};

std::vector<Case> read_cases(const std::string& text) {
  std::vector<Case> cases;
  std::istringstream in(text);
  std::string line, section;
  while (std::getline(in, line)) {
    if (line.rfind("=== ", 0) == 0) {
      cases.push_back({line.substr(4), "", "", ""});
      section.clear();
    } else if (line.rfind("--- ", 0) == 0) {
      section = line.substr(4);
    } else if (!cases.empty()) {
      std::string* target = section == "ast" ? &cases.back().ast
                            : section == "plan" ? &cases.back().plan
                            : section == "analyze" ? &cases.back().analyze
                                                   : nullptr;
      if (target != nullptr) *target += line + "\n";
    }
  }
  for (Case& c : cases) {
    for (std::string* s : {&c.ast, &c.plan, &c.analyze}) {
      while (s->size() >= 2 && s->substr(s->size() - 2) == "\n\n") s->pop_back();
    }
  }
  return cases;
}

std::string lines_of(Database* db, const std::string& sql) {
  std::string out;
  Status s = db->execute(sql, [&](const Statement& st) { out += st.column(0).as_text() + "\n"; });
  if (!s.is_ok()) out += "error: " + s.to_string() + "\n";
  return out;
}

TEST(GoldenPlanTest, AstPlanAndAnalyzeCountsMatchTheReviewedFile) {
  std::ifstream file(kGoldenPath);
  ASSERT_TRUE(file.good()) << "missing " << kGoldenPath;
  std::stringstream buffer;
  buffer << file.rdbuf();
  std::vector<Case> cases = read_cases(buffer.str());
  ASSERT_GE(cases.size(), 30u);

  vfs::MemVfs vfs;
  auto db = Database::open(&vfs, "/golden");
  ASSERT_OK(db);
  ASSERT_OK((*db)->execute(kSetup));
  ASSERT_OK((*db)->execute("BEGIN"));
  for (int i = 1; i <= 10000; ++i) {
    std::string row = "INSERT INTO t VALUES (" + std::to_string(i) + ", " + std::to_string(i % 100) +
                      ", 'b" + std::to_string(i) + "', " + std::to_string(i) + ".5)";
    ASSERT_OK((*db)->execute(row));
  }
  for (int i = 1; i <= 300; ++i) {
    std::string row = "INSERT INTO u VALUES (" + (i % 7 == 0 ? std::string("NULL") : std::to_string(i % 30)) +
                      ", 'y" + std::to_string(i % 11) + "', " + std::to_string(i) + ")";
    ASSERT_OK((*db)->execute(row));
  }
  ASSERT_OK((*db)->execute("COMMIT"));

  bool update = std::getenv("STRATA_UPDATE_GOLDEN") != nullptr;
  std::string regenerated;
  for (Case& c : cases) {
    Result<sql::StmtPtr> parsed = sql::parse_statement(c.sql);
    std::string ast = parsed.ok() ? sql::to_sql(**parsed) + "\n" : "error: " + parsed.status().to_string() + "\n";
    std::string plan, analyze;
    if (parsed.ok() && !(*parsed)->is<sql::Select>()) {
      // A statement between queries (ANALYZE, CREATE INDEX): run it; later plans see it.
      Status s = (*db)->execute(c.sql);
      plan = s.is_ok() ? "ok\n" : "error: " + s.to_string() + "\n";
      analyze = "(not a query)\n";
    } else {
      plan = lines_of(db->get(), "EXPLAIN " + c.sql);
      analyze = lines_of(db->get(), "EXPLAIN ANALYZE " + c.sql);
    }
    if (update) {
      regenerated += "=== " + c.sql + "\n--- ast\n" + ast + "--- plan\n" + plan + "--- analyze\n" + analyze + "\n";
      continue;
    }
    EXPECT_EQ(ast, c.ast) << c.sql;
    EXPECT_EQ(plan, c.plan) << c.sql;
    EXPECT_EQ(analyze, c.analyze) << c.sql;
  }
  if (update) {
    std::ofstream out(kGoldenPath);
    out << "# Golden plans (see tests/query/golden_plan_test.cc). Regenerate with\n"
        << "# STRATA_UPDATE_GOLDEN=1 and review the diff; never edit expectations by hand.\n\n"
        << regenerated;
    GTEST_SKIP() << "regenerated " << kGoldenPath;
  }
}

}  // namespace
}  // namespace strata::query
