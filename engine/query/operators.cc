#include "engine/query/operators.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <unordered_map>

#include "engine/exec/value_ops.h"

namespace strata::query {

namespace {

std::string count_text(const char* name, uint64_t n) {
  return std::string(name) + "=" + std::to_string(n);
}

// "3.5/loop": rows per loop with one decimal, in integer arithmetic.
std::string per_loop(uint64_t rows, uint64_t loops) {
  if (loops == 0) return "0/loop";
  uint64_t tenths = (rows * 10 + loops / 2) / loops;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + "/loop";
}

Result<int64_t> integer_clause(const BoundExpr& e, const EvalContext& ctx) {
  STRATA_ASSIGN(Value v, eval(e, ctx));
  Value n = exec::apply_affinity(v, exec::Affinity::kNumeric);
  if (n.type() != ValueType::kInteger)
    return at(e.pos, Status::invalid_argument("datatype mismatch"));
  return n.as_integer();
}

struct ValueLess {
  bool operator()(const Value& a, const Value& b) const { return Value::compare(a, b) < 0; }
};

}  // namespace

size_t hash_value(const Value& v) {
  switch (v.type()) {
    case ValueType::kNull:
      return 0x51ed27;
    case ValueType::kInteger:
      return std::hash<int64_t>()(v.as_integer());
    case ValueType::kReal: {
      double r = v.as_real();
      if (std::trunc(r) == r && r >= -9223372036854775808.0 && r < 9223372036854775808.0) {
        return std::hash<int64_t>()(static_cast<int64_t>(r));  // equal to that INTEGER
      }
      return std::hash<double>()(r);
    }
    case ValueType::kText:
      return std::hash<std::string>()(v.as_text()) ^ 0x7e3a1;
    case ValueType::kBlob:
      return std::hash<std::string>()(v.as_blob()) ^ 0x2b9f4;
  }
  return 0;
}

void Explainer::line(int depth, const std::string& text, const std::string& counters) {
  std::string out(static_cast<size_t>(depth) * 2, ' ');
  out += text;
  if (analyze_ && !counters.empty()) out += "  (" + counters + ")";
  lines_.push_back(std::move(out));
}

void Explainer::subqueries(int depth, const BoundExpr& e) {
  if (e.kind == BoundKind::kSubquery) {
    const auto* runner = dynamic_cast<const SubqueryRunner*>(e.subquery.get());
    if (runner != nullptr) {
      std::string what =
          runner->plan().correlated ? "Subquery (correlated): " : "Subquery (runs once): ";
      line(depth, what + e.text, count_text("runs", runner->runs()));
      for (const std::string& l : runner->plan().explain(analyze_)) line(depth + 1, l);
    }
  }
  for (const auto& a : e.args) subqueries(depth, *a);
}

// ---------------------------------------------------------------- OneRowOp

Result<bool> OneRowOp::next() {
  if (done_) return false;
  done_ = true;
  return true;
}

void OneRowOp::explain(Explainer* out, int depth) const { out->line(depth, "NoTable (one row)"); }

// ---------------------------------------------------------------- PastSnapshots

Result<PastSnapshots::Entry*> PastSnapshots::entry(uint64_t generation) {
  auto it = entries_.find(generation);
  if (it != entries_.end()) return &it->second;
  STRATA_ASSIGN(std::unique_ptr<ReadTx> tx, store_->begin_read_at(generation));
  STRATA_ASSIGN(Catalog catalog, Catalog::load(tx.get()));
  Entry& made = entries_[generation];
  made.tx = std::move(tx);
  made.catalog = std::make_unique<Catalog>(std::move(catalog));
  return &made;
}

Result<Tx*> PastSnapshots::tx(uint64_t generation) {
  STRATA_ASSIGN(Entry * e, entry(generation));
  return static_cast<Tx*>(e->tx.get());
}

Result<const Catalog*> PastSnapshots::catalog(uint64_t generation) {
  STRATA_ASSIGN(Entry * e, entry(generation));
  return static_cast<const Catalog*>(e->catalog.get());
}

// ---------------------------------------------------------------- TableScanOp

TableScanOp::TableScanOp(Level* level, const ScopeItem& item, AccessPath path, bool inner)
    : FrameOp(level),
      path_(std::move(path)),
      as_of_(item.as_of),
      base_(item.base),
      rowid_slot_(item.rowid_slot),
      columns_(static_cast<int>(item.columns.size())),
      needed_(item.used),
      inner_(inner) {}

Status TableScanOp::open() {
  // Kept while the inner side of a join re-opens it in one run; a new run (a prepared
  // statement's next execution) may read in another transaction.
  if (!source_ || source_opens_ != level_->opens) {
    source_opens_ = level_->opens;
    Tx* tx = level_->tx;
    if (as_of_) {
      if (level_->past == nullptr) return Status::internal("AS OF scan without its snapshots");
      STRATA_ASSIGN(tx, level_->past->tx(*as_of_));
    }
    source_ = std::make_unique<RowSource>(tx, &path_, &counters_);
    bool all = std::all_of(needed_.begin(), needed_.end(), [](bool b) { return b; });
    source_->set_needed(all ? nullptr : &needed_);
  }
  first_ = true;
  return source_->start(level_->ctx);
}

Result<bool> TableScanOp::next() {
  if (!first_) STRATA_TRY(source_->next());
  first_ = false;
  if (!source_->valid()) return false;
  std::vector<Value>& columns = source_->columns();
  Value* slots = level_->frame.data();
  for (int i = 0; i < columns_; ++i) slots[base_ + i] = std::move(columns[static_cast<size_t>(i)]);
  slots[rowid_slot_] = Value::integer(source_->rowid());
  return true;
}

void TableScanOp::null_row() {
  Value* slots = level_->frame.data();
  for (int i = 0; i < columns_; ++i) slots[base_ + i] = Value::null();
  slots[rowid_slot_] = Value::null();
}

void TableScanOp::explain(Explainer* out, int depth) const {
  std::string counters;
  if (inner_) {
    counters = count_text("loops", counters_.loops) + " " +
               count_text("scanned", counters_.scanned) + " (" +
               per_loop(counters_.scanned, counters_.loops) + ") " +
               count_text("pages", counters_.pages);
  } else {
    counters =
        count_text("scanned", counters_.scanned) + " " + count_text("pages", counters_.pages);
  }
  std::string text = path_.describe();
  if (as_of_) text += " AS OF GENERATION " + std::to_string(*as_of_);
  out->line(depth, text, counters);
}

// ---------------------------------------------------------------- SubqueryScanOp

SubqueryScanOp::SubqueryScanOp(Level* level, const ScopeItem& item, std::shared_ptr<QueryPlan> plan,
                               bool materialize, std::string label)
    : FrameOp(level),
      plan_(std::move(plan)),
      base_(item.base),
      columns_(static_cast<int>(item.columns.size())),
      materialize_(materialize),
      label_(std::move(label)) {}

Status SubqueryScanOp::open() {
  ++loops_;
  RunEnv env{level_->tx, level_->ctx.parameters, level_->ctx.outer, level_->past};
  position_ = 0;
  if (!materialize_) {
    streaming_ = true;
    return plan_->open(env);
  }
  if (materialized_ && !plan_->correlated) return Status::ok();
  rows_.clear();
  STRATA_TRY(plan_->open(env));
  while (true) {
    Row row;
    STRATA_ASSIGN(bool got, plan_->next(&row));
    if (!got) break;
    rows_.push_back(std::move(row));
  }
  materialized_ = true;
  return Status::ok();
}

Result<bool> SubqueryScanOp::next() {
  Value* slots = level_->frame.data();
  if (streaming_) {
    Row row;
    STRATA_ASSIGN(bool got, plan_->next(&row));
    if (!got) return false;
    for (int i = 0; i < columns_; ++i) slots[base_ + i] = std::move(row[static_cast<size_t>(i)]);
  } else {
    if (position_ >= rows_.size()) return false;
    const Row& row = rows_[position_++];
    for (int i = 0; i < columns_; ++i) slots[base_ + i] = row[static_cast<size_t>(i)];
  }
  ++produced_;
  return true;
}

void SubqueryScanOp::null_row() {
  Value* slots = level_->frame.data();
  for (int i = 0; i < columns_; ++i) slots[base_ + i] = Value::null();
}

void SubqueryScanOp::explain(Explainer* out, int depth) const {
  std::string counters = count_text("rows", produced_);
  if (loops_ > 1) counters = count_text("loops", loops_) + " " + counters;
  out->line(depth, label_ + (materialize_ ? " (materialized)" : ""), counters);
  for (const std::string& line : plan_->explain(out->analyze())) {
    out->line(depth + 1, line);
  }
}

// ---------------------------------------------------------------- FilterOp

Result<bool> FilterOp::next() {
  while (true) {
    STRATA_ASSIGN(bool got, child_->next());
    if (!got) return false;
    ++in_;
    STRATA_ASSIGN(bool pass, eval_true(*predicate_, level_->ctx));
    if (pass) {
      ++matched_;
      return true;
    }
  }
}

void FilterOp::explain(Explainer* out, int depth) const {
  out->line(depth, "Filter " + predicate_->text,
            count_text("in", in_) + " " + count_text("matched", matched_));
  out->subqueries(depth + 1, *predicate_);
  child_->explain(out, depth + 1);
}

// ---------------------------------------------------------------- NestedLoopJoinOp

Status NestedLoopJoinOp::open() {
  need_outer_ = true;
  return outer_->open();
}

Result<bool> NestedLoopJoinOp::next() {
  while (true) {
    if (need_outer_) {
      STRATA_ASSIGN(bool got, outer_->next());
      if (!got) return false;
      STRATA_TRY(inner_->open());
      need_outer_ = false;
      matched_ = false;
    }
    STRATA_ASSIGN(bool got, inner_->next());
    if (got) {
      matched_ = true;
      ++produced_;
      return true;
    }
    need_outer_ = true;
    if (left_ && !matched_) {
      inner_->null_row();
      ++produced_;
      return true;
    }
  }
}

void NestedLoopJoinOp::explain(Explainer* out, int depth) const {
  out->line(depth, label_, count_text("rows", produced_));
  outer_->explain(out, depth + 1);
  inner_->explain(out, depth + 1);
}

// ---------------------------------------------------------------- HashJoinOp

HashJoinOp::HashJoinOp(Level* level, std::unique_ptr<FrameOp> outer, std::unique_ptr<FrameOp> build,
                       std::vector<Key> keys, BoundExprPtr residual, bool left,
                       std::vector<int> slots)
    : FrameOp(level),
      outer_(std::move(outer)),
      build_(std::move(build)),
      keys_(std::move(keys)),
      residual_(std::move(residual)),
      left_(left),
      slots_(std::move(slots)) {}

uint64_t HashJoinOp::hash_key() const {
  uint64_t h = 0x9e3779b97f4a7c15ULL;
  for (const Value& v : key_) h = (h ^ hash_value(v)) * 0xff51afd7ed558ccdULL;
  return h ^ (h >> 29);
}

Result<bool> HashJoinOp::compute_key(bool probe) {
  key_.clear();
  for (const Key& k : keys_) {
    STRATA_ASSIGN(Value v, eval(probe ? *k.probe : *k.build, level_->ctx));
    if (v.is_null()) return false;
    key_.push_back(convert_for_comparison(v, k.affinity));
  }
  return true;
}

Status HashJoinOp::open() {
  key_values_.clear();
  slot_values_.clear();
  hashes_.clear();
  next_.clear();
  entries_ = 0;
  STRATA_TRY(build_->open());
  while (true) {
    STRATA_ASSIGN(bool got, build_->next());
    if (!got) break;
    ++built_;
    STRATA_ASSIGN(bool usable, compute_key(false));
    if (!usable) continue;
    if (entries_ == kNone - 1) return Status::unsupported("a hash join build side of 2^32 rows");
    hashes_.push_back(hash_key());
    for (Value& v : key_) key_values_.push_back(std::move(v));
    for (int slot : slots_) {
      slot_values_.push_back(std::move(level_->frame[static_cast<size_t>(slot)]));
    }
    ++entries_;
  }
  size_t n = 16;
  while (n < static_cast<size_t>(entries_) * 2) n *= 2;
  head_.assign(n, kNone);
  next_.assign(entries_, kNone);
  // Chains in insertion order (each entry appended at its chain's end), so that equal keys
  // come out in build order.
  std::vector<uint32_t> tail(n, kNone);
  for (uint32_t i = 0; i < entries_; ++i) {
    size_t b = hashes_[i] & (n - 1);
    if (head_[b] == kNone) {
      head_[b] = i;
    } else {
      next_[tail[b]] = i;
    }
    tail[b] = i;
  }
  need_outer_ = true;
  return outer_->open();
}

Result<bool> HashJoinOp::next() {
  size_t nkeys = keys_.size(), nslots = slots_.size();
  while (true) {
    if (need_outer_) {
      STRATA_ASSIGN(bool got, outer_->next());
      if (!got) return false;
      need_outer_ = false;
      matched_ = false;
      candidate_ = kNone;
      STRATA_ASSIGN(bool usable, compute_key(true));
      if (usable) {
        probe_hash_ = hash_key();
        candidate_ = head_[probe_hash_ & (head_.size() - 1)];
      }
    }
    while (candidate_ != kNone) {
      uint32_t i = candidate_;
      candidate_ = next_[i];
      if (hashes_[i] != probe_hash_) continue;
      const Value* k = &key_values_[static_cast<size_t>(i) * nkeys];
      bool equal = true;
      for (size_t j = 0; j < nkeys && equal; ++j) equal = Value::compare(key_[j], k[j]) == 0;
      if (!equal) continue;
      const Value* v = &slot_values_[static_cast<size_t>(i) * nslots];
      for (size_t j = 0; j < nslots; ++j) level_->frame[static_cast<size_t>(slots_[j])] = v[j];
      if (residual_) {
        STRATA_ASSIGN(bool pass, eval_true(*residual_, level_->ctx));
        if (!pass) continue;
      }
      matched_ = true;
      ++produced_;
      return true;
    }
    need_outer_ = true;
    if (left_ && !matched_) {
      build_->null_row();
      ++produced_;
      return true;
    }
  }
}

void HashJoinOp::explain(Explainer* out, int depth) const {
  std::string on;
  for (const Key& k : keys_)
    on += (on.empty() ? "" : " AND ") + k.probe->text + " = " + k.build->text;
  std::string text = std::string(left_ ? "HashJoin LEFT" : "HashJoin") + " ON " + on;
  if (residual_) text += " IF " + residual_->text;
  out->line(depth, text, count_text("rows", produced_));
  outer_->explain(out, depth + 1);
  out->line(depth + 1, "HashBuild",
            count_text("rows", built_) + " " + count_text("keys", entries_));
  build_->explain(out, depth + 2);
}

// ---------------------------------------------------------------- AggregateOp

namespace {

enum class AggFunction { kCount, kCountStar, kSum, kTotal, kAvg, kMin, kMax, kGroupConcat };

AggFunction function_of(const AggregateCall& call) {
  if (call.name == "count")
    return call.args.empty() ? AggFunction::kCountStar : AggFunction::kCount;
  if (call.name == "sum") return AggFunction::kSum;
  if (call.name == "total") return AggFunction::kTotal;
  if (call.name == "avg") return AggFunction::kAvg;
  if (call.name == "min") return AggFunction::kMin;
  if (call.name == "max") return AggFunction::kMax;
  return AggFunction::kGroupConcat;
}

// The state of one aggregate function in one group, as SQLite's func.c keeps it.
struct AggState {
  int64_t count = 0;  // non-NULL inputs (all rows for count(*))
  int64_t isum = 0;
  double rsum = 0;
  bool approx = false, overflow = false;
  Value best;
  bool has_best = false;
  std::string text;
  bool has_text = false;
  std::unique_ptr<std::set<Value, ValueLess>> distinct;
};

// sum(), total() and avg() of one value (SQLite's sumStep).
void sum_step(AggState* s, const Value& v) {
  if (v.is_null()) return;
  ++s->count;
  Value n = v;
  if (v.type() == ValueType::kText) {
    std::optional<Value> numeric = exec::numeric_text_value(v.as_text(), false);
    if (numeric) n = *numeric;
  }
  if (n.type() == ValueType::kInteger) {
    int64_t i = n.as_integer();
    s->rsum += static_cast<double>(i);
    if (!s->approx && !s->overflow) {
      int64_t r;
      if (__builtin_add_overflow(s->isum, i, &r)) {
        s->approx = s->overflow = true;
      } else {
        s->isum = r;
      }
    }
  } else {
    s->rsum += exec::real_value(n);
    s->approx = true;
  }
}

// min() and max() (SQLite's minmaxStep); true when the row is not the new best, which
// tells SQLite not to load the bare columns from it.
bool minmax_step(AggState* s, const Value& v, bool max) {
  if (v.is_null()) return s->has_best;
  if (s->has_best) {
    int c = Value::compare(s->best, v);
    if ((max && c < 0) || (!max && c > 0)) {
      s->best = v;
      return false;
    }
    return true;
  }
  s->best = v;
  s->has_best = true;
  return false;
}

void group_concat_step(AggState* s, const Value& v, const Value* separator) {
  if (v.is_null()) return;
  if (s->has_text) {
    if (separator == nullptr) {
      s->text += ',';
    } else if (!separator->is_null()) {
      s->text += exec::to_text(*separator);
    }
  }
  s->text += exec::to_text(v);
  s->has_text = true;
}

Result<Value> finalize(AggFunction f, const AggState& s) {
  switch (f) {
    case AggFunction::kCount:
    case AggFunction::kCountStar:
      return Value::integer(s.count);
    case AggFunction::kSum:
      if (s.count == 0) return Value::null();
      if (s.overflow) return Status::invalid_argument("integer overflow");
      if (s.approx) return Value::real(s.rsum);
      return Value::integer(s.isum);
    case AggFunction::kTotal:
      return Value::real(s.rsum);
    case AggFunction::kAvg:
      if (s.count == 0) return Value::null();
      return Value::real(s.rsum / static_cast<double>(s.count));
    case AggFunction::kMin:
    case AggFunction::kMax:
      return s.has_best ? s.best : Value::null();
    case AggFunction::kGroupConcat:
      return s.has_text ? Value::text(s.text) : Value::null();
  }
  return Value::null();
}

struct RowHash {
  size_t operator()(const Row& r) const {
    size_t h = 0;
    for (const Value& v : r) h = h * 1000003u ^ hash_value(v);
    return h;
  }
};
struct RowEqual {
  bool operator()(const Row& a, const Row& b) const {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (Value::compare(a[i], b[i]) != 0) return false;
    }
    return true;
  }
};

}  // namespace

struct AggregateOp::Group {
  Row key;
  Row saved;            // the FROM items' slots for bare columns
  bool loaded = false;  // a row has been seen (SQLite's "use flag")
  std::vector<AggState> states;
};

AggregateOp::AggregateOp(Level* level, std::unique_ptr<FrameOp> child, AggregateSpec spec)
    : FrameOp(level), child_(std::move(child)), spec_(std::move(spec)) {}

AggregateOp::~AggregateOp() = default;

Status AggregateOp::open() {
  groups_.clear();
  position_ = 0;
  std::unordered_map<Row, size_t, RowHash, RowEqual> index;
  std::vector<AggFunction> functions;
  bool has_minmax = false;
  for (const AggregateCall& c : spec_.calls) {
    functions.push_back(function_of(c));
    has_minmax = has_minmax || functions.back() == AggFunction::kMin ||
                 functions.back() == AggFunction::kMax;
  }
  auto new_group = [&](Row key) {
    auto g = std::make_unique<Group>();
    g->key = std::move(key);
    g->states.resize(spec_.calls.size());
    groups_.push_back(std::move(g));
    return groups_.back().get();
  };
  if (spec_.group_by.empty()) new_group({});
  STRATA_TRY(child_->open());
  // SQLite's register that min()/max() set when a row is not their new best; it is shared
  // by all of them and survives from row to row.
  bool skip_load = false;
  std::vector<Value> args;
  Row key;
  while (true) {
    STRATA_ASSIGN(bool got, child_->next());
    if (!got) break;
    ++in_;
    Group* group;
    if (spec_.group_by.empty()) {
      group = groups_[0].get();
    } else {
      key.clear();
      for (const auto& g : spec_.group_by) {
        STRATA_ASSIGN(Value v, eval(*g, level_->ctx));
        key.push_back(std::move(v));
      }
      auto it = index.find(key);
      if (it == index.end()) {
        index.emplace(key, groups_.size());
        group = new_group(key);
      } else {
        group = groups_[it->second].get();
      }
    }
    for (size_t i = 0; i < spec_.calls.size(); ++i) {
      const AggregateCall& call = spec_.calls[i];
      AggState& state = group->states[i];
      args.clear();
      for (const auto& a : call.args) {
        STRATA_ASSIGN(Value v, eval(*a, level_->ctx));
        args.push_back(std::move(v));
      }
      if (call.distinct) {
        if (!state.distinct) state.distinct = std::make_unique<std::set<Value, ValueLess>>();
        if (!state.distinct->insert(args[0]).second) continue;
      }
      switch (functions[i]) {
        case AggFunction::kCountStar:
          ++state.count;
          break;
        case AggFunction::kCount:
          if (!args[0].is_null()) ++state.count;
          break;
        case AggFunction::kSum:
        case AggFunction::kTotal:
        case AggFunction::kAvg:
          sum_step(&state, args[0]);
          break;
        case AggFunction::kMin:
          skip_load = minmax_step(&state, args[0], false);
          break;
        case AggFunction::kMax:
          skip_load = minmax_step(&state, args[0], true);
          break;
        case AggFunction::kGroupConcat:
          group_concat_step(&state, args[0], args.size() > 1 ? &args[1] : nullptr);
          break;
      }
    }
    bool load = has_minmax ? !skip_load : !group->loaded;
    if (load) {
      group->saved.assign(level_->frame.begin(), level_->frame.begin() + spec_.item_slots);
    }
    group->loaded = true;
  }
  if (!spec_.group_by.empty()) {
    std::stable_sort(groups_.begin(), groups_.end(),
                     [](const auto& a, const auto& b) { return RowLess()(a->key, b->key); });
  }
  return Status::ok();
}

Result<bool> AggregateOp::next() {
  if (position_ >= groups_.size()) return false;
  const Group& g = *groups_[position_++];
  Value* slots = level_->frame.data();
  for (int i = 0; i < spec_.item_slots; ++i) {
    slots[i] = g.saved.empty() ? Value::null() : g.saved[static_cast<size_t>(i)];
  }
  for (size_t i = 0; i < spec_.calls.size(); ++i) {
    Result<Value> v = finalize(function_of(spec_.calls[i]), g.states[i]);
    if (!v.ok()) return v.status();
    slots[spec_.calls[i].slot] = std::move(v).value();
  }
  return true;
}

void AggregateOp::explain(Explainer* out, int depth) const {
  std::string text = "Aggregate";
  if (!spec_.group_by.empty()) {
    text += " GROUP BY ";
    for (size_t i = 0; i < spec_.group_by.size(); ++i)
      text += (i ? ", " : "") + spec_.group_by[i]->text;
  }
  for (size_t i = 0; i < spec_.calls.size(); ++i) text += (i ? ", " : ": ") + spec_.calls[i].text;
  out->line(depth, text, count_text("in", in_) + " " + count_text("groups", groups_.size()));
  for (const AggregateCall& c : spec_.calls) {
    for (const auto& a : c.args) out->subqueries(depth + 1, *a);
  }
  child_->explain(out, depth + 1);
}

// ---------------------------------------------------------------- ProjectOp

ProjectOp::ProjectOp(std::unique_ptr<Level> level, std::unique_ptr<FrameOp> source,
                     std::vector<BoundExprPtr> outputs, std::vector<BoundExprPtr> sort_keys,
                     std::vector<std::string> names)
    : level_(std::move(level)),
      source_(std::move(source)),
      outputs_(std::move(outputs)),
      sort_keys_(std::move(sort_keys)),
      names_(std::move(names)) {}

Status ProjectOp::open(const RunEnv& env) {
  ++level_->opens;
  level_->tx = env.tx;
  level_->past = env.past;
  level_->ctx.slots = level_->frame.data();
  level_->ctx.outer = env.outer;
  level_->ctx.parameters = env.parameters;
  for (Value& v : level_->frame) v = Value::null();
  return source_->open();
}

Result<bool> ProjectOp::next(Row* row) {
  STRATA_ASSIGN(bool got, source_->next());
  if (!got) return false;
  row->clear();
  row->reserve(outputs_.size() + sort_keys_.size());
  for (const auto& o : outputs_) {
    STRATA_ASSIGN(Value v, eval(*o, level_->ctx));
    row->push_back(std::move(v));
  }
  for (const auto& k : sort_keys_) {
    STRATA_ASSIGN(Value v, eval(*k, level_->ctx));
    row->push_back(std::move(v));
  }
  ++returned_;
  return true;
}

void ProjectOp::explain(Explainer* out, int depth) const {
  std::string columns;
  for (const std::string& n : names_) columns += (columns.empty() ? "" : ", ") + n;
  out->line(depth, "Project " + columns, counts_returned ? count_text("returned", returned_) : "");
  for (const auto& o : outputs_) out->subqueries(depth + 1, *o);
  for (const auto& k : sort_keys_) out->subqueries(depth + 1, *k);
  source_->explain(out, depth + 1);
}

// ---------------------------------------------------------------- DistinctOp

Status DistinctOp::open(const RunEnv& env) {
  seen_ = std::make_unique<std::set<Row, RowLess>>();
  return child_->open(env);
}

Result<bool> DistinctOp::next(Row* row) {
  while (true) {
    STRATA_ASSIGN(bool got, child_->next(row));
    if (!got) return false;
    Row key(row->begin(), row->begin() + static_cast<std::ptrdiff_t>(columns_));
    if (seen_->insert(std::move(key)).second) return true;
  }
}

void DistinctOp::explain(Explainer* out, int depth) const {
  out->line(depth, "Distinct");
  child_->explain(out, depth + 1);
}

// ---------------------------------------------------------------- SortOp

Status SortOp::open(const RunEnv& env) {
  sorted_ = false;
  rows_.clear();
  position_ = 0;
  return child_->open(env);
}

Result<bool> SortOp::next(Row* row) {
  if (!sorted_) {
    while (true) {
      Row r;
      STRATA_ASSIGN(bool got, child_->next(&r));
      if (!got) break;
      rows_.push_back(std::move(r));
    }
    const std::vector<SortKey>& keys = keys_;
    std::stable_sort(rows_.begin(), rows_.end(), [&](const Row& a, const Row& b) {
      for (const SortKey& k : keys) {
        const Value& x = a[k.column];
        const Value& y = b[k.column];
        if (x.is_null() != y.is_null()) return x.is_null() == k.nulls_first;
        int c = Value::compare(x, y);
        if (c != 0) return k.desc ? c > 0 : c < 0;
      }
      return false;
    });
    sorted_ = true;
  }
  if (position_ >= rows_.size()) return false;
  *row = std::move(rows_[position_++]);
  row->resize(keep_);
  return true;
}

void SortOp::explain(Explainer* out, int depth) const {
  out->line(depth, "Sort " + text_, count_text("rows", rows_.size()));
  child_->explain(out, depth + 1);
}

// ---------------------------------------------------------------- LimitOp

Status LimitOp::open(const RunEnv& env) {
  EvalContext ctx;
  ctx.outer = env.outer;
  ctx.parameters = env.parameters;
  STRATA_ASSIGN(limit_, integer_clause(*limit_expr_, ctx));
  offset_ = 0;
  if (offset_expr_) {
    STRATA_ASSIGN(offset_, integer_clause(*offset_expr_, ctx));
    if (offset_ < 0) offset_ = 0;
  }
  skipped_ = produced_ = 0;
  return child_->open(env);
}

Result<bool> LimitOp::next(Row* row) {
  if (limit_ >= 0 && produced_ >= limit_) return false;
  while (true) {
    STRATA_ASSIGN(bool got, child_->next(row));
    if (!got) return false;
    if (skipped_ < offset_) {
      ++skipped_;
      continue;
    }
    ++produced_;
    ++returned_;
    return true;
  }
}

void LimitOp::explain(Explainer* out, int depth) const {
  out->line(depth,
            "Limit " + limit_expr_->text + (offset_expr_ ? " OFFSET " + offset_expr_->text : ""),
            count_text("returned", returned_));
  child_->explain(out, depth + 1);
}

// ---------------------------------------------------------------- CompoundOp

Status CompoundOp::open(const RunEnv& env) {
  on_right_ = false;
  computed_ = false;
  rows_.clear();
  position_ = 0;
  STRATA_TRY(left_->open(env));
  if (op_ == sql::CompoundOp::kUnionAll) {
    // The right side opens when the left one is done; keep what it needs.
    right_env_ = env;
    return Status::ok();
  }
  STRATA_TRY(right_->open(env));
  std::map<Row, Row, RowLess> left_rows;
  Row row;
  while (true) {
    STRATA_ASSIGN(bool got, left_->next(&row));
    if (!got) break;
    left_rows.insert_or_assign(row, row);
  }
  if (op_ == sql::CompoundOp::kUnion) {
    while (true) {
      STRATA_ASSIGN(bool got, right_->next(&row));
      if (!got) break;
      left_rows.insert_or_assign(row, row);
    }
    for (auto& [key, value] : left_rows) rows_.push_back(std::move(value));
  } else {
    std::set<Row, RowLess> right_rows;
    while (true) {
      STRATA_ASSIGN(bool got, right_->next(&row));
      if (!got) break;
      right_rows.insert(row);
    }
    bool keep_common = op_ == sql::CompoundOp::kIntersect;
    for (auto& [key, value] : left_rows) {
      if ((right_rows.count(key) > 0) == keep_common) rows_.push_back(std::move(value));
    }
  }
  computed_ = true;
  return Status::ok();
}

Result<bool> CompoundOp::next(Row* row) {
  if (op_ == sql::CompoundOp::kUnionAll) {
    if (!on_right_) {
      STRATA_ASSIGN(bool got, left_->next(row));
      if (got) {
        ++returned_;
        return true;
      }
      on_right_ = true;
      STRATA_TRY(right_->open(right_env_));
    }
    STRATA_ASSIGN(bool got, right_->next(row));
    if (got) ++returned_;
    return got;
  }
  if (position_ >= rows_.size()) return false;
  *row = std::move(rows_[position_++]);
  ++returned_;
  return true;
}

void CompoundOp::explain(Explainer* out, int depth) const {
  out->line(depth, std::string(sql::compound_op_name(op_)), count_text("returned", returned_));
  left_->explain(out, depth + 1);
  right_->explain(out, depth + 1);
}

// ---------------------------------------------------------------- MergeCompoundOp

namespace {
int compare_by_keys(const std::vector<SortKey>& keys, const Row& a, const Row& b) {
  for (const SortKey& k : keys) {
    const Value& x = a[k.column];
    const Value& y = b[k.column];
    if (x.is_null() != y.is_null()) return x.is_null() == k.nulls_first ? -1 : 1;
    int c = Value::compare(x, y);
    if (c != 0) return k.desc ? -c : c;
  }
  return 0;
}
}  // namespace

int MergeCompoundOp::compare(const Row& a, const Row& b) const {
  return compare_by_keys(keys_, a, b);
}

Status MergeCompoundOp::advance(bool left) {
  if (left) {
    STRATA_ASSIGN(has_a_, left_->next(&a_));
  } else {
    STRATA_ASSIGN(has_b_, right_->next(&b_));
  }
  return Status::ok();
}

Status MergeCompoundOp::open(const RunEnv& env) {
  has_previous_ = false;
  STRATA_TRY(left_->open(env));
  STRATA_TRY(right_->open(env));
  STRATA_TRY(advance(true));
  return advance(false);
}

bool MergeCompoundOp::emit(const Row& from, Row* row) {
  if (op_ != sql::CompoundOp::kUnionAll && has_previous_ && compare(previous_, from) == 0)
    return false;
  *row = from;
  if (op_ != sql::CompoundOp::kUnionAll) {
    previous_ = from;
    has_previous_ = true;
  }
  ++returned_;
  return true;
}

Result<bool> MergeCompoundOp::next(Row* row) {
  while (has_a_ || has_b_) {
    int c = !has_a_ ? 1 : !has_b_ ? -1 : compare(a_, b_);
    bool out = false;
    switch (op_) {
      case sql::CompoundOp::kUnionAll:
      case sql::CompoundOp::kUnion:
        if (c < 0 || (c == 0 && op_ == sql::CompoundOp::kUnionAll)) {
          out = emit(a_, row);
          STRATA_TRY(advance(true));
        } else if (c == 0) {
          STRATA_TRY(advance(true));  // the right side's equal row is the one kept
        } else {
          out = emit(b_, row);
          STRATA_TRY(advance(false));
        }
        break;
      case sql::CompoundOp::kIntersect:
        if (!has_a_ || !has_b_) return false;
        if (c < 0) {
          STRATA_TRY(advance(true));
        } else if (c == 0) {
          out = emit(a_, row);
          STRATA_TRY(advance(true));
        } else {
          STRATA_TRY(advance(false));
        }
        break;
      case sql::CompoundOp::kExcept:
        if (!has_a_) return false;
        if (c < 0) {
          out = emit(a_, row);
          STRATA_TRY(advance(true));
        } else if (c == 0) {
          STRATA_TRY(advance(true));
        } else {
          STRATA_TRY(advance(false));
        }
        break;
    }
    if (out) return true;
  }
  return false;
}

void MergeCompoundOp::explain(Explainer* out, int depth) const {
  out->line(depth, std::string(sql::compound_op_name(op_)) + " (merge of sorted sides)",
            count_text("returned", returned_));
  left_->explain(out, depth + 1);
  right_->explain(out, depth + 1);
}

// ---------------------------------------------------------------- ValuesOp

Status ValuesOp::open(const RunEnv& env) {
  level_->tx = env.tx;
  level_->past = env.past;
  level_->ctx.slots = level_->frame.data();
  level_->ctx.outer = env.outer;
  level_->ctx.parameters = env.parameters;
  position_ = 0;
  return Status::ok();
}

Result<bool> ValuesOp::next(Row* row) {
  if (position_ >= rows_.size()) return false;
  row->clear();
  for (const auto& e : rows_[position_]) {
    STRATA_ASSIGN(Value v, eval(*e, level_->ctx));
    row->push_back(std::move(v));
  }
  ++position_;
  return true;
}

void ValuesOp::explain(Explainer* out, int depth) const {
  out->line(depth, "Values (" + std::to_string(rows_.size()) + " rows)");
}

// ---------------------------------------------------------------- QueryPlan

std::vector<std::string> QueryPlan::explain(bool analyze) const {
  Explainer out(analyze);
  for (const std::string& note : notes) out.line(0, note);
  root->explain(&out, 0);
  return out.take();
}

// ---------------------------------------------------------------- SubqueryRunner

Status SubqueryRunner::run(const EvalContext& ctx, size_t max_rows) {
  ++runs_;
  RunEnv env{env_->tx, env_->parameters, &ctx, env_->past};
  STRATA_TRY(plan_->open(env));
  rows_.clear();
  complete_ = false;
  while (rows_.size() < max_rows) {
    Row row;
    STRATA_ASSIGN(bool got, plan_->next(&row));
    if (!got) {
      complete_ = true;
      break;
    }
    rows_.push_back(std::move(row));
  }
  return Status::ok();
}

Result<Value> SubqueryRunner::scalar(const EvalContext& ctx) {
  if (!cached_ || plan_->correlated) {
    STRATA_TRY(run(ctx, 1));
    cached_ = true;
  }
  if (rows_.empty()) return Value::null();
  return rows_[0][0];
}

Result<bool> SubqueryRunner::exists(const EvalContext& ctx) {
  if (!cached_ || plan_->correlated) {
    STRATA_TRY(run(ctx, 1));
    cached_ = true;
  }
  return !rows_.empty();
}

Result<Value> SubqueryRunner::contains(const Value& x, exec::Affinity comparison,
                                       const EvalContext& ctx) {
  if (!in_ready_ || plan_->correlated || in_affinity_ != comparison) {
    STRATA_TRY(run(ctx, std::numeric_limits<size_t>::max()));
    in_values_.clear();
    in_has_null_ = false;
    for (const Row& r : rows_) {
      if (r[0].is_null()) {
        in_has_null_ = true;
      } else {
        in_values_.push_back(convert_for_comparison(r[0], comparison));
      }
    }
    std::sort(in_values_.begin(), in_values_.end(), ValueLess());
    rows_.clear();
    in_ready_ = true;
    in_affinity_ = comparison;
  }
  if (in_values_.empty() && !in_has_null_) return Value::integer(0);  // x IN (empty) is false
  if (x.is_null()) return Value::null();
  Value key = convert_for_comparison(x, comparison);
  if (std::binary_search(in_values_.begin(), in_values_.end(), key, ValueLess())) {
    return Value::integer(1);
  }
  return in_has_null_ ? Value::null() : Value::integer(0);
}

}  // namespace strata::query
