#include "engine/query/plan.h"

#include <algorithm>
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
  int column = -1;  // kRowidColumn for the rowid
  sql::BinaryOp op = sql::BinaryOp::kEq;
  const BoundExpr* value = nullptr;
  const BoundExpr* value2 = nullptr;                 // BETWEEN's high bound (op = kGe, then kLe)
  exec::Affinity affinity = exec::Affinity::kNone;   // comparison affinity of value
  exec::Affinity affinity2 = exec::Affinity::kNone;  // ... of value2
};

exec::Affinity column_affinity(const TableDef& table, int column) {
  return column == kRowidColumn ? exec::Affinity::kInteger : table.columns[column].affinity;
}

// The column of `item` that e is, or nullopt.
std::optional<int> column_of(const BoundExpr& e, int item) {
  if (e.kind != BoundKind::kColumn || e.depth != 0 || e.item != item) return std::nullopt;
  return e.column;
}

// Whether `value` can key a scan of `item` when the items in `available` are in the frame.
bool usable_value(const BoundExpr& value, int item, uint64_t available) {
  uint64_t mask = value.item_mask();
  return (mask & (uint64_t{1} << item)) == 0 && (mask & ~available) == 0;
}

void find_sargs(const AccessRequest& request, std::vector<Sarg>* out) {
  const TableDef& table = *request.table;
  for (size_t i = 0; i < request.conjuncts.size(); ++i) {
    const BoundExpr& c = *request.conjuncts[i];
    if (c.kind == BoundKind::kBinary) {
      switch (c.binary_op) {
        case sql::BinaryOp::kEq: case sql::BinaryOp::kLt: case sql::BinaryOp::kLe:
        case sql::BinaryOp::kGt: case sql::BinaryOp::kGe: break;
        default: continue;
      }
      for (int side = 0; side < 2; ++side) {
        const BoundExpr& col = *c.args[side];
        const BoundExpr& val = *c.args[1 - side];
        std::optional<int> column = column_of(col, request.item);
        if (!column || !usable_value(val, request.item, request.available)) continue;
        exec::Affinity comparison =
            exec::comparison_affinity(col.operand_affinity(), val.operand_affinity());
        if (!index_can_answer(column_affinity(table, *column), comparison)) continue;
        out->push_back({i, *column, side == 0 ? c.binary_op : flip(c.binary_op), &val, nullptr,
                        comparison, comparison});
        break;
      }
    } else if (c.kind == BoundKind::kBetween && !c.negated) {
      std::optional<int> column = column_of(*c.args[0], request.item);
      if (!column || !usable_value(*c.args[1], request.item, request.available) ||
          !usable_value(*c.args[2], request.item, request.available)) {
        continue;
      }
      exec::OperandAffinity x = c.args[0]->operand_affinity();
      exec::Affinity lo = exec::comparison_affinity(x, c.args[1]->operand_affinity());
      exec::Affinity hi = exec::comparison_affinity(x, c.args[2]->operand_affinity());
      exec::Affinity col_aff = column_affinity(table, *column);
      if (!index_can_answer(col_aff, lo) || !index_can_answer(col_aff, hi)) continue;
      out->push_back({i, *column, sql::BinaryOp::kGe, c.args[1].get(), c.args[2].get(), lo, hi});
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

Value convert_for_comparison(const Value& v, exec::Affinity comparison) {
  if (is_numeric_affinity(comparison)) return exec::apply_affinity(v, exec::Affinity::kNumeric);
  if (comparison == exec::Affinity::kText) return exec::apply_affinity(v, exec::Affinity::kText);
  return v;
}

bool index_can_answer(exec::Affinity column, exec::Affinity comparison) {
  if (comparison == exec::Affinity::kNone) return true;
  if (comparison == exec::Affinity::kText) return column == exec::Affinity::kText;
  return is_numeric_affinity(column);
}

double TableEstimate::rows_per_key(const IndexDef& index, size_t k) const {
  if (stats != nullptr) {
    auto it = stats->index_distinct.find(lower(index.name));
    if (it != stats->index_distinct.end() && it->second.size() >= k && it->second[k - 1] > 0) {
      return std::max(1.0, rows / static_cast<double>(it->second[k - 1]));
    }
  }
  if (index.unique && k >= index.columns.size()) return 1;
  // SQLite's default guess: ten rows per value of the first column, fewer per longer prefix.
  double guess = 10;
  for (size_t i = 1; i < k; ++i) guess /= 2;
  return std::max(1.0, std::min(rows, guess));
}

TableEstimate estimate_table(const Catalog& catalog, const TableDef& table) {
  TableEstimate e;
  e.stats = catalog.stats(table.name);
  e.rows = e.stats != nullptr ? static_cast<double>(e.stats->rows) : kDefaultTableRows;
  return e;
}

Status plan_access(const AccessRequest& request, AccessChoice* choice) {
  const TableDef* table = request.table;
  AccessPath* access = &choice->path;
  access->table = table;
  access->kind = AccessKind::kFullScan;
  std::vector<Sarg> sargs;
  find_sargs(request, &sargs);
  std::vector<bool>& used = choice->answered;
  used.assign(request.conjuncts.size(), false);
  std::vector<const IndexDef*> indexes;
  if (request.hint == sql::IndexHint::kIndexedBy) {
    indexes.push_back(request.forced_index);
  } else if (request.hint == sql::IndexHint::kNone) {
    indexes = request.catalog->indexes_of(*table);
  }

  // Sets a range bound from a sarg on the range column.
  auto take_range = [&](int column) {
    for (const Sarg& s : sargs) {
      if (s.column != column || used[s.conjunct]) continue;
      if (s.value2 != nullptr) {  // BETWEEN
        if (access->lower || access->upper) continue;
        access->lower = ScanBound{s.value->clone(), true, s.affinity};
        access->upper = ScanBound{s.value2->clone(), true, s.affinity2};
        used[s.conjunct] = true;
        continue;
      }
      bool is_lower = s.op == sql::BinaryOp::kGt || s.op == sql::BinaryOp::kGe;
      bool is_upper = s.op == sql::BinaryOp::kLt || s.op == sql::BinaryOp::kLe;
      if ((is_lower && access->lower) || (is_upper && access->upper) || (!is_lower && !is_upper))
        continue;
      ScanBound bound{s.value->clone(), s.op == sql::BinaryOp::kGe || s.op == sql::BinaryOp::kLe,
                      s.affinity};
      (is_lower ? access->lower : access->upper) = std::move(bound);
      used[s.conjunct] = true;
    }
  };
  auto is_eq = [](const Sarg& s) { return s.op == sql::BinaryOp::kEq && s.value2 == nullptr; };

  // 1. rowid equality
  bool chosen = false;
  if (request.hint != sql::IndexHint::kIndexedBy) {
    for (const Sarg& s : sargs) {
      if (s.column == kRowidColumn && is_eq(s)) {
        access->kind = AccessKind::kRowidEq;
        access->eq.push_back(s.value->clone());
        access->eq_affinity.push_back(s.affinity);
        used[s.conjunct] = true;
        chosen = true;
        break;
      }
    }
  }
  // 2. the index with the longest equality prefix (ties: unique first, then range use)
  if (!chosen) {
    const IndexDef* best = nullptr;
    size_t best_eq = 0;
    for (const IndexDef* idx : indexes) {
      size_t n = 0;
      while (n < idx->columns.size()) {
        bool found = false;
        for (const Sarg& s : sargs) found = found || (s.column == idx->columns[n] && is_eq(s));
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
          if (s.column == best->columns[i] && is_eq(s) && !used[s.conjunct]) {
            access->eq.push_back(s.value->clone());
            access->eq_affinity.push_back(s.affinity);
            used[s.conjunct] = true;
            break;
          }
        }
      }
      if (best_eq < best->columns.size()) {
        take_range(best->columns[best_eq]);
        if (access->lower || access->upper) access->kind = AccessKind::kIndexRange;
      }
      chosen = true;
    }
  }
  // 3. rowid range, 4. index range on a leading column
  if (!chosen && request.hint != sql::IndexHint::kIndexedBy) {
    take_range(kRowidColumn);
    if (access->lower || access->upper) {
      access->kind = AccessKind::kRowidRange;
      chosen = true;
    }
  }
  if (!chosen) {
    for (const IndexDef* idx : indexes) {
      take_range(idx->columns[0]);
      if (access->lower || access->upper) {
        access->kind = AccessKind::kIndexRange;
        access->index = idx;
        chosen = true;
        break;
      }
    }
  }
  // INDEXED BY with no constraint on the index: a scan of the whole index, in its order.
  if (!chosen && request.hint == sql::IndexHint::kIndexedBy) {
    access->kind = AccessKind::kIndexRange;
    access->index = request.forced_index;
  }

  // ORDER BY served by the scan order?
  choice->order_served = false;
  const std::vector<OrderKey>* order_by = request.order_by;
  if (order_by != nullptr && !order_by->empty()) {
    bool desc = (*order_by)[0].desc;
    std::vector<int> cols;
    bool simple = true;
    for (const OrderKey& k : *order_by) {
      if (k.desc != desc || k.nulls_first != !k.desc) simple = false;
      std::optional<int> column = column_of(*k.expr, request.item);
      if (column) {
        cols.push_back(*column);
      } else {
        simple = false;
      }
    }
    if (simple) {
      if (cols.size() == 1 && cols[0] == kRowidColumn &&
          (access->kind == AccessKind::kFullScan || access->kind == AccessKind::kRowidEq ||
           (access->kind == AccessKind::kRowidRange && !desc))) {
        access->reverse = desc && access->kind == AccessKind::kFullScan;
        choice->order_served = true;
      } else if (access->kind == AccessKind::kIndexEq || access->kind == AccessKind::kIndexRange) {
        // Index order after the equality prefix.
        choice->order_served =
            !desc && index_order_matches(*table, *access->index, access->eq.size(), cols);
      } else if (access->kind == AccessKind::kFullScan) {
        for (const IndexDef* idx : indexes) {
          if (index_order_matches(*table, *idx, 0, cols)) {
            access->kind = AccessKind::kIndexRange;
            access->index = idx;
            access->reverse = desc;
            choice->order_served = true;
            break;
          }
        }
      }
    }
  }

  // Estimates: rows one scan reads, and its cost (rows visited plus a seek's depth).
  TableEstimate est = estimate_table(*request.catalog, *table);
  double n = std::max(1.0, est.rows);
  double seek = std::log2(n + 1) + 1;
  double range = (access->lower ? 0.25 : 1.0) * (access->upper ? 0.25 : 1.0);
  switch (access->kind) {
    case AccessKind::kFullScan:
      choice->rows = n;
      choice->cost = n + 1;
      break;
    case AccessKind::kRowidEq:
      choice->rows = 1;
      choice->cost = seek;
      break;
    case AccessKind::kRowidRange:
      choice->rows = std::max(1.0, n * range);
      choice->cost = seek + choice->rows;
      break;
    case AccessKind::kIndexEq:
    case AccessKind::kIndexRange: {
      double rows = access->eq.empty() ? n : est.rows_per_key(*access->index, access->eq.size());
      choice->rows = std::max(1.0, rows * range);
      // Each entry costs a row fetch; a scan of the whole index is no cheaper than the table.
      choice->cost = seek + 2 * choice->rows;
      break;
    }
  }
  return Status::ok();
}

// ------------------------------------------------------------------ RowSource

void RowSource::count_pages() {
  if (scan_) {
    uint64_t p = scan_->cursor().pages_visited();
    counters_->pages += p - scan_pages_counted_;
    scan_pages_counted_ = p;
  }
  uint64_t f = fetch_.pages_visited();
  counters_->pages += f - fetch_pages_counted_;
  fetch_pages_counted_ = f;
}

Status RowSource::start(const EvalContext& ctx) {
  valid_ = false;
  ++counters_->loops;
  const AccessPath& a = *access_;
  eq_values_.clear();
  bool empty = false;
  for (size_t i = 0; i < a.eq.size(); ++i) {
    STRATA_ASSIGN(Value v, eval(*a.eq[i], ctx));
    v = convert_for_comparison(v, a.eq_affinity[i]);
    if (v.is_null()) empty = true;
    eq_values_.push_back(std::move(v));
  }
  lower_.reset();
  upper_.reset();
  if (a.lower) {
    STRATA_ASSIGN(Value v, eval(*a.lower->expr, ctx));
    lower_ = convert_for_comparison(v, a.lower->affinity);
    if (lower_->is_null()) empty = true;
  }
  if (a.upper) {
    STRATA_ASSIGN(Value v, eval(*a.upper->expr, ctx));
    upper_ = convert_for_comparison(v, a.upper->affinity);
    if (upper_->is_null()) empty = true;
  }
  count_pages();
  scan_.reset();
  scan_pages_counted_ = 0;
  if (empty) return Status::ok();

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
  Status s = settle();
  count_pages();
  return s;
}

Status RowSource::next() {
  if (!valid_) return Status::ok();
  STRATA_TRY(scan_->next());
  Status s = settle();
  count_pages();
  return s;
}

Status RowSource::load_row(std::string_view row_value) {
  const TableDef& table = *access_->table;
  if (needed_ == nullptr) {
    STRATA_ASSIGN(columns_, decode_table_row(table, row_value, rowid_));
  } else {
    STRATA_ASSIGN(size_t count, codec::row_column_count(row_value));
    if (count != table.columns.size()) {
      // Full decoding names the damage.
      STRATA_TRY(decode_table_row(table, row_value, rowid_).status_or_ok());
    }
    columns_.resize(table.columns.size());
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (static_cast<int>(i) == table.rowid_column) {
        columns_[i] = Value::integer(rowid_);
      } else if ((*needed_)[i]) {
        STRATA_ASSIGN(columns_[i], codec::decode_column(row_value, i));
      } else {
        columns_[i] = Value::null();
      }
    }
  }
  ++counters_->scanned;
  valid_ = true;
  return Status::ok();
}

Status RowSource::fetch_by_rowid(int64_t rowid, bool* found) {
  std::string key = row_key(*access_->table, rowid);
  STRATA_TRY(fetch_.seek(key));
  *found = fetch_.valid() && fetch_.key() == key;
  if (!*found) return Status::ok();
  rowid_ = rowid;
  STRATA_ASSIGN(std::string bytes, fetch_.value());
  return load_row(bytes);
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
      return load_row(bytes);
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

}  // namespace strata::query
