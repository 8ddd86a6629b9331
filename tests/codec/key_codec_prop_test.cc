// Properties of the key codec, checked against Value::compare and against the
// real SQLite library.
//
// Replaying a failure: RapidCheck prints the failing (shrunk) input and, when
// the binary exits, a line like
//   Some of your RapidCheck properties had failures. To reproduce these, run with:
//   RC_PARAMS="reproduce=BCM..."
// Run the same binary with that environment variable (add
// --gtest_filter=Suite.Name to run one property) to replay exactly that case.
// RC_PARAMS="seed=N" reruns a whole random sequence; RC_PARAMS="max_success=10000"
// searches harder.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/codec/key_codec.h"
#include "tests/codec/codec_test_util.h"

namespace strata::codec {
namespace {

using codec_test::gen_value;
using codec_test::gen_value_pair;
using codec_test::same_value;
using codec_test::same_values;
using codec_test::sign;

std::string enc(const Value& v) {
  std::string out;
  encode_key(v, &out);
  return out;
}

std::string enc_tuple(const std::vector<Value>& tuple) {
  std::string out;
  encode_key(tuple, &out);
  return out;
}

int byte_order(const std::string& a, const std::string& b) { return sign(a.compare(b)); }

// The total order the codec implements: SQLite's, with numerically equal
// INTEGER and REAL broken INTEGER first. -0.0 and 0.0 are the same key.
int key_order(const Value& a, const Value& b) {
  int c = Value::compare(a, b);
  if (c != 0) return sign(c);
  if (a.type() == b.type()) return 0;
  return a.type() == ValueType::kInteger ? -1 : 1;
}

// -0.0 comes back as 0.0 (documented); everything else exactly.
Value normalized(const Value& v) {
  if (v.type() == ValueType::kReal && v.as_real() == 0.0) return Value::real(0.0);
  return v;
}

RC_GTEST_PROP(KeyCodecProp, DecodeInvertsEncodeExactly, ()) {
  Value v = *gen_value();
  std::string bytes = enc(v);
  std::string_view in = bytes;
  auto back = decode_key(&in);
  RC_ASSERT(back.ok());
  RC_ASSERT(in.empty());
  RC_ASSERT(same_value(*back, normalized(v)));
}

RC_GTEST_PROP(KeyCodecProp, TupleDecodeInvertsEncodeExactly, ()) {
  auto tuple = *rc::gen::resize(8, rc::gen::container<std::vector<Value>>(gen_value()));
  auto back = decode_key_tuple(enc_tuple(tuple));
  RC_ASSERT(back.ok());
  std::vector<Value> expected;
  for (const Value& v : tuple) expected.push_back(normalized(v));
  RC_ASSERT(same_values(*back, expected));
}

RC_GTEST_PROP(KeyCodecProp, ByteOrderIsSqliteOrder, ()) {
  auto [a, b] = *gen_value_pair();
  int expected = sign(Value::compare(a, b));
  int actual = byte_order(enc(a), enc(b));
  RC_TAG(expected == 0 ? "equal" : "unequal");
  if (expected != 0) {
    RC_ASSERT(actual == expected);
  } else {
    RC_ASSERT(actual == key_order(a, b));
  }
}

RC_GTEST_PROP(KeyCodecProp, TupleByteOrderIsLexicographic, ()) {
  // Elements from a small pool, so equal leading elements are common.
  auto pool =
      *rc::gen::resize(4, rc::gen::nonEmpty(rc::gen::container<std::vector<Value>>(gen_value())));
  auto gen_tuple =
      rc::gen::resize(5, rc::gen::container<std::vector<Value>>(rc::gen::elementOf(pool)));
  auto a = *gen_tuple;
  auto b = *gen_tuple;
  int expected = 0;
  size_t i = 0;
  for (; i < a.size() && i < b.size() && expected == 0; ++i) expected = key_order(a[i], b[i]);
  if (expected == 0) expected = a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
  RC_ASSERT(byte_order(enc_tuple(a), enc_tuple(b)) == expected);
}

RC_GTEST_PROP(KeyCodecProp, ArbitraryBytesDecodeCanonicallyOrFail, ()) {
  // Random bytes, or a real encoding with one byte changed or cut short.
  auto bytes = *rc::gen::weightedOneOf<std::string>({
      {1, rc::gen::arbitrary<std::string>()},
      {3, rc::gen::mapcat(rc::gen::resize(4, rc::gen::container<std::vector<Value>>(gen_value())),
                          [](const std::vector<Value>& tuple) {
                            std::string valid = enc_tuple(tuple);
                            return rc::gen::apply(
                                [valid](size_t at, char replacement, bool cut) {
                                  std::string s = valid;
                                  if (s.empty()) return s;
                                  at %= s.size();
                                  if (cut) return s.substr(0, at);
                                  s[at] = replacement;
                                  return s;
                                },
                                rc::gen::arbitrary<size_t>(), rc::gen::arbitrary<char>(),
                                rc::gen::arbitrary<bool>());
                          })},
  });
  std::string_view in = bytes;
  while (!in.empty()) {
    size_t before = in.size();
    auto v = decode_key(&in);
    if (!v.ok()) {
      RC_ASSERT(v.status().is(StatusCode::kCorruption));
      return;
    }
    RC_ASSERT(in.size() < before);
    // Whatever decodes re-encodes to exactly the bytes it was read from.
    std::string_view consumed(bytes.data() + (bytes.size() - before), before - in.size());
    RC_ASSERT(enc(*v) == std::string(consumed));
  }
}

RC_GTEST_PROP(KeyCodecProp, RowidRoundTripsAndOrders, (int64_t a, int64_t b)) {
  std::string ea, eb;
  encode_rowid(a, &ea);
  encode_rowid(b, &eb);
  RC_ASSERT(byte_order(ea, eb) == (a < b ? -1 : (a > b ? 1 : 0)));
  std::string_view in = ea;
  auto back = decode_rowid(&in);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == a);
}

// ---- Agreement with the real SQLite ----

class Sqlite {
 public:
  Sqlite() {
    if (sqlite3_open(":memory:", &db_) != SQLITE_OK) throw std::runtime_error("sqlite3_open");
  }
  ~Sqlite() { sqlite3_close(db_); }
  Sqlite(const Sqlite&) = delete;
  Sqlite& operator=(const Sqlite&) = delete;

  sqlite3* db() const { return db_; }

  void exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "?";
      sqlite3_free(error);
      throw std::runtime_error(message);
    }
  }

 private:
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db));
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  sqlite3_stmt* get() const { return stmt_; }

  // Binds v by its storage class, so SQLite sees exactly the same value.
  void bind(int index, const Value& v) {
    switch (v.type()) {
      case ValueType::kNull:
        sqlite3_bind_null(stmt_, index);
        break;
      case ValueType::kInteger:
        sqlite3_bind_int64(stmt_, index, v.as_integer());
        break;
      case ValueType::kReal:
        sqlite3_bind_double(stmt_, index, v.as_real());
        break;
      case ValueType::kText:
        sqlite3_bind_text(stmt_, index, v.as_text().data(), static_cast<int>(v.as_text().size()),
                          SQLITE_TRANSIENT);
        break;
      case ValueType::kBlob:
        sqlite3_bind_blob(stmt_, index, v.as_blob().data(), static_cast<int>(v.as_blob().size()),
                          SQLITE_TRANSIENT);
        break;
    }
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

RC_GTEST_PROP(KeyCodecProp, CompareAgreesWithSqliteOperators, ()) {
  auto [a, b] = *gen_value_pair();
  Sqlite sqlite;
  Statement stmt(sqlite.db(), "SELECT ?1 < ?2, ?1 = ?2, ?1 > ?2, ?1 IS ?2");
  stmt.bind(1, a);
  stmt.bind(2, b);
  RC_ASSERT(sqlite3_step(stmt.get()) == SQLITE_ROW);
  int expected = sign(Value::compare(a, b));
  // IS treats NULL as a value: it is the one operator defined for every pair.
  RC_ASSERT(sqlite3_column_int(stmt.get(), 3) == (expected == 0 ? 1 : 0));
  if (a.is_null() || b.is_null()) {
    for (int column = 0; column < 3; ++column) {
      RC_ASSERT(sqlite3_column_type(stmt.get(), column) == SQLITE_NULL);
    }
    return;
  }
  RC_ASSERT(sqlite3_column_int(stmt.get(), 0) == (expected < 0 ? 1 : 0));
  RC_ASSERT(sqlite3_column_int(stmt.get(), 1) == (expected == 0 ? 1 : 0));
  RC_ASSERT(sqlite3_column_int(stmt.get(), 2) == (expected > 0 ? 1 : 0));
}

RC_GTEST_PROP(KeyCodecProp, SqliteOrderByMatchesCodecOrder, ()) {
  // Half the batch is drawn near earlier values, so ties and near-ties occur.
  auto values = *rc::gen::resize(40, rc::gen::container<std::vector<Value>>(gen_value()));
  std::vector<Value> batch;
  for (const Value& v : values) {
    batch.push_back(v);
    batch.push_back(*codec_test::gen_value_near(v));
  }

  Sqlite sqlite;
  sqlite.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, x)");  // x: no type affinity
  {
    Statement insert(sqlite.db(), "INSERT INTO t(id, x) VALUES (?1, ?2)");
    for (size_t i = 0; i < batch.size(); ++i) {
      sqlite3_bind_int64(insert.get(), 1, static_cast<int64_t>(i));
      insert.bind(2, batch[i]);
      RC_ASSERT(sqlite3_step(insert.get()) == SQLITE_DONE);
      sqlite3_reset(insert.get());
    }
  }
  std::vector<Value> by_sqlite;
  {
    Statement select(sqlite.db(), "SELECT id FROM t ORDER BY x");
    while (sqlite3_step(select.get()) == SQLITE_ROW) {
      by_sqlite.push_back(batch[static_cast<size_t>(sqlite3_column_int64(select.get(), 0))]);
    }
  }

  std::vector<std::pair<std::string, Value>> keyed;
  for (const Value& v : batch) keyed.emplace_back(enc(v), v);
  std::sort(keyed.begin(), keyed.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });

  RC_ASSERT(by_sqlite.size() == keyed.size());
  for (size_t i = 0; i < keyed.size(); ++i) {
    // Equal values (1 and 1.0, 0.0 and -0.0) may come in either order.
    RC_ASSERT(Value::compare(by_sqlite[i], keyed[i].second) == 0);
  }
}

}  // namespace
}  // namespace strata::codec
