// Output modes of `strata shell` and `strata exec`: result sets printed byte for byte as the
// sqlite3 shell (3.40) prints them, so that scripts written for `sqlite3 -batch` and tools
// that diff its output work unchanged.
//
//   mode   separators            values
//   list   "|" and "\n"          text form (REAL as "%!.15g"), NULL as ""
//   tsv    "\t" and "\n"         as list (sqlite3 calls it "tabs")
//   csv    "," and "\r\n"        as list; quoted with "" doubling when a value is empty or
//                                holds a control byte, space, quote, byte >= 0x7f or ","
//   quote  "," and "\n"          SQL literals: 'text' ('' doubled), X'hex', NULL,
//                                REAL as "%!.20g"; headers as 'name'
//   json   one object per row    [{"a":1,"b":"x"},\n{...}]; REAL as "%!.20g" (1e999 for
//                                infinities), BLOB as a JSON string of its bytes
//   box    unicode box drawing   columns as wide as their widest value (in UTF-8
//                                characters), header centred, multi-line values split
//                                into display lines, tabs expanded to multiples of 8
//
// As in sqlite3, TEXT and BLOB values are C strings in every mode but quote's BLOBs and
// json's BLOBs: a value stops at its first NUL byte. A statement that returns no rows prints
// nothing, not even its header.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/value.h"

namespace strata::cli {

enum class OutputMode { kList, kTabs, kCsv, kBox, kJson, kQuote };

// "list", "tsv" (or "tabs"), "csv", "box", "json", "quote"; nullopt for anything else.
std::optional<OutputMode> parse_output_mode(std::string_view name);
std::string_view output_mode_name(OutputMode mode);

// Formats the result set of one statement into *out, row by row (box: all at finish()).
class ResultFormatter {
 public:
  // REQUIRES: out outlives the formatter.
  ResultFormatter(OutputMode mode, bool headers, std::string* out)
      : mode_(mode), headers_(headers), out_(out) {}

  // One result row. REQUIRES: names and values have the same size on every call.
  void row(const std::vector<std::string>& names, const std::vector<Value>& values);
  // After the last row: closes the JSON array, draws the box.
  void finish();

 private:
  void box_row_lines(const std::vector<std::string>& cells);
  void draw_box();

  OutputMode mode_;
  bool headers_;
  std::string* out_;
  size_t rows_ = 0;
  // box: the header and each display line's cells, and where logical rows end.
  std::vector<std::string> box_header_;
  std::vector<std::vector<std::string>> box_lines_;
  std::vector<bool> box_row_ends_;
  bool box_multiline_ = false;
};

// The text sqlite3_column_text gives for a value, cut at its first NUL (as the shell's
// C strings are); NULL gives nullopt.
std::optional<std::string> column_text(const Value& value);

}  // namespace strata::cli
