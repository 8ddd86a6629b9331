#include "engine/query/database.h"

#include "engine/query/run.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <set>

#include "engine/codec/key_codec.h"
#include "engine/codec/row_format.h"
#include "engine/exec/value_ops.h"
#include "engine/sql/printer.h"

namespace strata::query {

namespace {

Status too_complex(const sql::SourcePos& pos, const std::string& what) {
  return at(pos, Status::unsupported(what));
}

// The column number an ORDER BY term names, as sqlite3ExprIsInteger reads it: an integer
// literal that fits in 32 bits, under any number of unary + and -. Other integers (1e10,
// 4294967296) are constant expressions, which do not order anything.
std::optional<int64_t> order_by_ordinal(const sql::Expr& e) {
  if (const auto* lit = e.as<sql::Literal>()) {
    if (lit->kind != sql::LiteralKind::kInteger) return std::nullopt;
    int64_t v = lit->value.as_integer();
    if (v < 0 || v > std::numeric_limits<int32_t>::max()) return std::nullopt;
    return v;
  }
  if (const auto* u = e.as<sql::Unary>()) {
    if (u->op != sql::UnaryOp::kPlus && u->op != sql::UnaryOp::kMinus) return std::nullopt;
    std::optional<int64_t> v = order_by_ordinal(*u->operand);
    if (v && u->op == sql::UnaryOp::kMinus) *v = -*v;
    return v;
  }
  return std::nullopt;
}

}  // namespace

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

// Builds the plan of a SELECT over at most one table.
Status plan_select_for(Database* db, const sql::Select& select, SelectPlan* plan) {
  if (select.cores.size() != 1) {
    return too_complex(select.pos, "compound SELECT (UNION, INTERSECT, EXCEPT)");
  }
  const sql::SelectCore& core = select.cores[0];
  if (core.kind == sql::SelectCoreKind::kValues) return too_complex(core.pos, "VALUES as a query");
  if (!core.group_by.empty() || core.having) return too_complex(core.pos, "GROUP BY and HAVING");
  const TableDef* table = nullptr;
  std::string alias;
  if (core.from) {
    const sql::TableName* tn = core.from->as<sql::TableName>();
    if (tn == nullptr) {
      return too_complex(core.from->pos, core.from->as<sql::Join>() ? "joins" : "subqueries in FROM");
    }
    if (tn->hint != sql::IndexHint::kNone) return too_complex(core.from->pos, "INDEXED BY / NOT INDEXED");
    table = db->catalog().table(tn->name.name);
    if (table == nullptr || (!tn->name.schema.empty() && lower(tn->name.schema) != "main")) {
      return at(core.from->pos, Status::not_found("no such table: " + tn->name.name));
    }
    alias = tn->alias;
  }
  Binder binder(table, alias);

  // Result columns.
  std::vector<const sql::Expr*> output_asts;  // for ORDER BY aliases and ordinals
  for (const sql::ResultColumn& rc : core.columns) {
    if (rc.kind == sql::ResultColumnKind::kExpr) {
      STRATA_ASSIGN(BoundExprPtr b, binder.bind(*rc.expr));
      // SQLite's names: the alias; a column's declared name (the INTEGER PRIMARY KEY column
      // for any rowid alias, else "rowid"); otherwise the expression's source text.
      std::string name = rc.alias;
      if (name.empty() && rc.expr->is<sql::ColumnRef>() && table != nullptr &&
          (b->kind == BoundKind::kColumn || b->kind == BoundKind::kRowid)) {
        int column = b->kind == BoundKind::kColumn ? b->index : table->rowid_column;
        name = column >= 0 ? table->columns[column].name : "rowid";
      } else if (name.empty()) {
        name = rc.expr_text.text.empty() ? sql::to_sql(*rc.expr) : rc.expr_text.text;
      }
      plan->names.push_back(name);
      plan->outputs.push_back(std::move(b));
      output_asts.push_back(rc.expr.get());
      continue;
    }
    if (table == nullptr) return at(rc.pos, Status::invalid_argument("no tables specified"));
    if (rc.kind == sql::ResultColumnKind::kTableStar) {
      std::string want = lower(rc.table);
      if (want != lower(alias.empty() ? table->name : alias)) {
        return at(rc.pos, Status::not_found("no such table: " + rc.table));
      }
    }
    for (size_t i = 0; i < table->columns.size(); ++i) {
      auto b = std::make_unique<BoundExpr>();
      if (static_cast<int>(i) == table->rowid_column) {
        b->kind = BoundKind::kRowid;
      } else {
        b->kind = BoundKind::kColumn;
        b->index = static_cast<int>(i);
      }
      b->affinity = table->columns[i].affinity;
      b->has_affinity = true;
      b->text = table->columns[i].name;
      plan->names.push_back(table->columns[i].name);
      plan->outputs.push_back(std::move(b));
      output_asts.push_back(nullptr);
    }
  }
  plan->distinct = core.distinct;
  // From here on (WHERE, ORDER BY) a name that is no column may be a result alias.
  std::vector<std::pair<std::string, const sql::Expr*>> aliases;
  for (const sql::ResultColumn& rc : core.columns) {
    if (rc.kind == sql::ResultColumnKind::kExpr && !rc.alias.empty()) {
      aliases.emplace_back(rc.alias, rc.expr.get());
    }
  }
  binder.set_aliases(aliases);

  // ORDER BY (after skipping COLLATE): a bare name that is a result alias is that column; an
  // integer (SQLite: a literal that fits in 32 bits, with any + and - signs) is the k-th
  // result column; anything else is an expression over the table.
  for (const sql::OrderingTerm& term : select.order_by) {
    OrderKey key;
    key.desc = term.order == sql::SortOrder::kDesc;
    key.nulls_first = term.nulls == sql::NullsOrder::kDefault ? !key.desc
                                                              : term.nulls == sql::NullsOrder::kFirst;
    const sql::Expr* e = term.expr.get();
    while (const auto* c = e->as<sql::Collate>()) e = c->operand.get();
    std::optional<int64_t> ordinal = order_by_ordinal(*e);
    const sql::ColumnRef* bare = e->as<sql::ColumnRef>();
    bool alias_term = false;
    if (bare != nullptr && bare->table.empty() && bare->schema.empty()) {
      for (const auto& a : aliases) {
        alias_term = alias_term || lower(a.first) == lower(bare->column);
      }
    }
    if (ordinal && !alias_term) {
      int64_t k = *ordinal;
      if (k < 1 || k > static_cast<int64_t>(plan->outputs.size())) {
        return at(e->pos, Status::invalid_argument(
                              "ORDER BY term out of range - should be between 1 and " +
                              std::to_string(plan->outputs.size())));
      }
      const sql::Expr* src = output_asts[k - 1];
      if (src == nullptr) {
        key.expr = plan->outputs[k - 1]->clone();
      } else {
        STRATA_ASSIGN(key.expr, binder.bind(*src));
      }
    } else {
      const sql::ColumnRef* ref = e->as<sql::ColumnRef>();
      bool aliased = false;
      if (ref != nullptr && ref->table.empty() && ref->schema.empty()) {
        for (size_t i = 0; i < core.columns.size() && i < output_asts.size(); ++i) {
          if (!core.columns[i].alias.empty() && lower(core.columns[i].alias) == lower(ref->column) &&
              output_asts[i] != nullptr) {
            STRATA_ASSIGN(key.expr, binder.bind(*output_asts[i]));
            aliased = true;
            break;
          }
        }
      }
      if (!aliased) {
        STRATA_ASSIGN(key.expr, binder.bind(*e));
      }
    }
    plan->order_by.push_back(std::move(key));
  }

  bool order_served = false;
  if (table != nullptr) {
    STRATA_TRY(plan_access(table, db->catalog(), &binder, core.where.get(),
                           plan->distinct ? nullptr : &plan->order_by, &plan->access,
                           &plan->residual, &order_served));
  } else if (core.where) {
    STRATA_ASSIGN(plan->residual, binder.bind(*core.where));
  }
  plan->sort_needed = !plan->order_by.empty() && !order_served;
  binder.set_aliases({});  // LIMIT and OFFSET see no aliases (nor columns)
  if (select.limit) {
    STRATA_ASSIGN(plan->limit, binder.bind(*select.limit));
    if (!plan->limit->is_constant_for_scan()) {
      return at(select.limit->pos, Status::invalid_argument("LIMIT must not refer to columns"));
    }
  }
  if (select.offset) {
    STRATA_ASSIGN(plan->offset, binder.bind(*select.offset));
  }
  plan->parameters = binder.max_parameter();
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
  if (tx_) {
    STRATA_ASSIGN(catalog_, Catalog::load(tx_.get()));
  } else {
    STRATA_ASSIGN(std::unique_ptr<ReadTx> r, store_->begin_read());
    STRATA_ASSIGN(catalog_, Catalog::load(r.get()));
  }
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
