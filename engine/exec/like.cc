#include "engine/exec/like.h"

#include <optional>
#include <string>
#include <string_view>

#include "engine/exec/utf8.h"
#include "engine/exec/value_ops.h"

namespace strata::exec {

namespace {

struct PatternRules {
  uint32_t match_all;  // '%' or '*'; 0 when the escape character disabled it
  uint32_t match_one;  // '_' or '?'; 0 when the escape character disabled it
  uint32_t match_set;  // '[' for GLOB, 0 for LIKE
  bool no_case;        // ASCII case-insensitive
};

constexpr PatternRules kLikeRules{'%', '_', 0, true};
constexpr PatternRules kGlobRules{'*', '?', '[', false};

// The result of matching a pattern from some position. kNoWildcardMatch means
// "no match, and no later start position can match either".
enum class Match { kMatch, kNoMatch, kNoWildcardMatch };

// The character at s[*i], advancing past it; 0 (without advancing) at the end,
// as a NUL terminator would read.
uint32_t next_char(std::string_view s, size_t* i) {
  if (*i >= s.size()) return 0;
  unsigned char c = static_cast<unsigned char>(s[*i]);
  if (c < 0x80) {
    ++*i;
    return c;
  }
  return utf8_read(s, i);
}

uint32_t ascii_lower(uint32_t c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }
uint32_t ascii_upper(uint32_t c) { return c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c; }

// The text positions a wildcard tries, one after another, for the rest of the
// pattern. SQLite recurses once per wildcard; but a recursive attempt that
// reaches a wildcard of its own never reports a plain mismatch (it either
// matches or rules out every position), so only the innermost search is ever
// resumed. One search state and a loop give the same answers without a stack
// frame per wildcard (patterns may hold 25000 of them).
struct Search {
  enum class Kind {
    kByte,  // the literal after '%' is ASCII: next byte equal to `upper` or `lower`
    kChar,  // a non-ASCII literal: next character equal to `upper`
    kSet,   // GLOB "*[": every position, the attempt starting at the '['
  };
  Kind kind = Kind::kByte;
  size_t resume_pattern = 0;  // pattern position each attempt starts from
  size_t next_text = 0;       // where the search continues in the text
  uint32_t upper = 0;
  uint32_t lower = 0;
};

// Moves the search to its next candidate: sets *p, *t for the next attempt, or
// returns false when the text is exhausted.
bool advance(Search& search, std::string_view text, size_t* p, size_t* t) {
  switch (search.kind) {
    case Search::Kind::kByte: {
      size_t i = search.next_text;
      while (i < text.size() && static_cast<unsigned char>(text[i]) != search.upper &&
             static_cast<unsigned char>(text[i]) != search.lower) {
        ++i;
      }
      if (i >= text.size()) return false;
      *t = search.next_text = i + 1;
      break;
    }
    case Search::Kind::kChar: {
      while (true) {
        uint32_t c2 = next_char(text, &search.next_text);
        if (c2 == 0) return false;
        if (c2 == search.upper) break;
      }
      *t = search.next_text;
      break;
    }
    case Search::Kind::kSet:
      if (search.next_text >= text.size()) return false;
      *t = search.next_text;
      utf8_skip(text, &search.next_text);
      break;
  }
  *p = search.resume_pattern;
  return true;
}

// SQLite's patternCompare. REQUIRES: pattern and text contain no NUL byte.
Match pattern_compare(std::string_view pattern, std::string_view text, const PatternRules& rules,
                      uint32_t match_other) {
  std::optional<Search> search;  // the innermost wildcard's search, if any
  size_t p = 0;
  size_t t = 0;
  size_t escaped_end = std::string_view::npos;  // one past the last escaped pattern char
  // A mismatch in the current attempt: try the search's next position.
  auto retry = [&]() -> std::optional<Match> {
    if (!search) return Match::kNoMatch;
    if (!advance(*search, text, &p, &t)) return Match::kNoWildcardMatch;
    escaped_end = std::string_view::npos;
    return std::nullopt;
  };
  while (true) {
    uint32_t c = next_char(pattern, &p);
    if (c == 0) {
      if (t >= text.size()) return Match::kMatch;
      if (auto done = retry()) return *done;
      continue;
    }
    if (c == rules.match_all) {
      // Collapse a run of match_all / match_one; each match_one consumes a character.
      while ((c = next_char(pattern, &p)) == rules.match_all ||
             (c == rules.match_one && rules.match_one != 0)) {
        if (c == rules.match_one && next_char(text, &t) == 0) return Match::kNoWildcardMatch;
      }
      if (c == 0) return Match::kMatch;  // trailing match_all matches the rest
      Search next;
      if (c == match_other && rules.match_set != 0) {
        next.kind = Search::Kind::kSet;  // '[' is one byte: the attempt starts at it
        next.resume_pattern = p - 1;
      } else {
        if (c == match_other) {  // LIKE escape: the next pattern char is the literal
          c = next_char(pattern, &p);
          if (c == 0) return Match::kNoWildcardMatch;
        }
        next.resume_pattern = p;
        if (c < 0x80) {
          next.kind = Search::Kind::kByte;
          next.upper = rules.no_case ? ascii_upper(c) : c;
          next.lower = rules.no_case ? ascii_lower(c) : c;
        } else {
          next.kind = Search::Kind::kChar;
          next.upper = next.lower = c;
        }
      }
      next.next_text = t;
      search = next;
      if (!advance(*search, text, &p, &t)) return Match::kNoWildcardMatch;
      escaped_end = std::string_view::npos;
      continue;
    }
    if (c == match_other) {
      if (rules.match_set == 0) {  // LIKE escape: the next pattern char is literal
        c = next_char(pattern, &p);
        if (c == 0) {
          if (auto done = retry()) return *done;
          continue;
        }
        escaped_end = p;
      } else {  // GLOB set: [abc], [a-z], [^...], []...] with ']' first as a member
        uint32_t prior = 0;
        bool seen = false;
        bool invert = false;
        c = next_char(text, &t);
        if (c == 0) {
          if (auto done = retry()) return *done;
          continue;
        }
        uint32_t c2 = next_char(pattern, &p);
        if (c2 == '^') {
          invert = true;
          c2 = next_char(pattern, &p);
        }
        if (c2 == ']') {
          if (c == ']') seen = true;
          c2 = next_char(pattern, &p);
        }
        while (c2 != 0 && c2 != ']') {
          char peek = p < pattern.size() ? pattern[p] : '\0';
          if (c2 == '-' && peek != ']' && peek != '\0' && prior > 0) {
            c2 = next_char(pattern, &p);
            if (c >= prior && c <= c2) seen = true;
            prior = 0;
          } else {
            if (c == c2) seen = true;
            prior = c2;
          }
          c2 = next_char(pattern, &p);
        }
        if (c2 == 0 || seen == invert) {
          if (auto done = retry()) return *done;
        }
        continue;
      }
    }
    uint32_t c2 = next_char(text, &t);
    if (c == c2) continue;
    if (rules.no_case && c < 0x80 && c2 < 0x80 && ascii_lower(c) == ascii_lower(c2)) continue;
    if (c == rules.match_one && p != escaped_end && c2 != 0) continue;
    if (auto done = retry()) return *done;
  }
}

bool matches(const std::string& text, const std::string& pattern, const PatternRules& rules,
             uint32_t match_other) {
  return pattern_compare(c_string(pattern), c_string(text), rules, match_other) == Match::kMatch;
}

bool either_is_blob(const Value& text, const Value& pattern) {
  return kLikeDoesntMatchBlobs &&
         (text.type() == ValueType::kBlob || pattern.type() == ValueType::kBlob);
}

Status check_pattern_length(const Value& pattern) {
  int64_t bytes = pattern.is_null() ? 0 : static_cast<int64_t>(to_text(pattern).size());
  if (bytes > kMaxPatternBytes) {
    return Status::invalid_argument("LIKE or GLOB pattern too complex");
  }
  return Status::ok();
}

}  // namespace

Result<Value> like(const Value& text, const Value& pattern, const Value* escape) {
  if (either_is_blob(text, pattern)) return Value::integer(0);
  STRATA_TRY(check_pattern_length(pattern));
  PatternRules rules = kLikeRules;
  uint32_t escape_char = rules.match_set;
  if (escape != nullptr) {
    if (escape->is_null()) return Value::null();
    std::string escape_text = to_text(*escape);
    std::string_view escape_chars = c_string(escape_text);
    if (utf8_char_count(escape_chars) != 1) {
      return Status::invalid_argument("ESCAPE expression must be a single character");
    }
    size_t pos = 0;
    escape_char = utf8_read(escape_chars, &pos);
    if (escape_char == rules.match_all) rules.match_all = 0;
    if (escape_char == rules.match_one) rules.match_one = 0;
  }
  if (text.is_null() || pattern.is_null()) return Value::null();
  return Value::integer(matches(to_text(text), to_text(pattern), rules, escape_char) ? 1 : 0);
}

Value glob(const Value& text, const Value& pattern) {
  if (either_is_blob(text, pattern)) return Value::integer(0);
  if (text.is_null() || pattern.is_null()) return Value::null();
  return Value::integer(matches(to_text(text), to_text(pattern), kGlobRules, '[') ? 1 : 0);
}

Result<Value> glob_checked(const Value& text, const Value& pattern) {
  if (either_is_blob(text, pattern)) return Value::integer(0);
  STRATA_TRY(check_pattern_length(pattern));
  return glob(text, pattern);
}

}  // namespace strata::exec
