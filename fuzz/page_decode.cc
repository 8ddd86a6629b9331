// Fuzz target page_decode: arbitrary bytes as one page, decoded as every page type.
//
// Input: a control byte (bits 0-2: page size 512 << n; bit 3: fix the checksum up first, so
// that mutations reach the decoders behind it; bit 4: decode the meta slot non-strictly, as
// the crash testbed's broken protocols do), two bytes of page count for the freelist decoder,
// then the page, cut or zero-padded to the page size.
//
// Properties, besides never crashing, leaking or reading outside the page:
//   - meta (meta.h): a slot that decodes re-encodes (encode_meta) to exactly its bytes;
//   - leaf / branch (node.h): validate() passes exactly when audit() finds no problem; every
//     cell audit() calls usable can be read; a valid page rebuilt from its cells is valid,
//     holds the same cells, and rebuilding again gives the same bytes; inserting a cell at
//     its lower_bound and removing it again leaves the same cells, and the page valid;
//   - freelist (freelist.h): a chain page that loads re-encodes (Freelist::encode) to a page
//     that loads to the same free and pending pages;
//   - overflow (btree.h): the chain decoder never reads beyond the pages it was given.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/btree.h"
#include "engine/freelist.h"
#include "engine/meta.h"
#include "engine/node.h"
#include "engine/page.h"
#include "fuzz/fuzz_input.h"

namespace {

using namespace strata;  // NOLINT: a fuzz target of the whole storage layer
using strata::fuzz::fail;

// The pages a decoder may read: exactly the given ones, verified and (tree pages) validated
// as the pager does; everything else is beyond the end of the file.
class FixedPages : public PageAccess {
 public:
  explicit FixedPages(uint32_t page_size) : page_size_(page_size) {}
  void add(uint64_t page_no, PageBuf bytes) {
    pages_[page_no] = std::make_shared<const PageBuf>(std::move(bytes));
  }
  uint32_t page_size() const override { return page_size_; }
  Result<PageRef> read(uint64_t page_no) override {
    auto it = pages_.find(page_no);
    if (it == pages_.end()) {
      return Status::corruption("page " + std::to_string(page_no) + ": beyond the end");
    }
    const uint8_t* p = it->second->data();
    STRATA_TRY(verify_page(p, page_size_, page_no));
    if (page_type(p) == PageType::kLeaf || page_type(p) == PageType::kBranch) {
      STRATA_TRY(node::validate(p, page_size_, page_no));
    }
    return PageRef(it->second);
  }
  Result<uint8_t*> mutable_page(uint64_t*) override { return Status::read_only("fixed"); }
  Result<uint8_t*> allocate(uint64_t*) override { return Status::read_only("fixed"); }
  Status retire(uint64_t) override { return Status::read_only("fixed"); }
  bool owns(uint64_t) const override { return false; }
  uint64_t write_generation() const override { return 0; }

 private:
  uint32_t page_size_;
  std::map<uint64_t, PageRef> pages_;
};

// Reads every byte of the view, so that AddressSanitizer sees an out-of-bounds view.
uint64_t touch(std::string_view bytes) {
  uint64_t sum = 0;
  for (char c : bytes) sum = sum * 31 + static_cast<uint8_t>(c);
  return sum;
}

std::vector<std::string> cells_of(const uint8_t* page) {
  std::vector<std::string> cells;
  for (size_t i = 0; i < node::count(page); ++i) cells.emplace_back(node::cell_bytes(page, i));
  return cells;
}

void check_meta(const PageBuf& page, uint32_t ps, bool strict) {
  (void)read_meta_fields(page.data());
  for (uint64_t slot : {0, 1}) {
    for (uint32_t expected : {0u, ps}) {
      Result<Meta> meta = decode_meta(page.data(), page.size(), slot, expected, strict);
      if (!meta.ok()) {
        if (!meta.status().is(StatusCode::kCorruption)) fail("meta: " + meta.status().to_string());
        continue;
      }
      // Without an expected size the slot names its own, which may be less than the buffer.
      if (meta->page_size > ps || (expected != 0 && meta->page_size != ps)) {
        fail("meta: decoded a page size the bytes do not hold");
      }
      if (!strict) continue;  // non-strict decoding tolerates what encode_meta never writes
      PageBuf again(meta->page_size);
      encode_meta(*meta, again.data());
      if (!std::equal(again.begin(), again.end(), page.begin())) {
        fail("meta: a slot that decodes does not re-encode to its bytes");
      }
    }
  }
}

void check_node(const PageBuf& page, uint32_t ps, uint64_t page_no) {
  const uint8_t* p = page.data();
  Status valid = node::validate(p, ps, page_no);
  node::NodeAudit audit = node::audit(p, ps);
  if (valid.is_ok() != audit.problems.empty()) {
    fail("node: validate says " + valid.to_string() + " but audit finds " +
         std::to_string(audit.problems.size()) + " problems" +
         (audit.problems.empty() ? "" : ", first: " + audit.problems[0]));
  }
  if (audit.cells_usable) {
    for (size_t i = 0; i < audit.usable.size(); ++i) {
      if (!audit.usable[i]) continue;
      (void)touch(node::key(p, i));
      (void)touch(node::cell_bytes(p, i));
      if (node::is_leaf(p)) {
        node::LeafValue v = node::leaf_value(p, i);
        if (!v.overflow) (void)touch(v.inline_bytes);
      } else {
        (void)node::child(p, i);
        (void)node::child_generation(p, i);
      }
    }
  }
  if (!valid.is_ok()) return;

  // Rebuilt from its cells: valid, the same cells, and a second rebuild is byte-identical.
  std::vector<std::string> cells = cells_of(p);
  PageBuf rebuilt(ps);
  node::init(rebuilt.data(), ps, page_type(p), page_no);
  node::rebuild(rebuilt.data(), ps, cells);
  if (Status s = node::validate(rebuilt.data(), ps, page_no); !s.is_ok()) {
    fail("node: a valid page rebuilt from its cells is invalid: " + s.to_string());
  }
  if (cells_of(rebuilt.data()) != cells) fail("node: rebuilding changed the cells");
  PageBuf twice(ps);
  node::init(twice.data(), ps, page_type(p), page_no);
  node::rebuild(twice.data(), ps, cells_of(rebuilt.data()));
  if (twice != rebuilt) fail("node: rebuilding is not stable");
  if (node::used_bytes(p, ps) != node::used_bytes(rebuilt.data(), ps)) {
    fail("node: used_bytes differs between a page and its rebuilt copy");
  }

  // What a write transaction does to a page it read: insert a cell, remove it again.
  bool leaf = node::is_leaf(p);
  size_t n = node::count(p);
  std::string key = n == 0 ? std::string("k") : std::string(node::key(p, n / 2)) + "k";
  if (key.size() > node::max_key_size(ps)) key.resize(node::max_key_size(ps));
  bool exact = false;
  size_t index = node::lower_bound(p, key, &exact);
  if (exact || (!leaf && index == 0)) return;
  std::string cell =
      leaf ? node::make_leaf_cell(key, "value") : node::make_branch_cell(key, kFirstDataPage, 1);
  PageBuf modified = page;
  if (!node::insert_cell(modified.data(), ps, index, cell)) return;  // full: the tree splits
  if (Status s = node::validate(modified.data(), ps, page_no); !s.is_ok()) {
    fail("node: inserting a cell at its lower_bound made the page invalid: " + s.to_string());
  }
  if (node::cell_bytes(modified.data(), index) != cell) {
    fail("node: inserted cell reads back wrong");
  }
  node::remove_cell(modified.data(), index);
  if (cells_of(modified.data()) != cells) fail("node: insert then remove changed the cells");
  if (Status s = node::validate(modified.data(), ps, page_no); !s.is_ok()) {
    fail("node: insert then remove made the page invalid: " + s.to_string());
  }
}

void check_freelist(const PageBuf& page, uint32_t ps, uint64_t page_no, uint64_t page_count) {
  uint64_t generation = page_generation(page.data());
  FixedPages pages(ps);
  pages.add(page_no, page);
  std::vector<uint64_t> chain;
  Result<Freelist> loaded = Freelist::load(&pages, page_no, generation, page_count, &chain);
  if (!loaded.ok()) {
    if (!loaded.status().is(StatusCode::kCorruption)) {
      fail("freelist: " + loaded.status().to_string());
    }
    return;
  }
  if (chain.size() != 1 || chain[0] != page_no) fail("freelist: chain is not the one page");
  std::vector<FreeRun> runs = loaded->runs();
  if (runs.size() > Freelist::runs_per_page(ps)) fail("freelist: runs grew when merged");
  std::vector<PageBuf> encoded;
  Freelist::encode(runs, {page_no}, ps, &encoded);
  if (encoded.size() != 1) fail("freelist: encode wrote another number of pages");
  seal_page(encoded[0].data(), ps, page_no, generation);
  FixedPages again(ps);
  again.add(page_no, encoded[0]);
  std::vector<uint64_t> chain2;
  Result<Freelist> reloaded = Freelist::load(&again, page_no, generation, page_count, &chain2);
  if (!reloaded.ok()) {
    fail("freelist: re-encoded page does not load: " + reloaded.status().to_string());
  }
  // Pending pages per generation, as sets: the encoder sorts and merges what the page listed.
  auto pending_sets = [](const Freelist& fl) {
    std::map<uint64_t, std::set<uint64_t>> out;
    for (const auto& [retired_by, list] : fl.pending()) {
      out[retired_by].insert(list.begin(), list.end());
    }
    return out;
  };
  if (reloaded->free_pages() != loaded->free_pages() ||
      pending_sets(*reloaded) != pending_sets(*loaded)) {
    fail("freelist: re-encoded page holds other pages");
  }
}

void check_overflow(const PageBuf& page, uint32_t ps, uint64_t page_no) {
  FixedPages pages(ps);
  pages.add(page_no, page);
  uint64_t generation = page_generation(page.data());
  for (uint64_t length : {uint64_t{page_aux(page.data())}, uint64_t{node::kMaxValueSize}}) {
    Result<std::string> value = BTree::read_overflow(&pages, page_no, generation, length);
    if (value.ok() && value->size() != length) fail("overflow: value of the wrong length");
    if (!value.ok() && !value.status().is(StatusCode::kCorruption)) {
      fail("overflow: " + value.status().to_string());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  strata::fuzz::FuzzInput in(data, size);
  uint8_t control = in.byte();
  uint32_t ps = kMinPageSize << (control & 7);
  bool reseal = (control & 8) != 0;
  bool strict = (control & 16) == 0;
  uint64_t page_count = kFirstDataPage + ((uint64_t{in.byte()} << 8) | in.byte());
  std::string_view body = in.rest();
  PageBuf page(ps, 0);
  std::memcpy(page.data(), body.data(), std::min<size_t>(body.size(), ps));
  if (reseal) store_u64(page.data() + kOffChecksum, page_checksum(page.data(), ps));
  uint64_t page_no = page_no_of(page.data());
  (void)page_type_name(page_type(page.data()));

  Status verified = verify_page(page.data(), ps, page_no);
  if (!verified.is_ok() && !verified.is(StatusCode::kCorruption)) fail(verified.to_string());
  check_meta(page, ps, strict);
  check_node(page, ps, page_no);
  if (!verified.is_ok()) return 0;
  // The engine loads a freelist only with a page count the file can hold (Store::open), so
  // the count here stays small too: runs are bounded by it.
  if (page_type(page.data()) == PageType::kFreelist && page_no >= kFirstDataPage &&
      page_no < page_count) {
    check_freelist(page, ps, page_no, page_count);
  }
  if (page_type(page.data()) == PageType::kOverflow) check_overflow(page, ps, page_no);
  return 0;
}
