// CREATE INDEX back-fills an existing table by sorting the entries and inserting them in key
// order. The index it builds must hold exactly the entries that row-by-row maintenance
// (CREATE INDEX first, then the INSERTs) produces, enforce UNIQUE the same way, and, being
// inserted in order, fill its leaves at least as well.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "engine/query/database.h"
#include "engine/query/integrity.h"
#include "tests/support/status_testing.h"
#include "vfs/mem_vfs.h"

namespace strata::query {
namespace {

// Rows with every storage class, NULLs, duplicates and values that compare equal across
// types (3 and 3.0), as INSERT statements.
std::vector<std::string> mixed_rows(int count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> out;
  for (int id = 1; id <= count; ++id) {
    std::string a;
    switch (rng() % 6) {
      case 0: a = "NULL"; break;
      case 1: a = std::to_string(static_cast<int64_t>(rng() % 50) - 25); break;
      case 2: a = std::to_string(static_cast<int64_t>(rng() % 50) - 25) + ".0"; break;
      case 3: a = std::to_string(static_cast<double>(rng() % 1000) / 7.0); break;
      case 4: a = "'text" + std::to_string(rng() % 40) + "'"; break;
      default: a = "x'" + std::string(2 * (1 + rng() % 3), "0123456789abcdef"[rng() % 16]) + "'"; break;
    }
    std::string b = rng() % 4 == 0 ? "NULL" : "'" + std::string(1 + rng() % 30, static_cast<char>('a' + rng() % 26)) + "'";
    out.push_back("INSERT INTO t VALUES (" + std::to_string(id) + ", " + a + ", " + b + ")");
  }
  return out;
}

class IndexBuildTest : public ::testing::Test {
 protected:
  std::unique_ptr<Database> open(const std::string& path) {
    auto db = Database::open(&vfs_, path);
    EXPECT_OK(db);
    return std::move(db).value();
  }

  // Every key under the index's prefix, in order.
  static std::vector<std::string> index_keys(Database* db, const std::string& name) {
    const IndexDef* idx = db->catalog().index(name);
    EXPECT_NE(idx, nullptr);
    std::vector<std::string> keys;
    if (idx == nullptr) return keys;
    std::string prefix = index_prefix(idx->prefix);
    auto tx = db->store()->begin_read();
    EXPECT_OK(tx);
    Cursor c = (*tx)->cursor();
    EXPECT_OK(c.seek(prefix));
    while (c.valid() && c.key().substr(0, prefix.size()) == prefix) {
      keys.emplace_back(c.key());
      EXPECT_OK(c.next());
    }
    return keys;
  }

  static CheckReport check(Database* db) {
    auto report = check_database(db);
    EXPECT_OK(report);
    for (const auto& issue : report->issues) ADD_FAILURE() << issue.message;
    return *report;
  }

  vfs::MemVfs vfs_;
};

TEST_F(IndexBuildTest, BackfillHoldsTheSameEntriesAsRowByRowInserts) {
  const auto rows = mixed_rows(5000, 11);
  auto built = open("/built");
  auto maintained = open("/maintained");
  for (Database* db : {built.get(), maintained.get()}) {
    ASSERT_OK(db->execute("CREATE TABLE t(id INTEGER PRIMARY KEY, a, b)"));
  }
  ASSERT_OK(maintained->execute("CREATE INDEX t_ab ON t(a, b)"));
  ASSERT_OK(maintained->execute("CREATE INDEX t_b ON t(b)"));
  for (Database* db : {built.get(), maintained.get()}) {
    ASSERT_OK(db->execute("BEGIN"));
    for (const auto& insert : rows) ASSERT_OK(db->execute(insert));
    ASSERT_OK(db->execute("COMMIT"));
  }
  ASSERT_OK(built->execute("CREATE INDEX t_ab ON t(a, b)"));
  ASSERT_OK(built->execute("CREATE INDEX t_b ON t(b)"));

  for (const char* index : {"t_ab", "t_b"}) {
    std::vector<std::string> want = index_keys(maintained.get(), index);
    ASSERT_EQ(want.size(), rows.size()) << index;
    EXPECT_EQ(index_keys(built.get(), index), want) << index;
  }
  CheckReport built_report = check(built.get());
  CheckReport maintained_report = check(maintained.get());
  // In key order, each entry lands at the right edge of the last leaf: leaves come out full.
  EXPECT_LE(built_report.leaf_pages, maintained_report.leaf_pages);
}

TEST_F(IndexBuildTest, BackfillOfAnEmptyTableBuildsAnEmptyIndex) {
  auto db = open("/db");
  ASSERT_OK(db->execute("CREATE TABLE t(id INTEGER PRIMARY KEY, a, b)"));
  ASSERT_OK(db->execute("CREATE INDEX t_a ON t(a)"));
  EXPECT_TRUE(index_keys(db.get(), "t_a").empty());
  ASSERT_OK(db->execute("INSERT INTO t VALUES (1, 2, 3)"));
  EXPECT_EQ(index_keys(db.get(), "t_a").size(), 1u);
  check(db.get());
}

TEST_F(IndexBuildTest, UniqueBackfillRefusesValuesThatCompareEqualAcrossTypes) {
  auto db = open("/db");
  ASSERT_OK(db->execute("CREATE TABLE t(id INTEGER PRIMARY KEY, a, b)"));
  // 3 and 3.0 encode differently and are not neighbours in (a, b) order, but are equal.
  ASSERT_OK(db->execute("INSERT INTO t VALUES (1, 3, 'z'), (2, 3, 'a'), (3, 3.0, 'z'), (4, NULL, 'a'),"
                        " (5, NULL, 'a')"));
  Status s = db->execute("CREATE UNIQUE INDEX t_ab ON t(a, b)");
  EXPECT_EQ(s.code(), StatusCode::kConstraint) << s.to_string();
  EXPECT_NE(s.to_string().find("UNIQUE constraint failed: t.a, t.b"), std::string::npos) << s.to_string();
  EXPECT_EQ(db->catalog().index("t_ab"), nullptr);
  // NULLs are distinct: without row 3 the index builds.
  ASSERT_OK(db->execute("DELETE FROM t WHERE id = 3"));
  ASSERT_OK(db->execute("CREATE UNIQUE INDEX t_ab ON t(a, b)"));
  EXPECT_EQ(index_keys(db.get(), "t_ab").size(), 4u);
  EXPECT_EQ(db->execute("INSERT INTO t VALUES (6, 3.0, 'a')").code(), StatusCode::kConstraint);
  check(db.get());
}

TEST_F(IndexBuildTest, BackfillRefusesAnEntryLongerThanTheTreeAllows) {
  auto db = open("/db");
  ASSERT_OK(db->execute("CREATE TABLE t(id INTEGER PRIMARY KEY, a)"));
  ASSERT_OK(db->execute("INSERT INTO t VALUES (1, 'short'), (2, zeroblob(5000))"));
  EXPECT_EQ(db->execute("CREATE INDEX t_a ON t(a)").code(), StatusCode::kUnsupported);
  EXPECT_EQ(db->catalog().index("t_a"), nullptr);
  check(db.get());
}

}  // namespace
}  // namespace strata::query
