// StrataRunner: Strata's query::Database as a Runner, the engine under test.
//
// The database lives on a Vfs: its own MemVfs (in memory), its own PosixVfs (a real
// file), or a Vfs the caller owns (the model checker's FaultVfs). Failures keep Strata's
// StatusCode, so kUnsupported — a construct Strata refuses — stays visible as such.
// Rows are exactly the Values the executor produced.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/query/database.h"
#include "oracle/runner.h"
#include "vfs/vfs.h"

namespace strata::oracle {

// Testing only: a deliberate wrong answer added to Strata's results after it ran, so a test can
// show that the model checker finds a wrong result and shrinks the workload that shows it.
enum class PlantedBug : uint8_t {
  kNone,
  kCountOffByOne,  // a result column named count(...) says one more when the count is 2 or more
};
std::string_view planted_bug_name(PlantedBug bug);  // "none", "count-off-by-one"
std::optional<PlantedBug> parse_planted_bug(std::string_view name);

class StrataRunner : public Runner {
 public:
  // path empty: a new database in memory; else the file at path (PosixVfs).
  static Result<std::unique_ptr<StrataRunner>> open(const std::string& path = "",
                                                    const query::DatabaseOptions& options = {});
  // A database at path on vfs. REQUIRES: vfs outlives the runner.
  static Result<std::unique_ptr<StrataRunner>> open_on(vfs::Vfs* vfs, const std::string& path,
                                                       const query::DatabaseOptions& options = {});
  ~StrataRunner() override;

  Engine engine() const override { return Engine::kStrata; }
  SqlResult execute(std::string_view sql, std::span<const Value> params = {}) override;
  SqlResult execute_script(std::string_view sql) override;

  // Closes the database and opens it again from its file: what was committed must be there.
  // On failure the runner has no database and every statement fails until a reopen works.
  Status reopen();

  // Testing only (see PlantedBug).
  void set_planted_bug(PlantedBug bug) { planted_bug_ = bug; }

  query::Database* db() { return db_.get(); }
  vfs::Vfs* vfs() { return vfs_; }
  const std::string& path() const { return path_; }

 private:
  StrataRunner(std::unique_ptr<vfs::Vfs> owned, vfs::Vfs* vfs, std::string path,
               query::DatabaseOptions options);
  SqlResult no_database() const;

  std::unique_ptr<vfs::Vfs> owned_vfs_;
  vfs::Vfs* vfs_;
  std::string path_;
  query::DatabaseOptions options_;
  std::unique_ptr<query::Database> db_;
  Status open_error_;
  PlantedBug planted_bug_ = PlantedBug::kNone;
};

}  // namespace strata::oracle
