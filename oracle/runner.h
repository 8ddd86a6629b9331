// Runner: one SQL engine behind the small interface every oracle tool drives.
//
// The differential runner, the sqllogictest runner and the model checker talk to Strata
// (StrataRunner, over query::Database) and to the real SQLite library (Sqlite) only
// through this class, so both engines are treated alike: a statement goes in, a
// SqlResult (result.h) comes out — typed rows, or failure with the engine's message.
// Runners never throw and never abort on bad SQL; every failure is a SqlResult.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "engine/value.h"
#include "oracle/result.h"
#include "vfs/status.h"

namespace strata::oracle {

enum class Engine { kStrata, kSqlite };

std::string_view engine_name(Engine engine);  // "strata", "sqlite"
std::optional<Engine> parse_engine(std::string_view name);

class Runner {
 public:
  virtual ~Runner() = default;
  virtual Engine engine() const = 0;
  std::string_view name() const { return engine_name(engine()); }

  // Runs the first statement of sql with params bound to ?1, ?2, ... (the rest of sql is
  // ignored, as sqlite3_prepare does). SQL that is only blanks and comments succeeds with
  // no columns and no rows.
  virtual SqlResult execute(std::string_view sql, std::span<const Value> params = {}) = 0;

  // Runs every statement of sql in order and drops their rows, as sqlite3_exec does;
  // stops at the first failure. changes counts every statement's changes.
  virtual SqlResult execute_script(std::string_view sql) = 0;
};

// An engine on a database that is empty when new: in memory when path is empty, else on
// the file at path (an existing file is opened as it is; the caller removes it first for
// a fresh start).
Result<std::unique_ptr<Runner>> open_runner(Engine engine, const std::string& path = "");

}  // namespace strata::oracle
