#include "model/sql_gen.h"

#include <algorithm>
#include <numeric>

namespace strata::model {

std::string_view step_kind_name(StepKind kind) {
  switch (kind) {
    case StepKind::kSql:
      return "sql";
    case StepKind::kCrash:
      return "crash";
    case StepKind::kFault:
      return "fault";
  }
  return "?";
}

// ------------------------------------------------------------------ generation

rc::Gen<Step> gen_step(StepKind kind) {
  return rc::gen::map(
      rc::gen::container<std::vector<int>>(kChoicesPerStep, rc::gen::inRange(0, 256)),
      [kind](const std::vector<int>& bytes) {
        Step step;
        step.kind = kind;
        step.choices.assign(bytes.begin(), bytes.end());
        return step;
      });
}

StepShrinkables generate_steps(const GenOptions& options, uint64_t seed) {
  rc::Random random(seed);
  StepShrinkables steps;
  const rc::Gen<Step> sql = gen_step(StepKind::kSql);
  const rc::Gen<Step> crash = gen_step(StepKind::kCrash);
  const rc::Gen<Step> fault = gen_step(StepKind::kFault);
  auto coin = [&](double every) {
    if (every <= 0) return false;
    uint64_t n = random.split().next();
    return static_cast<double>(n >> 11) / static_cast<double>(uint64_t{1} << 53) < 1.0 / every;
  };
  for (size_t i = 0; i < options.statements; ++i) {
    if (coin(options.fault_every)) steps.push_back(fault(random.split(), rc::kNominalSize));
    steps.push_back(sql(random.split(), rc::kNominalSize));
    if (coin(options.crash_every)) steps.push_back(crash(random.split(), rc::kNominalSize));
  }
  return steps;
}

rc::Shrinkable<Input> shrinkable_input(StepShrinkables steps) {
  return rc::shrinkable::map(
      rc::shrinkable::shrinkRecur(
          std::move(steps),
          [](const StepShrinkables& elements) {
            return rc::seq::concat(
                rc::shrink::removeChunks(elements),
                rc::shrink::eachElement(elements,
                                        [](const rc::Shrinkable<Step>& s) { return s.shrinks(); }));
          }),
      [](const StepShrinkables& elements) {
        Input input;
        input.reserve(elements.size());
        for (const rc::Shrinkable<Step>& s : elements) input.push_back(s.value());
        return input;
      });
}

rc::Gen<Input> gen_input(const GenOptions& options) {
  return [options](const rc::Random& random, int size) {
    GenOptions o = options;
    rc::Random r = random;
    // Fewer statements for small sizes, as RapidCheck's own containers do.
    o.statements = std::min<size_t>(
        options.statements, static_cast<size_t>(r.next() % (static_cast<uint64_t>(size) + 1)));
    return shrinkable_input(generate_steps(o, r.next()));
  };
}

// ------------------------------------------------------------------ choices

Choices::Choices(std::span<const uint8_t> bytes) : bytes_(bytes) {
  uint64_t h = 1469598103934665603ull;
  for (uint8_t b : bytes) h = (h ^ b) * 1099511628211ull;
  rng_.seed(h);
}

uint32_t Choices::pick(uint32_t n) {
  if (n <= 1) return 0;
  if (next_ < bytes_.size()) return bytes_[next_++] % n;
  return static_cast<uint32_t>(rng_() % n);
}

int Choices::range(int lo, int hi) {
  if (hi <= lo) return lo;
  return lo + static_cast<int>(pick(static_cast<uint32_t>(hi - lo + 1)));
}

bool Choices::maybe(uint32_t percent) { return pick(100) >= 100 - std::min(percent, 100u); }

size_t Choices::weighted(std::span<const uint32_t> weights) {
  uint32_t total = std::accumulate(weights.begin(), weights.end(), 0u);
  uint32_t x = pick(std::max(total, 1u));
  for (size_t i = 0; i < weights.size(); ++i) {
    if (x < weights[i]) return i;
    x -= weights[i];
  }
  return 0;
}

// ------------------------------------------------------------------ rendering

namespace {

constexpr int kMaxTables = 4;
constexpr int kMaxViews = 3;

// A FROM item as queries see it: its alias (empty: columns go unqualified) and columns.
struct Source {
  std::string alias;
  std::string from;  // the FROM item's text, alias included
  std::vector<ColumnInfo> columns;
  bool has_rowid = true;  // a table (views and subqueries have none)
};
using Scope = std::vector<Source>;

class Renderer {
 public:
  Renderer(Choices* choices, const Schema* schema, bool in_transaction)
      : c_(*choices), schema_(*schema), in_transaction_(in_transaction) {}

  std::string statement() {
    if (schema_.tables.empty()) return create_table();
    enum Kind : size_t {
      kInsert,
      kUpdate,
      kDelete,
      kSelect,
      kJoin,
      kAggregate,
      kCompound,
      kSubquery,
      kInsertSelect,
      kTransaction,
      kCreateTable,
      kCreateIndex,
      kDropIndex,
      kCreateView,
      kDropView,
      kDropTable,
      kAnalyze,
      kKinds
    };
    int64_t rows = 0;
    for (const TableInfo& t : schema_.tables) rows += t.rows;
    const bool crowded = rows > 120 * static_cast<int64_t>(schema_.tables.size());
    uint32_t weights[kKinds] = {};
    weights[kInsert] = crowded ? 10 : 30;
    weights[kUpdate] = 12;
    weights[kDelete] = crowded ? 16 : 6;
    weights[kSelect] = 14;
    weights[kJoin] = 8;
    weights[kAggregate] = 8;
    weights[kCompound] = 4;
    weights[kSubquery] = 5;
    weights[kInsertSelect] = 3;
    weights[kTransaction] = in_transaction_ ? 7 : 5;
    weights[kCreateTable] = static_cast<int>(schema_.tables.size()) < kMaxTables ? 3 : 0;
    weights[kCreateIndex] = 3;
    weights[kDropIndex] = 1;
    weights[kCreateView] = static_cast<int>(schema_.views.size()) < kMaxViews ? 2 : 0;
    weights[kDropView] = schema_.views.empty() ? 0 : 1;
    weights[kDropTable] = 1;
    weights[kAnalyze] = 1;
    switch (static_cast<Kind>(c_.weighted(weights))) {
      case kInsert:
        return insert(table());
      case kUpdate:
        return update(table());
      case kDelete:
        return remove(table());
      case kSelect:
        return select();
      case kJoin:
        return join_query();
      case kAggregate:
        return aggregate_query();
      case kCompound:
        return compound_query();
      case kSubquery:
        return subquery_query();
      case kInsertSelect:
        return insert_select(table());
      case kTransaction:
        return transaction();
      case kCreateTable:
        return create_table();
      case kCreateIndex:
        return create_index(table());
      case kDropIndex:
        return "DROP INDEX IF EXISTS " + table().name + "_i" + num(c_.range(0, 3));
      case kCreateView:
        return create_view();
      case kDropView:
        return drop_view();
      case kDropTable:
        return drop_table(table());
      case kAnalyze:
        return c_.maybe(50) ? "ANALYZE " + table().name : "ANALYZE";
      case kKinds:
        break;
    }
    return insert(table());
  }

 private:
  static std::string num(int64_t n) { return std::to_string(n); }

  template <typename T>
  const T& one_of(const std::vector<T>& items) {
    return items[c_.pick(static_cast<uint32_t>(items.size()))];
  }
  template <size_t N>
  const char* one_of(const char* const (&items)[N]) {
    return items[c_.pick(N)];
  }

  const TableInfo& table() { return one_of(schema_.tables); }

  // ---- values

  // A literal of any storage class, biased to small values so that they collide. Reals are
  // multiples of 1/4 that are not integers (sums are exact in any order; 1 and 1.0 never
  // both come from a literal).
  std::string literal() {
    switch (c_.pick(16)) {
      case 0:
      case 1:
      case 2:
      case 3:
        return num(c_.range(0, 12));
      case 4:
        return num(c_.range(-3, 9)) + one_of({".25", ".5", ".75"});
      case 5:
        return "NULL";
      case 6:
        return "'" + num(c_.range(-2, 10)) + "'";
      case 7:
        return one_of({"'a'", "'b'", "'abc'", "'B'", "''", "'a_c'", "'%'", "'x1'", "'Ab'",
                       "'\xC3\xA9'", "'zz'", "'a%'"});
      case 8:
        return one_of({"x''", "x'00'", "x'61'", "x'31'", "x'0102'", "x'ff'"});
      case 9:
        return one_of({"'2.0'", "' 7'", "'1e1'", "'0x1'", "'-0'", "'2.5'", "'10'", "'-1.25'"});
      case 10:
        return std::string("'") + static_cast<char>('a' + c_.pick(5)) + "'";
      case 11:
        return num(-c_.range(1, 3));
      default:
        return num(c_.range(0, 6));
    }
  }

  // A text or blob of a few kilobytes (overflow pages), varying at both ends.
  std::string long_literal() {
    size_t n = 300 + 150 * c_.pick(40);
    char head = static_cast<char>('a' + c_.pick(4));
    char tail = static_cast<char>('a' + c_.pick(4));
    if (c_.maybe(30)) {
      static const char* kHex = "0123456789abcdef";
      std::string out = "x'";
      for (size_t i = 0; i < n; ++i) {
        out += kHex[(i + static_cast<size_t>(head)) % 16];
        out += kHex[i % 16];
      }
      return out + "'";
    }
    return "'" + std::string(1, head) + std::string(n, 'x') + std::string(1, tail) + "'";
  }

  // A value for an INTEGER PRIMARY KEY: mostly small integers, sometimes one that converts
  // ('5', 5.0) or fails (2.5, 'x').
  std::string rowid_literal() {
    switch (c_.pick(10)) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 4:
        return num(c_.range(1, 40));
      case 5:
        return "NULL";
      case 6:
        return "'" + num(c_.range(1, 40)) + "'";
      case 7:
        return num(c_.range(1, 40)) + ".0";
      case 8:
        return c_.maybe(50) ? "2.5" : "'x'";
      default:
        return num(c_.range(-3, 0));
    }
  }

  std::string value_for(const ColumnInfo& col) {
    if (col.integer_primary_key) return rowid_literal();
    if (col.wide && c_.maybe(25)) return long_literal();
    if (c_.maybe(8)) return scalar_expr({}, 1);
    return literal();
  }

  // ---- columns and expressions

  static std::string ref(const Source& s, const ColumnInfo& c) {
    return s.alias.empty() ? c.name : s.alias + "." + c.name;
  }

  // A column of the scope (never the wide one unless allowed); nullptr when there is none.
  std::pair<const Source*, const ColumnInfo*> scope_column(const Scope& scope, bool settled_only,
                                                           bool allow_wide = false) {
    std::vector<std::pair<const Source*, const ColumnInfo*>> candidates;
    for (const Source& s : scope) {
      for (const ColumnInfo& c : s.columns) {
        if (c.wide && !allow_wide) continue;
        if (settled_only && !c.settled()) continue;
        candidates.emplace_back(&s, &c);
      }
    }
    if (candidates.empty()) return {nullptr, nullptr};
    return one_of(candidates);
  }

  std::string column_expr(const Scope& scope, bool settled_only = false) {
    auto [s, c] = scope_column(scope, settled_only);
    return c == nullptr ? literal() : ref(*s, *c);
  }

  // An expression that cannot fail at run time.
  std::string scalar_expr(const Scope& scope, int depth) {
    auto col = [&]() { return column_expr(scope); };
    switch (c_.pick(depth <= 0 ? 3 : 17)) {
      case 0:
      case 1:
        return col();
      case 2:
        return literal();
      case 3:
        return "(" + scalar_expr(scope, depth - 1) + " " +
               one_of({"+", "-", "*", "/", "%", "||", "&", "|", "<<", ">>"}) + " " +
               scalar_expr(scope, depth - 1) + ")";
      case 4:
        return std::string(one_of({"length", "lower", "upper", "typeof", "hex", "quote", "trim",
                                   "sign", "unicode", "round"})) +
               "(" + scalar_expr(scope, depth - 1) + ")";
      case 5:
        return "coalesce(" + scalar_expr(scope, depth - 1) + ", " + scalar_expr(scope, depth - 1) +
               ")";
      case 6:
        return "CAST(" + scalar_expr(scope, depth - 1) + " AS " +
               one_of({"INTEGER", "TEXT", "REAL", "NUMERIC", "BLOB"}) + ")";
      case 7:
        return "CASE WHEN " + predicate(scope, depth - 1, false) + " THEN " +
               scalar_expr(scope, depth - 1) + " ELSE " + scalar_expr(scope, depth - 1) + " END";
      case 8:
        return "-" + col();
      case 9:
        return "substr(" + scalar_expr(scope, depth - 1) + ", " + num(c_.range(-2, 3)) + ")";
      case 10:
        return std::string(c_.maybe(50) ? "max(" : "min(") + scalar_expr(scope, depth - 1) + ", " +
               scalar_expr(scope, depth - 1) + ")";
      case 11:
        return "(" + predicate(scope, depth - 1, false) + ")";
      case 12:
        return "nullif(" + scalar_expr(scope, depth - 1) + ", " + scalar_expr(scope, depth - 1) +
               ")";
      case 13: {
        std::string s = "CASE " + col();
        int n = c_.range(1, 3);
        for (int i = 0; i < n; ++i) {
          s += " WHEN " + (c_.maybe(30) ? col() : literal()) + " THEN " +
               scalar_expr(scope, depth - 1);
        }
        return s + (c_.maybe(50) ? " ELSE " + scalar_expr(scope, depth - 1) : "") + " END";
      }
      case 14:
        return std::string(one_of({"~", "+", "- ", "NOT "})) + col();
      case 15:
        return c_.maybe(50) ? "ifnull(" + scalar_expr(scope, depth - 1) + ", " +
                                  scalar_expr(scope, depth - 1) + ")"
                            : std::string(one_of({"likely(", "unlikely("})) +
                                  scalar_expr(scope, depth - 1) + ")";
      default:
        return "iif(" + predicate(scope, depth - 1, false) + ", " + col() + ", " + literal() + ")";
    }
  }

  // An expression that may fail at run time: only where every engine evaluates it on the
  // same rows (result columns of a query without LIMIT, SET).
  std::string risky_expr(const Scope& scope) {
    auto x = [&]() { return scalar_expr(scope, 1); };
    switch (c_.pick(11)) {
      case 0:
        return "abs(" + x() + ")";
      case 1:
        return "instr(" + x() + ", " + x() + ")";
      case 2:
        return "replace(" + x() + ", " + x() + ", " + x() + ")";
      case 3:
        return std::string(c_.maybe(50) ? "ltrim(" : "rtrim(") + x() + ", " + x() + ")";
      case 4:
        return "char(" + num(c_.range(0, 300)) + ", " + x() + ")";
      case 5:
        return "hex(zeroblob(" + num(c_.range(-1, 3)) + "))";
      case 6:
        return x() + " LIKE " + x() + " ESCAPE " + x();
      case 7:
        return "like(" + x() + ", " + x() + ")";
      case 8:
        return x() + (c_.maybe(50) ? " NOT GLOB " : " GLOB ") + x();
      case 9:
        return "substr(" + x() + ", " + x() + ", " + x() + ")";
      default:
        return "round(" + x() + ", " + x() + ")";
    }
  }

  // Equalities on a prefix of an index's columns, then maybe a range on the next one, so that
  // index lookups and ranges are planned.
  std::string index_predicate(const Source& source, const TableInfo& t) {
    const IndexInfo& index = one_of(t.indexes);
    size_t eq = c_.pick(static_cast<uint32_t>(index.columns.size()) + 1);
    std::string s;
    auto add = [&](const std::string& term) { s += (s.empty() ? "" : " AND ") + term; };
    auto name = [&](const std::string& column) {
      return source.alias.empty() ? column : source.alias + "." + column;
    };
    for (size_t i = 0; i < eq; ++i) {
      add(c_.maybe(20) ? literal() + " = " + name(index.columns[i])
                       : name(index.columns[i]) + " = " + literal());
    }
    if (eq < index.columns.size() && !c_.maybe(20)) {
      const std::string column = name(index.columns[eq]);
      switch (c_.pick(3)) {
        case 0:
          add(column + " " + one_of({"<", "<=", ">", ">="}) + " " + literal());
          break;
        case 1:
          add(column + " > " + literal());
          add(column + " < " + literal());
          break;
        default:
          add(column + " BETWEEN " + literal() + " AND " + literal());
          break;
      }
    }
    return s.empty() ? name(index.columns[0]) + " IS NOT NULL" : s;
  }

  // A condition that cannot fail at run time. subqueries: may hold a subquery (on any table).
  std::string predicate(const Scope& scope, int depth, bool subqueries) {
    if (depth >= 2 && scope.size() == 1 && c_.maybe(30)) {
      const TableInfo* t = schema_.table(scope[0].alias.empty() ? scope[0].from : "");
      if (t != nullptr && !t->indexes.empty()) return index_predicate(scope[0], *t);
    }
    auto col = [&]() { return column_expr(scope); };
    auto operand = [&]() { return c_.maybe(40) ? col() : literal(); };
    auto cmp = [&]() {
      return one_of({"=", "<>", "<", "<=", ">", ">=", "==", "!=", "IS", "IS NOT"});
    };
    switch (c_.pick(depth <= 0 ? 4 : (subqueries ? 15 : 14))) {
      case 0:
      case 1:
        return col() + " " + cmp() + " " + literal();
      case 2:
        return col() + (c_.maybe(50) ? " IS NOT NULL" : " IS NULL");
      case 3:
        return literal() + " " + cmp() + " " + col();
      case 4:
        return col() + " " + cmp() + " " + col();
      case 5:
        return predicate(scope, depth - 1, subqueries) + (c_.maybe(50) ? " OR " : " AND ") +
               predicate(scope, depth - 1, subqueries);
      case 6:
        return "NOT (" + predicate(scope, depth - 1, subqueries) + ")";
      case 7:
        return col() + (c_.maybe(30) ? " NOT" : "") + " BETWEEN " + operand() + " AND " + operand();
      case 8: {
        std::string s = col() + (c_.maybe(30) ? " NOT IN (" : " IN (");
        int n = c_.range(0, 4);
        for (int i = 0; i < n; ++i) s += (i ? ", " : "") + operand();
        return s + ")";
      }
      case 9:
        return col() + (c_.maybe(20) ? " NOT" : "") + (c_.maybe(20) ? " GLOB " : " LIKE ") +
               one_of({"'a%'", "'%b%'", "'_'", "'%'", "'A_C'", "'1%'", "'%0'", "''", "'a\\_c'",
                       "'\xC3\xA9'"});
      case 10:
        return col() + (c_.maybe(20) ? " NOT" : "") + " LIKE " +
               one_of({"'a!%'", "'!_%'", "'%!!%'", "'1!%'", "'%'"}) + " ESCAPE '!'";
      case 11:
        return "(" + scalar_expr(scope, depth - 1) + ") " + cmp() + " " + literal();
      case 12: {
        const Source& s = one_of(scope);
        if (!s.has_rowid) return col() + " " + cmp() + " " + literal();
        return (s.alias.empty() ? std::string("rowid") : s.alias + ".rowid") + " " + cmp() + " " +
               num(c_.range(0, 30));
      }
      case 13:
        return col() + " " + cmp() + " " + scalar_expr(scope, depth - 1);
      default:
        return subquery_predicate(scope);
    }
  }

  // A subquery on any table, correlated to the scope or not.
  std::string subquery_predicate(const Scope& scope) {
    const TableInfo& t = table();
    Source inner{"q", t.name + " AS q", t.columns};
    Scope inner_scope{inner};
    std::string outer = column_expr(scope);
    std::string in = column_expr(inner_scope);
    switch (c_.pick(5)) {
      case 0:
        return outer + (c_.maybe(30) ? " NOT" : "") + " IN (SELECT " + in + " FROM " + inner.from +
               ")";
      case 1:
        return std::string(c_.maybe(30) ? "NOT " : "") + "EXISTS (SELECT 1 FROM " + inner.from +
               " WHERE " + in + " = " + outer + ")";
      case 2:
        return "(SELECT count(*) FROM " + inner.from + " WHERE " + in + " < " + outer + ") > " +
               num(c_.range(0, 3));
      case 3: {
        std::string settled = column_expr(inner_scope, true);
        return outer + " = (SELECT max(" + settled + ") FROM " + inner.from + ")";
      }
      default:
        return outer + " IN (SELECT " + in + " FROM " + inner.from + " WHERE " + in +
               " IS NOT NULL AND " + in + " <> " + literal() + ")";
    }
  }

  // ---- DML

  std::string insert(const TableInfo& t) {
    static const uint32_t kVerbWeights[] = {70, 10, 10, 10};
    static const char* const kVerbs[] = {"INSERT", "INSERT OR IGNORE", "INSERT OR REPLACE",
                                         "REPLACE"};
    std::string verb = kVerbs[c_.weighted(kVerbWeights)];
    std::vector<const ColumnInfo*> columns;
    bool all = !c_.maybe(40);
    for (const ColumnInfo& col : t.columns) {
      if (all || !c_.maybe(40)) columns.push_back(&col);
    }
    if (columns.empty()) return verb + " INTO " + t.name + " DEFAULT VALUES";
    std::string s = verb + " INTO " + t.name;
    if (!all) {
      s += "(";
      for (size_t i = 0; i < columns.size(); ++i) s += (i ? ", " : "") + columns[i]->name;
      s += ")";
    }
    s += " VALUES ";
    int rows = c_.range(1, 4);
    for (int row = 0; row < rows; ++row) {
      s += row ? ", (" : "(";
      for (size_t i = 0; i < columns.size(); ++i) s += (i ? ", " : "") + value_for(*columns[i]);
      s += ")";
    }
    return s;
  }

  std::string insert_select(const TableInfo& t) {
    const TableInfo& src = table();
    Scope scope{Source{"", src.name, src.columns}};
    std::string s =
        std::string(c_.maybe(30) ? "INSERT OR IGNORE" : "INSERT") + " INTO " + t.name + "(";
    std::string select;
    bool any = false;
    for (const ColumnInfo& col : t.columns) {
      if (col.integer_primary_key) continue;
      std::string value;
      if (col.wide) {
        auto [ws, wide] = scope_column(scope, false, true);
        value = wide == nullptr ? literal() : wide->name;
      } else {
        value = copy_value(scope);
      }
      s += std::string(any ? ", " : "") + col.name;
      select += std::string(any ? ", " : "") + value;
      any = true;
    }
    if (!any) return insert(t);
    // A total order on the source rows, so both engines insert the same rows in the same
    // order; the LIMIT keeps a table from doubling again and again.
    return s + ") SELECT " + select + " FROM " + src.name + " WHERE " + predicate(scope, 2, false) +
           " ORDER BY rowid LIMIT " + num(c_.range(1, 12));
  }

  // A value computed from a source row that is no longer than the row's values and stays a
  // multiple of 1/4 (copies of copies must not grow without bound).
  std::string copy_value(const Scope& scope) {
    switch (c_.pick(8)) {
      case 0:
      case 1:
      case 2:
      case 3:
        return column_expr(scope);
      case 4:
        return literal();
      case 5:
        return column_expr(scope) + " + " + num(c_.range(1, 5));
      case 6:
        return "coalesce(" + column_expr(scope) + ", " + literal() + ")";
      default:
        return std::string(one_of({"lower(", "upper(", "trim(", "length(", "abs("})) +
               column_expr(scope) + ")";
    }
  }

  // A new value for a column that cannot grow without bound and stays a multiple of 1/4.
  std::string set_value(const TableInfo& t, const ColumnInfo& col, bool single_row) {
    Scope scope{Source{"", t.name, t.columns}};
    if (col.integer_primary_key) {
      if (!single_row) return rowid_literal();
      return c_.maybe(50) ? col.name + " + " + num(c_.range(-3, 20)) : rowid_literal();
    }
    if (col.unique && !single_row) return literal();  // an expression would depend on row order
    if (col.wide) {
      if (c_.maybe(40)) return long_literal();
      return c_.maybe(50) ? literal() : "substr(w, " + num(c_.range(1, 40)) + ")";
    }
    switch (c_.pick(12)) {
      case 0:
      case 1:
      case 2:
        return literal();
      case 3:
        return col.name + " + " + num(c_.range(1, 5));
      case 4:
        return col.name + " - " + one_of({"1", "2", "0.25", "0.5"});
      case 5:
        return column_expr(scope);
      case 6:
        return "coalesce(" + column_expr(scope) + ", " + literal() + ")";
      case 7:
        return "CASE WHEN " + predicate(scope, 1, false) + " THEN " + literal() + " ELSE " +
               col.name + " END";
      case 8:
        return std::string(one_of({"lower(", "upper(", "trim(", "length(", "abs(", "round("})) +
               column_expr(scope) + ")";
      case 9:
        return "substr(" + column_expr(scope) + ", " + num(c_.range(1, 3)) + ")";
      case 10:
        return "nullif(" + col.name + ", " + literal() + ")";
      default:
        return "-" + col.name;
    }
  }

  std::string update(const TableInfo& t) {
    Scope scope{Source{"", t.name, t.columns}};
    bool single_row = c_.maybe(30);
    std::string where;
    if (single_row) {
      where = " WHERE rowid = " + num(c_.range(1, 30));
    } else if (!c_.maybe(15)) {
      where = " WHERE " + predicate(scope, 2, false);
    }
    std::string verb = "UPDATE";
    if (single_row && c_.maybe(40)) verb = c_.maybe(50) ? "UPDATE OR IGNORE" : "UPDATE OR REPLACE";
    std::vector<const ColumnInfo*> targets;
    int n = c_.range(1, 2);
    for (int i = 0; i < n; ++i) {
      const ColumnInfo* col = &one_of(t.columns);
      if (std::find(targets.begin(), targets.end(), col) == targets.end()) targets.push_back(col);
    }
    std::string sets;
    for (const ColumnInfo* col : targets) {
      sets += (sets.empty() ? "" : ", ") + col->name + " = " + set_value(t, *col, single_row);
    }
    return verb + " " + t.name + " SET " + sets + where;
  }

  std::string remove(const TableInfo& t) {
    if (c_.maybe(4)) return "DELETE FROM " + t.name;
    Scope scope{Source{"", t.name, t.columns}};
    return "DELETE FROM " + t.name + " WHERE " + predicate(scope, 2, false);
  }

  std::string transaction() {
    if (!in_transaction_) {
      if (c_.maybe(5)) return one_of({"COMMIT", "ROLLBACK"});  // an error on both engines
      return one_of({"BEGIN", "BEGIN TRANSACTION", "BEGIN DEFERRED"});
    }
    if (c_.maybe(30)) return "ROLLBACK";
    if (c_.maybe(5)) return "BEGIN";  // an error on both engines
    return one_of({"COMMIT", "END", "COMMIT TRANSACTION"});
  }

  // ---- DDL

  std::string create_table() {
    std::string name;
    for (int i = 0; i < kMaxTables && name.empty(); ++i) {
      if (schema_.table("t" + num(i)) == nullptr) name = "t" + num(i);
    }
    if (name.empty()) return insert(table());
    static const char* const kTypes[] = {"INTEGER", "TEXT",        "REAL",   "NUMERIC", "BLOB",
                                         "",        "VARCHAR(10)", "DOUBLE", "INT",     "BOOLEAN"};
    int columns = c_.range(2, 5);
    bool ipk = c_.maybe(50);
    bool text_pk = !ipk && c_.maybe(12);
    std::vector<std::string> defs;
    std::vector<std::string> names;
    for (int i = 0; i < columns; ++i) {
      std::string column = i == 0 && ipk ? "id" : "c" + num(i);
      if (i == 0 && ipk) {
        defs.push_back("id INTEGER PRIMARY KEY");
        names.push_back(column);
        continue;
      }
      std::string type = one_of(kTypes);
      std::string def = column + (type.empty() ? "" : " " + type);
      if (i == 0 && text_pk) {
        def += " PRIMARY KEY";
      } else if (c_.maybe(12)) {
        def += " UNIQUE";
      }
      if (c_.maybe(8)) def += " NOT NULL";
      if (c_.maybe(12)) def += " DEFAULT " + literal();
      if (c_.maybe(8)) {
        def += " CHECK (" + column + " IS NULL OR " + column + " <> " + literal() + ")";
      }
      defs.push_back(def);
      names.push_back(column);
    }
    if (c_.maybe(35)) defs.push_back(std::string("w ") + one_of({"TEXT", "BLOB", ""}));
    if (columns >= 3 && c_.maybe(15)) {
      int a = c_.range(1, columns - 1), b = c_.range(1, columns - 1);
      if (a != b) defs.push_back("UNIQUE (" + names[a] + ", " + names[b] + ")");
    }
    std::string s =
        std::string("CREATE TABLE ") + (c_.maybe(10) ? "IF NOT EXISTS " : "") + name + "(";
    for (std::string& def : defs) {
      while (def.back() == ' ') def.pop_back();  // "w " without a type
    }
    for (size_t i = 0; i < defs.size(); ++i) s += (i ? ", " : "") + defs[i];
    return s + ")";
  }

  std::string create_index(const TableInfo& t) {
    std::vector<const ColumnInfo*> indexable;
    for (const ColumnInfo& col : t.columns) {
      if (!col.wide) indexable.push_back(&col);
    }
    std::vector<const ColumnInfo*> chosen;
    int n = c_.range(1, 3);
    for (int i = 0; i < n; ++i) {
      const ColumnInfo* col = one_of(indexable);
      if (std::find(chosen.begin(), chosen.end(), col) == chosen.end()) chosen.push_back(col);
    }
    std::string columns;
    for (const ColumnInfo* col : chosen) columns += (columns.empty() ? "" : ", ") + col->name;
    return std::string("CREATE ") + (c_.maybe(25) ? "UNIQUE " : "") + "INDEX " +
           (c_.maybe(70) ? "IF NOT EXISTS " : "") + t.name + "_i" + num(c_.range(0, 3)) + " ON " +
           t.name + "(" + columns + ")";
  }

  std::string create_view() {
    std::string name;
    for (int i = 0; i < kMaxViews && name.empty(); ++i) {
      if (schema_.view("v" + num(i)) == nullptr) name = "v" + num(i);
    }
    if (name.empty()) return drop_view();
    const TableInfo& t = table();
    Scope scope{Source{"", t.name, t.columns}};
    switch (c_.pick(3)) {
      case 0: {
        std::string columns;
        for (const ColumnInfo& col : t.columns) {
          if (!col.wide) columns += (columns.empty() ? "" : ", ") + col.name;
        }
        return "CREATE VIEW " + name + " AS SELECT " + columns + " FROM " + t.name + " WHERE " +
               predicate(scope, 1, false);
      }
      case 1: {
        auto [s, col] = scope_column(scope, true);
        if (col == nullptr) return "CREATE VIEW " + name + "(n) AS SELECT count(*) FROM " + t.name;
        return "CREATE VIEW " + name + "(g, n, m) AS SELECT " + col->name + ", count(*), max(" +
               col->name + ") FROM " + t.name + " GROUP BY " + col->name;
      }
      default: {
        const TableInfo& u = table();
        Scope left{Source{"a", "", t.columns}}, right{Source{"b", "", u.columns}};
        return "CREATE VIEW " + name + " AS SELECT " + column_expr(left) + " AS x, " +
               column_expr(right) + " AS y FROM " + t.name + " AS a JOIN " + u.name + " AS b ON " +
               column_expr(left) + " = " + column_expr(right);
      }
    }
  }

  // A view over a table outlives it in SQLite; a table made again under the same name may
  // have other affinities, and what the view computes (max(), GROUP BY) would then see which
  // of equal values comes first. So the views on a table go first.
  std::string drop_table(const TableInfo& t) {
    for (const TableInfo& v : schema_.views) {
      if (v.mentions(t.name)) return "DROP VIEW " + v.name;
    }
    return "DROP TABLE " + t.name;
  }

  std::string drop_view() {
    if (schema_.views.empty()) return "DROP VIEW IF EXISTS v0";
    return "DROP VIEW " + one_of(schema_.views).name;
  }

  // ---- queries

  // ORDER BY every output column (the order is then fully specified), maybe with LIMIT.
  std::string order_clause(size_t columns, bool* limited) {
    *limited = false;
    if (!c_.maybe(60)) return "";
    std::vector<size_t> order(columns);
    std::iota(order.begin(), order.end(), 1);
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[c_.pick(i)]);
    std::string s = " ORDER BY ";
    for (size_t i = 0; i < order.size(); ++i) {
      s += (i ? ", " : "") + num(static_cast<int64_t>(order[i]));
      if (c_.maybe(30)) s += " DESC";
      if (c_.maybe(10)) s += c_.maybe(50) ? " NULLS FIRST" : " NULLS LAST";
    }
    if (c_.maybe(40)) {
      *limited = true;
      s += " LIMIT " + num(c_.range(0, 5));
      if (c_.maybe(40)) s += " OFFSET " + num(c_.range(0, 3));
    }
    return s;
  }

  // A table or (sometimes) a view as one FROM item; nullopt-like empty columns when the view
  // is broken.
  Source source(const std::string& alias, bool allow_view) {
    std::vector<const TableInfo*> views;
    for (const TableInfo& v : schema_.views) {
      if (!v.columns.empty()) views.push_back(&v);
    }
    const TableInfo* t = allow_view && !views.empty() && c_.maybe(20) ? one_of(views) : &table();
    return Source{alias, alias.empty() ? t->name : t->name + " AS " + alias, t->columns,
                  !t->is_view};
  }

  std::string select() {
    Source s = source("", true);
    Scope scope{s};
    bool limited_possible = c_.maybe(60);
    std::vector<std::string> outputs;
    if (c_.maybe(30)) {
      outputs.push_back("*");
    } else {
      int n = c_.range(1, 3);
      for (int i = 0; i < n; ++i) {
        std::string o;
        if (!limited_possible && c_.maybe(15)) {
          o = risky_expr(scope);
        } else if (c_.maybe(40)) {
          o = scalar_expr(scope, 2);
        } else {
          o = column_expr(scope);
        }
        if (c_.maybe(20)) o += " AS o" + num(i);
        outputs.push_back(o);
      }
      if (s.has_rowid && c_.maybe(20)) outputs.push_back("rowid");
    }
    std::string sql = std::string("SELECT ") + (c_.maybe(15) ? "DISTINCT " : "");
    for (size_t i = 0; i < outputs.size(); ++i) sql += (i ? ", " : "") + outputs[i];
    sql += " FROM " + s.from;
    if (!c_.maybe(20)) sql += " WHERE " + predicate(scope, 3, true);
    size_t columns = outputs[0] == "*" ? s.columns.size() : outputs.size();
    bool limited = false;
    std::string order = order_clause(columns, &limited);
    if (limited && !limited_possible) order = order.substr(0, order.find(" LIMIT"));
    return sql + order;
  }

  // 1-3 FROM items joined; conditions of "," and CROSS JOIN go to the WHERE clause.
  std::string from_clause(Scope* scope, int max_items, std::vector<std::string>* where) {
    int n = c_.range(1, max_items);
    std::string out;
    for (int i = 0; i < n; ++i) {
      std::string alias = "s" + num(i);
      Source s;
      if (c_.maybe(10)) {
        // A subquery in FROM, grouped on a settled column.
        const TableInfo& t = table();
        Scope inner{Source{"", t.name, t.columns}};
        auto [src, col] = scope_column(inner, true);
        if (col != nullptr) {
          ColumnInfo k;
          k.name = "k";
          k.type = "INTEGER";
          k.affinity = exec::Affinity::kInteger;
          s = Source{alias,
                     "(SELECT " + col->name + ", count(*) AS k FROM " + t.name + " GROUP BY " +
                         col->name + ") AS " + alias,
                     {*col, k},
                     false};
        }
      }
      if (s.columns.empty()) s = source(alias, true);
      if (i == 0) {
        out = s.from;
      } else {
        Scope right{s};
        std::string l = column_expr(*scope);
        std::string r = column_expr(right);
        // '<' only on the first join: a chain of them would make huge results.
        std::string cond = l + (i == 1 && c_.maybe(15) ? " < " : " = ") + r;
        if (c_.maybe(20)) {
          Scope both = *scope;
          both.push_back(s);
          cond += " AND " + predicate(both, 1, false);
        }
        switch (c_.pick(8)) {
          case 0:
            out += ", " + s.from;
            where->push_back(cond);
            break;
          case 1:
            out += " CROSS JOIN " + s.from;
            where->push_back(cond);
            break;
          case 2:
          case 3:
          case 4:
            out += (c_.maybe(50) ? " JOIN " : " INNER JOIN ") + s.from + " ON " + cond;
            break;
          case 5:
          case 6:
            out += " LEFT JOIN " + s.from + " ON " + cond;
            break;
          default: {
            // USING on a column name both sides have, when there is one.
            std::string shared;
            for (const ColumnInfo& rc : s.columns) {
              for (const Source& ls : *scope) {
                for (const ColumnInfo& lc : ls.columns) {
                  if (shared.empty() && lc.name == rc.name && !rc.wide) shared = rc.name;
                }
              }
            }
            if (shared.empty()) {
              out += " JOIN " + s.from + " ON " + cond;
            } else {
              out += std::string(c_.maybe(50) ? " LEFT JOIN " : " JOIN ") + s.from + " USING (" +
                     shared + ")";
            }
          }
        }
      }
      scope->push_back(std::move(s));
    }
    return out;
  }

  std::string where_clause(const Scope& scope, std::vector<std::string> parts) {
    if (c_.maybe(50)) parts.push_back(predicate(scope, 2, false));
    if (c_.maybe(25)) parts.push_back(subquery_predicate(scope));
    std::string out;
    for (const std::string& p : parts) out += (out.empty() ? " WHERE " : " AND ") + p;
    return out;
  }

  std::string output_expression(const Scope& scope) {
    std::string c = column_expr(scope);
    switch (c_.pick(8)) {
      case 0:
        return c + " + 1";
      case 1:
        return "typeof(" + c + ")";
      case 2:
        return "coalesce(" + c + ", " + column_expr(scope) + ")";
      case 3: {
        const TableInfo& t = table();
        Scope inner{Source{"q", "", t.columns}};
        return "(SELECT count(*) FROM " + t.name + " AS q WHERE " + column_expr(inner) + " = " + c +
               ")";
      }
      default:
        return c;
    }
  }

  std::string join_query() {
    Scope scope;
    std::vector<std::string> where;
    std::string from = from_clause(&scope, 3, &where);
    int n = c_.range(1, 4);
    std::string columns;
    for (int i = 0; i < n; ++i) columns += (i ? ", " : "") + output_expression(scope);
    std::string sql = std::string("SELECT ") + (c_.maybe(15) ? "DISTINCT " : "") + columns +
                      " FROM " + from + where_clause(scope, where);
    bool limited = false;
    return sql + order_clause(static_cast<size_t>(n), &limited);
  }

  std::string aggregate_call(const Scope& scope) {
    std::string c = column_expr(scope);
    auto settled = [&]() -> std::string {
      auto [s, col] = scope_column(scope, true);
      return col == nullptr ? "" : ref(*s, *col);
    };
    switch (c_.pick(10)) {
      case 0:
        return "count(*)";
      case 1:
        return "count(" + c + ")";
      case 2:
        return "count(DISTINCT " + c + ")";
      case 3:
        return "sum(" + c + ")";
      case 4:
        return "total(" + c + ")";
      case 5:
        return "avg(" + c + ")";
      case 6: {
        std::string s = settled();
        return s.empty() ? "count(*)" : "min(" + s + ")";
      }
      case 7: {
        std::string s = settled();
        return s.empty() ? "count(*)" : "max(" + s + ")";
      }
      case 8:
        return "length(hex(group_concat(" + c + ")))";
      default: {
        std::string s = settled();
        return s.empty() ? "total(" + c + ")" : "sum(DISTINCT " + s + ")";
      }
    }
  }

  std::string aggregate_query() {
    Scope scope;
    std::vector<std::string> where;
    std::string from = from_clause(&scope, 2, &where);
    std::vector<std::string> groups;
    int g = c_.range(0, 2);
    for (int i = 0; i < g; ++i) {
      auto [s, col] = scope_column(scope, true);
      if (col != nullptr) groups.push_back(ref(*s, *col));
    }
    std::string columns;
    for (const std::string& gc : groups) columns += (columns.empty() ? "" : ", ") + gc;
    int aggregates = c_.range(1, 3);
    for (int i = 0; i < aggregates; ++i) {
      std::string a = aggregate_call(scope);
      if (c_.maybe(20)) a += " + " + aggregate_call(scope);
      columns += (columns.empty() ? "" : ", ") + a;
    }
    std::string group_by;
    for (const std::string& gc : groups) group_by += (group_by.empty() ? " GROUP BY " : ", ") + gc;
    std::string having;
    if (!groups.empty() && c_.maybe(30)) {
      having = " HAVING " + aggregate_call(scope) + " > " + num(c_.range(0, 3));
    }
    bool limited = false;
    return "SELECT " + columns + " FROM " + from + where_clause(scope, where) + group_by + having +
           order_clause(groups.size() + static_cast<size_t>(aggregates), &limited);
  }

  std::string simple_select(int columns) {
    Scope scope;
    std::vector<std::string> where;
    std::string from = from_clause(&scope, 2, &where);
    std::string out;
    for (int i = 0; i < columns; ++i) out += (i ? ", " : "") + column_expr(scope);
    return "SELECT " + out + " FROM " + from + where_clause(scope, where);
  }

  std::string compound_query() {
    int columns = c_.range(1, 2);
    std::string out = simple_select(columns);
    int n = c_.range(1, 2);
    for (int i = 0; i < n; ++i) {
      out += one_of({" UNION ", " UNION ALL ", " INTERSECT ", " EXCEPT "}) + simple_select(columns);
    }
    bool limited = false;
    return out + order_clause(static_cast<size_t>(columns), &limited);
  }

  std::string subquery_query() {
    Scope scope;
    std::vector<std::string> where;
    std::string from = from_clause(&scope, 2, &where);
    std::string columns = output_expression(scope) + ", " + output_expression(scope);
    where.push_back(subquery_predicate(scope));
    bool limited = false;
    return "SELECT " + columns + " FROM " + from + where_clause(scope, where) +
           order_clause(2, &limited);
  }

  Choices& c_;
  const Schema& schema_;
  bool in_transaction_;
};

}  // namespace

std::string render_statement(std::span<const uint8_t> choices, const Schema& schema,
                             bool in_transaction) {
  Choices c(choices);
  Renderer renderer(&c, &schema, in_transaction);
  return renderer.statement();
}

}  // namespace strata::model
