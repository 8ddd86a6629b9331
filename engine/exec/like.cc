#include "engine/exec/like.h"

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

// kNoWildcardMatch means "no match, and no later start position can match
// either": it lets a failed '%' stop the outer '%' searches (linear, not
// exponential, in the number of wildcards).
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

// REQUIRES: pattern and text contain no NUL byte.
Match pattern_compare(std::string_view pattern, size_t p, std::string_view text, size_t t,
                      const PatternRules& rules, uint32_t match_other) {
  size_t escaped_end = std::string_view::npos;  // one past the last escaped pattern char
  uint32_t c;
  while ((c = next_char(pattern, &p)) != 0) {
    if (c == rules.match_all) {
      // Collapse a run of match_all / match_one; each match_one consumes a character.
      while ((c = next_char(pattern, &p)) == rules.match_all ||
             (c == rules.match_one && rules.match_one != 0)) {
        if (c == rules.match_one && next_char(text, &t) == 0) return Match::kNoWildcardMatch;
      }
      if (c == 0) return Match::kMatch;  // trailing match_all matches the rest
      if (c == match_other) {
        if (rules.match_set == 0) {
          c = next_char(pattern, &p);
          if (c == 0) return Match::kNoWildcardMatch;
        } else {
          // A '[' set right after '*': try every start position ('[' is one byte).
          while (t < text.size()) {
            Match m = pattern_compare(pattern, p - 1, text, t, rules, match_other);
            if (m != Match::kNoMatch) return m;
            utf8_skip(text, &t);
          }
          return Match::kNoWildcardMatch;
        }
      }
      // c is the first literal after the wildcard: try each place it occurs.
      if (c < 0x80) {
        uint32_t upper = rules.no_case ? ascii_upper(c) : c;
        uint32_t lower = rules.no_case ? ascii_lower(c) : c;
        while (true) {
          while (t < text.size() && static_cast<unsigned char>(text[t]) != upper &&
                 static_cast<unsigned char>(text[t]) != lower) {
            ++t;
          }
          if (t >= text.size()) break;
          ++t;
          Match m = pattern_compare(pattern, p, text, t, rules, match_other);
          if (m != Match::kNoMatch) return m;
        }
      } else {
        uint32_t c2;
        while ((c2 = next_char(text, &t)) != 0) {
          if (c2 != c) continue;
          Match m = pattern_compare(pattern, p, text, t, rules, match_other);
          if (m != Match::kNoMatch) return m;
        }
      }
      return Match::kNoWildcardMatch;
    }
    if (c == match_other) {
      if (rules.match_set == 0) {  // LIKE escape: the next pattern char is literal
        c = next_char(pattern, &p);
        if (c == 0) return Match::kNoMatch;
        escaped_end = p;
      } else {  // GLOB set: [abc], [a-z], [^...], []...] with ']' first as a member
        uint32_t prior = 0;
        bool seen = false;
        bool invert = false;
        c = next_char(text, &t);
        if (c == 0) return Match::kNoMatch;
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
        if (c2 == 0 || seen == invert) return Match::kNoMatch;
        continue;
      }
    }
    uint32_t c2 = next_char(text, &t);
    if (c == c2) continue;
    if (rules.no_case && c < 0x80 && c2 < 0x80 && ascii_lower(c) == ascii_lower(c2)) continue;
    if (c == rules.match_one && p != escaped_end && c2 != 0) continue;
    return Match::kNoMatch;
  }
  return t >= text.size() ? Match::kMatch : Match::kNoMatch;
}

bool matches(const std::string& text, const std::string& pattern, const PatternRules& rules,
             uint32_t match_other) {
  return pattern_compare(c_string(pattern), 0, c_string(text), 0, rules, match_other) ==
         Match::kMatch;
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
