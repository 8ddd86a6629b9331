// check_database: for each invariant of the SQL layer (catalog, collections, rows, index <->
// rows), a database file that breaks exactly that one — SQL builds it, then raw writes
// through the Store change the keys the invariant is about, leaving every storage invariant
// intact — and a test that the checker names it with its page and key. Healthy databases of
// every shape check clean, through check_database and check_database_file alike.
#include "engine/query/integrity.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/codec/key_codec.h"
#include "engine/codec/row_format.h"
#include "engine/collection.h"
#include "tests/support/status_testing.h"
#include "vfs/mem_vfs.h"

namespace strata::query {
namespace {

constexpr char kPath[] = "/db";

std::string rowid_bytes(int64_t rowid) {
  std::string out;
  codec::encode_rowid(rowid, &out);
  return out;
}

class IntegrityTest : public ::testing::Test {
 protected:
  // Runs SQL on the database (opened, then closed again).
  void sql(const std::string& script, uint32_t page_size = kDefaultPageSize) {
    DatabaseOptions options;
    options.store.page_size = page_size;
    auto db = Database::open(&vfs_, kPath, options);
    ASSERT_OK(db);
    ASSERT_OK((*db)->execute(script));
    tables_.clear();
    for (const TableDef* t : (*db)->catalog().tables()) tables_[t->name] = t->prefix;
    for (const IndexDef* i : (*db)->catalog().all_indexes()) indexes_[i->name] = i->prefix;
  }

  // Raw writes through the store, in one transaction.
  void raw(const std::function<void(WriteTx*)>& change) {
    StoreOptions options;
    options.create_if_missing = false;
    auto store = Store::open(&vfs_, kPath, options);
    ASSERT_OK(store);
    auto w = (*store)->begin_write();
    ASSERT_OK(w);
    change(w->get());
    ASSERT_OK((*w)->commit());
  }

  std::string row_key(const std::string& table, int64_t rowid) {
    return row_prefix(tables_.at(table)) + rowid_bytes(rowid);
  }
  std::string index_key(const std::string& index, const std::vector<Value>& values, int64_t rowid) {
    std::string key = index_prefix(indexes_.at(index));
    codec::encode_key(values, &key);
    return key + rowid_bytes(rowid);
  }

  // Rewrites one catalog entry's fields ([type, name, table, prefix, sql]).
  void edit_catalog(WriteTx* tx, const std::string& name,
                    const std::function<void(std::vector<Value>*)>& edit) {
    auto schema = Collection::open(tx, "__schema");
    ASSERT_OK(schema);
    auto bytes = schema->get(lower(name));
    ASSERT_OK(bytes);
    ASSERT_TRUE(bytes->has_value()) << name;
    auto row = codec::decode_row(**bytes);
    ASSERT_OK(row);
    edit(&*row);
    ASSERT_OK(schema->put(lower(name), codec::encode_row(*row)));
  }

  // check_database and check_database_file must agree; returns the first.
  CheckReport check() {
    auto db = Database::open(&vfs_, kPath);
    EXPECT_OK(db);
    if (!db.ok()) return {};
    Result<CheckReport> report = check_database(db->get());
    EXPECT_OK(report);
    db->reset();
    Result<CheckReport> from_file = check_database_file(&vfs_, kPath);
    EXPECT_OK(from_file);
    if (!report.ok() || !from_file.ok()) return {};
    EXPECT_EQ(report->to_string(), from_file->to_string());
    return std::move(report).value();
  }

  // Exactly one violation, containing `text`, on a page (> 1) that holds `key` when given.
  void expect_one(const CheckReport& report, const std::string& text, const std::string& key = "") {
    ASSERT_EQ(report.issues.size(), 1u) << report.to_string();
    const CheckIssue& issue = report.issues[0];
    EXPECT_NE(issue.to_string().find(text), std::string::npos) << report.to_string();
    if (!key.empty()) {
      EXPECT_EQ(issue.key, printable_key(key)) << report.to_string();
      EXPECT_GE(issue.page_no, kFirstDataPage) << report.to_string();
    }
  }

  vfs::MemVfs vfs_;
  std::map<std::string, uint32_t> tables_, indexes_;
};

// --- healthy shapes ----------------------------------------------------------------------

TEST_F(IntegrityTest, EmptyDatabaseChecksClean) {
  sql("");
  CheckReport report = check();
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_EQ(report.keys, 0u);
}

TEST_F(IntegrityTest, OnePageDatabaseChecksClean) {
  sql("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT UNIQUE, c); INSERT INTO t VALUES (1, 'x', "
      "2.5);");
  CheckReport report = check();
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_EQ(report.depth, 1u);
  EXPECT_EQ(report.notes.back(), "sql layer: 1 tables, 1 indexes, 1 rows, 1 index entries checked");
}

TEST_F(IntegrityTest, DeepTreeWithIndexesChecksClean) {
  std::string script =
      "CREATE TABLE t(id INTEGER PRIMARY KEY, a, b TEXT, c REAL);"
      "CREATE INDEX t_a ON t(a); CREATE INDEX t_bc ON t(b, c);"
      "CREATE UNIQUE INDEX t_c ON t(c); BEGIN;";
  for (int i = 0; i < 2000; ++i) {
    script += "INSERT INTO t VALUES (" + std::to_string(i) + ", " + std::to_string(i % 37) +
              ", 'name" + std::to_string(i % 101) + "', " + std::to_string(i) + ".5);";
  }
  script += "COMMIT; DELETE FROM t WHERE id % 3 = 0; UPDATE t SET a = a + 100 WHERE id % 5 = 1;";
  sql(script, 512);
  CheckReport report = check();
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_GE(report.depth, 4u);
}

TEST_F(IntegrityTest, OverflowValuesChecksClean) {
  sql("CREATE TABLE big(id INTEGER PRIMARY KEY, body TEXT, tag);"
      "CREATE INDEX big_tag ON big(tag);"
      "INSERT INTO big VALUES (1, hex(zeroblob(20000)), 'a'), (2, hex(zeroblob(9000)), 'b');");
  CheckReport report = check();
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_GT(report.overflow_pages, 4u);
}

TEST_F(IntegrityTest, ManyTablesAndIndexesCheckClean) {
  std::string script;
  for (int t = 0; t < 12; ++t) {
    std::string name = "t" + std::to_string(t);
    script +=
        "CREATE TABLE " + name + "(k INTEGER PRIMARY KEY, u UNIQUE, v, w NOT NULL, UNIQUE (v, w));";
    script += "CREATE INDEX " + name + "_v ON " + name + "(v);";
    for (int r = 0; r < 30; ++r) {
      script += "INSERT INTO " + name + " VALUES (NULL, " + std::to_string(r * 7 + t) + ", " +
                (r % 4 == 0 ? "NULL" : "'v" + std::to_string(r % 5) + "'") + ", " +
                std::to_string(r) + ");";
    }
  }
  script += "DROP TABLE t3; DROP INDEX t5_v;";
  sql(script);
  CheckReport report = check();
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_EQ(report.notes.back(),
            "sql layer: 11 tables, 32 indexes, 330 rows, 960 index entries checked");
}

// --- index <-> rows ----------------------------------------------------------------------

const char kTableWithIndexes[] =
    "CREATE TABLE t(id INTEGER PRIMARY KEY, a, b TEXT NOT NULL);"
    "CREATE INDEX t_a ON t(a); CREATE UNIQUE INDEX t_b ON t(b);"
    "INSERT INTO t VALUES (1, 10, 'one'), (2, 20, 'two'), (3, 30, 'three');";

TEST_F(IntegrityTest, RowWithoutItsIndexEntryIsNamed) {
  sql(kTableWithIndexes);
  raw([&](WriteTx* tx) { ASSERT_OK(tx->del(index_key("t_a", {Value::integer(20)}, 2))); });
  expect_one(check(), "row 2 of table t has no entry in index t_a", row_key("t", 2));
}

TEST_F(IntegrityTest, IndexEntryWithoutItsRowIsNamed) {
  sql(kTableWithIndexes);
  raw([&](WriteTx* tx) { ASSERT_OK(tx->put(index_key("t_a", {Value::integer(40)}, 4), "")); });
  std::string entry = index_key("t_a", {Value::integer(40)}, 4);
  expect_one(check(), "entry of index t_a (40) -> rowid 4: no such row in table t", entry);
}

TEST_F(IntegrityTest, IndexEntryWhoseValuesDifferFromItsRowIsNamed) {
  sql(kTableWithIndexes);
  // Row 1 keeps its own entry (10); a second entry claims it holds 99.
  std::string entry = index_key("t_a", {Value::integer(99)}, 1);
  raw([&](WriteTx* tx) { ASSERT_OK(tx->put(entry, "")); });
  expect_one(check(),
             "entry of index t_a (99) -> rowid 1: the row holds (10) in the indexed columns",
             entry);
}

TEST_F(IntegrityTest, IndexEntryWithAValueIsNamed) {
  sql(kTableWithIndexes);
  std::string entry = index_key("t_a", {Value::integer(30)}, 3);
  raw([&](WriteTx* tx) { ASSERT_OK(tx->put(entry, "junk")); });
  expect_one(check(), "has a value (entries have none)", entry);
}

TEST_F(IntegrityTest, IndexEntryThatDoesNotDecodeIsNamed) {
  sql(kTableWithIndexes);
  std::string entry = index_prefix(indexes_.at("t_a")) + "\x99garbage";
  raw([&](WriteTx* tx) { ASSERT_OK(tx->put(entry, "")); });
  expect_one(check(), "entry of index t_a does not decode", entry);
}

TEST_F(IntegrityTest, DuplicateInUniqueIndexIsNamed) {
  sql(kTableWithIndexes);
  // Row 4 holds 'one' like row 1, and both have their entries: only UNIQUE is broken.
  raw([&](WriteTx* tx) {
    std::vector<Value> row = {Value::null(), Value::integer(40), Value::text("one")};
    ASSERT_OK(tx->put(row_key("t", 4), codec::encode_row(row)));
    ASSERT_OK(tx->put(index_key("t_a", {Value::integer(40)}, 4), ""));
    ASSERT_OK(tx->put(index_key("t_b", {Value::text("one")}, 4), ""));
  });
  expect_one(check(), "UNIQUE index t_b holds ('one') for rowids 1 and 4",
             index_key("t_b", {Value::text("one")}, 4));
}

TEST_F(IntegrityTest, UniqueIndexTreatsIntegerAndEqualRealAsDuplicates) {
  sql("CREATE TABLE u(id INTEGER PRIMARY KEY, x UNIQUE); INSERT INTO u VALUES (1, 3);");
  raw([&](WriteTx* tx) {
    std::vector<Value> row = {Value::null(), Value::real(3.0)};
    ASSERT_OK(tx->put(row_key("u", 2), codec::encode_row(row)));
    ASSERT_OK(tx->put(index_key("sqlite_autoindex_u_1", {Value::real(3.0)}, 2), ""));
  });
  expect_one(check(), "UNIQUE index sqlite_autoindex_u_1 holds (3) for rowids 1 and 2");
}

TEST_F(IntegrityTest, UniqueIndexAllowsManyNulls) {
  sql("CREATE TABLE u(id INTEGER PRIMARY KEY, x UNIQUE);"
      "INSERT INTO u VALUES (1, NULL), (2, NULL), (3, NULL);");
  CheckReport report = check();
  EXPECT_TRUE(report.ok()) << report.to_string();
}

// --- rows --------------------------------------------------------------------------------

TEST_F(IntegrityTest, RowWithTheWrongColumnCountIsNamed) {
  sql("CREATE TABLE t(id INTEGER PRIMARY KEY, a, b); INSERT INTO t VALUES (1, 2, 3);");
  raw([&](WriteTx* tx) {
    std::vector<Value> row = {Value::null(), Value::integer(2)};
    ASSERT_OK(tx->put(row_key("t", 1), codec::encode_row(row)));
  });
  expect_one(check(), "row 1 of table t has 2 columns, the table 3", row_key("t", 1));
}

TEST_F(IntegrityTest, RowThatDoesNotDecodeIsNamed) {
  sql("CREATE TABLE t(id INTEGER PRIMARY KEY, a); INSERT INTO t VALUES (1, 2);");
  raw([&](WriteTx* tx) { ASSERT_OK(tx->put(row_key("t", 1), "\x05\x01")); });
  expect_one(check(), "row 1 of table t does not decode", row_key("t", 1));
}

TEST_F(IntegrityTest, RowKeyWithoutARowidIsNamed) {
  sql("CREATE TABLE t(id INTEGER PRIMARY KEY, a); INSERT INTO t VALUES (1, 2);");
  std::string key = row_prefix(tables_.at("t")) + "abc";
  raw([&](WriteTx* tx) { ASSERT_OK(tx->put(key, codec::encode_row(std::vector<Value>(2)))); });
  expect_one(check(), "row key of table t holds 3 bytes after the prefix, not a rowid", key);
}

TEST_F(IntegrityTest, NullInANotNullColumnIsNamed) {
  sql("CREATE TABLE t(id INTEGER PRIMARY KEY, a NOT NULL); INSERT INTO t VALUES (1, 2);");
  raw([&](WriteTx* tx) {
    ASSERT_OK(tx->put(row_key("t", 1), codec::encode_row(std::vector<Value>(2))));
  });
  expect_one(check(), "row 1 of table t: NOT NULL column a holds NULL", row_key("t", 1));
}

// --- catalog and key ownership -----------------------------------------------------------

TEST_F(IntegrityTest, TwoObjectsWithOnePrefixAreNamed) {
  sql("CREATE TABLE t(a); CREATE TABLE u(b); INSERT INTO t VALUES (1);");
  raw([&](WriteTx* tx) {
    edit_catalog(tx, "u",
                 [&](std::vector<Value>* e) { (*e)[3] = Value::integer(tables_.at("t")); });
  });
  expect_one(check(), "catalog: table u has prefix " + std::to_string(tables_.at("t")) +
                          ", which table t also has");
}

TEST_F(IntegrityTest, PrefixNotBelowTheNextPrefixIsNamed) {
  sql("CREATE TABLE t(a); CREATE TABLE u(b);");
  raw([&](WriteTx* tx) {
    edit_catalog(tx, "u", [&](std::vector<Value>* e) { (*e)[3] = Value::integer(77); });
  });
  expect_one(check(), "catalog: table u has prefix 77, not below the next prefix");
}

TEST_F(IntegrityTest, IndexNamingAMissingTableIsNamed) {
  sql("CREATE TABLE t(a); CREATE INDEX t_a ON t(a);");
  raw([&](WriteTx* tx) {
    edit_catalog(tx, "t_a", [&](std::vector<Value>* e) {
      (*e)[4] = Value::text("CREATE INDEX t_a ON gone(a)");
    });
  });
  // The engine refuses such a catalog; the file check still reports what it finds.
  Result<CheckReport> report = check_database_file(&vfs_, kPath);
  ASSERT_OK(report);
  EXPECT_EQ(report->issues.size(), 1u) << report->to_string();
  EXPECT_NE(report->to_string().find(
                "the catalog does not load: corruption: index t_a names a missing table"),
            std::string::npos)
      << report->to_string();
}

TEST_F(IntegrityTest, RowsUnderAPrefixNoTableHasAreNamedOnce) {
  sql("CREATE TABLE t(a); INSERT INTO t VALUES (1);");
  std::string first = row_prefix(500) + rowid_bytes(1);
  raw([&](WriteTx* tx) {
    for (int64_t rowid = 1; rowid <= 3; ++rowid) {
      ASSERT_OK(
          tx->put(row_prefix(500) + rowid_bytes(rowid), codec::encode_row(std::vector<Value>(1))));
    }
  });
  expect_one(check(), "3 rows under prefix 500, which no table has", first);
}

TEST_F(IntegrityTest, IndexEntriesUnderAPrefixNoIndexHasAreNamed) {
  sql("CREATE TABLE t(a); CREATE INDEX t_a ON t(a); INSERT INTO t VALUES (1);");
  sql("DROP INDEX t_a;");
  // DROP INDEX removed the entries; put one back under the dropped index's prefix.
  std::string entry = index_key("t_a", {Value::integer(1)}, 1);
  raw([&](WriteTx* tx) { ASSERT_OK(tx->put(entry, "")); });
  expect_one(
      check(),
      "1 index entries under prefix " + std::to_string(indexes_.at("t_a")) + ", which no index has",
      entry);
}

TEST_F(IntegrityTest, KeyWithAnUnknownTagIsNamed) {
  sql("CREATE TABLE t(a);");
  raw([&](WriteTx* tx) { ASSERT_OK(tx->put("\x42stray", "x")); });
  expect_one(check(), "key with unknown tag 66", "\x42stray");
}

TEST_F(IntegrityTest, CollectionDataWithoutItsCollectionIsNamed) {
  sql("CREATE TABLE t(a);");
  std::string key = std::string("\x02\x00\x00\x00\x63k", 6);
  raw([&](WriteTx* tx) { ASSERT_OK(tx->put(key, "v")); });
  expect_one(check(), "1 keys of collection id 99, which does not exist", key);
}

TEST_F(IntegrityTest, CollectionIdsSharedOrNotBelowTheNextIdAreNamed) {
  sql("CREATE TABLE t(a);");
  raw([&](WriteTx* tx) {
    auto a = Collection::create(tx, "a");
    ASSERT_OK(a);
    // "b" claims a's id.
    ASSERT_OK(tx->put(std::string("\x01") + "b",
                      std::string("\x00\x00\x00", 3) + static_cast<char>(a->id())));
  });
  expect_one(check(), "collection b has id 2, which collection a also has");
  raw([&](WriteTx* tx) {
    ASSERT_OK(tx->del(std::string("\x01") + "b"));
    ASSERT_OK(tx->put(std::string("\x01") + "c", std::string("\x00\x00\x00\x09", 4)));
  });
  expect_one(check(), "collection c has id 9, not below the next collection id 3");
}

// --- keeps going -------------------------------------------------------------------------

TEST_F(IntegrityTest, SeveralViolationsAreAllReported) {
  sql(kTableWithIndexes);
  raw([&](WriteTx* tx) {
    ASSERT_OK(tx->del(index_key("t_a", {Value::integer(10)}, 1)));
    ASSERT_OK(tx->del(index_key("t_b", {Value::text("three")}, 3)));
    ASSERT_OK(tx->put("\x43stray", "x"));
  });
  CheckReport report = check();
  EXPECT_EQ(report.issues.size(), 3u) << report.to_string();
  std::string text = report.to_string();
  EXPECT_NE(text.find("row 1 of table t has no entry in index t_a"), std::string::npos) << text;
  EXPECT_NE(text.find("row 3 of table t has no entry in index t_b"), std::string::npos) << text;
  EXPECT_NE(text.find("key with unknown tag 67"), std::string::npos) << text;
}

TEST_F(IntegrityTest, DamagedLeafIsReportedAndTheSqlCheckResumesAfterIt) {
  // Two tables; a leaf of the first is damaged on disk. The storage check names the page,
  // the SQL check reports what it cannot read and still checks the second table.
  std::string script = "CREATE TABLE a(x); CREATE TABLE b(y); CREATE INDEX b_y ON b(y); BEGIN;";
  for (int i = 0; i < 400; ++i) script += "INSERT INTO a VALUES (" + std::to_string(i) + ");";
  for (int i = 0; i < 50; ++i) script += "INSERT INTO b VALUES (" + std::to_string(i) + ");";
  script += "COMMIT;";
  sql(script, 512);
  raw([&](WriteTx* tx) { ASSERT_OK(tx->del(index_key("b_y", {Value::integer(7)}, 8))); });
  uint64_t victim = 0;
  {
    auto db = Database::open(&vfs_, kPath);
    ASSERT_OK(db);
    auto tx = (*db)->store()->begin_read();
    ASSERT_OK(tx);
    Cursor c = (*tx)->cursor();
    ASSERT_OK(c.seek(row_key("a", 200)));
    ASSERT_TRUE(c.valid());
    victim = c.page_no();
  }
  std::vector<uint8_t> bytes = vfs_.read_file(kPath).value();
  bytes[victim * 512 + 300] ^= 0x20;
  vfs_.write_file(kPath, bytes);
  Result<CheckReport> report = check_database_file(&vfs_, kPath);
  ASSERT_OK(report);
  std::string text = report->to_string();
  EXPECT_NE(text.find("page " + std::to_string(victim) + ": checksum mismatch"), std::string::npos)
      << text;
  EXPECT_NE(text.find("the SQL check cannot read the keys after this one"), std::string::npos)
      << text;
  EXPECT_NE(text.find("row 8 of table b has no entry in index b_y"), std::string::npos) << text;
}

}  // namespace
}  // namespace strata::query
