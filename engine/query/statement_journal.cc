#include "engine/query/statement_journal.h"

#include <set>
#include <string>

namespace strata::query {

namespace {

bool is_rowid_name(const std::string& lower_name) {
  return lower_name == "rowid" || lower_name == "oid" || lower_name == "_rowid_";
}

bool any_calls(const sql::ExprPtr& e) { return e && calls_function(*e); }

bool select_calls_function(const sql::Select& select) {
  for (const sql::SelectCore& core : select.cores) {
    for (const sql::ResultColumn& rc : core.columns) {
      if (any_calls(rc.expr)) return true;
    }
    if (any_calls(core.where) || any_calls(core.having)) return true;
    for (const auto& e : core.group_by) {
      if (any_calls(e)) return true;
    }
    for (const auto& row : core.values) {
      for (const auto& e : row) {
        if (any_calls(e)) return true;
      }
    }
  }
  for (const sql::OrderingTerm& term : select.order_by) {
    if (any_calls(term.expr)) return true;
  }
  return any_calls(select.limit) || any_calls(select.offset);
}

// Whether `e` refers to a changed column, or to the rowid when it changes (an INTEGER
// PRIMARY KEY column is the rowid), as sqlite3ExprReferencesUpdatedColumn decides.
bool references(const sql::Expr& e, const TableDef& table, const std::set<int>& changed,
                bool rowid_changed) {
  if (const auto* ref = e.as<sql::ColumnRef>()) {
    int c = table.find_column(ref->column);
    if (c >= 0 && c != table.rowid_column) return changed.count(c) > 0;
    return rowid_changed && (c >= 0 || is_rowid_name(lower(ref->column)));
  }
  bool found = false;
  sql::for_each_child(e, [&](const sql::Expr& child) {
    if (!found) found = references(child, table, changed, rowid_changed);
  });
  return found;
}

bool any_not_null(const TableDef& table, const std::set<int>* only) {
  for (size_t i = 0; i < table.columns.size(); ++i) {
    int c = static_cast<int>(i);
    if (!table.columns[i].not_null || c == table.rowid_column) continue;
    if (only == nullptr || only->count(c) > 0) return true;
  }
  return false;
}

bool insert_keeps_partial_writes(const sql::Insert& ins, const TableDef& table,
                                 const Catalog& catalog) {
  // Several rows: a SELECT, or VALUES with more than one row (SQLite 3.40 codes those as
  // a compound SELECT; a single VALUES row is not one).
  if (!ins.select) return false;
  const sql::Select& sel = *ins.select;
  bool single_values = sel.cores.size() == 1 && sel.cores[0].kind == sql::SelectCoreKind::kValues &&
                       sel.cores[0].values.size() == 1 && sel.order_by.empty() && !sel.limit;
  if (single_values) return false;

  std::set<int> given;
  bool rowid_given = false;
  if (ins.columns.empty()) {
    for (size_t i = 0; i < table.columns.size(); ++i) given.insert(static_cast<int>(i));
    rowid_given = table.rowid_column >= 0;
  } else {
    for (const std::string& name : ins.columns) {
      int c = table.find_column(name);
      if (c >= 0) given.insert(c);
      if ((c >= 0 && c == table.rowid_column) || (c < 0 && is_rowid_name(lower(name)))) {
        rowid_given = true;
      }
    }
  }
  // Code that calls functions: the rows, the defaults of omitted columns, the CHECKs.
  if (select_calls_function(sel)) return false;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (given.count(static_cast<int>(i)) == 0 && any_calls(table.columns[i].default_value)) {
      return false;
    }
  }
  for (const CheckDef& check : table.checks) {
    if (any_calls(check.expr)) return false;
  }
  bool any_unique = false;
  for (const IndexDef* idx : catalog.indexes_of(table)) any_unique = any_unique || idx->unique;
  switch (ins.or_action) {
    case sql::ConflictAction::kIgnore:
      return true;
    case sql::ConflictAction::kReplace:
      // REPLACE turns into ABORT for NOT NULL (on a second pass, even with a DEFAULT) and CHECK.
      return !any_not_null(table, nullptr) && table.checks.empty();
    default:
      return !any_not_null(table, nullptr) && table.checks.empty() && !rowid_given && !any_unique;
  }
}

bool update_keeps_partial_writes(const sql::Update& upd, const TableDef& table,
                                 const Catalog& catalog) {
  std::set<int> changed;
  bool rowid_changed = false;
  for (const sql::Assignment& a : upd.assignments) {
    int c = table.find_column(a.column);
    if (c >= 0 && c != table.rowid_column) changed.insert(c);
    if ((c >= 0 && c == table.rowid_column) || (c < 0 && is_rowid_name(lower(a.column)))) {
      rowid_changed = true;
    }
    if (any_calls(a.value)) return false;
  }
  if (any_calls(upd.where)) return false;
  // Only the CHECKs that read a changed column are coded.
  bool checked = false;
  for (const CheckDef& check : table.checks) {
    if (!check.expr || !references(*check.expr, table, changed, rowid_changed)) continue;
    checked = true;
    if (calls_function(*check.expr)) return false;
  }
  bool unique_checked = false;
  for (const IndexDef* idx : catalog.indexes_of(table)) {
    if (!idx->unique) continue;
    for (int c : idx->columns) unique_checked = unique_checked || changed.count(c) > 0;
    unique_checked = unique_checked || rowid_changed;
  }
  switch (upd.or_action) {
    case sql::ConflictAction::kIgnore:
      return true;
    case sql::ConflictAction::kReplace:
      return !any_not_null(table, &changed) && !checked;
    default:
      return !any_not_null(table, &changed) && !checked && !rowid_changed && !unique_checked;
  }
}

}  // namespace

bool calls_function(const sql::Expr& expr) {
  if (const auto* f = expr.as<sql::FunctionCall>()) {
    std::string name = lower(f->name);
    bool inline_function = name == "coalesce" || name == "ifnull" || name == "iif" ||
                           name == "likely" || name == "unlikely" || name == "likelihood";
    if (!inline_function) return true;
    for (const auto& a : f->args) {
      if (any_calls(a)) return true;
    }
    return false;
  }
  if (expr.is<sql::Like>()) return true;
  bool found = false;
  auto child = [&](const sql::ExprPtr& x) { found = found || any_calls(x); };
  std::visit(
      [&](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, sql::Unary>) {
          child(node.operand);
        } else if constexpr (std::is_same_v<T, sql::Binary>) {
          child(node.left);
          child(node.right);
        } else if constexpr (std::is_same_v<T, sql::Between>) {
          child(node.operand);
          child(node.low);
          child(node.high);
        } else if constexpr (std::is_same_v<T, sql::In>) {
          child(node.operand);
          for (const auto& x : node.list) child(x);
          if (node.select) found = true;  // unsupported anyway; be conservative
        } else if constexpr (std::is_same_v<T, sql::IsNull> || std::is_same_v<T, sql::Collate> ||
                             std::is_same_v<T, sql::Cast>) {
          child(node.operand);
        } else if constexpr (std::is_same_v<T, sql::Case>) {
          child(node.base);
          for (const auto& w : node.whens) {
            child(w.when);
            child(w.then);
          }
          child(node.else_result);
        } else if constexpr (std::is_same_v<T, sql::Exists> || std::is_same_v<T, sql::Subquery>) {
          found = true;
        }
      },
      expr.node);
  return found;
}

bool keeps_partial_writes_on_failure(const sql::Stmt& stmt, const Catalog& catalog) {
  if (const auto* ins = stmt.as<sql::Insert>()) {
    const TableDef* table = catalog.table(ins->table.name);
    return table != nullptr && insert_keeps_partial_writes(*ins, *table, catalog);
  }
  if (const auto* upd = stmt.as<sql::Update>()) {
    const TableDef* table = catalog.table(upd->table.name.name);
    return table != nullptr && update_keeps_partial_writes(*upd, *table, catalog);
  }
  return false;  // DELETE and DDL: undone as a whole
}

}  // namespace strata::query
