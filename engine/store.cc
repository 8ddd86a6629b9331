#include "engine/store.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

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
  store->busy_timeout_ms_.store(options.busy_timeout_ms);
  // Announce this handle (writers ask whether they are alone), then wait until no other
  // handle is publishing a commit: the meta this handle starts from must be durable, since
  // its readers never take an older snapshot than it (see begin_read()).
  STRATA_TRY(store->file_->lock(kOpenLockOffset, 1, vfs::LockMode::kShared));
  STRATA_TRY(store->wait_for_no_publish());

  STRATA_ASSIGN(uint64_t file_size, store->file_->size());
  if (file_size == 0) return Status::corruption(path + ": empty file, not a strata database");
  store->bug_ = options.protocol_bug;
  const bool strict_meta = options.protocol_bug != ProtocolBug::kNoMetaChecksum &&
                           options.protocol_bug != ProtocolBug::kOverwriteActiveSlot;
  store->strict_meta_ = strict_meta;
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
      store->incomplete_meta_ = newest;
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
  // Pending pages stay pending: readers of other handles may still reach them. The first
  // write transaction frees what no reader can reach (begin_write).
  freelist_generation_ = meta.generation;
  return Status::ok();
}

// Everything open checks of a meta, without adopting it: the page count the file must hold,
// the commit's pages, and its freelist chain. begin_write asks this of a meta open refused
// before adopting it as another handle's rewrite; the tree alone is not enough (found by the
// model checker: a refused commit whose freelist page was missing passed the tree check, and
// the handle took it as a new commit, losing it again at the next open).
Status Store::verify_whole(const Meta& meta) {
  STRATA_ASSIGN(uint64_t file_size, file_->size());
  if (meta.page_count > file_size / page_size_) {
    return Status::corruption(path_ + ": page count " + std::to_string(meta.page_count) +
                              " exceeds the file's " + std::to_string(file_size / page_size_) +
                              " pages");
  }
  STRATA_TRY(verify_commit(meta));
  ReadTx loader(this, meta.generation, meta.root, meta.root_generation);
  loader.generation_ = 0;  // not registered as a reader
  std::vector<uint64_t> chain;
  return Freelist::load(&loader, meta.freelist_head, meta.generation, meta.page_count, &chain)
      .status();
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
  s.retain_generations = meta_.retain_generations;
  s.commits = commits_;
  s.pager = pager_->stats();
  return s;
}

namespace {
bool same_meta(const Meta& a, const Meta& b) {
  return a.generation == b.generation && a.root == b.root &&
         a.root_generation == b.root_generation && a.flags == b.flags &&
         a.freelist_head == b.freelist_head && a.page_count == b.page_count &&
         a.commit_pages == b.commit_pages && a.page_size == b.page_size &&
         a.retain_generations == b.retain_generations;
}
// How often a reader re-reads the slots while another handle's meta slot is half written.
constexpr int kMaxSnapshotAttempts = 1'000'000;
}  // namespace

Result<Store::DiskMetas> Store::read_disk_metas() {
  const uint32_t ps = page_size_;
  PageBuf buf(2 * static_cast<size_t>(ps));
  size_t got = 0;
  STRATA_TRY(file_->read(0, buf, &got));
  std::optional<Meta> incomplete, hidden;
  {
    std::lock_guard<std::mutex> lock(mu_);
    incomplete = incomplete_meta_;
  }
  std::optional<Meta> slot[2];
  for (uint64_t i = 0; i < 2; ++i) {
    if (got < (i + 1) * ps) continue;
    Result<Meta> m = decode_meta(buf.data() + i * ps, ps, i, ps, strict_meta_);
    if (!m.ok()) continue;  // torn while another handle writes it, or damaged
    if (incomplete && same_meta(*m, *incomplete)) {
      hidden = *m;
      continue;
    }
    slot[i] = *m;
  }
  DiskMetas out;
  int newest = !slot[0] ? 1 : !slot[1] ? 0 : slot[1]->generation > slot[0]->generation ? 1 : 0;
  out.newest = slot[newest];
  out.other = slot[1 - newest];
  out.hidden = hidden;
  if (!out.newest) return Status::corruption(path_ + ": no valid meta slot");
  return out;
}

Result<Meta> Store::durable_disk_meta() {
  for (int attempt = 0;; ++attempt) {
    STRATA_ASSIGN(DiskMetas metas, read_disk_metas());
    {
      // Nothing newer than what this handle knows durable: begin_read() takes meta_ anyway,
      // and the commit lock need not be asked (one system call less per read transaction).
      std::lock_guard<std::mutex> lock(mu_);
      if (metas.newest->generation <= meta_.generation) return *metas.newest;
    }
    Status probe = file_->test_lock(kCommitLockOffset, 1, vfs::LockMode::kShared);
    if (probe.is_ok()) return *metas.newest;  // no commit being published: the newest is durable
    if (!probe.is(StatusCode::kBusy)) return probe;
    // Another handle is publishing commit newest or newest + 1: the previous one is durable.
    if (metas.other && metas.other->generation + 1 == metas.newest->generation) {
      return *metas.other;
    }
    // The other slot is being written right now (torn): read again.
    if (attempt >= kMaxSnapshotAttempts) {
      return Status::busy("database is locked: a meta slot stayed unreadable");
    }
    std::this_thread::yield();
  }
}

Status Store::wait_for_no_publish() {
  using Clock = std::chrono::steady_clock;
  const auto limit = std::chrono::milliseconds(std::max<uint32_t>(busy_timeout_ms_.load(), 5000));
  const auto deadline = Clock::now() + limit;
  while (true) {
    Status probe = file_->test_lock(kCommitLockOffset, 1, vfs::LockMode::kShared);
    if (!probe.is(StatusCode::kBusy)) return probe;
    if (Clock::now() >= deadline) {
      return Status::busy("database is locked: another handle of " + path_ +
                          " keeps publishing a commit (a failed commit keeps its handle "
                          "locked until it is closed)");
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

Status Store::pin_locked(uint64_t generation) {
  if (readers_.count(generation) == 0) {
    STRATA_TRY(file_->lock(kReaderLockBase + generation, 1, vfs::LockMode::kShared)
                   .with_context("announcing a reader of generation " +
                                 std::to_string(generation)));
  }
  readers_.insert(generation);
  return Status::ok();
}

void Store::adopt_foreign_meta_locked(const Meta& meta) {
  meta_ = meta;
  // A page this handle cached may have been retired and reused by the other handle's commits;
  // pages are immutable only while a snapshot of this handle can reach them.
  pager_->clear_cache();
}

Result<std::unique_ptr<ReadTx>> Store::begin_read() {
  for (int attempt = 0;; ++attempt) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      // While this store holds the write lock (or after its commit failed: it keeps the
      // locks) no other handle commits, and meta_ is the newest durable commit.
      if (write_locked_ || poisoned_) {
        STRATA_TRY(pin_locked(meta_.generation));
        return std::unique_ptr<ReadTx>(
            new ReadTx(this, meta_.generation, meta_.root, meta_.root_generation));
      }
    }
    STRATA_ASSIGN(Meta chosen, durable_disk_meta());
    {
      std::lock_guard<std::mutex> lock(mu_);
      // meta_ is a commit known durable (this handle's own, or one it saw durable): never
      // take an older one. A newer one is another handle's commit, unless it is this
      // handle's own commit in flight. (Reading meta_ also keeps a slot the disk lost or
      // misdirected from sending this handle back in time.)
      if (!committing_ && chosen.generation > meta_.generation) adopt_foreign_meta_locked(chosen);
      chosen = meta_;
      STRATA_TRY(pin_locked(chosen.generation));
    }
    // Announced; now make sure no writer handed out the snapshot's pages before it could see
    // the announcement: a writer that missed it started from a commit at most one newer than
    // ours, and such a writer never reuses pages of the commit it started from.
    Result<DiskMetas> now = read_disk_metas();
    if (now.ok() && now->newest->generation <= chosen.generation + 1) {
      return std::unique_ptr<ReadTx>(
          new ReadTx(this, chosen.generation, chosen.root, chosen.root_generation));
    }
    STRATA_TRY(end_read(chosen.generation));
    STRATA_TRY(now.status_or_ok());
    if (attempt >= kMaxSnapshotAttempts) {
      return Status::busy("database is locked: could not take a snapshot");
    }
  }
}

Status Store::end_read(uint64_t generation) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = readers_.find(generation);
  if (it == readers_.end()) return Status::ok();
  readers_.erase(it);
  if (readers_.count(generation) != 0) return Status::ok();
  // A byte left locked would only keep pages pending longer (never unsafe), and it goes
  // when the file is closed; still, the caller hears of it.
  return file_->unlock(kReaderLockBase + generation, 1)
      .with_context("ending a reader of generation " + std::to_string(generation));
}

Result<std::unique_ptr<ReadTx>> Store::begin_read_at(uint64_t generation) {
  constexpr int kMaxAttempts = 10'000;
  for (int attempt = 0;; ++attempt) {
    STRATA_ASSIGN(std::unique_ptr<ReadTx> current, begin_read());
    const uint64_t newest = current->generation();
    if (generation == newest) return current;
    if (generation > newest) {
      return Status::invalid_argument("generation " + std::to_string(generation) +
                                      " has not been committed (the newest is " +
                                      std::to_string(newest) + ")");
    }
    STRATA_ASSIGN(std::optional<std::string> record,
                  current->get(generation_history_key(generation)));
    if (!record) {
      STRATA_ASSIGN(std::vector<RetainedGeneration> kept, retained_generations(current.get()));
      std::string what = kept.empty() ? "only " + std::to_string(newest)
                                      : std::to_string(kept.front().generation) + " to " +
                                            std::to_string(newest);
      return Status::not_found("generation " + std::to_string(generation) +
                               " is not retained (retained: " + what +
                               "; PRAGMA retain_generations sets how many)");
    }
    STRATA_ASSIGN(RetainedGeneration kept,
                  decode_generation_history(generation_history_key(generation), *record));
    {
      std::lock_guard<std::mutex> lock(mu_);
      STRATA_TRY(pin_locked(generation));
    }
    // The record says no writer up to `newest` released pages `generation` reaches. A writer
    // that began on a later base before the announcement above released what that base's
    // window let it: accept only when at most one commit came since, and it still retains
    // `generation` (the same argument as begin_read's, docs/concurrency.md).
    Result<DiskMetas> now = read_disk_metas();
    Status ended = current->end();
    if (now.ok() && ended.is_ok() &&
        (now->newest->generation <= newest ||
         (now->newest->generation == newest + 1 &&
          generation + now->newest->retain_generations >= now->newest->generation))) {
      return std::unique_ptr<ReadTx>(
          new ReadTx(this, generation, kept.root, kept.root_generation));
    }
    STRATA_TRY(end_read(generation));
    STRATA_TRY(ended);
    STRATA_TRY(now.status_or_ok());
    if (attempt >= kMaxAttempts) {
      return Status::busy("database is locked: could not pin generation " +
                          std::to_string(generation));
    }
  }
}

std::string generation_history_key(uint64_t generation) {
  std::string key(kGenerationHistoryKeySize, '\0');
  key[0] = kTagGenerationHistory;
  for (int i = 0; i < 8; ++i) {
    key[static_cast<size_t>(1 + i)] = static_cast<char>((generation >> (56 - 8 * i)) & 0xff);
  }
  return key;
}

Result<RetainedGeneration> decode_generation_history(std::string_view key,
                                                     std::string_view value) {
  RetainedGeneration out;
  if (key.size() != kGenerationHistoryKeySize || key[0] != kTagGenerationHistory) {
    return Status::corruption("generation history key of " + std::to_string(key.size()) +
                              " bytes (expected " +
                              std::to_string(kGenerationHistoryKeySize) + ")");
  }
  for (size_t i = 1; i < kGenerationHistoryKeySize; ++i) {
    out.generation = (out.generation << 8) | static_cast<uint8_t>(key[i]);
  }
  if (value.size() != kGenerationHistoryValueSize) {
    return Status::corruption("generation history record of generation " +
                              std::to_string(out.generation) + " has " +
                              std::to_string(value.size()) + " bytes (expected " +
                              std::to_string(kGenerationHistoryValueSize) + ")");
  }
  const auto* in = reinterpret_cast<const uint8_t*>(value.data());
  out.root = load_u64(in);
  out.root_generation = load_u64(in + 8);
  out.page_count = load_u64(in + 16);
  const bool root_ok = out.root == 0 ? out.root_generation == 0
                                     : out.root >= kFirstDataPage && out.root < out.page_count &&
                                           out.root_generation != 0 &&
                                           out.root_generation <= out.generation;
  if (out.page_count < kFirstDataPage || !root_ok) {
    return Status::corruption("generation history record of generation " +
                              std::to_string(out.generation) + " is out of range (root " +
                              std::to_string(out.root) + "@" +
                              std::to_string(out.root_generation) + ", page count " +
                              std::to_string(out.page_count) + ")");
  }
  return out;
}

Result<std::vector<RetainedGeneration>> retained_generations(Tx* tx) {
  std::vector<RetainedGeneration> out;
  Cursor c = tx->cursor();
  STRATA_TRY(c.seek(std::string(1, kTagGenerationHistory)));
  while (c.valid() && !c.key().empty() && c.key()[0] == kTagGenerationHistory) {
    STRATA_ASSIGN(std::string value, c.value());
    STRATA_ASSIGN(RetainedGeneration g, decode_generation_history(c.key(), value));
    out.push_back(g);
    STRATA_TRY(c.next());
  }
  return out;
}

Status Store::acquire_write_lock() {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(busy_timeout_ms_.load());
  auto pause = std::chrono::microseconds(100);
  while (true) {
    Status locked = file_->lock(kWriteLockOffset, 1, vfs::LockMode::kExclusive);
    if (!locked.is(StatusCode::kBusy)) return locked;
    if (Clock::now() >= deadline) {
      return Status::busy("database is locked (another handle is writing " + path_ + ")");
    }
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(5));
  }
}

Status Store::reload_freelist(const Meta& meta) {
  ReadTx loader(this, meta.generation, meta.root, meta.root_generation);
  loader.generation_ = 0;  // not registered as a reader
  std::vector<uint64_t> chain;
  STRATA_ASSIGN(Freelist loaded,
                Freelist::load(&loader, meta.freelist_head, meta.generation, meta.page_count, &chain));
  std::lock_guard<std::mutex> lock(mu_);
  freelist_ = std::move(loaded);
  freelist_chain_ = std::move(chain);
  freelist_generation_ = meta.generation;
  return Status::ok();
}

Result<std::unique_ptr<WriteTx>> Store::begin_write() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (poisoned_) {
      return Status::poisoned("an earlier commit failed; reopen the database before writing");
    }
    if (writer_active_) return Status::busy("another write transaction is open");
    writer_active_ = true;
  }
  auto fail = [&](Status s, bool unlock) -> Status {
    if (unlock) (void)file_->unlock(kWriteLockOffset, 1);
    std::lock_guard<std::mutex> lock(mu_);
    writer_active_ = false;
    return s;
  };
  if (Status s = acquire_write_lock(); !s.is_ok()) return fail(s, false);

  // Under the write lock no other handle commits: the newest meta on disk is durable (its
  // writer returned from its last sync, or died, leaving its writes to the OS).
  Result<DiskMetas> metas = read_disk_metas();
  if (!metas.ok()) return fail(metas.status(), true);
  if (metas->hidden) {
    // The incomplete commit open found is still on disk, unless another handle, also opened on
    // the commit before it, has since written the same meta again with every page: tell which.
    pager_->clear_cache();
    if (verify_whole(*metas->hidden).is_ok()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        incomplete_meta_.reset();
      }
      metas = read_disk_metas();
      if (!metas.ok()) return fail(metas.status(), true);
    }
  } else {
    std::lock_guard<std::mutex> lock(mu_);
    incomplete_meta_.reset();  // a later commit replaced it
  }
  Meta newest = *metas->newest;
  bool foreign = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Only a newer generation is another handle's commit. An older one (or the same one with
    // other contents) means the disk lost or misplaced a meta write this handle made or saw
    // durable: go on from what it knows, as a handle alone on its file always did.
    foreign = newest.generation > meta_.generation;
    if (foreign) {
      adopt_foreign_meta_locked(newest);
      // Another handle committed over the slot open fell back past (retiring it first, or
      // writing its own commit there): nothing of it is left to retire or hide.
      stale_slot_ = -1;
      incomplete_meta_.reset();
    }
    newest = meta_;
  }
  if (foreign || freelist_generation_ != newest.generation) {
    if (Status s = reload_freelist(newest); !s.is_ok()) return fail(s, true);
  }
  // Alone on the file, no reader of another handle can be announcing an older snapshot (a
  // handle that opens later starts from a durable commit at least as new as this base).
  const Status alone_probe = file_->test_lock(kOpenLockOffset, 1, vfs::LockMode::kExclusive);
  if (!alone_probe.is_ok() && !alone_probe.is(StatusCode::kBusy)) return fail(alone_probe, true);
  const bool alone = alone_probe.is_ok();

  std::lock_guard<std::mutex> lock(mu_);
  // Pages retired by commit g are reachable only from snapshots older than g. They can be
  // reused once no reader of this store is older than g and no other handle announces a
  // reader older than g; and, when other handles exist, once commit g is not the newest (a
  // reader of another handle may be announcing a snapshot of the commit before it: see the
  // top of store.h).
  uint64_t release_to = 0;
  // Generations the base retains for time travel (AS OF GENERATION) reach the pages retired
  // by later commits: commit g's pages wait until g <= base - retain_generations.
  for (const auto& [generation, pages] : freelist_.pending()) {
    if (!alone && generation >= meta_.generation) break;
    if (generation + meta_.retain_generations > meta_.generation) break;
    if (!readers_.empty() && *readers_.begin() < generation) break;
    Status probe = file_->test_lock(kReaderLockBase, generation, vfs::LockMode::kExclusive);
    if (probe.is(StatusCode::kBusy)) break;
    if (!probe.is_ok()) {
      (void)file_->unlock(kWriteLockOffset, 1);
      writer_active_ = false;
      return probe;
    }
    release_to = generation;
  }
  if (release_to != 0) freelist_.release_up_to(release_to);
  write_locked_ = true;
  return std::unique_ptr<WriteTx>(new WriteTx(this, meta_));
}

Status Store::end_write() {
  std::lock_guard<std::mutex> lock(mu_);
  writer_active_ = false;
  write_locked_ = false;
  // After a failed commit the handle keeps the write and commit locks until it is closed:
  // what reached the file is unknown, so no other handle may build on it meanwhile.
  if (poisoned_) return Status::ok();
  return file_->unlock(kWriteLockOffset, 1).with_context("ending the write transaction");
}

std::optional<uint64_t> Store::allocate_free() {
  std::lock_guard<std::mutex> lock(mu_);
  return freelist_.allocate();
}

void Store::give_back(const std::vector<uint64_t>& pages) {
  std::lock_guard<std::mutex> lock(mu_);
  for (uint64_t page_no : pages) freelist_.add_free(page_no);
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
  // (mu_ only orders this with stats(); no one else touches the freelist during a write.)
  std::unique_lock<std::mutex> freelist_lock(mu_);
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
  freelist_lock.unlock();

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
  next.retain_generations = tx->retain_;

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
  // With several handles the same holds per handle: one-sync only on top of this handle's own
  // previous commit. Another handle's commit may not be durable yet (its writer may have been
  // killed before its sync), and two-sync's first sync makes it so before our meta exists. And
  // another handle may have attempted this very generation and died since our last commit,
  // so the pages this commit overwrites are read first: one that already carries this
  // generation (with a valid checksum) makes the commit two-sync.
  // The broken variants are variants of the two-sync protocol, except one-sync-no-verify.
  bool one_sync = (protocol_ == CommitProtocol::kOneSync && bug == ProtocolBug::kNone &&
                   last_commit_generation_ != 0 && last_commit_generation_ == tx->generation_) ||
                  bug == ProtocolBug::kOneSyncNoVerify;
  if (one_sync && bug == ProtocolBug::kNone) {
    for (const auto& [page_no, page] : pages) {
      Result<PageBuf> on_disk = pager_->read_raw(page_no);
      if (!on_disk.ok() || (verify_page(on_disk->data(), ps, page_no).is_ok() &&
                            page_generation(on_disk->data()) == generation)) {
        one_sync = false;  // unreadable, or an earlier attempt's page: take the safe protocol
        break;
      }
    }
  }
  if (one_sync) next.flags = kMetaFlagVerifyOnOpen;
  // Testing only: the unsynced-page variant holds one page back until after the data sync.
  std::optional<std::pair<uint64_t, PageRef>> late_page;
  if (bug == ProtocolBug::kUnsyncedPageReachable && !pages.empty()) {
    late_page = std::move(pages.back());
    pages.pop_back();
  }
  auto write_meta = [&]() -> Status {
    // Other handles' readers take the other slot while this one is being published.
    STRATA_TRY(file_->lock(kCommitLockOffset, 1, vfs::LockMode::kExclusive)
                   .with_context("taking the commit lock"));
    {
      std::lock_guard<std::mutex> lock(mu_);
      committing_ = true;  // this store's readers keep meta_ until the commit is durable
    }
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

  auto published = [&]() -> Status {
    std::lock_guard<std::mutex> lock(mu_);
    meta_ = next;
    freelist_chain_ = std::move(chain);
    freelist_generation_ = generation;
    last_commit_generation_ = generation;
    committing_ = false;
    ++commits_;
    Status unlocked = file_->unlock(kCommitLockOffset, 1);
    if (!unlocked.is_ok()) {
      // Durable, but other handles' readers would keep taking the previous commit: refuse
      // further writes until reopen, as after any failed commit step.
      poisoned_ = true;
      return unlocked.with_context("commit " + std::to_string(generation) + " is durable");
    }
    return Status::ok();
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
    return published();
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
  return published();
}

// ---------------------------------------------------------------- Tx

Result<std::optional<std::string>> Tx::get(std::string_view key) {
  BTree tree(this, &root_, &root_generation_, &mod_counter_);
  return tree.get(key);
}

// ---------------------------------------------------------------- ReadTx

ReadTx::~ReadTx() { (void)end(); }

Status ReadTx::end() {
  if (ended_ || generation_ == 0) return Status::ok();  // ended, or never registered
  ended_ = true;
  return store_->end_read(generation_);
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
  } else if (std::optional<uint64_t> free_page = store_->allocate_free()) {
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

namespace {
// The store keeps its generation history under one leading byte (store.h).
Status check_reserved(std::string_view key) {
  if (!key.empty() && key[0] == kTagGenerationHistory) {
    return Status::invalid_argument(
        "keys starting with byte 0x03 are reserved for the store's generation history");
  }
  return Status::ok();
}
}  // namespace

Status WriteTx::put(std::string_view key, std::string_view value) {
  if (finished_) return Status::invalid_argument("transaction already finished");
  STRATA_TRY(check_reserved(key));
  BTree tree(this, &root_, &root_generation_, &mod_counter_);
  if (recording_) {
    STRATA_ASSIGN(std::optional<std::string> old, tree.get(key));
    undo_.emplace_back(std::string(key), std::move(old));
  }
  return tree.put(key, value);
}

Result<bool> WriteTx::del(std::string_view key) {
  if (finished_) return Status::invalid_argument("transaction already finished");
  STRATA_TRY(check_reserved(key));
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
  if (!dirty_.empty() || !retired_.empty() || retain_ != base_.retain_generations) {
    s = update_generation_history();
    if (s.is_ok()) s = store_->commit(this);
  } else {
    // Nothing to write, yet pages taken from the free set may have been retired
    // again (put then del on an empty tree): give them back, or they leak.
    store_->give_back(from_free_);
  }
  if (!s.is_ok() && !store_->poisoned()) {
    // Nothing reached the disk: give the pages back.
    store_->give_back(from_free_);
  }
  // The unlock is the transaction's last call; a failure there is reported too (the commit
  // itself is durable when s was OK).
  Status ended = store_->end_write();
  if (s.is_ok()) s = ended;
  return s;
}

Status WriteTx::update_generation_history() {
  // Without retention now or at the base there are no records to keep or drop.
  if (retain_ == 0 && base_.retain_generations == 0) return Status::ok();
  recording_ = false;
  BTree tree(this, &root_, &root_generation_, &mod_counter_);
  const uint64_t next = generation_ + 1;
  // Drop the records below next - retain_ (all of them when retention is switched off).
  const uint64_t keep_from = retain_ >= next ? 0 : next - retain_;
  std::vector<std::string> dropped;
  {
    Cursor c = cursor();
    STRATA_TRY(c.seek(std::string(1, kTagGenerationHistory)));
    const std::string limit = generation_history_key(keep_from);
    while (c.valid() && !c.key().empty() && c.key()[0] == kTagGenerationHistory &&
           (retain_ == 0 || c.key() < limit)) {
      dropped.emplace_back(c.key());
      STRATA_TRY(c.next());
    }
  }
  for (const std::string& key : dropped) STRATA_TRY(tree.del(key).status_or_ok());
  if (retain_ == 0 || generation_ == 0) return Status::ok();
  // The base stays readable after this commit: record where its tree is.
  std::string value(kGenerationHistoryValueSize, '\0');
  auto* out = reinterpret_cast<uint8_t*>(value.data());
  store_u64(out, base_.root);
  store_u64(out + 8, base_.root == 0 ? 0 : base_.root_generation);
  store_u64(out + 16, base_.page_count);
  return tree.put(generation_history_key(generation_), value);
}

void WriteTx::rollback() {
  if (finished_) return;
  finished_ = true;
  store_->give_back(from_free_);
  dirty_.clear();
  (void)store_->end_write();  // rollback cannot fail; a byte left locked goes with the file
}

}  // namespace strata
