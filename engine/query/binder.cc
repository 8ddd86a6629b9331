#include "engine/query/binder.h"

#include <limits>
#include <optional>
#include <set>

#include "engine/exec/functions.h"
#include "engine/query/planner.h"
#include "engine/sql/printer.h"

namespace strata::query {

namespace {

// Functions SQLite 3.40 has (as Debian builds it) that engine/exec does not: refused as
// unsupported, not reported missing.
bool is_sqlite_function_strata_lacks(const std::string& name) {
  // clang-format off
  static const std::set<std::string> kNames = {
      "random", "randomblob", "printf", "format", "date", "time", "datetime", "julianday",
      "strftime", "unixepoch", "likelihood", "soundex", "load_extension", "sqlite_version",
      "sqlite_source_id", "sqlite_compileoption_get", "sqlite_compileoption_used",
      "sqlite_offset", "changes", "total_changes", "last_insert_rowid", "json", "json_array",
      "json_array_length", "json_extract", "json_insert", "json_object", "json_patch",
      "json_remove", "json_replace", "json_set", "json_type", "json_valid", "json_quote",
      "json_group_array", "json_group_object", "json_each", "json_tree", "acos", "acosh", "asin",
      "asinh", "atan", "atan2", "atanh", "ceil", "ceiling", "cos", "cosh", "degrees", "exp",
      "floor", "ln", "log", "log10", "log2", "mod", "pi", "pow", "power", "radians", "sin",
      "sinh", "sqrt", "tan", "tanh", "trunc", "row_number", "rank", "dense_rank",
      "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value", "last_value",
      "nth_value"};
  // clang-format on
  return kNames.count(name) > 0;
}

bool is_rowid_name(const std::string& lower_name) {
  return lower_name == "rowid" || lower_name == "oid" || lower_name == "_rowid_";
}

bool refers_to_this_level(const BoundExpr& e) {
  if (e.kind == BoundKind::kColumn && e.depth == 0) return true;
  if (e.kind == BoundKind::kSubquery && e.outer_mask != 0) return true;
  for (const auto& a : e.args) {
    if (refers_to_this_level(*a)) return true;
  }
  return false;
}

bool refers_to_outer_level(const BoundExpr& e) {
  if (e.kind == BoundKind::kColumn && e.depth > 0) return true;
  for (const auto& a : e.args) {
    if (refers_to_outer_level(*a)) return true;
  }
  return false;
}

}  // namespace

bool is_aggregate_function(const std::string& name, size_t args, bool star) {
  if (star) return name == "count";
  if (name == "count" || name == "sum" || name == "total" || name == "avg" ||
      name == "group_concat") {
    return true;
  }
  return (name == "min" || name == "max") && args == 1;
}

bool contains_aggregate(const sql::Expr& expr) {
  if (const auto* f = expr.as<sql::FunctionCall>()) {
    if (is_aggregate_function(lower(f->name), f->args.size(), f->star)) return true;
  }
  bool found = false;
  sql::for_each_child(expr,
                      [&](const sql::Expr& child) { found = found || contains_aggregate(child); });
  return found;
}

int Scope::add_item(ScopeItem item) {
  item.base = slots;
  slots += static_cast<int>(item.columns.size());
  if (item.table != nullptr) item.rowid_slot = slots++;
  item.used.assign(item.columns.size(), false);
  items.push_back(std::move(item));
  return static_cast<int>(items.size()) - 1;
}

Scope table_scope(const TableDef& table, const std::string& alias) {
  Scope scope;
  ScopeItem item;
  item.name = alias.empty() ? table.name : alias;
  item.table = &table;
  for (const ColumnDef& c : table.columns)
    item.columns.push_back({c.name, {c.affinity, true}, false});
  scope.add_item(std::move(item));
  return scope;
}

std::vector<Value> table_frame(const std::vector<Value>& row, int64_t rowid) {
  std::vector<Value> frame;
  frame.reserve(row.size() + 1);
  frame.insert(frame.end(), row.begin(), row.end());
  frame.push_back(Value::integer(rowid));
  return frame;
}

Result<BoundExprPtr> bind_table_expression(const TableDef* table, const sql::Expr& expr,
                                           ExprContext context) {
  Scope scope = table != nullptr ? table_scope(*table, "") : Scope();
  Binder binder(&scope, nullptr, context);
  return binder.bind(expr);
}

Result<BoundExprPtr> Binder::bind_column(const sql::Expr& expr, const sql::ColumnRef& ref) {
  std::string display = ref.table.empty() ? ref.column : ref.table + "." + ref.column;
  if (!ref.schema.empty() && lower(ref.schema) != "main") {
    return at(expr.pos, Status::not_found("no such column: " + ref.schema + "." + display));
  }
  if (!ref.schema.empty()) display = ref.schema + "." + display;
  if (context_ == ExprContext::kDefault) {
    return at(expr.pos, Status::invalid_argument("default value is not constant"));
  }
  std::string want_table = lower(ref.table);
  std::string want = lower(ref.column);
  int depth = 0;
  for (Scope* s = scope_; s != nullptr; s = s->outer, ++depth) {
    int found_item = -1, found_column = -1, matches = 0;
    bool rowid = false;
    for (size_t i = 0; i < s->items.size(); ++i) {
      const ScopeItem& item = s->items[i];
      if (!want_table.empty() && lower(item.name) != want_table) continue;
      for (size_t c = 0; c < item.columns.size(); ++c) {
        if (lower(item.columns[c].name) != want) continue;
        if (want_table.empty() && item.columns[c].hidden) continue;
        if (matches == 0 || found_item != static_cast<int>(i)) ++matches;
        if (found_item < 0) {
          found_item = static_cast<int>(i);
          found_column = static_cast<int>(c);
        }
        break;
      }
    }
    if (matches == 0 && is_rowid_name(want)) {
      // The rowid of the one stored table the name can mean.
      for (size_t i = 0; i < s->items.size(); ++i) {
        const ScopeItem& item = s->items[i];
        if (!want_table.empty() && lower(item.name) != want_table) continue;
        if (item.table == nullptr) continue;
        ++matches;
        if (found_item < 0) found_item = static_cast<int>(i);
      }
      rowid = matches > 0;
    }
    if (matches > 1) {
      return at(expr.pos, Status::invalid_argument("ambiguous column name: " + display));
    }
    if (matches == 1) {
      ScopeItem& item = s->items[static_cast<size_t>(found_item)];
      auto e = std::make_unique<BoundExpr>();
      e->kind = BoundKind::kColumn;
      e->pos = expr.pos;
      e->text = display;
      e->depth = depth;
      e->item = found_item;
      if (rowid) {
        e->index = item.rowid_slot;
        e->column = kRowidColumn;
        e->affinity = exec::Affinity::kInteger;
        e->has_affinity = true;
      } else {
        item.used[static_cast<size_t>(found_column)] = true;
        e->index = item.base + found_column;
        e->column = item.table != nullptr && found_column == item.table->rowid_column
                        ? kRowidColumn
                        : found_column;
        e->affinity = item.columns[static_cast<size_t>(found_column)].affinity.affinity;
        e->has_affinity = item.columns[static_cast<size_t>(found_column)].affinity.declared;
      }
      if (depth > 0) {
        for (Scope* inner = scope_; inner != s; inner = inner->outer) inner->correlated = true;
        s->refs_from_inner |= uint64_t{1} << found_item;
      }
      return e;
    }
    if (depth == 0 && ref.table.empty() && ref.schema.empty()) {
      // A result alias of this level, before the enclosing levels' columns.
      for (const auto& [alias, aliased] : aliases_) {
        if (lower(alias) == want && alias_depth_ == 0) return bind_alias(expr, ref, display);
      }
    }
  }
  return bind_alias(expr, ref, display);
}

Result<BoundExprPtr> Binder::bind_alias(const sql::Expr& expr, const sql::ColumnRef& ref,
                                        const std::string& display) {
  if (ref.table.empty() && ref.schema.empty() && alias_depth_ == 0) {
    std::string name = lower(ref.column);
    for (const auto& [alias, aliased] : aliases_) {
      if (lower(alias) != name) continue;
      // The first result column with this alias; its expression binds in this scope.
      ++alias_depth_;
      Result<BoundExprPtr> b = bind(*aliased);
      --alias_depth_;
      return b;
    }
  }
  return at(expr.pos, Status::not_found("no such column: " + display));
}

Result<BoundExprPtr> Binder::bind_aggregate(const sql::Expr& expr, const sql::FunctionCall& f,
                                            const std::string& name) {
  std::string shown = name + "()";
  if (in_aggregate_) {
    return at(expr.pos, Status::invalid_argument("misuse of aggregate function " + shown));
  }
  if (aggregate_use_ == AggregateUse::kGroupBy) {
    return at(expr.pos, Status::invalid_argument(
                            "aggregate functions are not allowed in the GROUP BY clause"));
  }
  if (aggregate_use_ == AggregateUse::kMisuse || calls_ == nullptr) {
    return at(expr.pos, Status::invalid_argument("misuse of aggregate: " + shown));
  }
  size_t n = f.args.size();
  bool arity_ok = name == "count" ? n <= 1 : name == "group_concat" ? (n == 1 || n == 2) : n == 1;
  if (f.star && name != "count") arity_ok = false;
  if (!arity_ok) {
    return at(expr.pos, Status::invalid_argument("wrong number of arguments to function " + shown));
  }
  if (f.distinct && n != 1) {
    return at(expr.pos,
              Status::invalid_argument("DISTINCT aggregates must have exactly one argument"));
  }
  AggregateCall call;
  call.name = name;
  call.distinct = f.distinct;
  call.text = sql::to_sql(expr);
  in_aggregate_ = true;
  for (const auto& a : f.args) {
    Result<BoundExprPtr> b = bind(*a);
    if (!b.ok()) {
      in_aggregate_ = false;
      return b.status();
    }
    call.args.push_back(std::move(b).value());
  }
  in_aggregate_ = false;
  bool local = false, outer = false;
  for (const auto& a : call.args) {
    local = local || refers_to_this_level(*a);
    outer = outer || refers_to_outer_level(*a);
  }
  if (outer && !local) {
    return at(expr.pos, Status::unsupported("an aggregate of an enclosing query's columns (" +
                                            call.text + ") inside a subquery"));
  }
  // Identical calls share a slot (SQLite computes them once).
  call.key = name + (call.distinct ? " distinct" : "") + "(";
  for (const auto& a : call.args) call.key += a->text + "\x1f";
  call.key += ")";
  int slot = -1;
  for (const AggregateCall& existing : *calls_) {
    if (existing.key == call.key) slot = existing.slot;
  }
  if (slot < 0) {
    slot = scope_->add_slot();
    call.slot = slot;
    calls_->push_back(std::move(call));
  }
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundKind::kColumn;
  e->pos = expr.pos;
  e->text = sql::to_sql(expr);
  e->index = slot;
  return e;
}

Result<BoundExprPtr> Binder::bind_subquery(const sql::Expr& expr, const sql::Select& select,
                                           SubqueryKind kind, const sql::In* in) {
  if (env_ == nullptr || context_ != ExprContext::kQuery) {
    if (context_ == ExprContext::kCheck) {
      return at(expr.pos, Status::invalid_argument("subqueries prohibited in CHECK constraints"));
    }
    if (context_ == ExprContext::kDefault) {
      return at(expr.pos, Status::invalid_argument("default value is not constant"));
    }
    return at(expr.pos, Status::unsupported("subqueries here"));
  }
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundKind::kSubquery;
  e->pos = expr.pos;
  e->text = sql::to_sql(expr);
  e->sub_kind = kind;
  if (in != nullptr) {
    e->negated = in->negated;
    STRATA_ASSIGN(BoundExprPtr operand, bind(*in->operand));
    e->args.push_back(std::move(operand));
  }
  uint64_t saved = scope_->refs_from_inner;
  scope_->refs_from_inner = 0;
  Result<PlannedSubquery> planned = plan_subquery(env_, select, scope_);
  e->outer_mask = scope_->refs_from_inner;
  scope_->refs_from_inner |= saved;
  if (!planned.ok()) return at(expr.pos, planned.status());
  if (kind != SubqueryKind::kExists && planned->columns != 1) {
    return at(expr.pos,
              Status::invalid_argument("sub-select returns " + std::to_string(planned->columns) +
                                       " columns - expected 1"));
  }
  e->subquery = std::move(planned->eval);
  if (kind == SubqueryKind::kScalar) {
    // A scalar subquery compares with the affinity of its result column, as in SQLite.
    e->affinity = planned->affinities[0].affinity;
    e->has_affinity = planned->affinities[0].declared;
  } else if (kind == SubqueryKind::kIn) {
    e->affinity = exec::comparison_affinity(e->args[0]->operand_affinity(), planned->affinities[0]);
  }
  return e;
}

Result<BoundExprPtr> Binder::bind(const sql::Expr& expr) {
  if (++depth_ > 1000) {
    --depth_;
    return at(expr.pos,
              Status::invalid_argument("expression tree is too large (maximum depth 1000)"));
  }
  struct DepthGuard {
    int* d;
    ~DepthGuard() { --*d; }
  } guard{&depth_};

  auto e = std::make_unique<BoundExpr>();
  e->pos = expr.pos;
  e->text = sql::to_sql(expr);
  auto bind_into = [&](const sql::ExprPtr& child) -> Status {
    STRATA_ASSIGN(BoundExprPtr b, bind(*child));
    e->args.push_back(std::move(b));
    return Status::ok();
  };

  if (const auto* lit = expr.as<sql::Literal>()) {
    switch (lit->kind) {
      case sql::LiteralKind::kCurrentTime:
      case sql::LiteralKind::kCurrentDate:
      case sql::LiteralKind::kCurrentTimestamp:
        return at(expr.pos,
                  Status::unsupported("CURRENT_TIME, CURRENT_DATE and CURRENT_TIMESTAMP"));
      default:
        e->kind = BoundKind::kConstant;
        e->constant = lit->value;
        return e;
    }
  }
  if (const auto* ref = expr.as<sql::ColumnRef>()) {
    // SQLite reads a double-quoted identifier that names no column as a string literal;
    // Strata refuses that misfeature rather than guessing.
    return bind_column(expr, *ref);
  }
  if (const auto* p = expr.as<sql::Parameter>()) {
    e->kind = BoundKind::kParameter;
    e->index = p->index;
    if (p->index > max_parameter_) max_parameter_ = p->index;
    if (env_ != nullptr && p->index > env_->max_parameter) env_->max_parameter = p->index;
    return e;
  }
  if (const auto* u = expr.as<sql::Unary>()) {
    // SQLite codes a minus applied directly to a numeric literal as the negative literal
    // (so -0.0 is REAL -0.0, not 0 - 0.0 = 0.0); only other operands are computed as 0 - x.
    // The folded -9223372036854775808 is already a literal and negates as 0 - x (to REAL).
    const auto* lit = u->operand->as<sql::Literal>();
    if (u->op == sql::UnaryOp::kMinus && lit != nullptr &&
        ((lit->kind == sql::LiteralKind::kInteger &&
          lit->value.as_integer() != std::numeric_limits<int64_t>::min()) ||
         lit->kind == sql::LiteralKind::kReal)) {
      e->kind = BoundKind::kConstant;
      e->constant = lit->kind == sql::LiteralKind::kInteger
                        ? Value::integer(-lit->value.as_integer())
                        : Value::real(-lit->value.as_real());
      return e;
    }
    if (u->op == sql::UnaryOp::kNot) {
      if (const auto* ex = u->operand->as<sql::Exists>()) {
        STRATA_ASSIGN(BoundExprPtr sub,
                      bind_subquery(*u->operand, *ex->select, SubqueryKind::kExists, nullptr));
        e->kind = BoundKind::kUnary;
        e->unary_op = u->op;
        e->args.push_back(std::move(sub));
        return e;
      }
    }
    e->kind = BoundKind::kUnary;
    e->unary_op = u->op;
    STRATA_TRY(bind_into(u->operand));
    return e;
  }
  if (const auto* b = expr.as<sql::Binary>()) {
    // The right operand as SQLite's TK_TRUEFALSE: TRUE, FALSE, or an empty IN list (which
    // SQLite's parser turns into FALSE, NOT IN () into TRUE).
    std::optional<bool> truth;
    if (const auto* lit = b->right->as<sql::Literal>()) {
      if (lit->kind == sql::LiteralKind::kTrue) truth = true;
      if (lit->kind == sql::LiteralKind::kFalse) truth = false;
    } else if (const auto* empty = b->right->as<sql::In>()) {
      if (empty->kind == sql::InKind::kList && empty->list.empty()) truth = empty->negated;
    }
    if ((b->op == sql::BinaryOp::kIs || b->op == sql::BinaryOp::kIsNot) && truth) {
      // x IS [NOT] TRUE|FALSE tests x as a boolean, as SQLite's TK_TRUTH does ('a' IS FALSE
      // is 1, 'a' IS 0 is 0; NULL is neither): found by the sql_diff fuzz target. Bound as
      // CASE WHEN x THEN t WHEN x IS NULL THEN n ELSE f END.
      bool want = *truth;
      bool negated = b->op == sql::BinaryOp::kIsNot;
      auto constant = [&](bool v) {
        auto c = std::make_unique<BoundExpr>();
        c->pos = expr.pos;
        c->constant = Value::integer(v != negated ? 1 : 0);
        c->text = c->constant.debug_string();
        return c;
      };
      e->kind = BoundKind::kCase;
      e->has_else = true;
      STRATA_TRY(bind_into(b->left));
      auto is_null = std::make_unique<BoundExpr>();
      is_null->kind = BoundKind::kIsNull;
      is_null->pos = expr.pos;
      is_null->text = e->args[0]->text + " ISNULL";
      is_null->args.push_back(e->args[0]->clone());
      e->args.push_back(constant(want));
      e->args.push_back(std::move(is_null));
      e->args.push_back(constant(false));
      e->args.push_back(constant(!want));
      return e;
    }
    e->kind = BoundKind::kBinary;
    e->binary_op = b->op;
    STRATA_TRY(bind_into(b->left));
    STRATA_TRY(bind_into(b->right));
    return e;
  }
  if (const auto* l = expr.as<sql::Like>()) {
    if (l->op != sql::LikeOp::kLike && l->op != sql::LikeOp::kGlob) {
      return at(expr.pos, Status::unsupported(std::string(sql::like_op_name(l->op)) + " operator"));
    }
    if (l->op == sql::LikeOp::kGlob && l->escape) {
      return at(expr.pos, Status::unsupported("ESCAPE with GLOB"));
    }
    e->kind = BoundKind::kLike;
    e->like_op = l->op;
    e->negated = l->negated;
    STRATA_TRY(bind_into(l->operand));
    STRATA_TRY(bind_into(l->pattern));
    if (l->escape) {
      e->has_escape = true;
      STRATA_TRY(bind_into(l->escape));
    }
    return e;
  }
  if (const auto* bt = expr.as<sql::Between>()) {
    e->kind = BoundKind::kBetween;
    e->negated = bt->negated;
    STRATA_TRY(bind_into(bt->operand));
    STRATA_TRY(bind_into(bt->low));
    STRATA_TRY(bind_into(bt->high));
    return e;
  }
  if (const auto* in = expr.as<sql::In>()) {
    if (in->kind == sql::InKind::kSelect) {
      return bind_subquery(expr, *in->select, SubqueryKind::kIn, in);
    }
    if (in->kind == sql::InKind::kTable) {
      // x IN t is x IN (SELECT * FROM t).
      sql::Select select;
      sql::SelectCore core;
      core.pos = expr.pos;
      sql::ResultColumn star;
      star.kind = sql::ResultColumnKind::kStar;
      star.pos = expr.pos;
      core.columns.push_back(std::move(star));
      auto from = sql::make_box<sql::TableRef>();
      from->pos = expr.pos;
      sql::TableName tn;
      tn.name = in->table;
      from->node = std::move(tn);
      core.from = std::move(from);
      select.pos = expr.pos;
      select.cores.push_back(std::move(core));
      return bind_subquery(expr, select, SubqueryKind::kIn, in);
    }
    if (in->list.empty()) {
      // SQLite folds x IN () to 0 and x NOT IN () to 1 while parsing, before x is resolved
      // (so even a NULL or an unknown column gives 0): found by the sql_diff fuzz target.
      e->kind = BoundKind::kConstant;
      e->constant = Value::integer(in->negated ? 1 : 0);
      return e;
    }
    e->kind = BoundKind::kInList;
    e->negated = in->negated;
    STRATA_TRY(bind_into(in->operand));
    for (const auto& item : in->list) STRATA_TRY(bind_into(item));
    return e;
  }
  if (const auto* isn = expr.as<sql::IsNull>()) {
    e->kind = BoundKind::kIsNull;
    e->negated = isn->negated;
    STRATA_TRY(bind_into(isn->operand));
    return e;
  }
  if (const auto* c = expr.as<sql::Collate>()) {
    if (lower(c->collation) != "binary") {
      return at(expr.pos, Status::unsupported("collation " + c->collation + " (only BINARY)"));
    }
    return bind(*c->operand);
  }
  if (const auto* cast = expr.as<sql::Cast>()) {
    e->kind = BoundKind::kCast;
    e->name = cast->type_name;
    e->affinity = exec::cast_affinity_of_type(cast->type_name);
    e->has_affinity = true;
    STRATA_TRY(bind_into(cast->operand));
    return e;
  }
  if (const auto* cs = expr.as<sql::Case>()) {
    e->kind = BoundKind::kCase;
    if (cs->base) {
      e->has_base = true;
      STRATA_TRY(bind_into(cs->base));
    }
    for (const auto& w : cs->whens) {
      STRATA_TRY(bind_into(w.when));
      STRATA_TRY(bind_into(w.then));
    }
    if (cs->else_result) {
      e->has_else = true;
      STRATA_TRY(bind_into(cs->else_result));
    }
    return e;
  }
  if (const auto* f = expr.as<sql::FunctionCall>()) {
    std::string name = lower(f->name);
    if (is_aggregate_function(name, f->args.size(), f->star)) return bind_aggregate(expr, *f, name);
    if (f->star) {
      return at(expr.pos,
                Status::invalid_argument("wrong number of arguments to function " + name + "()"));
    }
    if (f->distinct) return at(expr.pos, Status::unsupported("DISTINCT in a scalar function"));
    if (!exec::is_scalar_function(name)) {
      if (is_sqlite_function_strata_lacks(name)) {
        return at(expr.pos, Status::unsupported("function " + name + "()"));
      }
      return at(expr.pos, Status::invalid_argument("no such function: " + f->name));
    }
    e->kind = BoundKind::kFunction;
    e->name = name;
    for (const auto& a : f->args) STRATA_TRY(bind_into(a));
    return e;
  }
  if (const auto* ex = expr.as<sql::Exists>()) {
    return bind_subquery(expr, *ex->select, SubqueryKind::kExists, nullptr);
  }
  if (const auto* sq = expr.as<sql::Subquery>()) {
    return bind_subquery(expr, *sq->select, SubqueryKind::kScalar, nullptr);
  }
  return at(expr.pos, Status::unsupported("expression"));
}

}  // namespace strata::query
