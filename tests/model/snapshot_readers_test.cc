// The model checker's workload with readers (issue 10): the random SQL of model/sql_gen runs on
// Strata and on SQLite side by side, and every committed generation's SQLite contents are
// recorded as that version, as the model checker records them. At random points a reader
// opens — another connection to the same file, BEGIN and a first read — and stays open while
// the workload goes on (commits, rollbacks, DDL, page reuse); when it closes, everything it
// sees must be exactly SQLite's copy of the version it started on.
//
// Seeded (fixed seeds, and STRATA_SEED=<n> for another): the seed and the statement that
// failed are printed with the replay command.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "engine/query/database.h"
#include "model/contents.h"
#include "model/schema.h"
#include "model/sql_gen.h"
#include "oracle/sqlite.h"
#include "oracle/strata_runner.h"
#include "tests/support/replay.h"
#include "tests/support/status_testing.h"
#include "vfs/mem_vfs.h"

namespace strata::model {
namespace {

constexpr size_t kMaxReaders = 4;

struct Reader {
  std::unique_ptr<query::Database> db;
  uint64_t generation = 0;
  size_t opened_at = 0;  // statement index
};

struct RunStats {
  size_t readers_checked = 0;
  size_t commits_seen_by_readers = 0;  // commits that happened while a checked reader was open
};

struct Ran {
  std::string sql;
  bool in_tx = false;  // SQLite was inside a transaction when it ran
};

// Renders generated step `i` for SQLite's schema now and runs it on both engines; nullopt
// (after a test failure) when it cannot be rendered or only one engine succeeds.
std::optional<Ran> run_on_both(const Step& step, size_t i, oracle::Sqlite* sqlite,
                               oracle::StrataRunner* strata) {
  Result<Schema> schema = read_schema(sqlite->handle());
  EXPECT_OK(schema);
  if (!schema.ok()) return std::nullopt;
  Ran ran;
  ran.in_tx = sqlite3_get_autocommit(sqlite->handle()) == 0;
  ran.sql = render_statement(step.choices, *schema, ran.in_tx);
  oracle::SqlResult expected = sqlite->execute(ran.sql);
  oracle::SqlResult actual = strata->execute(ran.sql);
  EXPECT_EQ(expected.ok, actual.ok) << "statement " << i << ": " << ran.sql
                                    << "\nsqlite: " << expected.error << "; strata: " << actual.error;
  if (expected.ok != actual.ok) return std::nullopt;
  return ran;
}

// Runs `statements` generated statements with readers; returns what it checked.
RunStats run_workload(uint64_t seed, size_t statements) {
  RunStats stats;
  vfs::MemVfs vfs;
  auto strata = oracle::StrataRunner::open_on(&vfs, "/db");
  EXPECT_OK(strata);
  auto sqlite = oracle::Sqlite::open();
  EXPECT_OK(sqlite);
  if (!strata.ok() || !sqlite.ok()) return stats;
  query::Database* writer = (*strata)->db();

  std::map<uint64_t, std::string> versions;  // generation -> SQLite's contents
  auto record = [&]() {
    Result<std::string> contents = sqlite_contents((*sqlite)->handle());
    EXPECT_OK(contents);
    versions[writer->store()->meta().generation] = contents.ok() ? *contents : "";
  };
  record();

  std::vector<Reader> readers;
  std::mt19937_64 rng(seed ^ 0x5eed);
  auto close_reader = [&](size_t i, const std::string& when) {
    Reader& r = readers[i];
    Result<std::string> seen = strata_contents(r.db.get());
    EXPECT_OK(seen);
    auto version = versions.find(r.generation);
    EXPECT_NE(version, versions.end()) << "no version recorded for generation " << r.generation;
    if (seen.ok() && version != versions.end()) {
      EXPECT_EQ(*seen, version->second)
          << "a reader opened after statement " << r.opened_at << " on generation "
          << r.generation << " sees something else than SQLite's version " << when;
    }
    EXPECT_OK(r.db->execute("COMMIT"));
    stats.commits_seen_by_readers += writer->store()->meta().generation - r.generation;
    ++stats.readers_checked;
    readers.erase(readers.begin() + static_cast<std::ptrdiff_t>(i));
  };

  StepShrinkables steps = generate_steps(GenOptions{statements, 0, 0}, seed);
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step step = steps[i].value();
    if (step.kind != StepKind::kSql) continue;
    const uint64_t before = writer->store()->meta().generation;
    std::optional<Ran> ran = run_on_both(step, i, sqlite->get(), strata->get());
    if (!ran) return stats;
    SCOPED_TRACE("statement " + std::to_string(i) + ": " + ran->sql);
    const uint64_t now = writer->store()->meta().generation;
    if (now != before) {
      EXPECT_EQ(now, before + 1);
      EXPECT_EQ(sqlite3_get_autocommit((*sqlite)->handle()), 1) << "commit inside a transaction";
      record();
    }

    // Readers come and go at random points, also inside the writer's transactions.
    if (readers.size() < kMaxReaders && rng() % 8 == 0) {
      auto opened = query::Database::open(&vfs, "/db");
      EXPECT_OK(opened);
      if (!opened.ok()) return stats;
      Reader r;
      r.db = std::move(opened).value();
      r.opened_at = i;
      EXPECT_OK(r.db->execute("BEGIN; SELECT 1"));  // the first read takes the snapshot
      std::optional<uint64_t> g = r.db->snapshot_generation();
      EXPECT_TRUE(g.has_value());
      r.generation = g.value_or(0);
      // The newest commit: the writer's own, never one of its open transaction.
      EXPECT_EQ(r.generation, now);
      readers.push_back(std::move(r));
    }
    if (!readers.empty() && rng() % 12 == 0) {
      close_reader(rng() % readers.size(), "after statement " + std::to_string(i));
    }
  }
  while (!readers.empty()) close_reader(0, "at the end");
  // The writer agrees with SQLite too.
  Result<std::string> last = strata_contents(writer);
  EXPECT_OK(last);
  if (sqlite3_get_autocommit((*sqlite)->handle()) == 1 && last.ok()) {
    EXPECT_EQ(*last, versions[writer->store()->meta().generation]);
  }
  return stats;
}

TEST(SnapshotReaders, ReadersOpenedAtRandomPointsSeeSqlitesCopyOfTheirVersion) {
  std::vector<uint64_t> seeds = {1, 2, 3};
  if (std::getenv("STRATA_SEED") != nullptr) seeds = {test::test_seed()};
  RunStats total;
  for (uint64_t seed : seeds) {
    SCOPED_TRACE(test::replay_command(seed));
    RunStats stats = run_workload(seed, 400);
    total.readers_checked += stats.readers_checked;
    total.commits_seen_by_readers += stats.commits_seen_by_readers;
    if (HasFailure()) break;
  }
  // The run must have checked readers that outlived commits, or it proved nothing.
  EXPECT_GE(total.readers_checked, 20u);
  EXPECT_GE(total.commits_seen_by_readers, 40u);
}

// Time travel against the model (issue 10): the same random workload on a file that retains
// the last kRetain generations. After every commit, and at the end, every generation the
// model recorded is read back with SELECT ... AS OF GENERATION g: those inside the window must
// be exactly SQLite's copy of version g (schema, indexes and rows), those outside must say
// they are not retained. A reader connection holding an old generation keeps it readable
// after the window has passed it.
struct TimeTravelStats {
  size_t generations_checked = 0;
  size_t refused = 0;
};

TimeTravelStats run_time_travel(uint64_t seed, size_t statements, uint32_t retain) {
  TimeTravelStats stats;
  vfs::MemVfs vfs;
  auto strata = oracle::StrataRunner::open_on(&vfs, "/db");
  EXPECT_OK(strata);
  auto sqlite = oracle::Sqlite::open();
  EXPECT_OK(sqlite);
  if (!strata.ok() || !sqlite.ok()) return stats;
  query::Database* writer = (*strata)->db();
  EXPECT_OK(writer->execute("PRAGMA retain_generations = " + std::to_string(retain)));
  // A second connection reads the past while the writer moves on.
  auto opened = query::Database::open(&vfs, "/db");
  EXPECT_OK(opened);
  if (!opened.ok()) return stats;
  std::unique_ptr<query::Database> reader = std::move(opened).value();

  std::map<uint64_t, std::string> versions;  // generation -> SQLite's contents
  auto record = [&]() {
    Result<std::string> contents = sqlite_contents((*sqlite)->handle());
    EXPECT_OK(contents);
    versions[writer->store()->meta().generation] = contents.ok() ? *contents : "";
  };
  record();
  auto check_versions = [&](query::Database* db, const std::string& when) {
    const uint64_t newest = writer->store()->meta().generation;
    for (const auto& [g, expected] : versions) {
      Result<std::string> seen = strata_contents_as_of(db, g);
      if (g + retain >= newest) {
        EXPECT_TRUE(seen.ok()) << "generation " << g << " of " << newest << " " << when << ": " << seen.status().to_string();
        if (seen.ok()) {
          EXPECT_EQ(*seen, expected) << "generation " << g << " of " << newest << " " << when;
        }
        ++stats.generations_checked;
      } else {
        EXPECT_FALSE(seen.ok()) << "generation " << g << " left the window at " << newest;
        EXPECT_TRUE(seen.status().is(StatusCode::kNotFound)) << seen.status().to_string();
        ++stats.refused;
      }
    }
  };

  std::mt19937_64 rng(seed ^ 0x7177);
  StepShrinkables steps = generate_steps(GenOptions{statements, 0, 0}, seed);
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step step = steps[i].value();
    if (step.kind != StepKind::kSql) continue;
    const uint64_t before = writer->store()->meta().generation;
    std::optional<Ran> ran = run_on_both(step, i, sqlite->get(), strata->get());
    if (!ran) return stats;
    SCOPED_TRACE("statement " + std::to_string(i) + ": " + ran->sql);
    const bool in_tx = ran->in_tx;
    if (writer->store()->meta().generation != before) {
      record();
      // Past generations through the other connection, now and then through the writer
      // (also inside its own transactions).
      if (rng() % 4 == 0) check_versions(reader.get(), "after statement " + std::to_string(i));
    } else if (in_tx && rng() % 16 == 0) {
      check_versions(writer, "inside a transaction, after statement " + std::to_string(i));
    }
    if (::testing::Test::HasFailure()) return stats;
  }
  if (sqlite3_get_autocommit((*sqlite)->handle()) == 0) {
    (void)(*sqlite)->execute("ROLLBACK");
    (void)(*strata)->execute("ROLLBACK");
  }
  check_versions(reader.get(), "at the end");
  return stats;
}

TEST(SnapshotReaders, RetainedGenerationsReadAsOfMatchSqlitesCopies) {
  std::vector<uint64_t> seeds = {11, 12};
  if (std::getenv("STRATA_SEED") != nullptr) seeds = {test::test_seed()};
  TimeTravelStats total;
  for (uint64_t seed : seeds) {
    SCOPED_TRACE(test::replay_command(seed));
    TimeTravelStats stats = run_time_travel(seed, 300, 6);
    total.generations_checked += stats.generations_checked;
    total.refused += stats.refused;
    if (HasFailure()) break;
  }
  // Both sides of the window must have been exercised, or the test proved nothing.
  EXPECT_GE(total.generations_checked, 200u);
  EXPECT_GE(total.refused, 50u);
}

}  // namespace
}  // namespace strata::model
