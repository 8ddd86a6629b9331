// LIKE and GLOB against the real SQLite library: hand-picked texts and patterns
// (wildcards, escapes, sets, ranges, case, multi-byte and broken UTF-8, NUL
// bytes, numbers and blobs as operands), through the operators and the
// like()/glob() functions.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/exec/like.h"
#include "tests/exec/exec_test_util.h"

namespace strata::exec {
namespace {

using exec_test::FailureBudget;
using exec_test::mismatch;
using exec_test::outcome_of;
using exec_test::Sqlite;

std::vector<Value> like_texts() {
  std::vector<Value> out;
  for (const char* s : {"",
                        "a",
                        "A",
                        "abc",
                        "ABC",
                        "aBc",
                        "abcabc",
                        "a%c",
                        "a_c",
                        "a\\c",
                        "%",
                        "_",
                        "[",
                        "]",
                        "a]b",
                        "a-b",
                        "^",
                        "*",
                        "?",
                        "\xc3\xa9",
                        "\xc3\x89",
                        "\xc3\xa9t\xc3\xa9",
                        "\xe2\x82\xac",
                        "\xf0\x9f\x98\x80x",
                        "\x80",
                        "\xc3",
                        "\xc3"
                        "a",
                        "\xff",
                        "hello world",
                        "x'y",
                        "abcd",
                        "acbd",
                        "b",
                        "z",
                        "-"}) {
    out.push_back(Value::text(s));
  }
  out.push_back(Value::text(std::string("a\0c", 3)));
  out.push_back(Value::null());
  out.push_back(Value::integer(123));
  out.push_back(Value::real(1.5));
  out.push_back(Value::blob("abc"));
  return out;
}

std::vector<Value> like_patterns() {
  std::vector<Value> out;
  for (const char* s : {"",
                        "%",
                        "%%",
                        "_",
                        "__",
                        "a",
                        "A",
                        "a%",
                        "%c",
                        "%b%",
                        "a_c",
                        "a%c",
                        "_b_",
                        "%_",
                        "_%",
                        "%a%b%c%",
                        "%abc",
                        "abc%",
                        "a\\%c",
                        "a\\_c",
                        "\\%",
                        "a%%%c",
                        "\xc3\xa9%",
                        "%\xc3\x89",
                        "_t_",
                        "\xe2\x82\xac",
                        "%\xf0\x9f\x98\x80%",
                        "%\x80",
                        "\xc3%",
                        "*",
                        "?",
                        "a*",
                        "*c",
                        "a?c",
                        "[abc]",
                        "[a-c]*",
                        "[^a]*",
                        "[]]*",
                        "a[]]b",
                        "[a-]*",
                        "[-a]",
                        "[^]]",
                        "*[bc]",
                        "*[b-c]*",
                        "[",
                        "a[",
                        "[z-a]",
                        "*[",
                        "[\xc3\xa9]*",
                        "**",
                        "*?",
                        "?*",
                        "a*c*",
                        "x'y",
                        "1%",
                        "1.5",
                        "12_",
                        "%3"}) {
    out.push_back(Value::text(s));
  }
  out.push_back(Value::text(std::string("a\0%", 3)));
  out.push_back(Value::null());
  out.push_back(Value::integer(123));
  out.push_back(Value::blob("a%"));
  return out;
}

std::vector<Value> like_escapes() {
  return {Value::text("\\"),
          Value::text("%"),
          Value::text("_"),
          Value::text("a"),
          Value::text("\xc3\xa9"),
          Value::text("ab"),
          Value::text(""),
          Value::null(),
          Value::integer(1),
          Value::integer(12),
          Value::blob("\\"),
          Value::text("\x80"),
          Value::text(std::string("\0", 1))};
}

TEST(LikeDiff, LikeOperatorMatchesSqlite) {
  Sqlite db;
  FailureBudget budget;
  for (const Value& text : like_texts()) {
    for (const Value& pattern : like_patterns()) {
      std::vector<Value> args{text, pattern};
      if (!budget.check(
              mismatch(db, "SELECT ?1 LIKE ?2", args, outcome_of(like(text, pattern, nullptr))))) {
        return;
      }
      Result<Value> liked = like(text, pattern, nullptr);
      Value negated = liked->is_null() ? *liked : Value::integer(1 - liked->as_integer());
      budget.check(mismatch(db, "SELECT ?1 NOT LIKE ?2", args, outcome_of(negated)));
    }
  }
}

TEST(LikeDiff, LikeWithEscapeMatchesSqlite) {
  Sqlite db;
  FailureBudget budget;
  for (const Value& text : like_texts()) {
    for (const Value& pattern : like_patterns()) {
      for (const Value& escape : like_escapes()) {
        std::vector<Value> args{text, pattern, escape};
        if (!budget.check(mismatch(db, "SELECT ?1 LIKE ?2 ESCAPE ?3", args,
                                   outcome_of(like(text, pattern, &escape))))) {
          return;
        }
      }
    }
  }
}

TEST(LikeDiff, GlobOperatorMatchesSqlite) {
  Sqlite db;
  FailureBudget budget;
  for (const Value& text : like_texts()) {
    for (const Value& pattern : like_patterns()) {
      std::vector<Value> args{text, pattern};
      if (!budget.check(mismatch(db, "SELECT ?1 GLOB ?2", args, outcome_of(glob(text, pattern))))) {
        return;
      }
      budget.check(
          mismatch(db, "SELECT ?1 GLOB ?2", args, outcome_of(glob_checked(text, pattern))));
    }
  }
}

TEST(Like, IsCaseInsensitiveForAsciiOnly) {
  EXPECT_EQ(like(Value::text("ABC"), Value::text("abc"), nullptr)->as_integer(), 1);
  EXPECT_EQ(like(Value::text("\xc3\x89"), Value::text("\xc3\xa9"), nullptr)->as_integer(), 0);
  EXPECT_EQ(glob(Value::text("ABC"), Value::text("abc")).as_integer(), 0);
}

TEST(Like, EscapeMustBeOneCharacter) {
  Value escape = Value::text("ab");
  Result<Value> r = like(Value::null(), Value::text("a"), &escape);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "ESCAPE expression must be a single character");
}

TEST(Like, DeepWildcardPatternsFinish) {
  // 24999 "%a" pairs: recursion depth is bounded by the pattern length limit.
  std::string pattern;
  for (int i = 0; i < 24999; ++i) pattern += "%a";
  std::string text(30000, 'a');
  Result<Value> r = like(Value::text(text), Value::text(pattern), nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->as_integer(), 1);
  r = like(Value::text(text + "b"), Value::text(pattern + "c"), nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->as_integer(), 0);
}

}  // namespace
}  // namespace strata::exec
