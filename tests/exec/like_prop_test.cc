// Properties: LIKE (with and without ESCAPE) and GLOB agree with the real SQLite
// library on random UTF-8 texts and patterns built from wildcards, set brackets,
// escapes and characters of the text itself.
//
// Replaying a failure: the failure message ends with
//   replay: RC_PARAMS="reproduce=..." <binary> --gtest_filter=Suite.Name
// which reruns exactly the shrunk counterexample; RC_PARAMS="seed=N" reruns a
// whole random sequence, RC_PARAMS="max_success=10000" runs more cases.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <string>
#include <vector>

#include "engine/exec/like.h"
#include "tests/exec/exec_test_util.h"
#include "tests/support/rc_replay.h"

namespace strata::exec {
namespace {

using exec_test::gen_utf8_text;
using exec_test::gen_value;
using exec_test::mismatch;
using exec_test::outcome_of;
using exec_test::Sqlite;

Sqlite& oracle() {
  static Sqlite db;
  return db;
}

// A pattern made of pieces of the text (so it can match), wildcards and sets.
rc::Gen<std::string> gen_pattern(const std::string& text) {
  std::vector<std::string> pieces = {"%", "_", "*",        "?",       "[",    "]",
                                     "^", "-", "\\",       "[a-z]",   "[^a]", "[]]",
                                     "a", "A", "\xc3\xa9", "\xc3\x89"};
  for (size_t i = 0; i < text.size(); ++i) pieces.push_back(text.substr(i, 1 + i % 3));
  return rc::gen::map(exec_test::gen_sized<std::vector<std::string>>(8, rc::gen::elementOf(pieces)),
                      [](const std::vector<std::string>& parts) {
                        std::string out;
                        for (const std::string& p : parts) out += p;
                        return out;
                      });
}

STRATA_RC_PROP(LikeProp, LikeMatchesSqlite, ()) {
  std::string text = *gen_utf8_text();
  Value t = Value::text(text);
  Value p = Value::text(*gen_pattern(text));
  if (auto m = mismatch(oracle(), "SELECT ?1 LIKE ?2", std::vector<Value>{t, p},
                        outcome_of(like(t, p, nullptr)))) {
    RC_FAIL(*m);
  }
}

STRATA_RC_PROP(LikeProp, LikeWithEscapeMatchesSqlite, ()) {
  std::string text = *gen_utf8_text();
  Value t = Value::text(text);
  Value p = Value::text(*gen_pattern(text));
  Value e = *rc::gen::weightedOneOf<Value>({
      {4, rc::gen::map(rc::gen::element<std::string>("\\", "%", "_", "a", "\xc3\xa9", "[", "x"),
                       [](std::string s) { return Value::text(std::move(s)); })},
      {1, gen_value()},
  });
  if (auto m = mismatch(oracle(), "SELECT ?1 LIKE ?2 ESCAPE ?3", std::vector<Value>{t, p, e},
                        outcome_of(like(t, p, &e)))) {
    RC_FAIL(*m);
  }
}

STRATA_RC_PROP(LikeProp, GlobMatchesSqlite, ()) {
  std::string text = *gen_utf8_text();
  Value t = Value::text(text);
  Value p = Value::text(*gen_pattern(text));
  if (auto m = mismatch(oracle(), "SELECT ?1 GLOB ?2", std::vector<Value>{t, p},
                        outcome_of(glob_checked(t, p)))) {
    RC_FAIL(*m);
  }
}

STRATA_RC_PROP(LikeProp, AnyOperandsMatchSqlite, ()) {
  Value t = *gen_value();
  Value p = *gen_value();
  std::vector<Value> args{t, p};
  if (auto m = mismatch(oracle(), "SELECT ?1 LIKE ?2", args, outcome_of(like(t, p, nullptr)))) {
    RC_FAIL(*m);
  }
  if (auto m = mismatch(oracle(), "SELECT ?1 GLOB ?2", args, outcome_of(glob_checked(t, p)))) {
    RC_FAIL(*m);
  }
}

}  // namespace
}  // namespace strata::exec
