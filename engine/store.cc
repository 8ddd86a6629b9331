#include "engine/store.h"

#include <algorithm>
#include <cstring>

namespace strata {

namespace {
constexpr std::string_view kBugNames[] = {
    "none",          "meta-before-data-sync",   "no-data-sync", "overwrite-active-slot",
    "early-page-reuse", "no-meta-checksum", "unsynced-page-reachable", "no-meta-sync",
    "one-sync-no-verify"};
constexpr std::string_view kProtocolNames[] = {"two-sync", "one-sync"};
}  // namespace

std::string_view commit_protocol_name(CommitProtocol protocol) {
  return kProtocolNames[static_cast<int>(protocol)];
}

std::optional<CommitProtocol> parse_commit_protocol(std::string_view name) {
  for (size_t i = 0; i < std::size(kProtocolNames); ++i) {
    if (kProtocolNames[i] == name) return static_cast<CommitProtocol>(i);
  }
  return std::nullopt;
}

std::string_view protocol_bug_name(ProtocolBug bug) { return kBugNames[static_cast<int>(bug)]; }

std::optional<ProtocolBug> parse_protocol_bug(std::string_view name) {
  for (size_t i = 0; i < std::size(kBugNames); ++i) {
    if (kBugNames[i] == name) return static_cast<ProtocolBug>(i);
  }
  return std::nullopt;
}

std::string commit_label(uint64_t generation, std::string_view step) {
  std::string label = "commit " + std::to_string(generation) + ": ";
  label += step;
  return label;
}

// ---------------------------------------------------------------- Store

Status Store::create(vfs::Vfs* vfs, const std::string& path, uint32_t page_size) {
  if (!is_valid_page_size(page_size)) {
    return Status::invalid_argument("page size " + std::to_string(page_size) +
                                    " is not a power of two from 512 to 65536");
  }
  std::string tmp = path + ".creating";
  STRATA_ASSIGN(bool stale, vfs->exists(tmp));
  if (stale) STRATA_TRY(vfs->remove(tmp));
  vfs->set_label("create: meta slots");
  vfs::OpenOptions options;
  options.create = true;
  STRATA_ASSIGN(std::unique_ptr<vfs::File> file, vfs->open(tmp, options));
  PageBuf page(page_size);
  for (uint64_t generation : {0, 1}) {
    Meta meta;
    meta.page_size = page_size;
    meta.generation = generation;
    encode_meta(meta, page.data());
    STRATA_TRY(file->write(meta.slot() * page_size, page));
  }
  vfs->set_label("create: sync");
  STRATA_TRY(file->sync());
  file.reset();
  vfs->set_label("create: rename");
  STRATA_TRY(vfs->rename(tmp, path));
  vfs->set_label("create: sync dir");
  STRATA_TRY(vfs->sync_dir(vfs::dir_of(path)));
  vfs->set_label("");
  return Status::ok();
}

Result<std::unique_ptr<Store>> Store::open(vfs::Vfs* vfs, const std::string& path,
                                           const StoreOptions& options) {
  STRATA_ASSIGN(bool exists, vfs->exists(path));
  if (exists && options.error_if_exists) {
    return Status::invalid_argument("database " + path + " already exists");
  }
  if (!exists) {
    if (!options.create_if_missing) return Status::not_found("database " + path + " does not exist");
    STRATA_TRY(create(vfs, path, options.page_size).with_context("creating " + path));
  }
  std::unique_ptr<Store> store(new Store());
  store->vfs_ = vfs;
  store->path_ = path;
  STRATA_ASSIGN(store->file_, vfs->open(path, vfs::OpenOptions{}));
  Status locked = store->file_->lock(kProcessLockOffset, 1, vfs::LockMode::kExclusive);
  if (locked.is(StatusCode::kBusy)) {
    return Status::busy("database " + path + " is open in another process or handle");
  }
  STRATA_TRY(locked);

  STRATA_ASSIGN(uint64_t file_size, store->file_->size());
  if (file_size == 0) return Status::corruption(path + ": empty file, not a strata database");
  store->bug_ = options.protocol_bug;
  const bool strict_meta = options.protocol_bug != ProtocolBug::kNoMetaChecksum &&
                           options.protocol_bug != ProtocolBug::kOverwriteActiveSlot;
  MetaSlots slots = read_meta_slots(store->file_.get(), strict_meta);
  // A slot that could not be *read* is not a torn slot: falling back to the other one would
  // silently open an older version (found by the crash testbed's eio-read sweep).
  for (const Result<Meta>& slot : slots.slot) {
    if (!slot.ok() && !slot.status().is(StatusCode::kCorruption)) {
      return slot.status().with_context("reading the meta slots of " + path);
    }
  }
  if (slots.active < 0) {
    return Status::corruption(path + ": no valid meta slot (" + slots.slot[0].status().message() +
                              "; " + slots.slot[1].status().message() + ")");
  }
  store->protocol_ = options.commit_protocol;
  // A slot holding a whole, checksum-valid page of another number was not torn by a crash: a
  // misdirected write landed on it. The commit it held, possibly the newest, is gone; open the
  // other slot, but say so (a dishonest disk is detected where it can be, never silent).
  const uint32_t active_page_size = slots.slot[slots.active]->page_size;
  for (int s = 0; s < 2; ++s) {
    if (slots.slot[s].ok()) continue;
    PageBuf raw(active_page_size);
    size_t got = 0;
    if (!store->file_->read(static_cast<uint64_t>(s) * active_page_size, raw, &got).is_ok() ||
        got != active_page_size) {
      continue;
    }
    Status whole = verify_page(raw.data(), active_page_size, static_cast<uint64_t>(s));
    if (whole.message().find("(misdirected write)") != std::string::npos) {
      store->open_note_ = "meta slot " + std::to_string(s) + " holds page " +
                          std::to_string(page_no_of(raw.data())) +
                          " (misdirected write); opened generation " +
                          std::to_string(slots.slot[slots.active]->generation) +
                          " from the other slot: a newer commit may be lost";
    }
  }
  // The newest valid meta wins, unless it is a one-sync commit whose pages did not all reach
  // the disk: then the previous commit (the other slot), which was durable before it began.
  const Meta& newest = slots.slot[slots.active].value();
  Status opened = store->load(newest, options);
  if (opened.is(StatusCode::kCorruption) && (newest.flags & kMetaFlagVerifyOnOpen) &&
      options.protocol_bug != ProtocolBug::kOneSyncNoVerify) {
    const Result<Meta>& other = slots.slot[1 - slots.active];
    if (other.ok() && other->generation + 1 == newest.generation) {
      Status previous = store->load(other.value(), options);
      if (!previous.is_ok()) {
        // Report the newest commit's damage: that is where the file first went wrong.
        return Status(opened.code(), opened.message() + " (and the previous commit " +
                                         std::to_string(other->generation) +
                                         " does not open either: " + previous.message() + ")");
      }
      store->open_note_ = "commit " + std::to_string(newest.generation) +
                          " did not reach the disk whole (" + opened.message() +
                          "); opened generation " + std::to_string(other->generation);
      store->stale_slot_ = slots.active;
      opened = previous;
    }
  }
  STRATA_TRY(opened);
  return store;
}

Status Store::load(const Meta& meta, const StoreOptions& options) {
  meta_ = meta;
  page_size_ = meta.page_size;
  // Every page below the page count is in the file (commit trims pages it allocated past the
  // end and never wrote). A damaged count could otherwise make the freelist claim billions of
  // pages: what open allocates stays bounded by what the file holds.
  STRATA_ASSIGN(uint64_t file_size, file_->size());
  if (meta.page_count > file_size / page_size_) {
    return Status::corruption(path_ + ": page count " + std::to_string(meta.page_count) +
                              " exceeds the file's " + std::to_string(file_size / page_size_) +
                              " pages (truncated file?)");
  }
  pager_ = std::make_unique<Pager>(file_.get(), page_size_, options.cache_bytes);
  if ((meta.flags & kMetaFlagVerifyOnOpen) && bug_ != ProtocolBug::kOneSyncNoVerify) {
    STRATA_TRY(verify_commit(meta));
  }
  // Load the freelist through a read transaction's view of the pages.
  ReadTx loader(this, meta.generation, meta.root, meta.root_generation);
  loader.generation_ = 0;  // not registered as a reader
  freelist_chain_.clear();
  STRATA_ASSIGN(freelist_, Freelist::load(&loader, meta.freelist_head, meta.generation,
                                          meta.page_count, &freelist_chain_));
  // No reader exists yet and every pending commit is durable: all pending pages are free.
  freelist_.release_all();
  return Status::ok();
}

Status Store::verify_commit(const Meta& meta) {
  ReadTx tx(this, meta.generation, meta.root, meta.root_generation);
  tx.generation_ = 0;  // not registered as a reader
  const uint64_t g = meta.generation;
  // Depth-first over the pages this commit wrote: those whose pointer records generation g.
  std::vector<std::pair<uint64_t, size_t>> stack;  // page, depth
  if (meta.root != 0) {
    if (meta.root_generation != g) return Status::ok();  // the commit left the tree alone
    stack.push_back({meta.root, 0});
  }
  while (!stack.empty()) {
    auto [page_no, depth] = stack.back();
    stack.pop_back();
    if (depth > kMaxTreeDepth) return Status::corruption("tree too deep (cycle?)");
    if (page_no >= meta.page_count) {
      return Status::corruption("page " + std::to_string(page_no) + ": beyond the page count");
    }
    STRATA_ASSIGN(PageRef page, tx.read_expected(page_no, g));
    const uint8_t* p = page->data();
    for (size_t i = 0; i < node::count(p); ++i) {
      if (node::is_leaf(p)) {
        node::LeafValue v = node::leaf_value(p, i);
        if (v.overflow && v.overflow_generation == g) {
          STRATA_TRY(BTree::overflow_pages(&tx, v.overflow_page, g, v.length).status_or_ok());
        }
      } else if (node::child_generation(p, i) == g) {
        stack.push_back({node::child(p, i), depth + 1});
      }
    }
  }
  return Status::ok();  // the freelist chain (generation g) is verified as it loads
}

Store::~Store() = default;

Meta Store::meta() const {
  std::lock_guard<std::mutex> lock(mu_);
  return meta_;
}

bool Store::poisoned() const {
  std::lock_guard<std::mutex> lock(mu_);
  return poisoned_;
}

std::vector<uint64_t> Store::freelist_chain() const {
  std::lock_guard<std::mutex> lock(mu_);
  return freelist_chain_;
}

StoreStats Store::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  StoreStats s;
  s.generation = meta_.generation;
  s.page_size = page_size_;
  s.page_count = meta_.page_count;
  s.free_pages = freelist_.free_count();
  s.pending_pages = freelist_.pending_count();
  s.freelist_pages = freelist_chain_.size();
  s.commits = commits_;
  s.pager = pager_->stats();
  return s;
}

Result<std::unique_ptr<ReadTx>> Store::begin_read() {
  std::lock_guard<std::mutex> lock(mu_);
  readers_.insert(meta_.generation);
  return std::unique_ptr<ReadTx>(
      new ReadTx(this, meta_.generation, meta_.root, meta_.root_generation));
}

void Store::end_read(uint64_t generation) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = readers_.find(generation);
  if (it != readers_.end()) readers_.erase(it);
}

Result<std::unique_ptr<WriteTx>> Store::begin_write() {
  std::lock_guard<std::mutex> lock(mu_);
  if (poisoned_) {
    return Status::poisoned("an earlier commit failed; reopen the database before writing");
  }
  if (writer_active_) return Status::busy("another write transaction is open");
  writer_active_ = true;
  // Pages retired by commit g can be reused once no reader holds a snapshot
  // older than g. Every pending commit is durable (commit() returned).
  if (readers_.empty()) {
    freelist_.release_all();
  } else {
    freelist_.release_up_to(*readers_.begin());
  }
  return std::unique_ptr<WriteTx>(new WriteTx(this, meta_));
}

void Store::end_write() {
  std::lock_guard<std::mutex> lock(mu_);
  writer_active_ = false;
}

void Store::poison() {
  std::lock_guard<std::mutex> lock(mu_);
  poisoned_ = true;
}

Status Store::commit(WriteTx* tx) {
  const uint64_t generation = tx->generation_ + 1;
  const uint32_t ps = page_size_;

  // The new freelist: what was free, plus pages this tx freed for good, plus
  // pages retired now (pending until commit `generation` is durable and unread).
  // The old freelist chain is replaced, so its pages are retired too.
  for (uint64_t page_no : tx->reusable_) freelist_.add_free(page_no);
  // Pages this transaction allocated past the old end of the file and freed again were never
  // written: shrink the page count over them rather than list them free, so that the file
  // always holds every page below the page count (open refuses a count the file cannot hold).
  freelist_.trim_free_tail(meta_.page_count, &tx->page_count_);
  std::vector<uint64_t> retired = tx->retired_;
  retired.insert(retired.end(), freelist_chain_.begin(), freelist_chain_.end());
  freelist_.add_pending(generation, retired);

  // Pages to hold the freelist itself. Taking the lowest free page shrinks the
  // first run without splitting it, so the run count never grows while we allocate.
  std::vector<uint64_t> chain;
  std::vector<FreeRun> runs = freelist_.runs();
  const size_t per_page = Freelist::runs_per_page(ps);
  while (chain.size() * per_page < runs.size()) {
    std::optional<uint64_t> page_no = freelist_.allocate();
    chain.push_back(page_no ? *page_no : tx->page_count_++);
    runs = freelist_.runs();
  }

  // Seal every page with the new generation, in page-number order.
  std::vector<std::pair<uint64_t, PageRef>> pages;
  pages.reserve(tx->dirty_.size() + chain.size());
  for (auto& [page_no, buf] : tx->dirty_) {
    seal_page(buf->data(), ps, page_no, generation);
    pages.emplace_back(page_no, std::move(buf));
  }
  std::vector<PageBuf> freelist_pages;
  Freelist::encode(runs, chain, ps, &freelist_pages);
  for (size_t i = 0; i < chain.size(); ++i) {
    seal_page(freelist_pages[i].data(), ps, chain[i], generation);
    pages.emplace_back(chain[i], std::make_shared<PageBuf>(std::move(freelist_pages[i])));
  }
  tx->dirty_.clear();
  std::sort(pages.begin(), pages.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  Meta next;
  next.page_size = ps;
  next.generation = generation;
  next.root = tx->root_;
  next.root_generation = tx->root_ == 0 ? 0 : tx->root_generation_;
  next.freelist_head = chain.empty() ? 0 : chain[0];
  next.page_count = tx->page_count_;
  next.commit_pages = pages.size();

  auto fail = [&](Status s) {
    poison();
    vfs_->set_label("");
    return s.with_context("commit " + std::to_string(generation));
  };

  const ProtocolBug bug = bug_;
  // One-sync's open-time check trusts a page whose checksum holds and whose generation matches
  // the pointer to it. That proves the page is this commit's only if no earlier write ever
  // carried this generation. An attempt that crashed before its meta was durable may have
  // left pages of generation meta+1 in free pages; the next session retries meta+1 on the same
  // pages, and a torn retry would pass the check with the failed attempt's bytes (found by the
  // model checker: a crash, recovery, then a torn commit). So the first commit after open is
  // two-sync (its pages are durable before its meta exists); after it, every generation this
  // session writes is one no earlier session could have reached.
  // The broken variants are variants of the two-sync protocol, except one-sync-no-verify.
  const bool one_sync =
      (protocol_ == CommitProtocol::kOneSync && bug == ProtocolBug::kNone && commits_ > 0) ||
      bug == ProtocolBug::kOneSyncNoVerify;
  if (one_sync) next.flags = kMetaFlagVerifyOnOpen;
  // Testing only: the unsynced-page variant holds one page back until after the data sync.
  std::optional<std::pair<uint64_t, PageRef>> late_page;
  if (bug == ProtocolBug::kUnsyncedPageReachable && !pages.empty()) {
    late_page = std::move(pages.back());
    pages.pop_back();
  }
  auto write_meta = [&]() -> Status {
    vfs_->set_label(commit_label(generation, "meta slot " + std::to_string(next.slot())));
    PageBuf meta_page(ps);
    encode_meta(next, meta_page.data());
    uint64_t slot = next.slot();
    if (bug == ProtocolBug::kOverwriteActiveSlot) {
      slot = 1 - slot;
      seal_page(meta_page.data(), ps, slot, generation);
    }
    return file_->write(slot * ps, meta_page);
  };

  // 0. Open fell back past a one-sync meta of this very generation whose pages were
  // incomplete. It is still in its slot, and this commit is about to write pages of the same
  // generation on the same page numbers: enough of them and that stale meta would verify and
  // win the next open (found by the model checker: a phantom commit after a fallback). Replace
  // it with a copy of the current meta, durably, before any page is written.
  if (stale_slot_ >= 0) {
    vfs_->set_label(commit_label(generation, "retire stale meta slot " +
                                                 std::to_string(stale_slot_)));
    PageBuf copy(ps);
    encode_meta(meta_, copy.data());
    seal_page(copy.data(), ps, static_cast<uint64_t>(stale_slot_), meta_.generation);
    if (Status s = file_->write(static_cast<uint64_t>(stale_slot_) * ps, copy); !s.is_ok()) {
      return fail(s);
    }
    if (Status s = pager_->sync(); !s.is_ok()) return fail(s);
    stale_slot_ = -1;
  }

  // 1. every new page
  vfs_->set_label(commit_label(generation, "pages"));
  for (auto& [page_no, page] : pages) {
    Status s = pager_->write(page_no, page);
    if (!s.is_ok()) return fail(s);
  }
  if (bug == ProtocolBug::kMetaBeforeDataSync) {
    if (Status s = write_meta(); !s.is_ok()) return fail(s);
  }
  if (one_sync) {
    // Pages and meta under one sync; open verifies the pages (kMetaFlagVerifyOnOpen).
    if (Status s = write_meta(); !s.is_ok()) return fail(s);
    vfs_->set_label(commit_label(generation, "sync all"));
    if (Status s = pager_->sync(); !s.is_ok()) return fail(s);
    vfs_->set_label("");
    std::lock_guard<std::mutex> lock(mu_);
    meta_ = next;
    freelist_chain_ = std::move(chain);
    ++commits_;
    return Status::ok();
  }
  // 2. make them durable before the meta can point at them
  if (bug != ProtocolBug::kNoDataSync) {
    vfs_->set_label(commit_label(generation, "sync pages"));
    if (Status s = pager_->sync(); !s.is_ok()) return fail(s);
  }
  if (late_page) {
    vfs_->set_label(commit_label(generation, "pages"));
    if (Status s = pager_->write(late_page->first, late_page->second); !s.is_ok()) return fail(s);
  }
  // 3. the commit point: the inactive meta slot
  if (bug != ProtocolBug::kMetaBeforeDataSync) {
    if (Status s = write_meta(); !s.is_ok()) return fail(s);
  }
  // 4. durable: only now is the commit done
  if (bug != ProtocolBug::kNoMetaSync) {
    vfs_->set_label(commit_label(generation, "sync meta"));
    if (Status s = pager_->sync(); !s.is_ok()) return fail(s);
  }
  vfs_->set_label("");

  std::lock_guard<std::mutex> lock(mu_);
  meta_ = next;
  freelist_chain_ = std::move(chain);
  ++commits_;
  return Status::ok();
}

// ---------------------------------------------------------------- Tx

Result<std::optional<std::string>> Tx::get(std::string_view key) {
  BTree tree(this, &root_, &root_generation_, &mod_counter_);
  return tree.get(key);
}

// ---------------------------------------------------------------- ReadTx

ReadTx::~ReadTx() {
  if (generation_ != 0) store_->end_read(generation_);
}

Result<PageRef> ReadTx::read(uint64_t page_no) { return store_->pager_->read(page_no); }

Result<uint8_t*> ReadTx::mutable_page(uint64_t*) {
  return Status::read_only("read transactions cannot modify pages");
}
Result<uint8_t*> ReadTx::allocate(uint64_t*) {
  return Status::read_only("read transactions cannot allocate pages");
}
Status ReadTx::retire(uint64_t) { return Status::read_only("read transactions cannot free pages"); }

// ---------------------------------------------------------------- WriteTx

WriteTx::~WriteTx() {
  if (!finished_) rollback();
}

Result<PageRef> WriteTx::read(uint64_t page_no) {
  auto it = dirty_.find(page_no);
  if (it != dirty_.end()) return PageRef(it->second);
  return store_->pager_->read(page_no);
}

Result<uint8_t*> WriteTx::allocate(uint64_t* page_no) {
  if (!reusable_.empty()) {
    *page_no = reusable_.back();
    reusable_.pop_back();
  } else if (std::optional<uint64_t> free_page = store_->freelist_.allocate()) {
    *page_no = *free_page;
    from_free_.push_back(*free_page);
  } else {
    *page_no = page_count_++;
  }
  auto buf = std::make_shared<PageBuf>(page_size(), 0);
  uint8_t* data = buf->data();
  dirty_[*page_no] = std::move(buf);
  return data;
}

Result<uint8_t*> WriteTx::mutable_page(uint64_t* page_no) {
  auto it = dirty_.find(*page_no);
  if (it != dirty_.end()) return it->second->data();
  STRATA_ASSIGN(PageRef original, store_->pager_->read(*page_no));
  uint64_t old_no = *page_no;
  STRATA_ASSIGN(uint8_t* copy, allocate(page_no));
  std::memcpy(copy, original->data(), page_size());
  store_u64(copy + kOffPageNo, *page_no);
  if (store_->bug_ == ProtocolBug::kEarlyPageReuse) {
    reusable_.push_back(old_no);  // the bug: still reachable from the durable meta
  } else {
    retired_.push_back(old_no);
  }
  return copy;
}

Status WriteTx::retire(uint64_t page_no) {
  auto it = dirty_.find(page_no);
  if (it != dirty_.end()) {
    dirty_.erase(it);
    reusable_.push_back(page_no);
  } else {
    retired_.push_back(page_no);
  }
  return Status::ok();
}

Status WriteTx::put(std::string_view key, std::string_view value) {
  if (finished_) return Status::invalid_argument("transaction already finished");
  BTree tree(this, &root_, &root_generation_, &mod_counter_);
  if (recording_) {
    STRATA_ASSIGN(std::optional<std::string> old, tree.get(key));
    undo_.emplace_back(std::string(key), std::move(old));
  }
  return tree.put(key, value);
}

Result<bool> WriteTx::del(std::string_view key) {
  if (finished_) return Status::invalid_argument("transaction already finished");
  BTree tree(this, &root_, &root_generation_, &mod_counter_);
  if (recording_) {
    STRATA_ASSIGN(std::optional<std::string> old, tree.get(key));
    if (!old) return false;
    undo_.emplace_back(std::string(key), std::move(old));
  }
  return tree.del(key);
}

void WriteTx::begin_statement() {
  undo_.clear();
  recording_ = true;
}

void WriteTx::end_statement() {
  undo_.clear();
  recording_ = false;
}

Status WriteTx::undo_statement() {
  recording_ = false;
  BTree tree(this, &root_, &root_generation_, &mod_counter_);
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
    if (it->second) {
      STRATA_TRY(tree.put(it->first, *it->second));
    } else {
      STRATA_TRY(tree.del(it->first).status_or_ok());
    }
  }
  undo_.clear();
  return Status::ok();
}

Status WriteTx::commit() {
  if (finished_) return Status::invalid_argument("transaction already finished");
  finished_ = true;
  Status s = Status::ok();
  if (!dirty_.empty() || !retired_.empty()) {
    s = store_->commit(this);
  } else {
    // Nothing to write, yet pages taken from the free set may have been retired
    // again (put then del on an empty tree): give them back, or they leak.
    for (uint64_t page_no : from_free_) store_->freelist_.add_free(page_no);
  }
  if (!s.is_ok() && !store_->poisoned()) {
    // Nothing reached the disk: give the pages back.
    for (uint64_t page_no : from_free_) store_->freelist_.add_free(page_no);
  }
  store_->end_write();
  return s;
}

void WriteTx::rollback() {
  if (finished_) return;
  finished_ = true;
  for (uint64_t page_no : from_free_) store_->freelist_.add_free(page_no);
  dirty_.clear();
  store_->end_write();
}

}  // namespace strata
