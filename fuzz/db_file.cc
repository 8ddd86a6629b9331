// Fuzz target db_file: arbitrary bytes as a whole database file (meta slots, tree, overflow
// and freelist pages), opened, checked and queried on a MemVfs.
//
// Input: a control byte (bit 0: fix up every page's checksum first, at the page size slot 0
// names or else 512, so that mutations reach what lies behind the checksums; bit 1: also
// write to the database), then the file's bytes.
//
// Only errors, never a crash, hang, leak or UB, for every step: the consistency check of the
// file (query::check_database_file), Database::open, check_database, a fixed set of reads
// (every table scanned and counted, every index's first column in order), and with bit 1 a
// few writes (a new table with an overflowing row, deletes and an update on the first table)
// then a reopen. Besides that, the checker and the engine must agree: a file the checker
// finds sound opens, answers every read, takes the writes, and is still sound afterwards.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "engine/meta.h"
#include "engine/page.h"
#include "engine/query/database.h"
#include "engine/query/integrity.h"
#include "fuzz/fuzz_input.h"
#include "vfs/mem_vfs.h"

namespace {

using namespace strata;  // NOLINT: a fuzz target of the whole engine
using strata::fuzz::fail;

constexpr const char* kPath = "fuzz.strata";

std::string quoted(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Every page's checksum made right, so that the fuzzer's mutations are not all rejected at
// the first check. The page size is slot 0's when it names a valid one.
void reseal(std::vector<uint8_t>* file) {
  uint32_t ps = kMinPageSize;
  if (file->size() >= 48) {
    uint32_t named = load_u32(file->data() + 44);
    if (is_valid_page_size(named)) ps = named;
  }
  for (size_t off = 0; off + ps <= file->size(); off += ps) {
    uint8_t* page = file->data() + off;
    store_u64(page + kOffChecksum, page_checksum(page, ps));
  }
}

Result<CheckReport> check_file(vfs::MemVfs* vfs) {
  Result<CheckReport> report = query::check_database_file(vfs, kPath);
  if (!report.ok() && report.status().is(StatusCode::kInternal)) {
    fail("check_database_file: " + report.status().to_string());
  }
  return report;
}

bool sound(const Result<CheckReport>& report) { return report.ok() && report->ok(); }

// Runs sql; when the file was sound it must succeed. Returns whether it did.
bool run(query::Database* db, const std::string& sql, bool must_succeed) {
  size_t rows = 0;
  Status s = db->execute(sql, [&](const query::Statement&) { ++rows; });
  if (s.is(StatusCode::kInternal)) fail(sql + ": " + s.to_string());
  if (!s.is_ok() && must_succeed) {
    fail("the checker finds the file sound, but " + sql + " fails: " + s.to_string());
  }
  return s.is_ok();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  strata::fuzz::FuzzInput in(data, size);
  uint8_t control = in.byte();
  std::string_view body = in.rest();
  std::vector<uint8_t> file(body.begin(), body.end());
  if (control & 1) reseal(&file);
  bool write = (control & 2) != 0;

  vfs::MemVfs vfs;
  vfs.write_file(kPath, file);
  Result<CheckReport> before = check_file(&vfs);
  bool was_sound = sound(before);

  query::DatabaseOptions options;
  options.store.create_if_missing = false;
  options.store.cache_bytes = 256 << 10;
  {
    Result<std::unique_ptr<query::Database>> opened = query::Database::open(&vfs, kPath, options);
    if (!opened.ok()) {
      if (was_sound)
        fail("the checker finds the file sound, but it does not open: " +
             opened.status().to_string());
      return 0;
    }
    query::Database* db = opened->get();
    Result<CheckReport> live = query::check_database(db);
    if (was_sound && !sound(live)) {
      fail("check_database_file finds the file sound, check_database does not: " +
           (live.ok() ? live->to_string() : live.status().to_string()));
    }

    // The queries first: running one may reload the catalog, which ends the life of every
    // pointer into it.
    std::vector<std::string> queries;
    std::string first_table;
    for (const query::TableDef* table : db->catalog().tables()) {
      if (first_table.empty()) first_table = table->name;
      queries.push_back("SELECT * FROM " + quoted(table->name));
      queries.push_back("SELECT count(*) FROM " + quoted(table->name));
    }
    for (const query::IndexDef* index : db->catalog().all_indexes()) {
      const query::TableDef* table = db->catalog().table(index->table);
      if (table == nullptr || index->columns.empty()) continue;
      int column = index->columns[0];
      if (column < 0 || column >= static_cast<int>(table->columns.size())) continue;
      std::string name = quoted(table->columns[column].name);
      queries.push_back("SELECT " + name + " FROM " + quoted(table->name) + " WHERE " + name +
                        " IS NOT NULL ORDER BY " + name);
    }
    for (const std::string& sql : queries) run(db, sql, was_sound);
    if (!write) return 0;
    run(db, "CREATE TABLE fuzz_probe(id INTEGER PRIMARY KEY, v)", false);
    run(db, "INSERT INTO fuzz_probe(v) VALUES (zeroblob(3000)), ('x')", was_sound);
    if (!first_table.empty()) {
      std::string t = quoted(first_table);
      run(db, "DELETE FROM " + t + " WHERE rowid % 2 = 0", was_sound);
      run(db, "UPDATE " + t + " SET rowid = rowid + 1000000 WHERE rowid % 3 = 0", false);
    }
    run(db, "DELETE FROM fuzz_probe WHERE id = 1", false);
  }
  // Whatever the writes did, the file must still be checkable and, if it was sound, sound.
  Result<CheckReport> after = check_file(&vfs);
  if (was_sound && !sound(after)) {
    fail("writes made a sound file unsound: " +
         (after.ok() ? after->to_string() : after.status().to_string()));
  }
  Result<std::unique_ptr<query::Database>> reopened = query::Database::open(&vfs, kPath, options);
  if (was_sound && !reopened.ok()) fail("reopen failed: " + reopened.status().to_string());
  return 0;
}
