#include "engine/query/database.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "engine/query/expr.h"
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
  read_tx_.reset();
  if (tx_) tx_->rollback();
}

Status Database::reload_catalog() {
  Catalog loaded;
  if (tx_) {
    STRATA_ASSIGN(loaded, Catalog::load(tx_.get()));
    catalog_generation_ = tx_->generation();
  } else if (read_tx_) {
    STRATA_ASSIGN(loaded, Catalog::load(read_tx_.get()));
    catalog_generation_ = read_tx_->generation();
  } else {
    STRATA_ASSIGN(std::unique_ptr<ReadTx> r, store_->begin_read());
    STRATA_ASSIGN(loaded, Catalog::load(r.get()));
    catalog_generation_ = r->generation();
  }
  loaded.keep_temporary_views(catalog_);
  catalog_ = std::move(loaded);
  ++plan_epoch_;
  // schema_changed_ stays: it says whether the open transaction changed the schema, which a
  // reload inside it (after undoing one statement) does not change.
  return Status::ok();
}

Status Database::sync_catalog(Tx* tx) {
  if (tx->generation() == catalog_generation_ || schema_changed_) return Status::ok();
  STRATA_ASSIGN(Catalog loaded, Catalog::load(tx));
  loaded.keep_temporary_views(catalog_);
  catalog_ = std::move(loaded);
  catalog_generation_ = tx->generation();
  ++plan_epoch_;  // plans kept by prepared statements point into the old catalog
  return Status::ok();
}

Result<WriteTx*> Database::write_tx() {
  if (!tx_) {
    STRATA_ASSIGN(std::unique_ptr<WriteTx> tx, store_->begin_write());
    if (read_tx_) {
      // A deferred transaction that read first can write only on top of what it read, as
      // SQLite's WAL mode answers SQLITE_BUSY_SNAPSHOT.
      if (tx->generation() != read_tx_->generation()) {
        tx->rollback();
        return Status::busy(
            "database is locked: another connection committed since this transaction's "
            "snapshot (generation " + std::to_string(read_tx_->generation()) + ", now " +
            std::to_string(tx->generation()) + "); roll back and retry");
      }
      read_tx_.reset();
    }
    if (Status s = sync_catalog(tx.get()); !s.is_ok()) {
      tx->rollback();
      return s;
    }
    tx_ = std::move(tx);
  }
  return tx_.get();
}

std::optional<uint64_t> Database::snapshot_generation() const {
  if (tx_) return tx_->generation();
  if (read_tx_) return read_tx_->generation();
  return std::nullopt;
}

Result<Tx*> Database::read_view(std::unique_ptr<ReadTx>* holder) {
  if (tx_) return static_cast<Tx*>(tx_.get());
  if (explicit_tx_) {
    if (!read_tx_) {
      STRATA_ASSIGN(std::unique_ptr<ReadTx> snapshot, store_->begin_read());
      STRATA_TRY(sync_catalog(snapshot.get()));
      read_tx_ = std::move(snapshot);
    }
    return static_cast<Tx*>(read_tx_.get());
  }
  STRATA_ASSIGN(*holder, store_->begin_read());
  STRATA_TRY(sync_catalog(holder->get()));
  return static_cast<Tx*>(holder->get());
}

Status Database::finish_statement(bool ok) {
  if (explicit_tx_ || !tx_) return Status::ok();
  Status s = Status::ok();
  if (ok) {
    s = tx_->commit();
    if (s.is_ok()) catalog_generation_ = store_->meta().generation;
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

namespace strata::query {

Status Database::run_pragma(const sql::Pragma& pragma, Statement* stmt) {
  std::string name = pragma.name.name;
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto answer = [&](std::string column, int64_t value) {
    auto out = std::make_unique<Statement::Run>();
    out->materialized = true;
    out->buffer.push_back({Value::integer(value)});
    stmt->names_ = {std::move(column)};
    stmt->run_ = std::move(out);
    return Status::ok();
  };
  if (name == "generation") {
    // PRAGMA generation: the commit this connection reads (inside a write transaction, the
    // one it started from; its commit will be that + 1). Strata's own, for time travel.
    if (pragma.value_kind != sql::PragmaValueKind::kNone) {
      return at(stmt->stmt_->pos, Status::invalid_argument("PRAGMA generation is read-only"));
    }
    std::unique_ptr<ReadTx> holder;
    STRATA_ASSIGN(Tx* tx, read_view(&holder));
    const uint64_t generation = tx->generation();
    if (holder) STRATA_TRY(holder->end());
    return answer("generation", static_cast<int64_t>(generation));
  }
  if (name == "retain_generations") {
    // PRAGMA retain_generations [= N]: how many generations before the newest stay readable
    // (SELECT ... FROM t AS OF GENERATION g). Setting it is a write, committed with the
    // transaction (at once in autocommit).
    if (pragma.value_kind == sql::PragmaValueKind::kNone) {
      if (tx_) return answer("retain_generations", tx_->retain_generations());
      std::unique_ptr<ReadTx> holder;
      STRATA_TRY(read_view(&holder).status_or_ok());
      if (holder) STRATA_TRY(holder->end());
      return answer("retain_generations", store_->meta().retain_generations);
    }
    const std::string& text = pragma.value;
    uint64_t n = 0;
    bool valid = pragma.value_kind == sql::PragmaValueKind::kNumber && !text.empty();
    for (size_t i = (valid && text[0] == '+') ? 1 : 0; valid && i < text.size(); ++i) {
      valid = std::isdigit(static_cast<unsigned char>(text[i])) && n <= INT32_MAX;
      if (valid) n = n * 10 + static_cast<uint64_t>(text[i] - '0');
    }
    if (!valid || n > INT32_MAX) {
      return at(stmt->stmt_->pos,
                Status::invalid_argument("PRAGMA retain_generations takes a whole number from 0 "
                                         "to 2147483647, not " + text));
    }
    STRATA_ASSIGN(WriteTx * tx, write_tx());
    tx->set_retain_generations(static_cast<uint32_t>(n));
    if (!explicit_tx_) STRATA_TRY(finish_statement(true));
    return answer("retain_generations", static_cast<int64_t>(n));
  }
  if (name != "busy_timeout") {
    return at(stmt->stmt_->pos, Status::unsupported("PRAGMA " + pragma.name.name));
  }
  // PRAGMA busy_timeout [= ms]: how long a write waits for another handle's write lock;
  // answers the (new) value, as SQLite does.
  if (pragma.value_kind != sql::PragmaValueKind::kNone) {
    int64_t ms = 0;
    const std::string& text = pragma.value;
    size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) &&
           ms < int64_t{1} << 40) {
      ms = ms * 10 + (text[i++] - '0');
    }
    if (negative) ms = 0;
    store_->set_busy_timeout(static_cast<uint32_t>(std::min<int64_t>(ms, INT32_MAX)));
  }
  auto out = std::make_unique<Statement::Run>();
  out->materialized = true;
  out->buffer.push_back({Value::integer(store_->busy_timeout())});
  stmt->names_ = {"timeout"};
  stmt->run_ = std::move(out);
  return Status::ok();
}

}  // namespace strata::query
