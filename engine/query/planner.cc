#include "engine/query/planner.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>

#include "engine/sql/printer.h"

namespace strata::query {

namespace {

constexpr double kDefaultSubqueryRows = 1000;
constexpr double kHashBuildCostPerRow = 3;  // hashing and copying a row
constexpr double kHashProbeCostPerRow = 1;
constexpr size_t kMaxExhaustiveItems = 12;

Status unsupported(const sql::SourcePos& pos, const std::string& what) {
  return at(pos, Status::unsupported(what));
}

// The column number an ORDER BY or GROUP BY term names, as sqlite3ExprIsInteger reads it: an
// integer literal that fits in 32 bits, under any number of unary + and -. Other integers
// (1e10, 4294967296) are constant expressions, which do not order anything.
std::optional<int64_t> term_ordinal(const sql::Expr& e) {
  if (const auto* lit = e.as<sql::Literal>()) {
    if (lit->kind != sql::LiteralKind::kInteger) return std::nullopt;
    int64_t v = lit->value.as_integer();
    if (v < 0 || v > std::numeric_limits<int32_t>::max()) return std::nullopt;
    return v;
  }
  if (const auto* u = e.as<sql::Unary>()) {
    if (u->op != sql::UnaryOp::kPlus && u->op != sql::UnaryOp::kMinus) return std::nullopt;
    std::optional<int64_t> v = term_ordinal(*u->operand);
    if (v && u->op == sql::UnaryOp::kMinus) *v = -*v;
    return v;
  }
  return std::nullopt;
}

std::string ordinal_word(size_t i) {
  size_t n = i + 1;
  const char* suffix = "th";
  if (n % 100 < 11 || n % 100 > 13) {
    if (n % 10 == 1) suffix = "st";
    if (n % 10 == 2) suffix = "nd";
    if (n % 10 == 3) suffix = "rd";
  }
  return std::to_string(n) + suffix;
}

void split_conjuncts(const sql::Expr& e, std::vector<const sql::Expr*>* out) {
  if (const auto* b = e.as<sql::Binary>(); b != nullptr && b->op == sql::BinaryOp::kAnd) {
    split_conjuncts(*b->left, out);
    split_conjuncts(*b->right, out);
    return;
  }
  out->push_back(&e);
}

// Structural equality of bound expressions (for matching ORDER BY terms of a compound).
bool same_expr(const BoundExpr& a, const BoundExpr& b) {
  if (a.kind != b.kind || a.args.size() != b.args.size()) return false;
  switch (a.kind) {
    case BoundKind::kConstant:
      if (!(a.constant == b.constant)) return false;
      break;
    case BoundKind::kColumn:
      if (a.index != b.index || a.depth != b.depth) return false;
      break;
    case BoundKind::kParameter:
      if (a.index != b.index) return false;
      break;
    case BoundKind::kSubquery:
      return false;
    default:
      if (a.unary_op != b.unary_op || a.binary_op != b.binary_op || a.like_op != b.like_op ||
          a.negated != b.negated || a.has_base != b.has_base || a.has_else != b.has_else ||
          a.has_escape != b.has_escape || a.name != b.name) {
        return false;
      }
  }
  for (size_t i = 0; i < a.args.size(); ++i) {
    if (!same_expr(*a.args[i], *b.args[i])) return false;
  }
  return true;
}

struct FromItem {
  const TableDef* table = nullptr;
  std::shared_ptr<QueryPlan> subplan;  // a subquery or view
  std::string label;
  bool left = false;    // the right side of a LEFT JOIN
  uint64_t prereq = 0;  // items that must be joined before it
  const sql::Expr* on = nullptr;
  std::vector<std::string> using_columns;
  bool natural = false;
  sql::IndexHint hint = sql::IndexHint::kNone;
  const IndexDef* forced_index = nullptr;
  const Catalog* catalog = nullptr;  // tables: the catalog of the generation read
  sql::SourcePos pos;
  double rows = 0;  // estimate
};

struct Conjunct {
  BoundExprPtr expr;
  uint64_t mask = 0;
  int on_item = -1;  // the LEFT JOIN item whose ON clause holds it
  bool placed = false;
  double selectivity = 1;
};

// How one item joins the items before it in the chosen order.
struct Step {
  int item = 0;
  bool hash = false;
  double cost = 0;
};

// One SELECT core, planned.
struct CorePlan {
  std::unique_ptr<RowOp> op;
  std::vector<std::string> names;
  std::vector<exec::OperandAffinity> affinities;
  std::unique_ptr<Scope> scope;
  std::vector<BoundExprPtr> outputs;  // copies, for a compound's ORDER BY
  std::vector<std::string> aliases;   // per output: the AS name, or empty
  bool correlated = false;
  std::vector<std::string> notes;
};

class CorePlanner {
 public:
  CorePlanner(PlanEnv* env, Scope* outer) : env_(env) {
    scope_ = std::make_unique<Scope>();
    scope_->outer = outer;
  }

  // `whole` is the SELECT when this core is all of it (its ORDER BY and LIMIT apply).
  Result<CorePlan> plan(const sql::SelectCore& core, const sql::Select* whole);

 private:
  Status add_from(const sql::TableRef& ref, sql::JoinKind kind, bool natural, const sql::Expr* on,
                  const std::vector<std::string>* using_columns);
  Status add_table_name(const sql::TableRef& ref, const sql::TableName& tn);
  Status add_subquery(const sql::TableRef& ref, const sql::Select& select, const std::string& alias,
                      const std::string& label, const std::vector<std::string>* column_names);
  Status add_join_conditions();
  BoundExprPtr column_expr(int item, int column);
  Status bind_result_columns(const sql::SelectCore& core);
  Status add_conjuncts(const sql::Expr& e, int on_item, Binder* binder);
  double selectivity(const BoundExpr& e) const;
  double column_distinct(int item, int column) const;
  // The cheapest way to join `item` after the items in `before` (nout: their estimated rows).
  Step evaluate_step(int item, uint64_t before, double nout);
  Status choose_order(std::vector<Step>* order);
  Result<std::unique_ptr<FrameOp>> build_joins(const std::vector<Step>& order,
                                               const std::vector<OrderKey>* order_by,
                                               bool* order_served);
  Result<std::unique_ptr<FrameOp>> scan_of(int item, const std::vector<size_t>& conjuncts,
                                           uint64_t available, bool inner, bool materialize,
                                           const std::vector<OrderKey>* order_by,
                                           bool* order_served, std::vector<bool>* answered,
                                           bool* keyed);
  double nout(uint64_t mask) const;

  PlanEnv* env_;
  std::unique_ptr<Scope> scope_;
  std::unique_ptr<Level> level_;
  std::vector<FromItem> items_;
  std::vector<Conjunct> conjuncts_;
  std::vector<BoundExprPtr> outputs_;
  std::vector<std::string> names_;
  std::vector<std::string> aliases_;
  std::vector<const sql::Expr*> output_asts_;  // null for * columns
  bool aggregate_ = false;
  std::vector<AggregateCall> calls_;
  std::vector<BoundExprPtr> group_by_;
  BoundExprPtr having_;
  int item_slots_ = 0;
  bool from_correlated_ = false;
};

// ---------------------------------------------------------------- FROM

Status CorePlanner::add_table_name(const sql::TableRef& ref, const sql::TableName& tn) {
  if (!tn.name.schema.empty() && lower(tn.name.schema) != "main") {
    if (lower(tn.name.schema) == "temp") {
      const ViewDef* v = env_->catalog->view(tn.name.name);
      if (v == nullptr || !v->temporary) {
        return at(ref.pos,
                  Status::not_found("no such table: " + tn.name.schema + "." + tn.name.name));
      }
    } else {
      return at(ref.pos,
                Status::not_found("no such table: " + tn.name.schema + "." + tn.name.name));
    }
  }
  const Catalog* in = env_->catalog;
  if (tn.as_of_generation) {
    // A retained generation, read in its own snapshot with the catalog it had.
    if (env_->store == nullptr || env_->run == nullptr) {
      return unsupported(ref.pos, "AS OF GENERATION here");
    }
    if (!env_->run->past) env_->run->past = std::make_shared<PastSnapshots>(env_->store);
    Result<const Catalog*> past = env_->run->past->catalog(*tn.as_of_generation);
    if (!past.ok()) return at(ref.pos, past.status());
    in = *past;
    env_->reusable = false;  // the snapshot ends with the run
    if (in->table(tn.name.name) == nullptr) {
      if (in->view(tn.name.name) != nullptr) {
        return unsupported(ref.pos, "AS OF GENERATION on a view (name its tables instead)");
      }
      return at(ref.pos, Status::not_found("no such table: " + tn.name.name + " in generation " +
                                           std::to_string(*tn.as_of_generation)));
    }
  }
  const Catalog& catalog = *in;
  if (const TableDef* table = catalog.table(tn.name.name)) {
    FromItem item;
    item.table = table;
    item.catalog = in;
    item.pos = ref.pos;
    item.hint = tn.hint;
    if (tn.hint == sql::IndexHint::kIndexedBy) {
      const IndexDef* idx = catalog.index(tn.index);
      if (idx == nullptr || lower(idx->table) != lower(table->name)) {
        return at(ref.pos, Status::invalid_argument("no such index: " + tn.index));
      }
      item.forced_index = idx;
    }
    item.rows = estimate_table(catalog, *table).rows;
    ScopeItem si;
    si.name = tn.alias.empty() ? table->name : tn.alias;
    si.table = table;
    si.as_of = tn.as_of_generation;
    for (const ColumnDef& c : table->columns)
      si.columns.push_back({c.name, {c.affinity, true}, false});
    items_.push_back(std::move(item));
    scope_->add_item(std::move(si));
    return Status::ok();
  }
  if (const ViewDef* view = catalog.view(tn.name.name)) {
    if (tn.hint != sql::IndexHint::kNone) {
      return at(ref.pos, Status::invalid_argument("no such index: " + tn.index));
    }
    std::string key = lower(view->name);
    if (std::find(env_->views_expanding.begin(), env_->views_expanding.end(), key) !=
        env_->views_expanding.end()) {
      return at(ref.pos, Status::invalid_argument("view " + view->name + " is circularly defined"));
    }
    env_->views_expanding.push_back(key);
    Status s = add_subquery(ref, *view->select, tn.alias.empty() ? view->name : tn.alias,
                            "View " + view->name, view->columns.empty() ? nullptr : &view->columns);
    env_->views_expanding.pop_back();
    return s;
  }
  if (lower(tn.name.name).rfind("sqlite_", 0) == 0) {
    // sqlite_schema, sqlite_master, sqlite_stat1, sqlite_sequence, ...: SQLite's own tables.
    return unsupported(ref.pos, "SQLite's system table " + tn.name.name);
  }
  return at(ref.pos, Status::not_found("no such table: " + tn.name.name));
}

Status CorePlanner::add_subquery(const sql::TableRef& ref, const sql::Select& select,
                                 const std::string& alias, const std::string& label,
                                 const std::vector<std::string>* column_names) {
  // A view's body sees no enclosing query; a subquery in FROM sees the enclosing queries of
  // this level, not its siblings.
  bool is_view = column_names != nullptr || label.rfind("View ", 0) == 0;
  STRATA_ASSIGN(std::shared_ptr<QueryPlan> plan,
                plan_select(env_, select, is_view ? nullptr : scope_->outer));
  if (column_names != nullptr && column_names->size() != plan->names.size()) {
    return at(ref.pos, Status::invalid_argument("expected " + std::to_string(column_names->size()) +
                                                " columns for '" + alias + "' but got " +
                                                std::to_string(plan->names.size())));
  }
  FromItem item;
  item.subplan = plan;
  item.label = label;
  item.pos = ref.pos;
  item.rows = kDefaultSubqueryRows;
  if (plan->correlated) from_correlated_ = true;
  ScopeItem si;
  si.name = alias;
  // Duplicate names are made unique as SQLite does (x, x:1, x:2, ...).
  for (size_t i = 0; i < plan->names.size(); ++i) {
    std::string name = column_names != nullptr ? (*column_names)[i] : plan->names[i];
    std::string unique = name;
    for (int n = 1;; ++n) {
      bool clash = false;
      for (const ScopeColumn& c : si.columns) clash = clash || lower(c.name) == lower(unique);
      if (!clash) break;
      unique = name + ":" + std::to_string(n);
    }
    si.columns.push_back({unique, plan->affinities[i], false});
  }
  items_.push_back(std::move(item));
  scope_->add_item(std::move(si));
  return Status::ok();
}

Status CorePlanner::add_from(const sql::TableRef& ref, sql::JoinKind kind, bool natural,
                             const sql::Expr* on, const std::vector<std::string>* using_columns) {
  size_t first = items_.size();
  if (const auto* tn = ref.as<sql::TableName>()) {
    STRATA_TRY(add_table_name(ref, *tn));
  } else if (const auto* sq = ref.as<sql::SubqueryTable>()) {
    std::string alias = sq->alias;
    if (alias.empty()) alias = "(subquery-" + std::to_string(items_.size() + 1) + ")";
    STRATA_TRY(add_subquery(ref, *sq->select, alias, "Subquery " + alias, nullptr));
  } else if (const auto* join = ref.as<sql::Join>()) {
    if (join->kind == sql::JoinKind::kRight || join->kind == sql::JoinKind::kFull) {
      return unsupported(ref.pos, "RIGHT and FULL OUTER JOIN");
    }
    STRATA_TRY(add_from(*join->left, sql::JoinKind::kComma, false, nullptr, nullptr));
    if (!join->right->as<sql::Join>()) {
      return add_from(*join->right, join->kind, join->natural, join->on.get(),
                      &join->using_columns);
    }
    // a JOIN (b JOIN c): only inner joins flatten without changing the meaning.
    if (join->kind == sql::JoinKind::kLeft || join->natural || !join->using_columns.empty()) {
      return unsupported(join->right->pos,
                         "a parenthesized join on the right of LEFT JOIN, NATURAL or USING");
    }
    size_t before = items_.size();
    STRATA_TRY(add_from(*join->right, sql::JoinKind::kInner, false, nullptr, nullptr));
    for (size_t i = before; i < items_.size(); ++i) {
      if (items_[i].left) {
        return unsupported(join->right->pos, "a parenthesized join with LEFT JOIN inside");
      }
    }
    if (join->on) items_[before].on = join->on.get();
    if (join->kind == sql::JoinKind::kCross) items_[before].prereq = (uint64_t{1} << before) - 1;
    return Status::ok();
  }
  if (items_.size() > 64)
    return at(ref.pos, Status::invalid_argument("at most 64 tables in a join"));
  if (first > 0 && items_.size() == first + 1) {
    FromItem& item = items_[first];
    item.left = kind == sql::JoinKind::kLeft;
    if (kind == sql::JoinKind::kLeft || kind == sql::JoinKind::kCross) {
      item.prereq = (uint64_t{1} << first) - 1;
    }
    item.on = on;
    item.natural = natural;
    if (using_columns != nullptr) item.using_columns = *using_columns;
    if (natural && (on != nullptr || !item.using_columns.empty())) {
      return at(ref.pos,
                Status::invalid_argument("a NATURAL join may not have an ON or USING clause"));
    }
    if (on != nullptr && !item.using_columns.empty()) {
      return at(ref.pos,
                Status::invalid_argument("cannot have both ON and USING clauses in the same join"));
    }
  } else if (first == 0 &&
             (on != nullptr || (using_columns != nullptr && !using_columns->empty()))) {
    return at(ref.pos, Status::invalid_argument("a JOIN clause is required before ON and USING"));
  }
  return Status::ok();
}

BoundExprPtr CorePlanner::column_expr(int item, int column) {
  ScopeItem& si = scope_->items[static_cast<size_t>(item)];
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundKind::kColumn;
  e->item = item;
  e->index = si.base + column;
  e->column = si.table != nullptr && column == si.table->rowid_column ? kRowidColumn : column;
  e->affinity = si.columns[static_cast<size_t>(column)].affinity.affinity;
  e->has_affinity = si.columns[static_cast<size_t>(column)].affinity.declared;
  e->text = si.name + "." + si.columns[static_cast<size_t>(column)].name;
  si.used[static_cast<size_t>(column)] = true;
  return e;
}

// NATURAL and USING become equality conjuncts (attached to a LEFT JOIN's item); the
// right-hand copy of each column is hidden from unqualified names and from *.
Status CorePlanner::add_join_conditions() {
  for (size_t k = 1; k < items_.size(); ++k) {
    FromItem& item = items_[k];
    std::vector<std::string> columns = item.using_columns;
    ScopeItem& right = scope_->items[k];
    if (item.natural) {
      for (const ScopeColumn& c : right.columns) {
        bool in_left = false;
        for (size_t j = 0; j < k && !in_left; ++j) {
          for (const ScopeColumn& lc : scope_->items[j].columns) {
            in_left = in_left || (!lc.hidden && lower(lc.name) == lower(c.name));
          }
        }
        if (in_left) columns.push_back(c.name);
      }
    }
    for (const std::string& name : columns) {
      int left_item = -1, left_col = -1, right_col = -1;
      for (size_t j = 0; j < k && left_item < 0; ++j) {
        const auto& cols = scope_->items[j].columns;
        for (size_t c = 0; c < cols.size(); ++c) {
          if (!cols[c].hidden && lower(cols[c].name) == lower(name)) {
            left_item = static_cast<int>(j);
            left_col = static_cast<int>(c);
            break;
          }
        }
      }
      for (size_t c = 0; c < right.columns.size(); ++c) {
        if (lower(right.columns[c].name) == lower(name)) right_col = static_cast<int>(c);
      }
      if (left_item < 0 || right_col < 0) {
        return at(item.pos, Status::invalid_argument("cannot join using column " + name +
                                                     " - column not present in both tables"));
      }
      auto eq = std::make_unique<BoundExpr>();
      eq->kind = BoundKind::kBinary;
      eq->binary_op = sql::BinaryOp::kEq;
      eq->args.push_back(column_expr(left_item, left_col));
      eq->args.push_back(column_expr(static_cast<int>(k), right_col));
      eq->text = "(" + eq->args[0]->text + " = " + eq->args[1]->text + ")";
      scope_->items[k].columns[static_cast<size_t>(right_col)].hidden = true;
      Conjunct c;
      c.mask = eq->item_mask();
      c.on_item = item.left ? static_cast<int>(k) : -1;
      c.selectivity = selectivity(*eq);
      c.expr = std::move(eq);
      conjuncts_.push_back(std::move(c));
    }
  }
  return Status::ok();
}

// ---------------------------------------------------------------- result columns

Status CorePlanner::bind_result_columns(const sql::SelectCore& core) {
  Binder binder(scope_.get(), env_);
  if (aggregate_) {
    binder.set_aggregates(AggregateUse::kCollect, &calls_);
  }
  for (const sql::ResultColumn& rc : core.columns) {
    if (rc.kind == sql::ResultColumnKind::kExpr) {
      STRATA_ASSIGN(BoundExprPtr b, binder.bind(*rc.expr));
      // SQLite's names: the alias; a column's declared name (the INTEGER PRIMARY KEY column
      // for any rowid alias, else "rowid"); otherwise the expression's source text.
      std::string name = rc.alias;
      if (name.empty() && rc.expr->is<sql::ColumnRef>() && b->kind == BoundKind::kColumn &&
          b->item >= 0) {
        Scope* s = scope_.get();
        for (int d = 0; d < b->depth; ++d) s = s->outer;
        const ScopeItem& item = s->items[static_cast<size_t>(b->item)];
        if (b->index == item.rowid_slot) {
          int ipk = item.table->rowid_column;
          name = ipk >= 0 ? item.table->columns[static_cast<size_t>(ipk)].name : "rowid";
        } else {
          name = item.columns[static_cast<size_t>(b->index - item.base)].name;
        }
      } else if (name.empty()) {
        name = rc.expr_text.text.empty() ? sql::to_sql(*rc.expr) : rc.expr_text.text;
      }
      names_.push_back(name);
      aliases_.push_back(rc.alias);
      outputs_.push_back(std::move(b));
      output_asts_.push_back(rc.expr.get());
      continue;
    }
    if (items_.empty()) return at(rc.pos, Status::invalid_argument("no tables specified"));
    bool found = false;
    for (size_t i = 0; i < scope_->items.size(); ++i) {
      const ScopeItem& item = scope_->items[i];
      bool table_star = rc.kind == sql::ResultColumnKind::kTableStar;
      if (table_star && lower(item.name) != lower(rc.table)) continue;
      found = true;
      for (size_t c = 0; c < item.columns.size(); ++c) {
        if (!table_star && item.columns[c].hidden) continue;
        std::string name = item.columns[c].name;
        BoundExprPtr e = column_expr(static_cast<int>(i), static_cast<int>(c));
        e->text = name;
        names_.push_back(name);
        aliases_.push_back("");
        outputs_.push_back(std::move(e));
        output_asts_.push_back(nullptr);
      }
    }
    if (!found) return at(rc.pos, Status::not_found("no such table: " + rc.table));
  }
  return Status::ok();
}

Status CorePlanner::add_conjuncts(const sql::Expr& e, int on_item, Binder* binder) {
  std::vector<const sql::Expr*> parts;
  split_conjuncts(e, &parts);
  for (const sql::Expr* part : parts) {
    STRATA_ASSIGN(BoundExprPtr b, binder->bind(*part));
    Conjunct c;
    c.mask = b->item_mask();
    c.on_item = on_item;
    c.selectivity = selectivity(*b);
    c.expr = std::move(b);
    conjuncts_.push_back(std::move(c));
  }
  return Status::ok();
}

// ---------------------------------------------------------------- estimates

double CorePlanner::column_distinct(int item, int column) const {
  const FromItem& fi = items_[static_cast<size_t>(item)];
  double rows = std::max(1.0, fi.rows);
  if (fi.table == nullptr) return std::max(1.0, rows / 10);
  if (column == kRowidColumn) return rows;
  TableEstimate est = estimate_table(*fi.catalog, *fi.table);
  for (const IndexDef* idx : fi.catalog->indexes_of(*fi.table)) {
    if (idx->columns[0] != column) continue;
    if (idx->unique && idx->columns.size() == 1) return rows;
    return std::max(1.0, rows / est.rows_per_key(*idx, 1));
  }
  return std::max(1.0, rows / 10);
}

double CorePlanner::selectivity(const BoundExpr& e) const {
  auto column = [](const BoundExpr& x) {
    return x.kind == BoundKind::kColumn && x.depth == 0 && x.item >= 0;
  };
  if (e.kind == BoundKind::kBinary) {
    switch (e.binary_op) {
      case sql::BinaryOp::kEq:
      case sql::BinaryOp::kIs: {
        const BoundExpr& l = *e.args[0];
        const BoundExpr& r = *e.args[1];
        double d = 1;
        if (column(l)) d = std::max(d, column_distinct(l.item, l.column));
        if (column(r)) d = std::max(d, column_distinct(r.item, r.column));
        return d > 1 ? 1 / d : 0.1;
      }
      case sql::BinaryOp::kLt:
      case sql::BinaryOp::kLe:
      case sql::BinaryOp::kGt:
      case sql::BinaryOp::kGe:
        return 0.25;
      case sql::BinaryOp::kAnd:
        return selectivity(*e.args[0]) * selectivity(*e.args[1]);
      default:
        return 0.5;
    }
  }
  if (e.kind == BoundKind::kBetween) return e.negated ? 0.75 : 0.0625;
  if (e.kind == BoundKind::kInList) return e.negated ? 0.75 : 0.25;
  if (e.kind == BoundKind::kIsNull) return e.negated ? 0.9 : 0.1;
  return 0.5;
}

double CorePlanner::nout(uint64_t mask) const {
  double rows = 1;
  for (size_t i = 0; i < items_.size(); ++i) {
    if (mask & (uint64_t{1} << i)) rows *= std::max(1.0, items_[i].rows);
  }
  for (const Conjunct& c : conjuncts_) {
    if (c.on_item < 0 && c.mask != 0 && (c.mask & ~mask) == 0) rows *= c.selectivity;
  }
  return std::max(1.0, rows);
}

// Whether conjunct c may be evaluated inside the scan of `item` when `before` is joined.
bool usable_inside(const Conjunct& c, int item, const FromItem& fi, uint64_t before) {
  uint64_t bit = uint64_t{1} << item;
  if (fi.left) return c.on_item == item;
  return c.on_item < 0 && (c.mask & bit) != 0 && (c.mask & ~(before | bit)) == 0;
}

// An equality usable as a hash join key: one side reads only `item`, the other only items
// in `before` (and at least one of them).
bool hash_key_sides(const BoundExpr& e, int item, uint64_t before, int* item_side) {
  if (e.kind != BoundKind::kBinary || e.binary_op != sql::BinaryOp::kEq) return false;
  uint64_t bit = uint64_t{1} << item;
  for (int side = 0; side < 2; ++side) {
    uint64_t m = e.args[side]->item_mask();
    uint64_t o = e.args[1 - side]->item_mask();
    if (m == bit && o != 0 && (o & ~before) == 0) {
      *item_side = side;
      return true;
    }
  }
  return false;
}

Step CorePlanner::evaluate_step(int item, uint64_t before, double nout_before) {
  const FromItem& fi = items_[static_cast<size_t>(item)];
  Step step;
  step.item = item;
  std::vector<const BoundExpr*> inside, build;
  bool has_key = false;
  for (const Conjunct& c : conjuncts_) {
    if (!usable_inside(c, item, fi, before)) continue;
    inside.push_back(c.expr.get());
    int side = 0;
    if (before != 0 && hash_key_sides(*c.expr, item, before, &side)) has_key = true;
    if (c.mask == (uint64_t{1} << item)) build.push_back(c.expr.get());
  }
  double outer = before == 0 ? 1 : nout_before;
  double nested, build_cost;
  if (fi.table != nullptr) {
    AccessRequest req;
    req.table = fi.table;
    req.item = item;
    req.catalog = fi.catalog;
    req.conjuncts = inside;
    req.available = before;
    req.hint = fi.hint;
    req.forced_index = fi.forced_index;
    AccessChoice choice;
    (void)plan_access(req, &choice);
    nested = outer * choice.cost;
    req.conjuncts = build;
    req.available = 0;
    AccessChoice alone;
    (void)plan_access(req, &alone);
    build_cost = alone.cost + kHashBuildCostPerRow * alone.rows;
  } else {
    nested = fi.rows + outer * fi.rows;
    build_cost = fi.rows * (1 + kHashBuildCostPerRow);
  }
  step.cost = nested;
  if (has_key) {
    double hashed = build_cost + kHashProbeCostPerRow * outer;
    if (hashed < nested) {
      step.hash = true;
      step.cost = hashed;
    }
  }
  return step;
}

Status CorePlanner::choose_order(std::vector<Step>* order) {
  size_t n = items_.size();
  order->clear();
  if (n == 0) return Status::ok();
  if (n <= kMaxExhaustiveItems) {
    size_t full = (size_t{1} << n) - 1;
    std::vector<double> best(full + 1, std::numeric_limits<double>::infinity());
    std::vector<Step> last(full + 1);
    best[0] = 0;
    for (size_t mask = 1; mask <= full; ++mask) {
      double before_rows = 0;
      // Later items first, so that ties keep the FROM order.
      for (int t = static_cast<int>(n) - 1; t >= 0; --t) {
        uint64_t bit = uint64_t{1} << t;
        if (!(mask & bit)) continue;
        uint64_t rest = mask & ~bit;
        if ((items_[static_cast<size_t>(t)].prereq & ~rest) != 0) continue;
        if (!std::isfinite(best[rest])) continue;
        before_rows = nout(rest);
        Step s = evaluate_step(t, rest, before_rows);
        double total = best[rest] + s.cost;
        if (total < best[mask]) {
          best[mask] = total;
          last[mask] = s;
        }
      }
    }
    if (!std::isfinite(best[full])) return Status::internal("no join order satisfies the joins");
    for (size_t mask = full; mask != 0;) {
      order->push_back(last[mask]);
      mask &= ~(size_t{1} << last[mask].item);
    }
    std::reverse(order->begin(), order->end());
    return Status::ok();
  }
  // Many items: greedily the cheapest next item.
  uint64_t joined = 0;
  for (size_t k = 0; k < n; ++k) {
    std::optional<Step> chosen;
    for (size_t t = 0; t < n; ++t) {
      uint64_t bit = uint64_t{1} << t;
      if ((joined & bit) || (items_[t].prereq & ~joined) != 0) continue;
      Step s = evaluate_step(static_cast<int>(t), joined, nout(joined));
      if (!chosen || s.cost < chosen->cost) chosen = s;
    }
    if (!chosen) return Status::internal("no join order satisfies the joins");
    order->push_back(*chosen);
    joined |= uint64_t{1} << chosen->item;
  }
  return Status::ok();
}

// ---------------------------------------------------------------- operators

Result<std::unique_ptr<FrameOp>> CorePlanner::scan_of(
    int item, const std::vector<size_t>& conjuncts, uint64_t available, bool inner,
    bool materialize, const std::vector<OrderKey>* order_by, bool* order_served,
    std::vector<bool>* answered, bool* keyed) {
  const FromItem& fi = items_[static_cast<size_t>(item)];
  const ScopeItem& si = scope_->items[static_cast<size_t>(item)];
  answered->assign(conjuncts.size(), false);
  *keyed = false;
  if (fi.table == nullptr) {
    env_->reusable = false;
    return std::unique_ptr<FrameOp>(
        std::make_unique<SubqueryScanOp>(level_.get(), si, fi.subplan, materialize, fi.label));
  }
  AccessRequest req;
  req.table = fi.table;
  req.item = item;
  req.catalog = fi.catalog;
  for (size_t c : conjuncts) req.conjuncts.push_back(conjuncts_[c].expr.get());
  req.available = available;
  req.order_by = order_by;
  req.hint = fi.hint;
  req.forced_index = fi.forced_index;
  AccessChoice choice;
  STRATA_TRY(plan_access(req, &choice));
  *answered = choice.answered;
  if (order_served != nullptr) *order_served = choice.order_served;
  const AccessPath& p = choice.path;
  for (const auto& e : p.eq) *keyed = *keyed || e->item_mask() != 0;
  if (p.lower) *keyed = *keyed || p.lower->expr->item_mask() != 0;
  if (p.upper) *keyed = *keyed || p.upper->expr->item_mask() != 0;
  return std::unique_ptr<FrameOp>(
      std::make_unique<TableScanOp>(level_.get(), si, std::move(choice.path), inner));
}

Result<std::unique_ptr<FrameOp>> CorePlanner::build_joins(const std::vector<Step>& order,
                                                          const std::vector<OrderKey>* order_by,
                                                          bool* order_served) {
  std::unique_ptr<FrameOp> spine;
  *order_served = false;
  if (order.empty()) {
    spine = std::make_unique<OneRowOp>(level_.get());
    BoundExprPtr filter;
    for (Conjunct& c : conjuncts_) {
      filter = and_of(std::move(filter), std::move(c.expr));
      c.placed = true;
    }
    if (filter)
      spine = std::make_unique<FilterOp>(level_.get(), std::move(spine), std::move(filter));
    return spine;
  }
  uint64_t joined = 0;
  for (size_t k = 0; k < order.size(); ++k) {
    int t = order[k].item;
    const FromItem& fi = items_[static_cast<size_t>(t)];
    uint64_t bit = uint64_t{1} << t;
    // Conjuncts evaluated inside this item's scan (or as its join condition) and after it.
    std::vector<size_t> inside, after;
    for (size_t c = 0; c < conjuncts_.size(); ++c) {
      Conjunct& cj = conjuncts_[c];
      if (cj.placed) continue;
      bool ready = (cj.mask & ~(joined | bit)) == 0;
      if (cj.on_item == t) {
        inside.push_back(c);
      } else if (cj.on_item < 0 && ready) {
        (fi.left ? after : inside).push_back(c);
      }
    }
    std::vector<bool> answered;
    bool keyed = false;
    auto place = [&](const std::vector<size_t>& which, const std::vector<bool>* skip) {
      BoundExprPtr all;
      for (size_t i = 0; i < which.size(); ++i) {
        Conjunct& cj = conjuncts_[which[i]];
        cj.placed = true;
        if (skip != nullptr && (*skip)[i]) continue;
        all = and_of(std::move(all), std::move(cj.expr));
      }
      return all;
    };
    auto filtered = [&](std::unique_ptr<FrameOp> op,
                        BoundExprPtr pred) -> std::unique_ptr<FrameOp> {
      if (!pred) return op;
      return std::make_unique<FilterOp>(level_.get(), std::move(op), std::move(pred));
    };
    if (k == 0) {
      bool served = false;
      STRATA_ASSIGN(std::unique_ptr<FrameOp> scan,
                    scan_of(t, inside, 0, false, false, order_by, &served, &answered, &keyed));
      *order_served = served;
      spine = filtered(std::move(scan), place(inside, &answered));
    } else if (!order[k].hash) {
      STRATA_ASSIGN(std::unique_ptr<FrameOp> scan,
                    scan_of(t, inside, joined, true, true, nullptr, nullptr, &answered, &keyed));
      std::unique_ptr<FrameOp> inner = filtered(std::move(scan), place(inside, &answered));
      std::string label =
          std::string(keyed ? "IndexNestedLoop" : "NestedLoop") + (fi.left ? " LEFT" : "");
      spine = std::make_unique<NestedLoopJoinOp>(level_.get(), std::move(spine), std::move(inner),
                                                 fi.left, label);
    } else {
      std::vector<HashJoinOp::Key> keys;
      std::vector<size_t> build, rest;
      for (size_t c : inside) {
        Conjunct& cj = conjuncts_[c];
        int side = 0;
        if (hash_key_sides(*cj.expr, t, joined, &side)) {
          HashJoinOp::Key key;
          key.affinity = exec::comparison_affinity(cj.expr->args[0]->operand_affinity(),
                                                   cj.expr->args[1]->operand_affinity());
          key.build = std::move(cj.expr->args[static_cast<size_t>(side)]);
          key.probe = std::move(cj.expr->args[static_cast<size_t>(1 - side)]);
          keys.push_back(std::move(key));
          cj.placed = true;
        } else if (cj.mask == bit) {
          build.push_back(c);
        } else {
          rest.push_back(c);
        }
      }
      STRATA_ASSIGN(std::unique_ptr<FrameOp> scan,
                    scan_of(t, build, 0, false, false, nullptr, nullptr, &answered, &keyed));
      std::unique_ptr<FrameOp> build_op = filtered(std::move(scan), place(build, &answered));
      // The build item's slots the rest of the query reads: its used columns and rowid.
      const ScopeItem& si = scope_->items[static_cast<size_t>(t)];
      std::vector<int> slots;
      for (size_t c = 0; c < si.columns.size(); ++c) {
        if (si.used[c]) slots.push_back(si.base + static_cast<int>(c));
      }
      if (si.rowid_slot >= 0) slots.push_back(si.rowid_slot);
      spine = std::make_unique<HashJoinOp>(level_.get(), std::move(spine), std::move(build_op),
                                           std::move(keys), place(rest, nullptr), fi.left,
                                           std::move(slots));
    }
    spine = filtered(std::move(spine), place(after, nullptr));
    joined |= bit;
  }
  // Conjuncts that read no item of this level (constants, enclosing queries) were placed
  // with the first item; nothing is left.
  return spine;
}

// ---------------------------------------------------------------- one core

Result<CorePlan> CorePlanner::plan(const sql::SelectCore& core, const sql::Select* whole) {
  CorePlan out;
  if (core.kind == sql::SelectCoreKind::kValues) {
    Binder binder(scope_.get(), env_);
    std::vector<std::vector<BoundExprPtr>> rows;
    for (const auto& values : core.values) {
      std::vector<BoundExprPtr> row;
      for (const auto& e : values) {
        STRATA_ASSIGN(BoundExprPtr b, binder.bind(*e));
        row.push_back(std::move(b));
      }
      rows.push_back(std::move(row));
    }
    size_t n = rows.empty() ? 0 : rows[0].size();
    for (size_t i = 0; i < n; ++i) {
      out.names.push_back("column" + std::to_string(i + 1));
      out.aliases.push_back("");
      out.affinities.push_back({});
      out.outputs.push_back(rows[0][i]->clone());
    }
    out.op = std::make_unique<ValuesOp>(std::make_unique<Level>(scope_->slots), std::move(rows));
    out.correlated = scope_->correlated;
    out.scope = std::move(scope_);
    return out;
  }

  if (core.from) STRATA_TRY(add_from(*core.from, sql::JoinKind::kComma, false, nullptr, nullptr));
  STRATA_TRY(add_join_conditions());
  item_slots_ = scope_->slots;

  aggregate_ = !core.group_by.empty();
  for (const sql::ResultColumn& rc : core.columns) {
    if (rc.kind == sql::ResultColumnKind::kExpr && contains_aggregate(*rc.expr)) aggregate_ = true;
  }
  if (core.having && !aggregate_) {
    return at(core.having->pos, Status::invalid_argument("HAVING clause on a non-aggregate query"));
  }
  STRATA_TRY(bind_result_columns(core));
  // From here on (WHERE, GROUP BY, HAVING, ORDER BY) a name that is no column may be a
  // result alias.
  std::vector<std::pair<std::string, const sql::Expr*>> aliases;
  for (const sql::ResultColumn& rc : core.columns) {
    if (rc.kind == sql::ResultColumnKind::kExpr && !rc.alias.empty()) {
      aliases.emplace_back(rc.alias, rc.expr.get());
    }
  }
  if (core.where) {
    Binder binder(scope_.get(), env_);
    binder.set_aliases(aliases);
    STRATA_TRY(add_conjuncts(*core.where, -1, &binder));
  }
  for (size_t k = 0; k < items_.size(); ++k) {
    if (items_[k].on == nullptr) continue;
    Binder binder(scope_.get(), env_);
    size_t before = conjuncts_.size();
    STRATA_TRY(add_conjuncts(*items_[k].on, items_[k].left ? static_cast<int>(k) : -1, &binder));
    if (items_[k].left) {
      uint64_t allowed = (uint64_t{2} << k) - 1;
      for (size_t c = before; c < conjuncts_.size(); ++c) {
        if ((conjuncts_[c].mask & ~allowed) != 0) {
          return at(items_[k].on->pos,
                    Status::invalid_argument("ON clause references tables to its right"));
        }
      }
    }
  }
  if (!core.group_by.empty()) {
    Binder binder(scope_.get(), env_);
    binder.set_aliases(aliases);
    binder.set_aggregates(AggregateUse::kGroupBy);
    for (size_t i = 0; i < core.group_by.size(); ++i) {
      const sql::Expr& term = *core.group_by[i];
      std::optional<int64_t> ordinal = term_ordinal(term);
      if (ordinal) {
        if (*ordinal < 1 || *ordinal > static_cast<int64_t>(outputs_.size())) {
          return at(term.pos,
                    Status::invalid_argument(
                        ordinal_word(i) + " GROUP BY term out of range - should be between 1 and " +
                        std::to_string(outputs_.size())));
        }
        const sql::Expr* src = output_asts_[static_cast<size_t>(*ordinal - 1)];
        if (src == nullptr) {
          group_by_.push_back(outputs_[static_cast<size_t>(*ordinal - 1)]->clone());
        } else {
          if (contains_aggregate(*src)) {
            return at(term.pos, Status::invalid_argument(
                                    "aggregate functions are not allowed in the GROUP BY clause"));
          }
          STRATA_ASSIGN(BoundExprPtr b, binder.bind(*src));
          group_by_.push_back(std::move(b));
        }
        continue;
      }
      STRATA_ASSIGN(BoundExprPtr b, binder.bind(term));
      group_by_.push_back(std::move(b));
    }
  }

  // ORDER BY (of a simple SELECT): a bare name that is a result alias is that column; an
  // integer is the k-th result column; anything else is an expression over the FROM items.
  std::vector<OrderKey> order_by;
  if (whole != nullptr) {
    Binder binder(scope_.get(), env_);
    binder.set_aliases(aliases);
    if (aggregate_) binder.set_aggregates(AggregateUse::kCollect, &calls_);
    for (size_t i = 0; i < whole->order_by.size(); ++i) {
      const sql::OrderingTerm& term = whole->order_by[i];
      OrderKey key;
      key.desc = term.order == sql::SortOrder::kDesc;
      key.nulls_first = term.nulls == sql::NullsOrder::kDefault
                            ? !key.desc
                            : term.nulls == sql::NullsOrder::kFirst;
      const sql::Expr* e = term.expr.get();
      while (const auto* c = e->as<sql::Collate>()) {
        if (lower(c->collation) != "binary") {
          return unsupported(e->pos, "collation " + c->collation + " (only BINARY)");
        }
        e = c->operand.get();
      }
      std::optional<int64_t> ordinal = term_ordinal(*e);
      const sql::ColumnRef* bare = e->as<sql::ColumnRef>();
      int alias_column = -1;
      if (bare != nullptr && bare->table.empty() && bare->schema.empty()) {
        for (size_t j = 0; j < aliases_.size() && alias_column < 0; ++j) {
          if (!aliases_[j].empty() && lower(aliases_[j]) == lower(bare->column)) {
            alias_column = static_cast<int>(j);
          }
        }
      }
      if (ordinal && alias_column < 0) {
        if (*ordinal < 1 || *ordinal > static_cast<int64_t>(outputs_.size())) {
          return at(e->pos,
                    Status::invalid_argument(
                        ordinal_word(i) + " ORDER BY term out of range - should be between 1 and " +
                        std::to_string(outputs_.size())));
        }
        alias_column = static_cast<int>(*ordinal - 1);
      }
      if (alias_column >= 0) {
        key.expr = outputs_[static_cast<size_t>(alias_column)]->clone();
      } else {
        STRATA_ASSIGN(key.expr, binder.bind(*e));
      }
      order_by.push_back(std::move(key));
    }
  }
  if (core.having) {
    Binder binder(scope_.get(), env_);
    binder.set_aliases(aliases);
    binder.set_aggregates(AggregateUse::kCollect, &calls_);
    STRATA_ASSIGN(having_, binder.bind(*core.having));
  }
  BoundExprPtr limit, offset;
  if (whole != nullptr && whole->limit) {
    // LIMIT and OFFSET see no column of this query.
    Scope empty;
    empty.outer = scope_->outer;
    Binder binder(&empty, env_);
    STRATA_ASSIGN(limit, binder.bind(*whole->limit));
    if (whole->offset) {
      STRATA_ASSIGN(offset, binder.bind(*whole->offset));
    }
  }

  // Operators.
  level_ = std::make_unique<Level>(scope_->slots);
  std::vector<Step> order;
  STRATA_TRY(choose_order(&order));
  bool may_serve_order = items_.size() == 1 && items_[0].table != nullptr && !aggregate_ &&
                         !core.distinct && !order_by.empty();
  bool order_served = false;
  STRATA_ASSIGN(std::unique_ptr<FrameOp> spine,
                build_joins(order, may_serve_order ? &order_by : nullptr, &order_served));
  if (order.size() > 1) {
    std::string names;
    for (const Step& s : order) {
      names += (names.empty() ? "" : ", ") + scope_->items[static_cast<size_t>(s.item)].name;
    }
    out.notes.push_back("Join order: " + names);
  }
  if (aggregate_) {
    AggregateSpec spec;
    spec.group_by = std::move(group_by_);
    spec.calls = std::move(calls_);
    spec.item_slots = item_slots_;
    spine = std::make_unique<AggregateOp>(level_.get(), std::move(spine), std::move(spec));
    if (having_)
      spine = std::make_unique<FilterOp>(level_.get(), std::move(spine), std::move(having_));
  }
  for (const auto& o : outputs_) {
    out.outputs.push_back(o->clone());
    out.affinities.push_back(o->operand_affinity());
  }
  out.names = names_;
  out.aliases = aliases_;
  size_t ncols = outputs_.size();
  std::vector<BoundExprPtr> sort_exprs;
  std::vector<SortKey> sort_keys;
  std::string sort_text;
  if (!order_served) {
    for (OrderKey& k : order_by) {
      sort_text += (sort_text.empty() ? "" : ", ") + k.expr->text + (k.desc ? " DESC" : "");
      sort_keys.push_back({ncols + sort_exprs.size(), k.desc, k.nulls_first});
      sort_exprs.push_back(std::move(k.expr));
    }
  }
  auto project = std::make_unique<ProjectOp>(std::move(level_), std::move(spine),
                                             std::move(outputs_), std::move(sort_exprs), names_);
  project->counts_returned = !limit;
  std::unique_ptr<RowOp> op = std::move(project);
  if (core.distinct) op = std::make_unique<DistinctOp>(std::move(op), ncols);
  if (!sort_keys.empty())
    op = std::make_unique<SortOp>(std::move(op), std::move(sort_keys), ncols, sort_text);
  if (limit) op = std::make_unique<LimitOp>(std::move(op), std::move(limit), std::move(offset));
  out.op = std::move(op);
  out.correlated = scope_->correlated || from_correlated_;
  out.scope = std::move(scope_);
  return out;
}

// Which result column a compound's ORDER BY term names (SQLite's resolveCompoundOrderBy):
// an ordinal, an AS name of any core, or an expression equal to a result column of a core.
Result<size_t> compound_order_column(PlanEnv* env, const sql::Expr& term, size_t index,
                                     std::vector<CorePlan>* cores) {
  size_t n = (*cores)[0].names.size();
  if (std::optional<int64_t> ordinal = term_ordinal(term)) {
    if (*ordinal < 1 || *ordinal > static_cast<int64_t>(n)) {
      return at(term.pos,
                Status::invalid_argument(ordinal_word(index) +
                                         " ORDER BY term out of range - should be between 1 and " +
                                         std::to_string(n)));
    }
    return static_cast<size_t>(*ordinal - 1);
  }
  const sql::ColumnRef* bare = term.as<sql::ColumnRef>();
  for (CorePlan& core : *cores) {
    if (bare != nullptr && bare->table.empty() && bare->schema.empty()) {
      for (size_t j = 0; j < core.aliases.size(); ++j) {
        if (!core.aliases[j].empty() && lower(core.aliases[j]) == lower(bare->column)) return j;
      }
    }
    Binder binder(core.scope.get(), env);
    Result<BoundExprPtr> bound = binder.bind(term);
    if (!bound.ok()) continue;
    for (size_t j = 0; j < core.outputs.size(); ++j) {
      if (same_expr(**bound, *core.outputs[j])) return j;
    }
  }
  return at(term.pos,
            Status::invalid_argument(ordinal_word(index) +
                                     " ORDER BY term does not match any column in the result set"));
}

}  // namespace

Result<std::shared_ptr<QueryPlan>> plan_select(PlanEnv* env, const sql::Select& select,
                                               Scope* outer) {
  auto plan = std::make_shared<QueryPlan>();
  if (select.cores.size() == 1) {
    CorePlanner planner(env, outer);
    STRATA_ASSIGN(CorePlan core, planner.plan(select.cores[0], &select));
    plan->root = std::move(core.op);
    plan->names = std::move(core.names);
    plan->affinities = std::move(core.affinities);
    plan->correlated = core.correlated;
    plan->notes = std::move(core.notes);
    return plan;
  }
  std::vector<CorePlan> cores;
  for (const sql::SelectCore& c : select.cores) {
    CorePlanner planner(env, outer);
    STRATA_ASSIGN(CorePlan core, planner.plan(c, nullptr));
    if (!cores.empty() && core.names.size() != cores[0].names.size()) {
      sql::CompoundOp op = select.ops[cores.size() - 1];
      return at(c.pos, Status::invalid_argument("SELECTs to the left and right of " +
                                                std::string(sql::compound_op_name(op)) +
                                                " do not have the same number of result columns"));
    }
    plan->correlated = plan->correlated || core.correlated;
    for (const std::string& note : core.notes) plan->notes.push_back(note);
    cores.push_back(std::move(core));
  }
  std::vector<SortKey> keys;
  std::string sort_text;
  for (size_t i = 0; i < select.order_by.size(); ++i) {
    const sql::OrderingTerm& term = select.order_by[i];
    const sql::Expr* e = term.expr.get();
    while (const auto* c = e->as<sql::Collate>()) {
      if (lower(c->collation) != "binary") {
        return unsupported(e->pos, "collation " + c->collation + " (only BINARY)");
      }
      e = c->operand.get();
    }
    STRATA_ASSIGN(size_t column, compound_order_column(env, *e, i, &cores));
    SortKey key;
    key.column = column;
    key.desc = term.order == sql::SortOrder::kDesc;
    key.nulls_first =
        term.nulls == sql::NullsOrder::kDefault ? !key.desc : term.nulls == sql::NullsOrder::kFirst;
    keys.push_back(key);
    sort_text +=
        (sort_text.empty() ? "" : ", ") + cores[0].names[column] + (key.desc ? " DESC" : "");
  }
  BoundExprPtr limit, offset;
  if (select.limit) {
    Scope empty;
    empty.outer = outer;
    Binder binder(&empty, env);
    STRATA_ASSIGN(limit, binder.bind(*select.limit));
    if (select.offset) {
      STRATA_ASSIGN(offset, binder.bind(*select.offset));
    }
  }
  size_t ncols = cores[0].names.size();
  plan->names = cores[0].names;
  plan->affinities = cores[0].affinities;
  std::unique_ptr<RowOp> op;
  if (keys.empty()) {
    op = std::move(cores[0].op);
    for (size_t i = 1; i < cores.size(); ++i) {
      op = std::make_unique<CompoundOp>(select.ops[i - 1], std::move(op), std::move(cores[i].op));
    }
  } else {
    // SQLite merges sorted sides (multiSelectOrderBy); which of equal rows (1, 1.0) survives
    // follows from that. Each operator other than UNION ALL extends the keys it passes down
    // to every column.
    auto sort_core = [&](size_t i, const std::vector<SortKey>& by) {
      std::string text;
      for (const SortKey& key : by) {
        text += (text.empty() ? "" : ", ") + cores[0].names[key.column] + (key.desc ? " DESC" : "");
      }
      return std::make_unique<SortOp>(std::move(cores[i].op), by, ncols, text);
    };
    std::function<std::unique_ptr<RowOp>(size_t, std::vector<SortKey>)> sorted =
        [&](size_t last, std::vector<SortKey> k) -> std::unique_ptr<RowOp> {
      if (last == 0) return sort_core(0, k);
      sql::CompoundOp op_here = select.ops[last - 1];
      if (op_here != sql::CompoundOp::kUnionAll) {
        for (size_t c = 0; c < ncols; ++c) {
          bool present = false;
          for (const SortKey& key : k) present = present || key.column == c;
          if (!present) k.push_back({c, false, true});
        }
      }
      std::unique_ptr<RowOp> left = sorted(last - 1, k);
      std::unique_ptr<RowOp> right = sort_core(last, k);
      return std::make_unique<MergeCompoundOp>(op_here, std::move(left), std::move(right), k);
    };
    op = sorted(cores.size() - 1, keys);
  }
  if (limit) op = std::make_unique<LimitOp>(std::move(op), std::move(limit), std::move(offset));
  plan->root = std::move(op);
  return plan;
}

Result<PlannedSubquery> plan_subquery(PlanEnv* env, const sql::Select& select, Scope* outer) {
  STRATA_ASSIGN(std::shared_ptr<QueryPlan> plan, plan_select(env, select, outer));
  PlannedSubquery out;
  out.columns = static_cast<int>(plan->names.size());
  out.affinities = plan->affinities;
  out.eval = std::make_shared<SubqueryRunner>(std::move(plan), env->run);
  env->reusable = false;
  return out;
}

Result<TableFilterPlan> plan_table_filter(PlanEnv* env, const TableDef& table,
                                          const sql::TableName& name, const sql::Expr* where) {
  TableFilterPlan out;
  out.scope = std::make_unique<Scope>(table_scope(table, name.alias));
  ScopeItem& item = out.scope->items[0];
  std::fill(item.used.begin(), item.used.end(), true);
  Binder binder(out.scope.get(), env);
  std::vector<BoundExprPtr> conjuncts;
  if (where != nullptr) {
    std::vector<const sql::Expr*> parts;
    split_conjuncts(*where, &parts);
    for (const sql::Expr* part : parts) {
      STRATA_ASSIGN(BoundExprPtr b, binder.bind(*part));
      conjuncts.push_back(std::move(b));
    }
  }
  AccessRequest req;
  req.table = &table;
  req.item = 0;
  req.catalog = env->catalog;
  for (const auto& c : conjuncts) req.conjuncts.push_back(c.get());
  req.hint = name.hint;
  if (name.hint == sql::IndexHint::kIndexedBy) {
    req.forced_index = env->catalog->index(name.index);
    if (req.forced_index == nullptr || lower(req.forced_index->table) != lower(table.name)) {
      return Status::invalid_argument("no such index: " + name.index);
    }
  }
  AccessChoice choice;
  STRATA_TRY(plan_access(req, &choice));
  BoundExprPtr residual;
  for (size_t i = 0; i < conjuncts.size(); ++i) {
    if (!choice.answered[i]) residual = and_of(std::move(residual), std::move(conjuncts[i]));
  }
  out.level = std::make_unique<Level>(out.scope->slots);
  std::unique_ptr<FrameOp> op =
      std::make_unique<TableScanOp>(out.level.get(), item, std::move(choice.path), false);
  if (residual)
    op = std::make_unique<FilterOp>(out.level.get(), std::move(op), std::move(residual));
  out.source = std::move(op);
  return out;
}

}  // namespace strata::query
