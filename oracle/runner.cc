#include "oracle/runner.h"

#include "oracle/sqlite.h"
#include "oracle/strata_runner.h"

namespace strata::oracle {

std::string_view engine_name(Engine engine) {
  return engine == Engine::kStrata ? "strata" : "sqlite";
}

std::optional<Engine> parse_engine(std::string_view name) {
  if (name == "strata") return Engine::kStrata;
  if (name == "sqlite") return Engine::kSqlite;
  return std::nullopt;
}

Result<std::unique_ptr<Runner>> open_runner(Engine engine, const std::string& path) {
  if (engine == Engine::kSqlite) {
    Result<std::unique_ptr<Sqlite>> sqlite = Sqlite::open(path);
    if (!sqlite.ok()) return sqlite.status();
    return std::unique_ptr<Runner>(std::move(sqlite).value());
  }
  Result<std::unique_ptr<StrataRunner>> strata = StrataRunner::open(path);
  if (!strata.ok()) return strata.status();
  return std::unique_ptr<Runner>(std::move(strata).value());
}

}  // namespace strata::oracle
