// Splitting a SQL script into statements, the way sqlite3_complete() sees them.
//
// A statement ends at a ';' after which the text so far is complete by sqlite3_complete()
// (so ';' inside strings, quoted names, comments and CREATE TRIGGER bodies does not end
// one); text after the last ';' is a last statement. Statements that are only blanks and
// comments are dropped. Each statement remembers the line its first token is on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace strata::oracle {

struct ScriptStatement {
  std::string sql;  // without surrounding blanks and without the final ';'
  int line = 0;     // 1-based line of its first token (comments before it do not count)
};

std::vector<ScriptStatement> split_statements(std::string_view script);

// True when sql holds nothing but whitespace, -- comments and /* comments */ (an unclosed
// /* comment runs to the end, as in SQLite).
bool is_blank_sql(std::string_view sql);

}  // namespace strata::oracle
