// Lexer: splits SQL text into Tokens, one at a time, skipping whitespace and comments.
//
// Lexical rules (SQLite's): keywords are case-insensitive; identifiers are bare
// ([A-Za-z_\x80-\xff][A-Za-z0-9_$\x80-\xff]*) or quoted with "..." ("" escapes), [...]
// or `...` (`` escapes); strings are '...' ('' escapes); numbers are integers, decimals
// (1.  .5  1.5), exponents (1e10, 1.5E-3) and hex integers (0x1F); blobs are X'00ff'
// with an even number of hex digits; bind parameters are ?, ?NNN, :name, @name,
// $name; comments run from -- to the end of the line or between /* and */ (an
// unterminated /* comment ends at the end of input, as in SQLite).
//
// Errors (kSyntax, message "LINE:COL: ..."): unterminated strings and quoted
// identifiers, malformed blobs, malformed numbers (1e, 0x, 12abc) and characters that
// start no token. After an error the lexer stays at the start of the bad token
// (offset(), line(), column() give its position).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sql/token.h"
#include "vfs/status.h"

namespace strata::sql {

class Lexer {
 public:
  // REQUIRES: sql outlives the lexer and every token it returns.
  explicit Lexer(std::string_view sql) : sql_(sql) {}

  // The next token; kEof (repeatedly) at the end of input.
  Result<Token> next();

  // Position of the next unread byte.
  uint32_t offset() const { return pos_; }
  uint32_t line() const { return line_; }
  uint32_t column() const { return column_; }

  // Moves back to `offset`, a position the lexer reached before (with its line and column).
  void reset_to(uint32_t offset, uint32_t line, uint32_t column);
  // Moves forward over raw bytes to `offset`. REQUIRES: offset() <= offset <= sql.size().
  void skip_to(uint32_t offset) { advance(offset - pos_); }

 private:
  // Advances over n bytes, keeping line and column up to date.
  void advance(size_t n);
  void skip_space_and_comments();
  Status error_at(uint32_t line, uint32_t column, const std::string& what) const;

  std::string_view sql_;
  uint32_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t column_ = 1;
};

// Every token of `sql` up to (not including) kEof; for tests and tools.
Result<std::vector<Token>> tokenize(std::string_view sql);

// The value of a token, unquoted: identifiers lose their quotes ("a""b" -> a"b),
// strings lose theirs ('it''s' -> it's); other tokens are returned as written.
std::string unquote(const Token& token);

// True when `name` must be quoted to be read back as this identifier: it is empty, is a
// keyword, is TRUE or FALSE, or contains a character a bare identifier cannot hold.
bool identifier_needs_quotes(std::string_view name);

// `name` as SQL: bare when possible, else "..." with " doubled.
std::string quote_identifier(std::string_view name);

// 'text' with ' doubled.
std::string quote_string(std::string_view text);

// Character classes shared by the lexer, printer and is_complete().
bool is_id_start(unsigned char c);
bool is_id_char(unsigned char c);

}  // namespace strata::sql
