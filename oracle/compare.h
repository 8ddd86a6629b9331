// Comparing two engines' results for one statement, allowing exactly the freedom SQL gives.
//
// Success and failure must agree (error wording never matters). On success the column
// count, the row count and the number of changed rows must agree, and the rows must be
// the same, value for value in normal form (result.h: storage class and value, reals as
// SQLite prints them), as follows:
//   - The rows are sorted on order_columns: the output columns that the ORDER BY sorts
//     on, as far as its terms name output columns. Both engines' rows must agree on
//     those columns row by row (under SQLite's equality, so 1 and 1.0 tie). Rows that
//     tie on them form a group whose order is free: each group is a multiset. With no
//     order columns the whole result is one multiset.
//   - DISTINCT (and UNION, INTERSECT, EXCEPT) keeps one of several rows that compare
//     equal, any one (1 or 1.0): groups are compared under SQLite's equality only.
//   - A LIMIT may cut the last group (and with OFFSET the first) anywhere: such a group is
//     compared under SQLite's equality when the order columns are all the columns, and by
//     size only otherwise; the caller checks that each row belongs to the unrestricted query.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "oracle/result.h"

namespace strata::oracle {

struct CompareOptions {
  std::vector<int> order_columns;  // 0-based output columns, in ORDER BY order
  bool distinct = false;           // equal rows may be represented by either
  bool limited = false;            // LIMIT present
  bool offset = false;             // OFFSET present (with LIMIT)
  bool compare_changes = true;
  bool exact_reals = false;  // reals bit for bit instead of as printed
};

// The comparison a statement calls for, from its text (Strata's parser) and the names of
// its result columns: an ORDER BY term counts as an output column when it is an ordinal,
// names an output column (alias or column name; ambiguous names do not count), or is the
// same expression as a result column; a term with COLLATE, or one that is not an output
// column, ends order_columns. A statement the parser does not read gets the defaults.
CompareOptions compare_options_for(std::string_view sql,
                                   const std::vector<std::string>& column_names);

// Empty when `actual` agrees with `expected`; else one line saying what differs, naming
// the engines expected_name and actual_name.
std::string compare_results(const SqlResult& expected, const SqlResult& actual,
                            const CompareOptions& options,
                            std::string_view expected_name = "sqlite",
                            std::string_view actual_name = "strata");

}  // namespace strata::oracle
