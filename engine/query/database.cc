#include "engine/query/database.h"

#include "engine/query/run.h"

namespace strata::query {

// ------------------------------------------------------------------ one execution

Statement::Statement(Database* db, sql::StmtPtr stmt, std::string sql, std::vector<std::string> params)
    : db_(db), stmt_(std::move(stmt)), sql_(std::move(sql)), param_names_(std::move(params)) {
  params_.resize(param_names_.size());
}

Statement::~Statement() = default;

Status Statement::bind(int index, Value value) {
  if (index < 1 || index > parameter_count()) {
    return Status::invalid_argument("bind index " + std::to_string(index) + " out of range 1.." +
                                    std::to_string(parameter_count()));
  }
  params_[index - 1] = std::move(value);
  return Status::ok();
}

Status Statement::bind(std::string_view name, Value value) {
  for (size_t i = 0; i < param_names_.size(); ++i) {
    if (param_names_[i] == name) return bind(static_cast<int>(i) + 1, std::move(value));
  }
  return Status::not_found("no parameter named " + std::string(name));
}

Status Statement::reset() {
  run_.reset();
  done_ = false;
  row_.clear();
  return Status::ok();
}

// ------------------------------------------------------------------ Database

Result<std::unique_ptr<Database>> Database::open(vfs::Vfs* vfs, const std::string& path,
                                                 const DatabaseOptions& options) {
  std::unique_ptr<Database> db(new Database());
  db->vfs_ = vfs;
  STRATA_ASSIGN(db->store_, Store::open(vfs, path, options.store));
  STRATA_TRY(db->reload_catalog());
  return db;
}

Database::~Database() {
  if (tx_) tx_->rollback();
}

Status Database::reload_catalog() {
  Catalog loaded;
  if (tx_) {
    STRATA_ASSIGN(loaded, Catalog::load(tx_.get()));
  } else {
    STRATA_ASSIGN(std::unique_ptr<ReadTx> r, store_->begin_read());
    STRATA_ASSIGN(loaded, Catalog::load(r.get()));
  }
  loaded.keep_temporary_views(catalog_);
  catalog_ = std::move(loaded);
  ++plan_epoch_;
  // schema_changed_ stays: it says whether the open transaction changed the schema, which a
  // reload inside it (after undoing one statement) does not change.
  return Status::ok();
}

Result<WriteTx*> Database::write_tx() {
  if (!tx_) {
    STRATA_ASSIGN(tx_, store_->begin_write());
  }
  return tx_.get();
}

Status Database::finish_statement(bool ok) {
  if (explicit_tx_ || !tx_) return Status::ok();
  Status s = Status::ok();
  if (ok) {
    s = tx_->commit();
  } else {
    tx_->rollback();
  }
  tx_.reset();
  if (!ok || !s.is_ok()) {
    if (schema_changed_) STRATA_TRY(reload_catalog());
  }
  schema_changed_ = false;
  return s;
}

Result<std::unique_ptr<Statement>> Database::prepare(std::string_view sql) {
  sql::Parser parser(sql);
  STRATA_ASSIGN(std::optional<sql::ParsedStatement> parsed, parser.next());
  if (!parsed) return Status::invalid_argument("no statement to prepare");
  std::string text(sql.substr(parsed->begin, parsed->end - parsed->begin));
  return std::unique_ptr<Statement>(
      new Statement(this, std::move(parsed->stmt), std::move(text), std::move(parsed->parameters)));
}

Status Database::execute(std::string_view sql, const RowCallback& on_row) {
  sql::Parser parser(sql);
  while (true) {
    STRATA_ASSIGN(std::optional<sql::ParsedStatement> parsed, parser.next());
    if (!parsed) return Status::ok();
    std::string text(sql.substr(parsed->begin, parsed->end - parsed->begin));
    Statement stmt(this, std::move(parsed->stmt), std::move(text), std::move(parsed->parameters));
    while (true) {
      STRATA_ASSIGN(bool has_row, stmt.step());
      if (!has_row) break;
      if (on_row) on_row(stmt);
    }
  }
}

}  // namespace strata::query
