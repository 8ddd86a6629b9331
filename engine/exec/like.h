// LIKE and GLOB pattern matching with SQLite's semantics.
//
//   text LIKE pattern [ESCAPE esc]   % any run, _ one character; ASCII letters
//                                    match case-insensitively, nothing else does.
//   text GLOB pattern                * any run, ? one character, [abc] [a-z] [^x]
//                                    sets; case-sensitive; no escape character
//                                    ([*] matches a literal '*').
// The reference library is built with SQLITE_LIKE_DOESNT_MATCH_BLOBS (Debian's
// sqlite3 3.40.1): if the text or the pattern is a BLOB the result is 0, before
// any other check (even a NULL operand or a bad ESCAPE gives 0).
// Other operands are read through their text form (numbers as to_text gives them,
// blobs as their bytes) and, as in SQLite, end at their first NUL byte.
// Characters are UTF-8 as utf8.h reads them.
#pragma once

#include <cstdint>

#include "engine/value.h"
#include "vfs/status.h"

namespace strata::exec {

// SQLite's SQLITE_LIMIT_LIKE_PATTERN_LENGTH default: longer patterns (in bytes of
// their text form) are an error "LIKE or GLOB pattern too complex".
inline constexpr int64_t kMaxPatternBytes = 50000;
// SQLITE_LIKE_DOESNT_MATCH_BLOBS, as in the reference build.
inline constexpr bool kLikeDoesntMatchBlobs = true;

// INTEGER 1 or 0, or NULL. Checked in SQLite's order: a BLOB text or pattern
// gives 0; a pattern over the limit is an error; then a NULL escape gives NULL; then an escape that
// is not exactly one character is an error "ESCAPE expression must be a single character" (even
// when text or pattern is NULL); then NULL text or pattern gives NULL. An escape equal to '%' or
// '_' makes that character literal.
Result<Value> like(const Value& text, const Value& pattern, const Value* escape);

// INTEGER 1 or 0 (0 if either operand is a BLOB), or NULL if either operand is
// NULL. Does not check the pattern
// length: glob_checked does, and is what the GLOB operator and glob() need.
Value glob(const Value& text, const Value& pattern);
Result<Value> glob_checked(const Value& text, const Value& pattern);

}  // namespace strata::exec
