// Sqlite: the real SQLite library (libsqlite3) as a Runner, the oracle Strata is held to.
//
// One sqlite3 connection, on ":memory:" or on a file. Values come back with their
// storage class exactly as sqlite3_column_type reports it; REAL bits are kept. Failures
// carry sqlite3_errmsg() and a StatusCode close to the SQLite result code (constraint,
// busy, I/O, full, corrupt, read-only; anything else kInvalidArgument, "syntax error"
// messages kSyntax).
#pragma once

#include <memory>
#include <string>

#include "oracle/runner.h"

struct sqlite3;

namespace strata::oracle {

class Sqlite : public Runner {
 public:
  // path empty or ":memory:": an in-memory database.
  static Result<std::unique_ptr<Sqlite>> open(const std::string& path = "");
  ~Sqlite() override;
  Sqlite(const Sqlite&) = delete;
  Sqlite& operator=(const Sqlite&) = delete;

  Engine engine() const override { return Engine::kSqlite; }
  SqlResult execute(std::string_view sql, std::span<const Value> params = {}) override;
  SqlResult execute_script(std::string_view sql) override;

  sqlite3* handle() { return db_; }

 private:
  explicit Sqlite(sqlite3* db) : db_(db) {}
  SqlResult failure(int rc) const;

  sqlite3* db_;
};

}  // namespace strata::oracle
