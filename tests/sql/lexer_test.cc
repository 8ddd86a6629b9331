// Lexer: token kinds, text and positions for every lexical form, and lexer errors.
#include "engine/sql/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/status_testing.h"

namespace strata::sql {
namespace {

std::vector<Token> lex(std::string_view sql) {
  Result<std::vector<Token>> tokens = tokenize(sql);
  EXPECT_TRUE(tokens.ok()) << sql << ": " << tokens.status().to_string();
  return tokens.ok() ? tokens.value() : std::vector<Token>{};
}

std::vector<TokenKind> kinds(std::string_view sql) {
  std::vector<TokenKind> out;
  for (const Token& t : lex(sql)) out.push_back(t.kind);
  return out;
}

std::string lex_error(std::string_view sql) {
  Result<std::vector<Token>> tokens = tokenize(sql);
  EXPECT_FALSE(tokens.ok()) << sql;
  if (tokens.ok()) return "";
  EXPECT_EQ(tokens.status().code(), StatusCode::kSyntax);
  return tokens.status().message();
}

using K = TokenKind;

TEST(Lexer, KeywordsAreCaseInsensitive) {
  EXPECT_EQ(kinds("select SeLeCt SELECT"), (std::vector<K>{K::kSelect, K::kSelect, K::kSelect}));
  EXPECT_EQ(kinds("current_timestamp Autoincrement"),
            (std::vector<K>{K::kCurrentTimestamp, K::kAutoincrement}));
}

TEST(Lexer, TrueFalseAndRowidAreIdentifiersNotKeywords) {
  EXPECT_EQ(kinds("true false rowid strict"),
            (std::vector<K>{K::kIdentifier, K::kIdentifier, K::kIdentifier, K::kIdentifier}));
}

TEST(Lexer, BareIdentifiersMayHoldDollarDigitsAndUtf8) {
  std::vector<Token> t = lex("a1$b _x été");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].text, "a1$b");
  EXPECT_EQ(t[1].text, "_x");
  EXPECT_EQ(t[2].text, "été");
  EXPECT_EQ(t[2].kind, K::kIdentifier);
}

TEST(Lexer, QuotedIdentifiersInAllThreeStyles) {
  std::vector<Token> t = lex(R"("a ""b""" [c d] `e``f` "select")");
  ASSERT_EQ(t.size(), 4u);
  for (const Token& token : t) EXPECT_EQ(token.kind, K::kIdentifier);
  EXPECT_EQ(unquote(t[0]), "a \"b\"");
  EXPECT_EQ(unquote(t[1]), "c d");
  EXPECT_EQ(unquote(t[2]), "e`f");
  EXPECT_EQ(unquote(t[3]), "select");  // quoted keywords are names
}

TEST(Lexer, StringsWithDoubledQuotes) {
  std::vector<Token> t = lex("'it''s' '' 'a\nb'");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].kind, K::kString);
  EXPECT_EQ(unquote(t[0]), "it's");
  EXPECT_EQ(unquote(t[1]), "");
  EXPECT_EQ(unquote(t[2]), "a\nb");
}

TEST(Lexer, Numbers) {
  std::vector<Token> t = lex("1 123 1. .5 1.5 1e10 1E+10 2.5e-3 0x1F 0XaB 00");
  std::vector<K> expected = {K::kInteger, K::kInteger, K::kReal,   K::kReal,
                             K::kReal,    K::kReal,    K::kReal,   K::kReal,
                             K::kInteger, K::kInteger, K::kInteger};
  ASSERT_EQ(t.size(), expected.size());
  for (size_t i = 0; i < t.size(); ++i) EXPECT_EQ(t[i].kind, expected[i]) << t[i].text;
  EXPECT_EQ(t[2].text, "1.");
  EXPECT_EQ(t[8].text, "0x1F");
}

TEST(Lexer, DotBetweenNamesIsNotANumber) {
  EXPECT_EQ(kinds("t.a t.5"),
            (std::vector<K>{K::kIdentifier, K::kDot, K::kIdentifier, K::kIdentifier, K::kReal}));
}

TEST(Lexer, Blobs) {
  std::vector<Token> t = lex("X'00ff' x'' X'AbCd'");
  ASSERT_EQ(t.size(), 3u);
  for (const Token& token : t) EXPECT_EQ(token.kind, K::kBlob);
  EXPECT_EQ(t[0].text, "X'00ff'");
}

TEST(Lexer, BindParameters) {
  std::vector<Token> t = lex("? ?12 :name @x $y1 ?");
  ASSERT_EQ(t.size(), 6u);
  for (const Token& token : t) EXPECT_EQ(token.kind, K::kVariable);
  EXPECT_EQ(t[1].text, "?12");
  EXPECT_EQ(t[2].text, ":name");
  EXPECT_EQ(t[3].text, "@x");
  EXPECT_EQ(t[4].text, "$y1");
}

TEST(Lexer, EveryOperator) {
  EXPECT_EQ(
      kinds("|| * / % + - << >> & | < <= > >= = == != <> ~ , ; ( ) . -> ->>"),
      (std::vector<K>{
          K::kConcat,     K::kStar,   K::kSlash, K::kPercent, K::kPlus,   K::kMinus, K::kShiftLeft,
          K::kShiftRight, K::kBitAnd, K::kBitOr, K::kLt,      K::kLe,     K::kGt,    K::kGe,
          K::kEq,         K::kEqEq,   K::kNe,    K::kLtGt,    K::kBitNot, K::kComma, K::kSemicolon,
          K::kLParen,     K::kRParen, K::kDot,   K::kArrow,   K::kArrow2}));
}

TEST(Lexer, OperatorsNeedNoSpaces) {
  EXPECT_EQ(kinds("a<=b<>c||d"), (std::vector<K>{K::kIdentifier, K::kLe, K::kIdentifier, K::kLtGt,
                                                 K::kIdentifier, K::kConcat, K::kIdentifier}));
  EXPECT_EQ(kinds("1-2"), (std::vector<K>{K::kInteger, K::kMinus, K::kInteger}));
}

TEST(Lexer, CommentsAreSkipped) {
  EXPECT_EQ(kinds("SELECT -- a comment\n 1 /* another\n one */ + 2 --"),
            (std::vector<K>{K::kSelect, K::kInteger, K::kPlus, K::kInteger}));
}

TEST(Lexer, UnterminatedBlockCommentEndsAtEndOfInput) {
  EXPECT_EQ(kinds("SELECT 1 /* never closed"), (std::vector<K>{K::kSelect, K::kInteger}));
}

TEST(Lexer, PositionsAreOneBasedLinesAndCodePointColumns) {
  std::vector<Token> t = lex("SELECT\n  'é',  x\n\tFROM");
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[0].offset, 0u);
  EXPECT_EQ(t[0].line, 1u);
  EXPECT_EQ(t[0].column, 1u);
  EXPECT_EQ(t[1].line, 2u);  // 'é'
  EXPECT_EQ(t[1].column, 3u);
  EXPECT_EQ(t[1].offset, 9u);
  EXPECT_EQ(t[2].column, 6u);  // , after a two-byte character counts one column for it
  EXPECT_EQ(t[3].column, 9u);  // x
  EXPECT_EQ(t[4].line, 3u);    // FROM after a tab
  EXPECT_EQ(t[4].column, 2u);
}

TEST(Lexer, UnterminatedStringIsAnErrorAtItsStart) {
  EXPECT_EQ(lex_error("SELECT 'abc"), "1:8: unterminated string literal: \"'abc\"");
  EXPECT_EQ(lex_error("SELECT\n  'it''s"), "2:3: unterminated string literal: \"'it''s\"");
}

TEST(Lexer, UnterminatedQuotedIdentifiers) {
  EXPECT_EQ(lex_error("SELECT \"abc"), "1:8: unterminated quoted identifier: \"\"abc\"");
  EXPECT_EQ(lex_error("SELECT [abc"), "1:8: unterminated quoted identifier: \"[abc\"");
  EXPECT_EQ(lex_error("SELECT `abc"), "1:8: unterminated quoted identifier: \"`abc\"");
}

TEST(Lexer, MalformedBlobs) {
  EXPECT_EQ(lex_error("SELECT X'0'"), "1:8: malformed blob literal: \"X'0'\"");
  EXPECT_EQ(lex_error("SELECT x'zz'"), "1:8: malformed blob literal: \"x'zz'\"");
  EXPECT_EQ(lex_error("SELECT x'00"), "1:8: unterminated blob literal: \"x'00\"");
}

TEST(Lexer, MalformedNumbers) {
  EXPECT_EQ(lex_error("SELECT 1e"), "1:8: unrecognized token: \"1e\"");
  EXPECT_EQ(lex_error("SELECT 1e+"), "1:8: unrecognized token: \"1e\"");
  EXPECT_EQ(lex_error("SELECT 0x"), "1:8: unrecognized token: \"0x\"");
  EXPECT_EQ(lex_error("SELECT 0xfg"), "1:8: unrecognized token: \"0xfg\"");
  EXPECT_EQ(lex_error("SELECT 12abc"), "1:8: unrecognized token: \"12abc\"");
  EXPECT_EQ(lex_error("SELECT 1.5e"), "1:8: unrecognized token: \"1.5e\"");
}

TEST(Lexer, StrayCharacters) {
  EXPECT_EQ(lex_error("SELECT !"), "1:8: unrecognized token: \"!\"");
  EXPECT_EQ(lex_error("SELECT #1"), "1:8: unrecognized token: \"#\"");
  EXPECT_EQ(lex_error("SELECT :"), "1:8: unrecognized token: \":\"");
  EXPECT_EQ(lex_error("a\n  \x01"), "2:3: unrecognized token: \"\x01\"");
}

TEST(Lexer, LexerStopsAtTheBadTokenAndReportsItsPosition) {
  Lexer lexer("SELECT  'x");
  ASSERT_TRUE(lexer.next().ok());
  Result<Token> bad = lexer.next();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(lexer.offset(), 8u);
  EXPECT_EQ(lexer.column(), 9u);
}

TEST(Lexer, EndOfInputRepeats) {
  Lexer lexer("  ");
  for (int i = 0; i < 3; ++i) {
    Result<Token> t = lexer.next();
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->kind, K::kEof);
    EXPECT_EQ(t->offset, 2u);
  }
}

TEST(Lexer, KeywordTable) {
  EXPECT_EQ(keyword_kind("select"), K::kSelect);
  EXPECT_EQ(keyword_kind("CURRENT_TIMESTAMP"), K::kCurrentTimestamp);
  EXPECT_EQ(keyword_kind("temporary"), K::kTemporary);
  EXPECT_FALSE(keyword_kind("selects").has_value());
  EXPECT_FALSE(keyword_kind("").has_value());
  EXPECT_TRUE(is_reserved(K::kSelect));
  EXPECT_FALSE(is_reserved(K::kReplace));
  EXPECT_FALSE(is_reserved(K::kKey));
  EXPECT_TRUE(is_join_keyword(K::kLeft));
  EXPECT_EQ(token_kind_name(K::kWhere), "WHERE");
  EXPECT_EQ(token_kind_name(K::kLParen), "(");
}

TEST(Lexer, QuotingForThePrinter) {
  EXPECT_EQ(quote_identifier("abc"), "abc");
  EXPECT_EQ(quote_identifier("select"), "\"select\"");
  EXPECT_EQ(quote_identifier("key"), "\"key\"");  // every keyword is quoted, to be safe
  EXPECT_EQ(quote_identifier("True"), "\"True\"");
  EXPECT_EQ(quote_identifier("a b"), "\"a b\"");
  EXPECT_EQ(quote_identifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(quote_identifier("1a"), "\"1a\"");
  EXPECT_EQ(quote_identifier(""), "\"\"");
  EXPECT_EQ(quote_identifier("été"), "été");
  EXPECT_EQ(quote_string("it's"), "'it''s'");
}

}  // namespace
}  // namespace strata::sql
