// Printer: AST back to SQL text.
//
// The output parses back to an equal AST (parse(to_sql(x)) == x for every tree the
// parser can produce): every operator expression is wrapped in parentheses, so the
// printed text never depends on precedence; identifiers are quoted with "..." only when
// they must be (keywords, TRUE/FALSE, unusual characters); strings use '' escapes, blobs
// X'..'; reals print in the shortest form that reads back to the same double, always
// with a '.' or exponent so they stay REAL; negative integer literals (which only hex
// literals and the folded -9223372036854775808 produce) print as hex or as
// (-9223372036854775808). Output is one line: `SELECT (a + 1) AS x FROM t WHERE (b = 2)`.
#pragma once

#include <string>

#include "engine/sql/ast.h"

namespace strata::sql {

std::string to_sql(const Stmt& stmt);
std::string to_sql(const Select& select);
std::string to_sql(const Expr& expr);

// A REAL as SQL text that reads back as the same REAL ("1.0", "1e+20", "1e999").
std::string format_real(double value);

}  // namespace strata::sql
