// Fuzz target sql_parser: arbitrary bytes as a SQL script through the parser and printer.
//
// Properties, for every statement the streaming parser accepts:
//   - its printed form parses back to an equal AST, and prints again to the same text
//     (printer.h: parse(to_sql(x)) == x);
//   - its source range [begin, end) lies inside the input and parses on its own to an
//     equal AST;
// and for every input: a failure is kSyntax or kUnsupported and its message starts with
// LINE:COL; after a failure the parser resumes and reaches the end of the input; the input
// as one expression, when it parses, round-trips like a statement. Crashes, leaks, UB and
// deep recursion are the sanitizers' and libFuzzer's to catch.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/sql/parser.h"
#include "engine/sql/printer.h"
#include "fuzz/fuzz_input.h"

namespace {

using strata::Result;
using strata::Status;
using strata::StatusCode;
using strata::fuzz::fail;
namespace sql = strata::sql;

void check_error(const Status& status, std::string_view input) {
  if (!status.is(StatusCode::kSyntax) && !status.is(StatusCode::kUnsupported)) {
    fail("parser failed with " + status.to_string() + " on: " + std::string(input));
  }
  if (!sql::error_position(status)) {
    fail("parser error without LINE:COL: " + status.to_string());
  }
}

void check_round_trip(const sql::Stmt& stmt, const char* what) {
  std::string printed = sql::to_sql(stmt);
  Result<sql::StmtPtr> again = sql::parse_statement(printed);
  if (!again.ok()) {
    fail(std::string(what) + ": printed statement does not parse: " + again.status().to_string() +
         "\n  printed: " + printed);
  }
  if (!(**again == stmt)) {
    fail(std::string(what) + ": printed statement parses to another tree\n  printed: " + printed +
         "\n  reprinted: " + sql::to_sql(**again));
  }
  std::string reprinted = sql::to_sql(**again);
  if (reprinted != printed) {
    fail(std::string(what) + ": printing is not stable\n  first: " + printed +
         "\n  second: " + reprinted);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  sql::Parser parser(input);
  // Each call consumes at least one byte or ends, so more calls than bytes means no progress.
  size_t calls = 0;
  for (;;) {
    if (++calls > size + 2) fail("parser makes no progress");
    Result<std::optional<sql::ParsedStatement>> next = parser.next();
    if (!next.ok()) {
      check_error(next.status(), input);
      if (!parser.error()) fail("failed next() left no error()");
      continue;
    }
    if (!*next) break;
    const sql::ParsedStatement& parsed = **next;
    check_round_trip(*parsed.stmt, "statement");
    if (parsed.begin > parsed.end || parsed.end > size) fail("statement range outside the input");
    std::string_view text = input.substr(parsed.begin, parsed.end - parsed.begin);
    Result<sql::StmtPtr> alone = sql::parse_statement(text);
    if (!alone.ok()) {
      fail("statement text does not parse on its own: " + alone.status().to_string() +
           "\n  text: " + std::string(text));
    }
    if (!(**alone == *parsed.stmt)) {
      fail("statement text parses on its own to another tree: " + std::string(text));
    }
  }
  (void)sql::is_complete(input);

  Result<sql::ExprPtr> expr = sql::parse_expression(input);
  if (!expr.ok()) {
    check_error(expr.status(), input);
  } else {
    std::string printed = sql::to_sql(**expr);
    Result<sql::ExprPtr> again = sql::parse_expression(printed);
    if (!again.ok()) {
      fail("printed expression does not parse: " + again.status().to_string() +
           "\n  printed: " + printed);
    }
    if (!(**again == **expr)) fail("printed expression parses to another tree: " + printed);
  }
  return 0;
}
