#include "engine/query/plan.h"

#include <cmath>

#include "engine/codec/key_codec.h"
#include "engine/codec/row_format.h"
#include "engine/exec/value_ops.h"

namespace strata::query {

namespace {

bool is_numeric_affinity(exec::Affinity a) {
  return a == exec::Affinity::kInteger || a == exec::Affinity::kReal ||
         a == exec::Affinity::kNumeric;
}

// Whether comparing a column of affinity `col` with a value of affinity `val`
// converts only the value (never the column), so that an index ordered by the
// stored values answers the comparison exactly.
bool index_can_answer(exec::Affinity col, exec::Affinity val) {
  if (is_numeric_affinity(col)) return true;
  if (col == exec::Affinity::kText) return val == exec::Affinity::kText || val == exec::Affinity::kNone;
  return val == exec::Affinity::kNone;
}

// The value as the comparison sees it after SQLite's affinity conversion.
Value convert_for_column(const Value& v, exec::Affinity col, exec::Affinity val) {
  if (is_numeric_affinity(col) && (val == exec::Affinity::kText || val == exec::Affinity::kNone)) {
    return exec::apply_affinity(v, exec::Affinity::kNumeric);
  }
  if (col == exec::Affinity::kText && val == exec::Affinity::kNone) {
    return exec::apply_affinity(v, exec::Affinity::kText);
  }
  return v;
}

// Of the encodings of values equal to v, the one that sorts first (an INTEGER
// sorts before the REAL of the same value).
Value lowest_form(const Value& v) {
  if (v.type() == ValueType::kReal) {
    double r = v.as_real();
    if (std::trunc(r) == r && r >= -9223372036854775808.0 && r < 9223372036854775808.0) {
      return Value::integer(static_cast<int64_t>(r));
    }
  }
  return v;
}

// Of the encodings of values equal to v, the one that sorts last (the REAL of an integer).
Value highest_form(const Value& v) {
  if (v.type() == ValueType::kInteger) {
    double d = static_cast<double>(v.as_integer());
    if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 &&
        static_cast<int64_t>(d) == v.as_integer()) {
      return Value::real(d);
    }
  }
  if (v.type() == ValueType::kReal) {
    Value low = lowest_form(v);
    if (low.type() == ValueType::kInteger) {
      return Value::real(static_cast<double>(low.as_integer()));
    }
  }
  return v;
}

sql::BinaryOp flip(sql::BinaryOp op) {
  switch (op) {
    case sql::BinaryOp::kLt: return sql::BinaryOp::kGt;
    case sql::BinaryOp::kLe: return sql::BinaryOp::kGe;
    case sql::BinaryOp::kGt: return sql::BinaryOp::kLt;
    case sql::BinaryOp::kGe: return sql::BinaryOp::kLe;
    default: return op;
  }
}

// A conjunct of the form `column op value` the access path might use.
struct Sarg {
  size_t conjunct = 0;
  int column = -1;  // -2 = rowid
  sql::BinaryOp op = sql::BinaryOp::kEq;
  const sql::Expr* value = nullptr;
  const sql::Expr* value2 = nullptr;  // BETWEEN's high bound (op = kGe, then kLe)
};

constexpr int kRowidColumn = -2;

// Resolves a bare column reference to a position (or kRowidColumn), else -1.
int column_of(const sql::Expr& e, const TableDef& table, Binder* binder, exec::Affinity* aff) {
  if (!e.is<sql::ColumnRef>()) return -1;
  Result<BoundExprPtr> b = binder->bind(e);
  if (!b.ok()) return -1;
  *aff = (*b)->affinity;
  if ((*b)->kind == BoundKind::kRowid) return kRowidColumn;
  if ((*b)->kind == BoundKind::kColumn) return (*b)->index;
  (void)table;
  return -1;
}

bool constant_for_scan(const sql::Expr& e, Binder* binder, exec::Affinity* aff) {
  Result<BoundExprPtr> b = binder->bind(e);
  if (!b.ok() || !(*b)->is_constant_for_scan()) return false;
  *aff = (*b)->affinity;
  return true;
}

void find_sargs(const std::vector<const sql::Expr*>& conjuncts, const TableDef& table,
                Binder* binder, std::vector<Sarg>* out) {
  for (size_t i = 0; i < conjuncts.size(); ++i) {
    const sql::Expr& c = *conjuncts[i];
    exec::Affinity col_aff = exec::Affinity::kNone, val_aff = exec::Affinity::kNone;
    if (const auto* b = c.as<sql::Binary>()) {
      switch (b->op) {
        case sql::BinaryOp::kEq: case sql::BinaryOp::kLt: case sql::BinaryOp::kLe:
        case sql::BinaryOp::kGt: case sql::BinaryOp::kGe: break;
        default: continue;
      }
      int col = column_of(*b->left, table, binder, &col_aff);
      if (col != -1 && constant_for_scan(*b->right, binder, &val_aff) &&
          index_can_answer(col_aff, val_aff)) {
        out->push_back({i, col, b->op, b->right.get(), nullptr});
        continue;
      }
      col = column_of(*b->right, table, binder, &col_aff);
      if (col != -1 && constant_for_scan(*b->left, binder, &val_aff) &&
          index_can_answer(col_aff, val_aff)) {
        out->push_back({i, col, flip(b->op), b->left.get(), nullptr});
      }
    } else if (const auto* bt = c.as<sql::Between>()) {
      if (bt->negated) continue;
      exec::Affinity lo_aff = exec::Affinity::kNone, hi_aff = exec::Affinity::kNone;
      int col = column_of(*bt->operand, table, binder, &col_aff);
      if (col != -1 && constant_for_scan(*bt->low, binder, &lo_aff) &&
          constant_for_scan(*bt->high, binder, &hi_aff) && index_can_answer(col_aff, lo_aff) &&
          index_can_answer(col_aff, hi_aff)) {
        out->push_back({i, col, sql::BinaryOp::kGe, bt->low.get(), bt->high.get()});
      }
    }
  }
}

// Whether an index's order, after skipping `skip` leading (equality-bound)
// columns, sorts by `cols`. Entries end with the rowid, an implicit last column.
// Equal values of a column without affinity may be stored in two forms (3 and
// 3.0) that form separate runs in the index, so order continues past a column
// only if its affinity normalizes numbers to one form.
bool index_order_matches(const TableDef& table, const IndexDef& idx, size_t skip,
                         const std::vector<int>& cols) {
  std::vector<int> order(idx.columns.begin() + static_cast<std::ptrdiff_t>(skip), idx.columns.end());
  order.push_back(kRowidColumn);
  if (cols.empty() || cols.size() > order.size()) return false;
  for (size_t i = 0; i < cols.size(); ++i) {
    if (order[i] != cols[i]) return false;
  }
  size_t continued = skip + cols.size() - 1;  // index columns some later key continues past
  for (size_t j = 0; j < continued && j < idx.columns.size(); ++j) {
    if (table.columns[idx.columns[j]].affinity == exec::Affinity::kNone) return false;
  }
  return true;
}

std::string bound_text(const std::string& column, const AccessPath& a) {
  std::string out;
  auto add = [&](const std::string& s) { out += out.empty() ? s : " AND " + s; };
  if (a.lower) add(column + (a.lower->inclusive ? " >= " : " > ") + a.lower->expr->text);
  if (a.upper) add(column + (a.upper->inclusive ? " <= " : " < ") + a.upper->expr->text);
  return out;
}

}  // namespace

void split_conjuncts(const sql::Expr& e, std::vector<const sql::Expr*>* out) {
  if (const auto* b = e.as<sql::Binary>(); b != nullptr && b->op == sql::BinaryOp::kAnd) {
    split_conjuncts(*b->left, out);
    split_conjuncts(*b->right, out);
    return;
  }
  out->push_back(&e);
}

std::string row_key(const TableDef& table, int64_t rowid) {
  std::string k = row_prefix(table.prefix);
  codec::encode_rowid(rowid, &k);
  return k;
}

Result<std::vector<Value>> decode_table_row(const TableDef& table, std::string_view bytes,
                                            int64_t rowid) {
  STRATA_ASSIGN(std::vector<Value> values, codec::decode_row(bytes));
  // Rows written before a column existed would be shorter; Strata has no ALTER
  // TABLE yet, so a length mismatch means damage.
  if (values.size() != table.columns.size()) {
    return Status::corruption("row " + std::to_string(rowid) + " of table " + table.name + " has " +
                              std::to_string(values.size()) + " columns, expected " +
                              std::to_string(table.columns.size()));
  }
  if (table.rowid_column >= 0) values[table.rowid_column] = Value::integer(rowid);
  return values;
}

Result<std::optional<std::vector<Value>>> read_row(Tx* tx, const TableDef& table, int64_t rowid) {
  STRATA_ASSIGN(std::optional<std::string> bytes, tx->get(row_key(table, rowid)));
  if (!bytes) return std::optional<std::vector<Value>>();
  STRATA_ASSIGN(std::vector<Value> values, decode_table_row(table, *bytes, rowid));
  return std::optional<std::vector<Value>>(std::move(values));
}

std::string AccessPath::describe() const {
  switch (kind) {
    case AccessKind::kNone: return "NoTable (one row)";
    case AccessKind::kFullScan:
      return std::string("FullScan ") + table->name + (reverse ? " (reverse rowid order)" : "");
    case AccessKind::kRowidEq: return "RowidLookup " + table->name + " (rowid = " + eq[0]->text + ")";
    case AccessKind::kRowidRange: return "RowidRange " + table->name + " (" + bound_text("rowid", *this) + ")";
    case AccessKind::kIndexEq:
    case AccessKind::kIndexRange: {
      std::string cond;
      for (size_t i = 0; i < eq.size(); ++i) {
        if (!cond.empty()) cond += " AND ";
        cond += table->columns[index->columns[i]].name + " = " + eq[i]->text;
      }
      if (eq.size() < index->columns.size()) {
        std::string range = bound_text(table->columns[index->columns[eq.size()]].name, *this);
        if (!range.empty()) cond += (cond.empty() ? "" : " AND ") + range;
      }
      std::string what = kind == AccessKind::kIndexEq ? "IndexLookup " : "IndexRange ";
      if (cond.empty()) what = "IndexScan ";
      return what + table->name + " USING INDEX " + index->name +
             (cond.empty() ? (reverse ? " (reverse order)" : " (index order)") : " (" + cond + ")");
    }
  }
  return "?";
}

Status plan_access(const TableDef* table, const Catalog& catalog, Binder* binder,
                   const sql::Expr* where, const std::vector<OrderKey>* order_by,
                   AccessPath* access, BoundExprPtr* residual, bool* order_served) {
  access->table = table;
  access->kind = AccessKind::kFullScan;
  std::vector<const sql::Expr*> conjuncts;
  if (where != nullptr) split_conjuncts(*where, &conjuncts);
  std::vector<Sarg> sargs;
  find_sargs(conjuncts, *table, binder, &sargs);
  std::vector<bool> used(conjuncts.size(), false);

  auto bind_value = [&](const sql::Expr* e) -> Result<BoundExprPtr> { return binder->bind(*e); };
  // Sets a range bound from a sarg on the range column; false if none applies.
  auto take_range = [&](int column) -> Status {
    for (const Sarg& s : sargs) {
      if (s.column != column || used[s.conjunct]) continue;
      if (s.value2 != nullptr) {  // BETWEEN
        if (access->lower || access->upper) continue;
        STRATA_ASSIGN(BoundExprPtr lo, bind_value(s.value));
        STRATA_ASSIGN(BoundExprPtr hi, bind_value(s.value2));
        access->lower = ScanBound{std::move(lo), true};
        access->upper = ScanBound{std::move(hi), true};
        used[s.conjunct] = true;
        continue;
      }
      bool is_lower = s.op == sql::BinaryOp::kGt || s.op == sql::BinaryOp::kGe;
      bool is_upper = s.op == sql::BinaryOp::kLt || s.op == sql::BinaryOp::kLe;
      if ((is_lower && access->lower) || (is_upper && access->upper) || (!is_lower && !is_upper)) continue;
      STRATA_ASSIGN(BoundExprPtr v, bind_value(s.value));
      ScanBound bound{std::move(v), s.op == sql::BinaryOp::kGe || s.op == sql::BinaryOp::kLe};
      (is_lower ? access->lower : access->upper) = std::move(bound);
      used[s.conjunct] = true;
    }
    return Status::ok();
  };

  // 1. rowid equality
  bool chosen = false;
  for (const Sarg& s : sargs) {
    if (s.column == kRowidColumn && s.op == sql::BinaryOp::kEq && s.value2 == nullptr) {
      access->kind = AccessKind::kRowidEq;
      STRATA_ASSIGN(BoundExprPtr v, bind_value(s.value));
      access->eq.push_back(std::move(v));
      used[s.conjunct] = true;
      chosen = true;
      break;
    }
  }
  // 2. the index with the longest equality prefix (ties: unique first, then range use)
  if (!chosen) {
    const IndexDef* best = nullptr;
    size_t best_eq = 0;
    for (const IndexDef* idx : catalog.indexes_of(*table)) {
      size_t n = 0;
      while (n < idx->columns.size()) {
        bool found = false;
        for (const Sarg& s : sargs) {
          if (s.column == idx->columns[n] && s.op == sql::BinaryOp::kEq && s.value2 == nullptr) found = true;
        }
        if (!found) break;
        ++n;
      }
      if (n > best_eq || (n == best_eq && n > 0 && idx->unique && !best->unique)) {
        best = idx;
        best_eq = n;
      }
    }
    if (best != nullptr && best_eq > 0) {
      access->kind = AccessKind::kIndexEq;
      access->index = best;
      for (size_t i = 0; i < best_eq; ++i) {
        for (const Sarg& s : sargs) {
          if (s.column == best->columns[i] && s.op == sql::BinaryOp::kEq && s.value2 == nullptr &&
              !used[s.conjunct]) {
            STRATA_ASSIGN(BoundExprPtr v, bind_value(s.value));
            access->eq.push_back(std::move(v));
            used[s.conjunct] = true;
            break;
          }
        }
      }
      if (best_eq < best->columns.size()) {
        STRATA_TRY(take_range(best->columns[best_eq]));
        if (access->lower || access->upper) access->kind = AccessKind::kIndexRange;
      }
      chosen = true;
    }
  }
  // 3. rowid range, 4. index range on a leading column
  if (!chosen) {
    STRATA_TRY(take_range(kRowidColumn));
    if (access->lower || access->upper) {
      access->kind = AccessKind::kRowidRange;
      chosen = true;
    }
  }
  if (!chosen) {
    for (const IndexDef* idx : catalog.indexes_of(*table)) {
      STRATA_TRY(take_range(idx->columns[0]));
      if (access->lower || access->upper) {
        access->kind = AccessKind::kIndexRange;
        access->index = idx;
        break;
      }
    }
  }

  // ORDER BY served by the scan order?
  *order_served = false;
  if (order_by != nullptr && !order_by->empty()) {
    bool desc = (*order_by)[0].desc;
    std::vector<int> cols;
    bool simple = true;
    for (const OrderKey& k : *order_by) {
      if (k.desc != desc || k.nulls_first != !k.desc) simple = false;
      if (k.expr->kind == BoundKind::kRowid) {
        cols.push_back(kRowidColumn);
      } else if (k.expr->kind == BoundKind::kColumn) {
        cols.push_back(k.expr->index);
      } else {
        simple = false;
      }
    }
    if (simple) {
      if (cols.size() == 1 && cols[0] == kRowidColumn &&
          (access->kind == AccessKind::kFullScan || access->kind == AccessKind::kRowidEq ||
           (access->kind == AccessKind::kRowidRange && !desc))) {
        access->reverse = desc && access->kind == AccessKind::kFullScan;
        *order_served = true;
      } else if (access->kind == AccessKind::kIndexEq || access->kind == AccessKind::kIndexRange) {
        // Index order after the equality prefix.
        const IndexDef* idx = access->index;
        size_t skip = access->eq.size();
        *order_served = !desc && index_order_matches(*table, *idx, skip, cols);
      } else if (access->kind == AccessKind::kFullScan) {
        for (const IndexDef* idx : catalog.indexes_of(*table)) {
          if (index_order_matches(*table, *idx, 0, cols)) {
            access->kind = AccessKind::kIndexRange;
            access->index = idx;
            access->reverse = desc;
            *order_served = true;
            break;
          }
        }
      }
    }
  }

  // The residual: every conjunct the access path did not answer.
  for (size_t i = 0; i < conjuncts.size(); ++i) {
    if (used[i]) continue;
    STRATA_ASSIGN(BoundExprPtr b, binder->bind(*conjuncts[i]));
    if (!*residual) {
      *residual = std::move(b);
    } else {
      auto both = std::make_unique<BoundExpr>();
      both->kind = BoundKind::kBinary;
      both->binary_op = sql::BinaryOp::kAnd;
      both->text = (*residual)->text + " AND " + b->text;
      both->args.push_back(std::move(*residual));
      both->args.push_back(std::move(b));
      *residual = std::move(both);
    }
  }
  return Status::ok();
}

// ------------------------------------------------------------------ RowSource

Status RowSource::start() {
  valid_ = false;
  empty_ = false;
  const AccessPath& a = *access_;
  if (a.kind == AccessKind::kNone) return Status::ok();
  EvalRow no_row{nullptr, 0, parameters_};
  exec::Affinity range_col_aff = exec::Affinity::kInteger;  // rowid
  if (a.index != nullptr) {
    size_t range_col = a.eq.size() < a.index->columns.size() ? a.eq.size() : 0;
    range_col_aff = a.table->columns[a.index->columns[range_col]].affinity;
  }
  eq_values_.clear();
  for (size_t i = 0; i < a.eq.size(); ++i) {
    STRATA_ASSIGN(Value v, eval(*a.eq[i], no_row));
    exec::Affinity col_aff = a.index != nullptr ? a.table->columns[a.index->columns[i]].affinity
                                                : exec::Affinity::kInteger;
    v = convert_for_column(v, col_aff, a.eq[i]->affinity);
    if (v.is_null()) empty_ = true;
    eq_values_.push_back(std::move(v));
  }
  lower_.reset();
  upper_.reset();
  if (a.lower) {
    STRATA_ASSIGN(Value v, eval(*a.lower->expr, no_row));
    lower_ = convert_for_column(v, range_col_aff, a.lower->expr->affinity);
    if (lower_->is_null()) empty_ = true;
  }
  if (a.upper) {
    STRATA_ASSIGN(Value v, eval(*a.upper->expr, no_row));
    upper_ = convert_for_column(v, range_col_aff, a.upper->expr->affinity);
    if (upper_->is_null()) empty_ = true;
  }
  if (empty_) return Status::ok();

  Direction dir = a.reverse ? Direction::kBackward : Direction::kForward;
  KeyRange range;
  if (a.index == nullptr) {
    // Rowid paths: seek to the smallest rowid that can qualify.
    std::optional<Value> from = a.kind == AccessKind::kRowidEq ? std::optional<Value>(eq_values_[0]) : lower_;
    if (from) {
      Value f = lowest_form(*from);
      int64_t seek;
      if (f.type() == ValueType::kInteger) {
        seek = f.as_integer();
      } else if (f.type() == ValueType::kReal) {
        double r = std::ceil(f.as_real());
        if (r >= 9223372036854775808.0) return Status::ok();  // above every rowid
        seek = r < -9223372036854775808.0 ? INT64_MIN : static_cast<int64_t>(r);
      } else {
        return Status::ok();  // TEXT and BLOB sort above every integer
      }
      std::string k;
      codec::encode_rowid(seek, &k);
      range.lower = k;
    }
    scan_ = std::make_unique<RangeScan>(tx_->cursor(), row_prefix(a.table->prefix), range, dir);
  } else {
    std::string seek;
    for (const Value& v : eq_values_) codec::encode_key(lowest_form(v), &seek);
    if (lower_) codec::encode_key(lowest_form(*lower_), &seek);
    // A column without affinity may hold 3 and 3.0, which encode apart (INTEGER first): the
    // entries equal to the eq values then form several runs, each sorted by the range column.
    eq_last_.clear();
    eq_one_run_ = true;
    for (size_t i = 0; i < eq_values_.size(); ++i) {
      Value high = highest_form(eq_values_[i]);
      bool no_affinity = a.table->columns[a.index->columns[i]].affinity == exec::Affinity::kNone;
      if (no_affinity && lowest_form(eq_values_[i]).type() != high.type()) eq_one_run_ = false;
      codec::encode_key(high, &eq_last_);
    }
    if (!seek.empty()) range.lower = seek;
    scan_ = std::make_unique<RangeScan>(tx_->cursor(), index_prefix(a.index->prefix), range, dir);
  }
  STRATA_TRY(scan_->start());
  return settle();
}

Status RowSource::next() {
  if (!valid_) return Status::ok();
  STRATA_TRY(scan_->next());
  return settle();
}

Status RowSource::load_row(std::string_view, std::string_view row_value) {
  STRATA_ASSIGN(columns_, decode_table_row(*access_->table, row_value, rowid_));
  ++stats_->scanned;
  valid_ = true;
  return Status::ok();
}

Status RowSource::fetch_by_rowid(int64_t rowid, bool* found) {
  STRATA_ASSIGN(std::optional<std::string> bytes, tx_->get(row_key(*access_->table, rowid)));
  *found = bytes.has_value();
  if (!bytes) return Status::ok();
  rowid_ = rowid;
  return load_row({}, *bytes);
}

Status RowSource::settle() {
  valid_ = false;
  const AccessPath& a = *access_;
  while (scan_->valid()) {
    if (a.index == nullptr) {
      std::string_view suffix = scan_->key();
      STRATA_ASSIGN(int64_t rowid, codec::decode_rowid(&suffix));
      Value r = Value::integer(rowid);
      if (a.kind == AccessKind::kRowidEq) {
        if (Value::compare(r, eq_values_[0]) != 0) return Status::ok();
      }
      if (upper_) {
        int c = Value::compare(r, *upper_);
        if (c > 0 || (c == 0 && !a.upper->inclusive)) return Status::ok();
      }
      if (lower_) {
        int c = Value::compare(r, *lower_);
        if (c < 0 || (c == 0 && !a.lower->inclusive)) {
          STRATA_TRY(scan_->next());
          continue;
        }
      }
      rowid_ = rowid;
      STRATA_ASSIGN(std::string bytes, scan_->value());
      return load_row(suffix, bytes);
    }
    // Index entry: the indexed values, then the rowid.
    const std::string_view key = scan_->key();
    std::string_view entry = key;
    std::vector<Value> values;
    size_t eq_bytes = 0;  // the bytes of the eq columns' values
    for (size_t i = 0; i < a.index->columns.size(); ++i) {
      STRATA_ASSIGN(Value v, codec::decode_key(&entry));
      values.push_back(std::move(v));
      if (i + 1 == eq_values_.size()) eq_bytes = key.size() - entry.size();
    }
    STRATA_ASSIGN(int64_t rowid, codec::decode_rowid(&entry));
    bool stop = false, skip = false;
    // Past the highest encoding of the eq values, nothing more can match; before it, an
    // entry matches only if every eq column compares equal.
    if (!eq_values_.empty() && key.substr(0, eq_bytes) > std::string_view(eq_last_)) stop = true;
    for (size_t i = 0; i < eq_values_.size(); ++i) {
      if (Value::compare(values[i], eq_values_[i]) != 0) skip = true;
    }
    if (!stop && !skip && (lower_ || upper_)) {
      const Value& r = values[eq_values_.size()];
      if (r.is_null()) {
        skip = true;
      } else {
        if (lower_) {
          int c = Value::compare(r, *lower_);
          if (c < 0 || (c == 0 && !a.lower->inclusive)) skip = true;
        }
        if (upper_) {
          int c = Value::compare(r, *upper_);
          // Past the bound ends this run of eq values; another run may follow.
          if (c > 0 || (c == 0 && !a.upper->inclusive)) (eq_one_run_ ? stop : skip) = true;
        }
      }
    }
    if (stop) return Status::ok();
    if (!skip) {
      bool found = false;
      STRATA_TRY(fetch_by_rowid(rowid, &found));
      if (!found) {
        return Status::corruption("index " + a.index->name + " names rowid " + std::to_string(rowid) +
                                  " that is not in table " + a.table->name);
      }
      return Status::ok();
    }
    STRATA_TRY(scan_->next());
  }
  return Status::ok();
}

// ------------------------------------------------------------------ EXPLAIN

std::vector<std::string> SelectPlan::explain(bool analyze) const {
  std::vector<std::string> lines;
  int depth = 0;
  auto add = [&](std::string line, std::string counters) {
    std::string out(static_cast<size_t>(depth) * 2, ' ');
    out += line;
    if (analyze && !counters.empty()) out += "  (" + counters + ")";
    lines.push_back(out);
    ++depth;
  };
  std::string returned = "returned=" + std::to_string(stats.returned);
  if (limit) {
    add("Limit " + limit->text + (offset ? " OFFSET " + offset->text : ""), returned);
  }
  if (sort_needed) {
    std::string keys;
    for (const OrderKey& k : order_by) {
      if (!keys.empty()) keys += ", ";
      keys += k.expr->text + (k.desc ? " DESC" : "");
    }
    add("Sort " + keys, "rows=" + std::to_string(stats.sorted));
  }
  if (distinct) add("Distinct", "");
  std::string columns;
  for (const std::string& n : names) columns += (columns.empty() ? "" : ", ") + n;
  add("Project " + columns, limit ? "" : returned);
  if (residual) {
    add("Filter " + residual->text,
        "in=" + std::to_string(stats.scanned) + " matched=" + std::to_string(stats.matched));
  }
  add(access.describe(), access.kind == AccessKind::kNone
                             ? ""
                             : "scanned=" + std::to_string(stats.scanned) +
                                   " pages=" + std::to_string(stats.pages));
  return lines;
}

}  // namespace strata::query
