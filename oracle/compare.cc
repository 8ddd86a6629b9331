#include "oracle/compare.h"

#include <fmt/core.h>
#include <strings.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <optional>

#include "engine/sql/parser.h"

namespace strata::oracle {

namespace {

bool same_name(const std::string& a, const std::string& b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// The output column an ORDER BY term sorts on, if it is one.
std::optional<int> output_column(const sql::Expr& term, const sql::SelectCore& core,
                                 const std::vector<std::string>& names) {
  int count = static_cast<int>(names.size());
  if (const auto* lit = term.as<sql::Literal>()) {
    if (lit->kind != sql::LiteralKind::kInteger) return std::nullopt;
    int64_t ordinal = lit->value.as_integer();
    if (ordinal < 1 || ordinal > count) return std::nullopt;
    return static_cast<int>(ordinal - 1);
  }
  if (const auto* ref = term.as<sql::ColumnRef>(); ref != nullptr && ref->table.empty()) {
    std::optional<int> found;
    for (int i = 0; i < count; ++i) {
      if (!same_name(names[static_cast<size_t>(i)], ref->column)) continue;
      if (found) return std::nullopt;  // ambiguous
      found = i;
    }
    if (found) return found;
  }
  // The same expression as a result column; only when no * makes positions unknowable.
  bool stars = std::any_of(core.columns.begin(), core.columns.end(),
                           [](const auto& c) { return c.kind != sql::ResultColumnKind::kExpr; });
  if (stars || static_cast<int>(core.columns.size()) != count) return std::nullopt;
  for (int i = 0; i < count; ++i) {
    if (*core.columns[static_cast<size_t>(i)].expr == term) return i;
  }
  return std::nullopt;
}

}  // namespace

CompareOptions compare_options_for(std::string_view sql,
                                   const std::vector<std::string>& column_names) {
  CompareOptions options;
  sql::Parser parser(sql);
  Result<std::optional<sql::ParsedStatement>> parsed = parser.next();
  if (!parsed.ok() || !*parsed) return options;
  const sql::Select* select = (*parsed)->stmt->as<sql::Select>();
  if (select == nullptr) return options;
  for (const sql::SelectCore& core : select->cores) options.distinct |= core.distinct;
  for (sql::CompoundOp op : select->ops) options.distinct |= op != sql::CompoundOp::kUnionAll;
  options.limited = static_cast<bool>(select->limit);
  options.offset = static_cast<bool>(select->offset);
  for (const sql::OrderingTerm& term : select->order_by) {
    std::optional<int> column = output_column(*term.expr, select->cores[0], column_names);
    if (!column) break;
    options.order_columns.push_back(*column);
  }
  return options;
}

namespace {

std::string value_key(const Value& v, bool exact_reals) {
  if (exact_reals && v.type() == ValueType::kReal) {
    return fmt::format("REAL {:016x}", std::bit_cast<uint64_t>(v.as_real()));
  }
  return normal_form(v);
}

std::string row_key(const Row& row, bool exact_reals, bool equality) {
  std::string key;
  for (const Value& v : row) {
    key += equality ? equality_form(v) : value_key(v, exact_reals);
    key += '\x1f';
  }
  return key;
}

std::string order_key(const Row& row, const std::vector<int>& columns) {
  std::string key;
  for (int c : columns) {
    key += equality_form(row[static_cast<size_t>(c)]);
    key += '\x1f';
  }
  return key;
}

// Rows [begin, end) of both results as multisets; empty when they agree.
std::string compare_group(const std::vector<Row>& expected, const std::vector<Row>& actual,
                          size_t begin, size_t end, bool exact_reals, bool equality,
                          std::string_view expected_name, std::string_view actual_name) {
  std::vector<std::pair<std::string, size_t>> e, a;
  for (size_t i = begin; i < end; ++i) {
    e.emplace_back(row_key(expected[i], exact_reals, equality), i);
    a.emplace_back(row_key(actual[i], exact_reals, equality), i);
  }
  std::sort(e.begin(), e.end());
  std::sort(a.begin(), a.end());
  // Walk both sorted lists and name the first row each side has that the other lacks.
  size_t i = 0, j = 0;
  std::optional<size_t> only_expected, only_actual;
  while (i < e.size() || j < a.size()) {
    if (j == a.size() || (i < e.size() && e[i].first < a[j].first)) {
      if (!only_expected) only_expected = e[i].second;
      ++i;
    } else if (i == e.size() || a[j].first < e[i].first) {
      if (!only_actual) only_actual = a[j].second;
      ++j;
    } else {
      ++i;
      ++j;
    }
  }
  if (!only_expected && !only_actual) return "";
  std::string where =
      end - begin == expected.size()
          ? std::string("rows differ")
          : fmt::format("rows {}..{} (tied on the ORDER BY) differ", begin, end - 1);
  std::string out = where + (equality ? " (under SQLite's equality)" : "") + ":";
  if (only_expected) {
    out += fmt::format(" {} has row {} [{}] that {} lacks;", expected_name, *only_expected,
                       describe_row(expected[*only_expected]), actual_name);
  }
  if (only_actual) {
    out += fmt::format(" {} has row {} [{}] that {} lacks;", actual_name, *only_actual,
                       describe_row(actual[*only_actual]), expected_name);
  }
  out.pop_back();
  return out;
}

}  // namespace

std::string compare_results(const SqlResult& expected, const SqlResult& actual,
                            const CompareOptions& options, std::string_view expected_name,
                            std::string_view actual_name) {
  if (expected.ok != actual.ok) {
    return expected.ok ? fmt::format("{} succeeds, {} fails", expected_name, actual_name)
                       : fmt::format("{} fails, {} succeeds", expected_name, actual_name);
  }
  if (!expected.ok) return "";
  if (expected.column_count() != actual.column_count()) {
    return fmt::format("column count: {} {}, {} {}", expected_name, expected.column_count(),
                       actual_name, actual.column_count());
  }
  if (expected.rows.size() != actual.rows.size()) {
    return fmt::format("row count: {} {}, {} {}", expected_name, expected.rows.size(), actual_name,
                       actual.rows.size());
  }
  for (const std::vector<Row>* rows : {&expected.rows, &actual.rows}) {
    for (size_t i = 0; i < rows->size(); ++i) {
      if ((*rows)[i].size() != static_cast<size_t>(expected.column_count())) {
        return fmt::format("{} row {} has {} values for {} columns",
                           rows == &expected.rows ? expected_name : actual_name, i,
                           (*rows)[i].size(), expected.column_count());
      }
    }
  }
  if (options.compare_changes && expected.changes != actual.changes) {
    return fmt::format("changes: {} {}, {} {}", expected_name, expected.changes, actual_name,
                       actual.changes);
  }
  for (int c : options.order_columns) {
    if (c < 0 || c >= expected.column_count()) return "order column out of range";
  }
  const std::vector<Row>& e = expected.rows;
  const std::vector<Row>& a = actual.rows;
  size_t n = e.size();
  // Row by row on the order columns, then group by group on everything.
  std::vector<std::string> keys(n);
  for (size_t i = 0; i < n; ++i) {
    keys[i] = order_key(e[i], options.order_columns);
    if (keys[i] != order_key(a[i], options.order_columns)) {
      return fmt::format("order differs at row {}: {} [{}], {} [{}]", i, expected_name,
                         describe_row(e[i]), actual_name, describe_row(a[i]));
    }
  }
  std::vector<bool> ordered(static_cast<size_t>(expected.column_count()), false);
  for (int c : options.order_columns) ordered[static_cast<size_t>(c)] = true;
  bool covers_all = std::all_of(ordered.begin(), ordered.end(), [](bool b) { return b; });
  for (size_t begin = 0; begin < n;) {
    size_t end = begin + 1;
    while (end < n && keys[end] == keys[begin]) ++end;
    bool cut = options.limited && (end == n || (options.offset && begin == 0));
    // A cut group holds some of the tied rows, any of them: if the order columns are all
    // the columns, its rows are equal, else nothing is known of them here.
    if (!cut || covers_all) {
      std::string diff = compare_group(e, a, begin, end, options.exact_reals,
                                       options.distinct || cut, expected_name, actual_name);
      if (!diff.empty()) return diff;
    }
    begin = end;
  }
  return "";
}

}  // namespace strata::oracle
