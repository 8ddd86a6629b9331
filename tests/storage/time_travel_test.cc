// Time travel at the storage level (issue 10): with retain_generations = N, the N generations
// before the newest stay readable through Store::begin_read_at, their pages stay pending, and
// the checker proves every page they reach is kept. Each generation's contents are compared
// with a std::map model recorded when it was committed.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>

#include "engine/check.h"
#include "engine/store.h"
#include "tests/support/replay.h"
#include "tests/support/status_testing.h"
#include "tests/support/store_scan.h"
#include "vfs/mem_vfs.h"

namespace strata {
namespace {

using Model = std::map<std::string, std::string>;

// The keys the test wrote (the tree also holds the history records, tag 0x03).
Model user_keys(Tx* tx) {
  Model out;
  for (auto& [k, v] : test::scan_all(tx)) {
    if (!k.empty() && k[0] != kTagGenerationHistory) out.emplace(k, v);
  }
  return out;
}

void expect_clean(Store* store) {
  Result<CheckReport> report = check_store(store);
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok()) << report->to_string();
}

Status set_retention(Store* store, uint32_t n) {
  STRATA_ASSIGN(std::unique_ptr<WriteTx> tx, store->begin_write());
  tx->set_retain_generations(n);
  return tx->commit();
}

class TimeTravel : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions options;
    options.page_size = 512;  // small pages: every commit copies several
    options_ = options;
    Result<std::unique_ptr<Store>> opened = Store::open(&vfs_, "/tt.db", options_);
    ASSERT_OK(opened);
    store_ = std::move(opened).value();
  }

  // One random write transaction; records the model of the generation it commits.
  void random_commit(std::mt19937_64* rng) {
    Result<std::unique_ptr<WriteTx>> tx = store_->begin_write();
    ASSERT_OK(tx);
    const int changes = 1 + static_cast<int>((*rng)() % 12);
    for (int i = 0; i < changes; ++i) {
      std::string key = "k" + std::to_string(1000 + (*rng)() % 200);
      if ((*rng)() % 4 == 0) {
        ASSERT_OK((*tx)->del(key));
        model_.erase(key);
      } else {
        std::string value(20 + (*rng)() % 300, static_cast<char>('a' + (*rng)() % 26));
        ASSERT_OK((*tx)->put(key, value));
        model_[key] = value;
      }
    }
    ASSERT_OK((*tx)->commit());
    versions_[store_->meta().generation] = model_;
  }

  vfs::MemVfs vfs_;
  StoreOptions options_;
  std::unique_ptr<Store> store_;
  Model model_;
  std::map<uint64_t, Model> versions_;  // generation -> contents
};

TEST_F(TimeTravel, WithoutRetentionOnlyTheNewestGenerationIsReadable) {
  ASSERT_OK(test::put_keys(store_.get(), 0, 10));
  const uint64_t first = store_->meta().generation;
  ASSERT_OK(test::put_keys(store_.get(), 10, 20));
  Result<std::unique_ptr<ReadTx>> old = store_->begin_read_at(first);
  ASSERT_FALSE(old.ok());
  EXPECT_TRUE(old.status().is(StatusCode::kNotFound)) << old.status().to_string();
  EXPECT_NE(old.status().message().find("is not retained"), std::string::npos)
      << old.status().to_string();
  Result<std::unique_ptr<ReadTx>> future = store_->begin_read_at(store_->meta().generation + 1);
  ASSERT_FALSE(future.ok());
  EXPECT_TRUE(future.status().is(StatusCode::kInvalidArgument));
  Result<std::unique_ptr<ReadTx>> now = store_->begin_read_at(store_->meta().generation);
  ASSERT_OK(now);
  EXPECT_EQ(user_keys(now->get()).size(), 20u);
}

TEST_F(TimeTravel, TheHistoryKeysAreTheStoresOwn) {
  Result<std::unique_ptr<WriteTx>> tx = store_->begin_write();
  ASSERT_OK(tx);
  Status put = (*tx)->put(generation_history_key(1), std::string(24, '\0'));
  EXPECT_TRUE(put.is(StatusCode::kInvalidArgument)) << put.to_string();
  EXPECT_TRUE((*tx)->del(std::string(1, kTagGenerationHistory)).status().is(
      StatusCode::kInvalidArgument));
  (*tx)->rollback();
}

TEST_F(TimeTravel, TheWindowOfRetainedGenerationsMatchesTheModel) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(test::replay_command(seed));
  std::mt19937_64 rng(seed);
  constexpr uint32_t kRetain = 5;
  // The commit that switches retention on already keeps its base.
  versions_[store_->meta().generation] = model_;
  ASSERT_OK(set_retention(store_.get(), kRetain));
  versions_[store_->meta().generation] = model_;
  for (int step = 0; step < 60; ++step) {
    random_commit(&rng);
    const uint64_t newest = store_->meta().generation;
    ASSERT_EQ(store_->meta().retain_generations, kRetain);
    for (const auto& [g, contents] : versions_) {
      Result<std::unique_ptr<ReadTx>> tx = store_->begin_read_at(g);
      if (g + kRetain >= newest) {
        ASSERT_TRUE(tx.ok()) << "generation " << g << " of " << newest << ": " << tx.status().to_string();
        EXPECT_EQ((*tx)->generation(), g);
        EXPECT_EQ(user_keys(tx->get()), contents) << "generation " << g << " of " << newest;
      } else {
        ASSERT_FALSE(tx.ok()) << "generation " << g << " should be gone at " << newest;
        EXPECT_TRUE(tx.status().is(StatusCode::kNotFound)) << tx.status().to_string();
      }
    }
    Result<std::unique_ptr<ReadTx>> current = store_->begin_read();
    ASSERT_OK(current);
    Result<std::vector<RetainedGeneration>> kept = retained_generations(current->get());
    ASSERT_OK(kept);
    EXPECT_EQ(kept->size(), std::min<size_t>(kRetain, versions_.size() - 1));
    if (step % 10 == 0) expect_clean(store_.get());
  }
  expect_clean(store_.get());
}

TEST_F(TimeTravel, RetentionSurvivesReopenAndSwitchingItOffReleasesThePages) {
  ASSERT_OK(set_retention(store_.get(), 3));
  for (int i = 0; i < 6; ++i) ASSERT_OK(test::put_keys(store_.get(), 0, 30 + i));
  const uint64_t newest = store_->meta().generation;
  EXPECT_GT(store_->stats().pending_pages, 0u);
  store_.reset();
  Result<std::unique_ptr<Store>> reopened = Store::open(&vfs_, "/tt.db", options_);
  ASSERT_OK(reopened);
  store_ = std::move(reopened).value();
  EXPECT_EQ(store_->meta().retain_generations, 3u);
  Result<std::unique_ptr<ReadTx>> old = store_->begin_read_at(newest - 3);
  ASSERT_OK(old);
  EXPECT_EQ(user_keys(old->get()).size(), 32u);
  ASSERT_OK((*old)->end());
  expect_clean(store_.get());

  ASSERT_OK(set_retention(store_.get(), 0));
  ASSERT_OK(test::put_keys(store_.get(), 0, 1));  // frees what the window held
  Result<std::unique_ptr<ReadTx>> now = store_->begin_read();
  ASSERT_OK(now);
  Result<std::vector<RetainedGeneration>> kept = retained_generations(now->get());
  ASSERT_OK(kept);
  EXPECT_TRUE(kept->empty());
  ASSERT_OK((*now)->end());
  EXPECT_FALSE(store_->begin_read_at(newest).ok());
  expect_clean(store_.get());
}

TEST_F(TimeTravel, AReaderOfARetainedGenerationKeepsItPastTheWindow) {
  ASSERT_OK(set_retention(store_.get(), 1));
  std::mt19937_64 rng(7);
  for (int i = 0; i < 3; ++i) random_commit(&rng);
  const uint64_t pinned = store_->meta().generation - 1;
  Result<std::unique_ptr<ReadTx>> reader = store_->begin_read_at(pinned);
  ASSERT_OK(reader);
  // The window moves on; the reader's pages must not be handed out meanwhile.
  for (int i = 0; i < 20; ++i) random_commit(&rng);
  EXPECT_EQ(user_keys(reader->get()), versions_[pinned]);
  EXPECT_FALSE(store_->begin_read_at(pinned).ok());  // a new reader cannot start there
  ASSERT_OK((*reader)->end());
  expect_clean(store_.get());
}

TEST_F(TimeTravel, AnotherHandleReadsTheRetainedGenerations) {
  std::mt19937_64 rng(11);
  ASSERT_OK(set_retention(store_.get(), 4));
  for (int i = 0; i < 6; ++i) random_commit(&rng);
  Result<std::unique_ptr<Store>> other = Store::open(&vfs_, "/tt.db", options_);
  ASSERT_OK(other);
  const uint64_t newest = store_->meta().generation;
  for (uint64_t g = newest - 4; g <= newest; ++g) {
    Result<std::unique_ptr<ReadTx>> tx = (*other)->begin_read_at(g);
    ASSERT_TRUE(tx.ok()) << g << ": " << tx.status().to_string();
    EXPECT_EQ(user_keys(tx->get()), versions_[g]) << g;
  }
  // A writer in this handle while the other holds generation newest-4: its pages stay.
  Result<std::unique_ptr<ReadTx>> held = (*other)->begin_read_at(newest - 4);
  ASSERT_OK(held);
  for (int i = 0; i < 10; ++i) random_commit(&rng);
  EXPECT_EQ(user_keys(held->get()), versions_[newest - 4]);
  ASSERT_OK((*held)->end());
  expect_clean(store_.get());
}

}  // namespace
}  // namespace strata
