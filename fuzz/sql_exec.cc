// Fuzz target sql_exec: arbitrary bytes as a SQL script run on a fresh database (a MemVfs,
// 512-byte pages so that small data already splits trees and spills into overflow pages).
//
// Every statement the parser accepts runs (a failing one is reported and the script goes
// on, as in the shell); a SELECT is stepped for at most kMaxRows rows. Errors are allowed;
// crashes, hangs, leaks, UB and kInternal ("a bug in Strata") are not. And whatever the SQL
// did, the database must stay sound: query::check_database finds no issue after the script,
// and again after the database is closed and reopened from its file.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/query/database.h"
#include "engine/query/integrity.h"
#include "fuzz/fuzz_input.h"
#include "vfs/mem_vfs.h"

namespace {

using namespace strata;  // NOLINT: a fuzz target of the whole engine
using strata::fuzz::fail;

constexpr int kMaxStatements = 64;
constexpr int kMaxRows = 1000;
constexpr const char* kPath = "fuzz.strata";

void run_statement(query::Database* db, std::string_view sql) {
  Result<std::unique_ptr<query::Statement>> stmt = db->prepare(sql);
  if (!stmt.ok()) {
    if (stmt.status().is(StatusCode::kInternal)) fail(stmt.status().to_string());
    return;
  }
  for (int rows = 0; rows < kMaxRows; ++rows) {
    Result<bool> has_row = (*stmt)->step();
    if (!has_row.ok()) {
      if (has_row.status().is(StatusCode::kInternal)) fail(has_row.status().to_string());
      return;
    }
    if (!*has_row) return;
    for (int i = 0; i < (*stmt)->column_count(); ++i) (void)(*stmt)->column(i).debug_string();
  }
}

void check_sound(query::Database* db, std::string_view script, const char* when) {
  Result<CheckReport> report = query::check_database(db);
  if (!report.ok()) fail(std::string(when) + ": check_database: " + report.status().to_string());
  if (!report->ok()) {
    fail(std::string(when) + ": SQL left the database unsound:\n" + report->to_string() +
         "\nscript:\n" + std::string(script));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view script(reinterpret_cast<const char*>(data), size);
  vfs::MemVfs vfs(uint64_t{64} << 20);
  query::DatabaseOptions options;
  options.store.page_size = 512;
  options.store.cache_bytes = 256 << 10;
  {
    Result<std::unique_ptr<query::Database>> db = query::Database::open(&vfs, kPath, options);
    if (!db.ok()) fail("open a new database: " + db.status().to_string());
    sql::Parser parser(script);
    for (int n = 0; n < kMaxStatements; ++n) {
      Result<std::optional<sql::ParsedStatement>> next = parser.next();
      if (!next.ok()) continue;  // a syntax error: the parser resumes after it
      if (!*next) break;
      run_statement(db->get(), script.substr((*next)->begin, (*next)->end - (*next)->begin));
    }
    check_sound(db->get(), script, "after the script");
  }
  Result<std::unique_ptr<query::Database>> reopened = query::Database::open(&vfs, kPath, options);
  if (!reopened.ok()) {
    fail("reopen: " + reopened.status().to_string() + "\nscript:\n" + std::string(script));
  }
  check_sound(reopened->get(), script, "after reopening");
  return 0;
}
