#include "engine/sql/lexer.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

namespace strata::sql {

namespace {

struct KeywordEntry {
  std::string_view spelling;
  TokenKind kind;
  bool reserved;
};

constexpr KeywordEntry kKeywords[] = {
#define STRATA_SQL_KEYWORD_ENTRY(name, spelling, reserved) {spelling, TokenKind::k##name, reserved},
    STRATA_SQL_KEYWORDS(STRATA_SQL_KEYWORD_ENTRY)
#undef STRATA_SQL_KEYWORD_ENTRY
};

constexpr size_t kFirstKeyword = static_cast<size_t>(TokenKind::kAbort);
constexpr size_t kKeywordCount = sizeof(kKeywords) / sizeof(kKeywords[0]);
constexpr size_t kLongestKeyword = 17;  // CURRENT_TIMESTAMP

const KeywordEntry* keyword_entry(TokenKind kind) {
  size_t index = static_cast<size_t>(kind);
  if (index < kFirstKeyword || index >= kFirstKeyword + kKeywordCount) return nullptr;
  return &kKeywords[index - kFirstKeyword];
}

// Keywords sorted by spelling, for binary search.
const std::array<const KeywordEntry*, kKeywordCount>& sorted_keywords() {
  static const auto sorted = [] {
    std::array<const KeywordEntry*, kKeywordCount> out{};
    for (size_t i = 0; i < kKeywordCount; ++i) out[i] = &kKeywords[i];
    std::sort(out.begin(), out.end(), [](const KeywordEntry* a, const KeywordEntry* b) {
      return a->spelling < b->spelling;
    });
    return out;
  }();
  return sorted;
}

bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(unsigned char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

bool is_id_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool is_id_char(unsigned char c) { return is_id_start(c) || is_digit(c) || c == '$'; }

bool is_keyword(TokenKind kind) { return keyword_entry(kind) != nullptr; }

bool is_reserved(TokenKind kind) {
  const KeywordEntry* entry = keyword_entry(kind);
  return entry != nullptr && entry->reserved;
}

bool is_join_keyword(TokenKind kind) {
  switch (kind) {
    case TokenKind::kCross:
    case TokenKind::kFull:
    case TokenKind::kInner:
    case TokenKind::kLeft:
    case TokenKind::kNatural:
    case TokenKind::kOuter:
    case TokenKind::kRight:
      return true;
    default:
      return false;
  }
}

std::optional<TokenKind> keyword_kind(std::string_view word) {
  if (word.empty() || word.size() > kLongestKeyword) return std::nullopt;
  char upper[kLongestKeyword];
  for (size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    upper[i] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  std::string_view key(upper, word.size());
  const auto& sorted = sorted_keywords();
  auto it =
      std::lower_bound(sorted.begin(), sorted.end(), key,
                       [](const KeywordEntry* e, std::string_view k) { return e->spelling < k; });
  if (it == sorted.end() || (*it)->spelling != key) return std::nullopt;
  return (*it)->kind;
}

std::string_view token_kind_name(TokenKind kind) {
  if (const KeywordEntry* entry = keyword_entry(kind)) return entry->spelling;
  switch (kind) {
    case TokenKind::kEof:
      return "end of input";
    case TokenKind::kIdentifier:
      return "identifier";
    case TokenKind::kString:
      return "string";
    case TokenKind::kInteger:
      return "integer";
    case TokenKind::kReal:
      return "real";
    case TokenKind::kBlob:
      return "blob";
    case TokenKind::kVariable:
      return "parameter";
    case TokenKind::kLParen:
      return "(";
    case TokenKind::kRParen:
      return ")";
    case TokenKind::kComma:
      return ",";
    case TokenKind::kSemicolon:
      return ";";
    case TokenKind::kDot:
      return ".";
    case TokenKind::kPlus:
      return "+";
    case TokenKind::kMinus:
      return "-";
    case TokenKind::kStar:
      return "*";
    case TokenKind::kSlash:
      return "/";
    case TokenKind::kPercent:
      return "%";
    case TokenKind::kConcat:
      return "||";
    case TokenKind::kShiftLeft:
      return "<<";
    case TokenKind::kShiftRight:
      return ">>";
    case TokenKind::kBitAnd:
      return "&";
    case TokenKind::kBitOr:
      return "|";
    case TokenKind::kBitNot:
      return "~";
    case TokenKind::kLt:
      return "<";
    case TokenKind::kLe:
      return "<=";
    case TokenKind::kGt:
      return ">";
    case TokenKind::kGe:
      return ">=";
    case TokenKind::kEq:
      return "=";
    case TokenKind::kEqEq:
      return "==";
    case TokenKind::kNe:
      return "!=";
    case TokenKind::kLtGt:
      return "<>";
    case TokenKind::kArrow:
      return "->";
    case TokenKind::kArrow2:
      return "->>";
    default:
      return "token";
  }
}

void Lexer::reset_to(uint32_t offset, uint32_t line, uint32_t column) {
  pos_ = offset;
  line_ = line;
  column_ = column;
}

void Lexer::advance(size_t n) {
  for (size_t i = 0; i < n && pos_ < sql_.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(sql_[pos_++]);
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++column_;  // a continuation byte belongs to the code point already counted
    }
  }
}

void Lexer::skip_space_and_comments() {
  while (pos_ < sql_.size()) {
    unsigned char c = static_cast<unsigned char>(sql_[pos_]);
    if (is_space(c)) {
      advance(1);
    } else if (c == '-' && pos_ + 1 < sql_.size() && sql_[pos_ + 1] == '-') {
      size_t end = sql_.find('\n', pos_);
      advance((end == std::string_view::npos ? sql_.size() : end) - pos_);
    } else if (c == '/' && pos_ + 1 < sql_.size() && sql_[pos_ + 1] == '*') {
      size_t end = sql_.find("*/", pos_ + 2);
      advance(end == std::string_view::npos ? sql_.size() - pos_ : end + 2 - pos_);
    } else {
      return;
    }
  }
}

Status Lexer::error_at(uint32_t line, uint32_t column, const std::string& what) const {
  return Status::syntax(std::to_string(line) + ":" + std::to_string(column) + ": " + what);
}

Result<Token> Lexer::next() {
  skip_space_and_comments();
  Token token;
  token.offset = pos_;
  token.line = line_;
  token.column = column_;
  const size_t n = sql_.size();
  if (pos_ >= n) {
    token.kind = TokenKind::kEof;
    token.text = sql_.substr(n, 0);
    return token;
  }
  const size_t start = pos_;
  auto at = [&](size_t i) -> unsigned char {
    return i < n ? static_cast<unsigned char>(sql_[i]) : 0;
  };
  auto bad_token = [&](size_t end, std::string_view what) -> Status {
    std::string text(sql_.substr(start, std::min<size_t>(end - start, 40)));
    std::string message(what);
    message += ": \"";
    message += text;
    message += end - start > 40 ? "...\"" : "\"";
    return error_at(token.line, token.column, message);
  };
  unsigned char c = at(start);
  size_t len = 0;  // bytes of the token once known
  TokenKind kind = TokenKind::kEof;

  if ((c == 'x' || c == 'X') && at(start + 1) == '\'') {
    size_t i = start + 2;
    while (i < n && sql_[i] != '\'') ++i;
    if (i >= n) return bad_token(n, "unterminated blob literal");
    size_t digits = i - (start + 2);
    bool ok = digits % 2 == 0;
    for (size_t j = start + 2; ok && j < i; ++j) ok = is_hex_digit(at(j));
    if (!ok) return bad_token(i + 1, "malformed blob literal");
    kind = TokenKind::kBlob;
    len = i + 1 - start;
  } else if (is_id_start(c)) {
    size_t i = start + 1;
    while (i < n && is_id_char(at(i))) ++i;
    len = i - start;
    kind = keyword_kind(sql_.substr(start, len)).value_or(TokenKind::kIdentifier);
  } else if (is_digit(c) || (c == '.' && is_digit(at(start + 1)))) {
    size_t i = start;
    kind = TokenKind::kInteger;
    if (c == '0' && (at(i + 1) == 'x' || at(i + 1) == 'X') && is_hex_digit(at(i + 2))) {
      i += 2;
      while (is_hex_digit(at(i))) ++i;
    } else if (c == '0' && (at(i + 1) == 'x' || at(i + 1) == 'X')) {
      i += 2;  // "0x" without digits: reported below as unrecognized
      while (is_id_char(at(i))) ++i;
      return bad_token(i, "unrecognized token");
    } else {
      while (is_digit(at(i))) ++i;
      if (at(i) == '.') {
        kind = TokenKind::kReal;
        ++i;
        while (is_digit(at(i))) ++i;
      }
      if (at(i) == 'e' || at(i) == 'E') {
        size_t j = i + 1;
        if (at(j) == '+' || at(j) == '-') ++j;
        if (is_digit(at(j))) {
          kind = TokenKind::kReal;
          i = j;
          while (is_digit(at(i))) ++i;
        }
      }
    }
    if (is_id_char(at(i))) {
      while (is_id_char(at(i))) ++i;
      return bad_token(i, "unrecognized token");
    }
    len = i - start;
  } else {
    switch (c) {
      case '\'': {
        size_t i = start + 1;
        for (;;) {
          if (i >= n) return bad_token(n, "unterminated string literal");
          if (sql_[i] == '\'') {
            if (at(i + 1) == '\'') {
              i += 2;
              continue;
            }
            break;
          }
          ++i;
        }
        kind = TokenKind::kString;
        len = i + 1 - start;
        break;
      }
      case '"':
      case '`': {
        size_t i = start + 1;
        for (;;) {
          if (i >= n) return bad_token(n, "unterminated quoted identifier");
          if (at(i) == c) {
            if (at(i + 1) == c) {
              i += 2;
              continue;
            }
            break;
          }
          ++i;
        }
        kind = TokenKind::kIdentifier;
        len = i + 1 - start;
        break;
      }
      case '[': {
        size_t end = sql_.find(']', start + 1);
        if (end == std::string_view::npos) return bad_token(n, "unterminated quoted identifier");
        kind = TokenKind::kIdentifier;
        len = end + 1 - start;
        break;
      }
      case '?': {
        size_t i = start + 1;
        while (is_digit(at(i))) ++i;
        kind = TokenKind::kVariable;
        len = i - start;
        break;
      }
      case ':':
      case '@':
      case '$': {
        size_t i = start + 1;
        while (is_id_char(at(i))) ++i;
        if (i == start + 1) return bad_token(i, "unrecognized token");
        kind = TokenKind::kVariable;
        len = i - start;
        break;
      }
      case '(':
        kind = TokenKind::kLParen;
        len = 1;
        break;
      case ')':
        kind = TokenKind::kRParen;
        len = 1;
        break;
      case ',':
        kind = TokenKind::kComma;
        len = 1;
        break;
      case ';':
        kind = TokenKind::kSemicolon;
        len = 1;
        break;
      case '.':
        kind = TokenKind::kDot;
        len = 1;
        break;
      case '+':
        kind = TokenKind::kPlus;
        len = 1;
        break;
      case '*':
        kind = TokenKind::kStar;
        len = 1;
        break;
      case '/':
        kind = TokenKind::kSlash;
        len = 1;
        break;
      case '%':
        kind = TokenKind::kPercent;
        len = 1;
        break;
      case '&':
        kind = TokenKind::kBitAnd;
        len = 1;
        break;
      case '~':
        kind = TokenKind::kBitNot;
        len = 1;
        break;
      case '-':
        if (at(start + 1) == '>') {
          bool two = at(start + 2) == '>';
          kind = two ? TokenKind::kArrow2 : TokenKind::kArrow;
          len = two ? 3 : 2;
        } else {
          kind = TokenKind::kMinus;
          len = 1;
        }
        break;
      case '|':
        if (at(start + 1) == '|') {
          kind = TokenKind::kConcat;
          len = 2;
        } else {
          kind = TokenKind::kBitOr;
          len = 1;
        }
        break;
      case '=':
        if (at(start + 1) == '=') {
          kind = TokenKind::kEqEq;
          len = 2;
        } else {
          kind = TokenKind::kEq;
          len = 1;
        }
        break;
      case '<':
        if (at(start + 1) == '=') {
          kind = TokenKind::kLe;
          len = 2;
        } else if (at(start + 1) == '>') {
          kind = TokenKind::kLtGt;
          len = 2;
        } else if (at(start + 1) == '<') {
          kind = TokenKind::kShiftLeft;
          len = 2;
        } else {
          kind = TokenKind::kLt;
          len = 1;
        }
        break;
      case '>':
        if (at(start + 1) == '=') {
          kind = TokenKind::kGe;
          len = 2;
        } else if (at(start + 1) == '>') {
          kind = TokenKind::kShiftRight;
          len = 2;
        } else {
          kind = TokenKind::kGt;
          len = 1;
        }
        break;
      case '!':
        if (at(start + 1) == '=') {
          kind = TokenKind::kNe;
          len = 2;
          break;
        }
        return bad_token(start + 1, "unrecognized token");
      default: {
        // One whole code point, so the message shows a readable character.
        size_t i = start + 1;
        while (i < n && (at(i) & 0xC0) == 0x80) ++i;
        return bad_token(i, "unrecognized token");
      }
    }
  }
  token.kind = kind;
  token.text = sql_.substr(start, len);
  advance(len);
  return token;
}

Result<std::vector<Token>> tokenize(std::string_view sql) {
  Lexer lexer(sql);
  std::vector<Token> tokens;
  for (;;) {
    STRATA_ASSIGN(Token token, lexer.next());
    if (token.kind == TokenKind::kEof) return tokens;
    tokens.push_back(token);
  }
}

std::string unquote(const Token& token) {
  std::string_view text = token.text;
  if (text.size() < 2) return std::string(text);
  char open = text.front();
  char close = open == '[' ? ']' : open;
  bool quoted =
      (token.kind == TokenKind::kIdentifier && (open == '"' || open == '`' || open == '[')) ||
      (token.kind == TokenKind::kString && open == '\'');
  if (!quoted) return std::string(text);
  std::string out;
  out.reserve(text.size() - 2);
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    out += text[i];
    if (open != '[' && text[i] == close) ++i;  // a doubled quote stands for one
  }
  return out;
}

bool identifier_needs_quotes(std::string_view name) {
  if (name.empty() || !is_id_start(static_cast<unsigned char>(name[0]))) return true;
  for (char c : name) {
    if (!is_id_char(static_cast<unsigned char>(c))) return true;
  }
  if (keyword_kind(name).has_value()) return true;
  auto equals_ci = [&](std::string_view word) {
    if (name.size() != word.size()) return false;
    for (size_t i = 0; i < name.size(); ++i) {
      char c = name[i];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (c != word[i]) return false;
    }
    return true;
  };
  return equals_ci("TRUE") || equals_ci("FALSE");
}

std::string quote_identifier(std::string_view name) {
  if (!identifier_needs_quotes(name)) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  out += '"';
  return out;
}

std::string quote_string(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  out += '\'';
  return out;
}

}  // namespace strata::sql
