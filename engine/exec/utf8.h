// UTF-8 as SQLite's string functions read it: leniently, never failing.
//
// A character starts at any byte that is not a continuation byte (10xxxxxx),
// or at a stray continuation byte, and extends over all continuation bytes that
// follow a lead byte >= 0xC0 (however many). Decoding maps overlong forms,
// surrogates and U+FFFE/U+FFFF to U+FFFD. Many SQL functions see their text
// argument as a C string: the text ends at its first NUL byte (c_string()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace strata::exec {

// The text up to (not including) its first NUL byte.
std::string_view c_string(std::string_view text);

// Decodes the character at text[*pos] and advances *pos past it.
// REQUIRES: *pos < text.size().
uint32_t utf8_read(std::string_view text, size_t* pos);

// Advances *pos past the character at text[*pos]. REQUIRES: *pos < text.size().
void utf8_skip(std::string_view text, size_t* pos);

// Number of characters in text (every byte counts as part of one).
size_t utf8_char_count(std::string_view text);

}  // namespace strata::exec
