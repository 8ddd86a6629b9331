#include "oracle/strata_runner.h"

#include <strings.h>

#include "oracle/script.h"
#include "vfs/mem_vfs.h"
#include "vfs/posix_vfs.h"

namespace strata::oracle {

namespace {

constexpr char kMemoryPath[] = "/strata.db";

SqlResult failure(const Status& status) {
  return SqlResult::failure(status.code(), status.to_string());
}

void plant(PlantedBug bug, SqlResult* result) {
  if (bug != PlantedBug::kCountOffByOne) return;
  for (size_t i = 0; i < result->column_names.size(); ++i) {
    if (strncasecmp(result->column_names[i].c_str(), "count(", 6) != 0) continue;
    for (Row& row : result->rows) {
      Value& v = row[i];
      if (v.type() == ValueType::kInteger && v.as_integer() >= 2) {
        v = Value::integer(v.as_integer() + 1);
      }
    }
  }
}

}  // namespace

std::string_view planted_bug_name(PlantedBug bug) {
  switch (bug) {
    case PlantedBug::kNone:
      return "none";
    case PlantedBug::kCountOffByOne:
      return "count-off-by-one";
  }
  return "?";
}

std::optional<PlantedBug> parse_planted_bug(std::string_view name) {
  for (PlantedBug bug : {PlantedBug::kNone, PlantedBug::kCountOffByOne}) {
    if (planted_bug_name(bug) == name) return bug;
  }
  return std::nullopt;
}

StrataRunner::StrataRunner(std::unique_ptr<vfs::Vfs> owned, vfs::Vfs* vfs, std::string path,
                           query::DatabaseOptions options)
    : owned_vfs_(std::move(owned)), vfs_(vfs), path_(std::move(path)), options_(options) {}

StrataRunner::~StrataRunner() = default;

Result<std::unique_ptr<StrataRunner>> StrataRunner::open(const std::string& path,
                                                         const query::DatabaseOptions& options) {
  std::unique_ptr<vfs::Vfs> vfs;
  if (path.empty()) {
    vfs = std::make_unique<vfs::MemVfs>();
  } else {
    vfs = std::make_unique<vfs::PosixVfs>();
  }
  vfs::Vfs* raw = vfs.get();
  std::unique_ptr<StrataRunner> runner(
      new StrataRunner(std::move(vfs), raw, path.empty() ? kMemoryPath : path, options));
  STRATA_TRY(runner->reopen());
  return runner;
}

Result<std::unique_ptr<StrataRunner>> StrataRunner::open_on(vfs::Vfs* vfs, const std::string& path,
                                                            const query::DatabaseOptions& options) {
  std::unique_ptr<StrataRunner> runner(new StrataRunner(nullptr, vfs, path, options));
  STRATA_TRY(runner->reopen());
  return runner;
}

Status StrataRunner::reopen() {
  db_.reset();
  Result<std::unique_ptr<query::Database>> db = query::Database::open(vfs_, path_, options_);
  if (!db.ok()) {
    open_error_ = db.status();
    return db.status();
  }
  db_ = std::move(db).value();
  open_error_ = Status::ok();
  return Status::ok();
}

SqlResult StrataRunner::no_database() const {
  return SqlResult::failure(open_error_.code(),
                            "strata database is not open: " + open_error_.to_string());
}

SqlResult StrataRunner::execute(std::string_view sql, std::span<const Value> params) {
  if (!db_) return no_database();
  if (is_blank_sql(sql)) return SqlResult();
  int64_t changes_before = db_->total_changes();
  Result<std::unique_ptr<query::Statement>> prepared = db_->prepare(sql);
  if (!prepared.ok()) return failure(prepared.status());
  query::Statement& stmt = **prepared;
  for (size_t i = 0; i < params.size(); ++i) {
    if (Status s = stmt.bind(static_cast<int>(i) + 1, params[i]); !s.is_ok()) return failure(s);
  }
  SqlResult out;
  while (true) {
    Result<bool> has_row = stmt.step();
    if (!has_row.ok()) {
      SqlResult failed = failure(has_row.status());
      // The result columns are known once the statement compiled: the failure came while
      // producing rows.
      if (stmt.column_count() > 0 && !has_row.status().is(StatusCode::kUnsupported)) {
        failed.during_execution = true;
        for (int i = 0; i < stmt.column_count(); ++i) {
          failed.column_names.push_back(stmt.column_name(i));
        }
        failed.rows = std::move(out.rows);
      }
      return failed;
    }
    if (!*has_row) break;
    out.rows.push_back(stmt.row());
  }
  for (int i = 0; i < stmt.column_count(); ++i) out.column_names.push_back(stmt.column_name(i));
  out.changes = db_->total_changes() - changes_before;
  plant(planted_bug_, &out);
  return out;
}

SqlResult StrataRunner::execute_script(std::string_view sql) {
  if (!db_) return no_database();
  int64_t changes_before = db_->total_changes();
  if (Status s = db_->execute(sql); !s.is_ok()) return failure(s);
  SqlResult out;
  out.changes = db_->total_changes() - changes_before;
  return out;
}

}  // namespace strata::oracle
