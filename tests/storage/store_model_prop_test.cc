// Model-based property of the Store: random sequences of put / delete /
// commit / rollback / reopen / snapshot reads, run against a std::map model,
// on MemVfs and on PosixVfs (real files in a temporary directory).
//
// The model is the committed state plus, while a write transaction is open,
// that transaction's view (committed state with its pending writes applied).
// Open readers keep a copy of the committed state they began on. Checked:
//   - every get and every full scan (forward and backward) of the writer equals
//     its view; del() reports whether the key was there;
//   - a reader sees exactly its snapshot, however many commits came after it;
//   - after every commit and every reopen: a fresh full scan equals the
//     committed model and check_store() reports no violation.
// Keys come from a small space (sometimes only 4 keys, so the tree often
// empties), including the empty key and keys with 0x00 / 0xff bytes; values
// are sometimes empty, sometimes several KiB, sometimes longer than a page
// (overflow chains). Page sizes 512, 1024 and 4096; sometimes a tiny cache.
//
// Replaying a failure: the GoogleTest failure message ends with a line
//   replay: RC_PARAMS="seed=... reproduce=..." <binary> --gtest_filter=<Suite.Name>
// e.g.
//   RC_PARAMS="reproduce=BchdlNG..." ./build/default/tests/store_model_prop_test
//       --gtest_filter=StoreModel.MemVfsMatchesTheModel      (one line)
// which reruns exactly the shrunk counterexample. RC_PARAMS="seed=N" reruns a
// whole run; RC_PARAMS="max_success=2000" searches harder.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "engine/check.h"
#include "engine/store.h"
#include "tests/support/rc_replay.h"
#include "tests/support/temp_dir.h"
#include "vfs/mem_vfs.h"
#include "vfs/posix_vfs.h"

namespace strata {
namespace {

using Model = std::map<std::string, std::string>;

enum class OpKind {
  kPut,
  kDelete,
  kGet,
  kCommit,
  kRollback,
  kReopen,
  kBeginRead,   // a reader pins the current committed snapshot
  kCheckRead,   // the oldest reader verifies its snapshot and ends
  kScanWriter,  // full scan of the writer's view, forward or backward
};

struct Op {
  OpKind kind = OpKind::kGet;
  int key = 0;              // index into the key space
  uint32_t value_size = 0;  // kPut
  uint32_t value_seed = 0;  // kPut: contents are derived from it
  bool backward = false;    // kScanWriter
};

const char* kind_name(OpKind kind) {
  switch (kind) {
    case OpKind::kPut:
      return "put";
    case OpKind::kDelete:
      return "del";
    case OpKind::kGet:
      return "get";
    case OpKind::kCommit:
      return "commit";
    case OpKind::kRollback:
      return "rollback";
    case OpKind::kReopen:
      return "reopen";
    case OpKind::kBeginRead:
      return "begin_read";
    case OpKind::kCheckRead:
      return "check_read";
    case OpKind::kScanWriter:
      return "scan_writer";
  }
  return "?";
}

// How RapidCheck prints a counterexample.
void showValue(const Op& op, std::ostream& os) {
  os << kind_name(op.kind);
  switch (op.kind) {
    case OpKind::kPut:
      os << "(key " << op.key << ", " << op.value_size << " bytes, seed " << op.value_seed << ")";
      break;
    case OpKind::kDelete:
    case OpKind::kGet:
      os << "(key " << op.key << ")";
      break;
    case OpKind::kScanWriter:
      os << (op.backward ? "(backward)" : "(forward)");
      break;
    default:
      break;
  }
}

// Key i of the space: a few awkward ones first, then names of varying length.
std::string key_of(int index) {
  switch (index) {
    case 0:
      return "";
    case 1:
      return std::string(1, '\0');
    case 2:
      return "\xff\xff";
    default:
      break;
  }
  char name[16];
  std::snprintf(name, sizeof name, "key%03d", index);
  return std::string(name) + std::string(static_cast<size_t>(index % 5) * 7, 'a' + index % 26);
}

std::string value_of(uint32_t size, uint32_t seed) {
  std::string value(size, '\0');
  uint64_t state = seed * 0x9e3779b97f4a7c15ULL + size;
  for (uint32_t i = 0; i < size; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    value[i] = static_cast<char>(state >> 56);
  }
  return value;
}

rc::Gen<Op> gen_op(int key_space) {
  using rc::gen::inRange;
  using rc::gen::just;
  auto key = inRange(0, key_space);
  auto value_size = rc::gen::weightedOneOf<uint32_t>({
      {2, just<uint32_t>(0)},
      {10, inRange<uint32_t>(1, 100)},
      {3, inRange<uint32_t>(2048, 6 * 1024)},   // several KiB: overflow at small pages
      {1, inRange<uint32_t>(4097, 20 * 1024)},  // longer than any page used here
  });
  auto put = rc::gen::map(rc::gen::tuple(key, value_size, rc::gen::arbitrary<uint32_t>()),
                          [](const std::tuple<int, uint32_t, uint32_t>& t) {
                            Op op;
                            op.kind = OpKind::kPut;
                            op.key = std::get<0>(t);
                            op.value_size = std::get<1>(t);
                            op.value_seed = std::get<2>(t);
                            return op;
                          });
  auto keyed = [key](OpKind kind) {
    return rc::gen::map(key, [kind](int k) {
      Op op;
      op.kind = kind;
      op.key = k;
      return op;
    });
  };
  auto plain = [](OpKind kind) {
    Op op;
    op.kind = kind;
    return just(op);
  };
  auto scan = rc::gen::map(rc::gen::arbitrary<bool>(), [](bool backward) {
    Op op;
    op.kind = OpKind::kScanWriter;
    op.backward = backward;
    return op;
  });
  return rc::gen::weightedOneOf<Op>({
      {40, put},
      {16, keyed(OpKind::kDelete)},
      {8, keyed(OpKind::kGet)},
      {10, plain(OpKind::kCommit)},
      {3, plain(OpKind::kRollback)},
      {3, plain(OpKind::kReopen)},
      {4, plain(OpKind::kBeginRead)},
      {4, plain(OpKind::kCheckRead)},
      {3, scan},
  });
}

// Every key/value of a transaction's view, in cursor order.
Model scan_all(Tx* tx, bool backward) {
  Model seen;
  Cursor cursor = tx->cursor();
  Status s = backward ? cursor.last() : cursor.first();
  RC_ASSERT(s.is_ok());
  std::optional<std::string> previous;
  while (cursor.valid()) {
    std::string key(cursor.key());
    if (previous) {
      // Strictly ascending forward, strictly descending backward.
      const bool in_order = backward ? key < *previous : *previous < key;
      RC_ASSERT(in_order);
    }
    Result<std::string> value = cursor.value();
    if (!value.ok())
      RC_FAIL("cursor value of " + printable_key(key) + ": " + value.status().to_string());
    RC_ASSERT(cursor.value_size() == value->size());
    seen.emplace(key, *value);
    previous = key;
    s = backward ? cursor.prev() : cursor.next();
    if (!s.is_ok()) RC_FAIL("cursor move: " + s.to_string());
  }
  return seen;
}

// Compares two models, naming the first difference.
void assert_same(const Model& expected, const Model& actual, const std::string& where) {
  if (expected == actual) return;
  auto e = expected.begin();
  auto a = actual.begin();
  while (e != expected.end() && a != actual.end() && *e == *a) ++e, ++a;
  std::string what;
  if (e == expected.end()) {
    what = "unexpected key " + printable_key(a->first);
  } else if (a == actual.end() || e->first < a->first) {
    what = "missing key " + printable_key(e->first);
  } else if (a->first < e->first) {
    what = "unexpected key " + printable_key(a->first);
  } else {
    what = "key " + printable_key(e->first) + " has a value of " +
           std::to_string(a->second.size()) + " bytes, expected " +
           std::to_string(e->second.size()) + " bytes (or different bytes)";
  }
  RC_FAIL(where + ": " + what + " (" + std::to_string(expected.size()) + " keys expected, " +
          std::to_string(actual.size()) + " found)");
}

// One property case: the store under test, its model, and the open transactions.
class Harness {
 public:
  Harness(vfs::Vfs* vfs, std::string path, StoreOptions options)
      : vfs_(vfs), path_(std::move(path)), options_(options) {
    open();
  }

  void run(const Op& op) {
    switch (op.kind) {
      case OpKind::kPut: {
        ensure_writer();
        std::string key = key_of(op.key);
        std::string value = value_of(op.value_size, op.value_seed);
        Status s = writer_->put(key, value);
        if (!s.is_ok()) RC_FAIL("put " + printable_key(key) + ": " + s.to_string());
        view_[key] = value;
        break;
      }
      case OpKind::kDelete: {
        ensure_writer();
        std::string key = key_of(op.key);
        Result<bool> existed = writer_->del(key);
        if (!existed.ok())
          RC_FAIL("del " + printable_key(key) + ": " + existed.status().to_string());
        RC_ASSERT(*existed == (view_.erase(key) == 1));
        break;
      }
      case OpKind::kGet: {
        std::string key = key_of(op.key);
        if (writer_) {
          expect_get(writer_.get(), view_, key);
        } else {
          std::unique_ptr<ReadTx> reader = begin_read();
          expect_get(reader.get(), committed_, key);
        }
        break;
      }
      case OpKind::kCommit:
        commit();
        break;
      case OpKind::kRollback:
        if (writer_) {
          writer_->rollback();
          writer_.reset();
        }
        break;
      case OpKind::kReopen:
        reopen();
        break;
      case OpKind::kBeginRead:
        if (readers_.size() < 3) readers_.push_back({begin_read(), committed_});
        break;
      case OpKind::kCheckRead:
        if (!readers_.empty()) {
          check_reader(readers_.front());
          readers_.pop_front();
        }
        break;
      case OpKind::kScanWriter:
        if (writer_) assert_same(view_, scan_all(writer_.get(), op.backward), "writer scan");
        break;
    }
  }

  // Ends the case: readers verified, the writer committed, and the file reopened once more.
  void finish() {
    commit();
    reopen();
  }

 private:
  struct Reader {
    std::unique_ptr<ReadTx> tx;
    Model snapshot;
  };

  void open() {
    Result<std::unique_ptr<Store>> store = Store::open(vfs_, path_, options_);
    if (!store.ok()) RC_FAIL("open " + path_ + ": " + store.status().to_string());
    store_ = std::move(store).value();
  }

  void ensure_writer() {
    if (writer_) return;
    Result<std::unique_ptr<WriteTx>> writer = store_->begin_write();
    if (!writer.ok()) RC_FAIL("begin_write: " + writer.status().to_string());
    writer_ = std::move(writer).value();
    view_ = committed_;
  }

  std::unique_ptr<ReadTx> begin_read() {
    Result<std::unique_ptr<ReadTx>> reader = store_->begin_read();
    if (!reader.ok()) RC_FAIL("begin_read: " + reader.status().to_string());
    return std::move(reader).value();
  }

  void expect_get(Tx* tx, const Model& model, const std::string& key) {
    Result<std::optional<std::string>> got = tx->get(key);
    if (!got.ok()) RC_FAIL("get " + printable_key(key) + ": " + got.status().to_string());
    auto it = model.find(key);
    RC_ASSERT(got->has_value() == (it != model.end()));
    if (it != model.end()) RC_ASSERT(**got == it->second);
  }

  void check_reader(const Reader& reader) {
    assert_same(reader.snapshot, scan_all(reader.tx.get(), false), "reader snapshot");
  }

  // Commits the open writer (or an empty transaction, which must change nothing).
  void commit() {
    const uint64_t generation_before = store_->stats().generation;
    const bool had_writer = writer_ != nullptr;
    ensure_writer();
    Status s = writer_->commit();
    writer_.reset();
    if (!s.is_ok()) RC_FAIL("commit: " + s.to_string());
    committed_ = view_;
    if (!had_writer) RC_ASSERT(store_->stats().generation == generation_before);
    verify_committed("after commit");
  }

  void reopen() {
    while (!readers_.empty()) {
      check_reader(readers_.front());
      readers_.pop_front();
    }
    writer_.reset();  // an open writer rolls back
    store_.reset();
    open();
    verify_committed("after reopen");
  }

  // A fresh snapshot equals the committed model; the checker finds nothing.
  void verify_committed(const std::string& when) {
    std::unique_ptr<ReadTx> reader = begin_read();
    assert_same(committed_, scan_all(reader.get(), false), "full scan " + when);
    reader.reset();
    Result<CheckReport> report = check_store(store_.get());
    if (!report.ok()) RC_FAIL("check_store " + when + ": " + report.status().to_string());
    if (!report->ok()) RC_FAIL("check_store " + when + ":\n" + report->to_string());
    RC_ASSERT(report->keys == committed_.size());
    RC_ASSERT(report->leaf_pages + report->branch_pages + report->overflow_pages +
                  report->freelist_pages + report->free_pages ==
              report->page_count - kFirstDataPage);
  }

  vfs::Vfs* vfs_;
  std::string path_;
  StoreOptions options_;
  Model committed_;
  Model view_;  // the writer's view; meaningful while writer_ is open
  // Declared after store_: transactions end before the store closes.
  std::unique_ptr<Store> store_;
  std::unique_ptr<WriteTx> writer_;
  std::deque<Reader> readers_;
};

// Draws the case's configuration and operations, then runs them. Up to
// ops_per_size x size operations: with 4, 400 in the last cases of a default run.
void run_case(vfs::Vfs* vfs, const std::string& path, double ops_per_size) {
  StoreOptions options;
  options.page_size = *rc::gen::element(512u, 1024u, 4096u);
  // The pager keeps at least 16 pages; 0 asks for that minimum, so pages are re-read often.
  options.cache_bytes = *rc::gen::element(size_t{0}, size_t{32} << 20);
  const int key_space = *rc::gen::element(4, 48);
  const auto ops =
      *rc::gen::scale(ops_per_size, rc::gen::container<std::vector<Op>>(gen_op(key_space)));
  RC_TAG(options.page_size);

  Harness harness(vfs, path, options);
  for (const Op& op : ops) harness.run(op);
  harness.finish();
}

// The shrunk counterexample this property first found (seed 4456960266598599848):
// on an empty tree with free pages, put + del in one transaction takes a page
// from the free set and retires it again; the commit then had nothing to write
// and forgot to give the page back, so the next commit's freelist leaked it.
TEST(StoreModel, PutThenDeleteOnAnEmptyTreeLeaksNoPage) {
  vfs::MemVfs vfs;
  StoreOptions options;
  options.page_size = 512;
  Result<std::unique_ptr<Store>> store = Store::open(&vfs, "/db", options);
  ASSERT_TRUE(store.ok()) << store.status().to_string();
  auto write = [&](auto&& body) {
    Result<std::unique_ptr<WriteTx>> tx = (*store)->begin_write();
    ASSERT_TRUE(tx.ok()) << tx.status().to_string();
    body(tx->get());
    Status s = (*tx)->commit();
    ASSERT_TRUE(s.is_ok()) << s.to_string();
    Result<CheckReport> report = check_store(store->get());
    ASSERT_TRUE(report.ok()) << report.status().to_string();
    EXPECT_TRUE(report->ok()) << report->to_string();
  };
  write([](WriteTx* tx) { ASSERT_TRUE(tx->put("a", std::string(2048, 'v')).is_ok()); });
  write([](WriteTx* tx) { ASSERT_TRUE(tx->del("a").ok()); });
  write([](WriteTx* tx) {
    ASSERT_TRUE(tx->put("b", "").is_ok());
    ASSERT_TRUE(tx->del("b").ok());
  });
  write([](WriteTx* tx) { ASSERT_TRUE(tx->put("c", "x").is_ok()); });
}

STRATA_RC_PROP(StoreModel, MemVfsMatchesTheModel, ()) {
  vfs::MemVfs vfs;
  run_case(&vfs, "/db", 4.0);
}

STRATA_RC_PROP(StoreModel, PosixVfsMatchesTheModel, ()) {
  vfs::PosixVfs vfs;
  test::TempDir dir("store-model");
  // Shorter sequences: every commit here costs two real fdatasyncs.
  run_case(&vfs, dir.file("db"), 1.0);
}

}  // namespace
}  // namespace strata
