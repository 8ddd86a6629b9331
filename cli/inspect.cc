#include "cli/inspect.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "engine/btree.h"
#include "engine/check.h"
#include "engine/codec/key_codec.h"
#include "engine/codec/row_format.h"
#include "engine/collection.h"
#include "engine/exec/functions.h"
#include "engine/exec/real_format.h"
#include "engine/freelist.h"
#include "engine/meta.h"
#include "engine/node.h"
#include "engine/page.h"
#include "engine/query/catalog.h"
#include "engine/query/database.h"
#include "engine/query/integrity.h"
#include "engine/range_scan.h"

namespace strata::cli {

namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr size_t kObjectPrefixSize = 5;

std::string hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string fixed2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

uint32_t be32(std::string_view bytes) {
  uint32_t v = 0;
  for (char c : bytes.substr(0, 4)) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

// A value as an SQL literal (what quote() returns), or as a JSON value.
nlohmann::ordered_json value_field(const Value& v, bool json) {
  if (json) {
    switch (v.type()) {
      case ValueType::kNull:
        return nullptr;
      case ValueType::kInteger:
        return v.as_integer();
      case ValueType::kReal:
        if (std::isfinite(v.as_real())) return v.as_real();
        return exec::format_real_g15(v.as_real());
      case ValueType::kText:
        return v.as_text();
      case ValueType::kBlob: {
        std::string hex;
        for (char c : v.as_blob()) {
          hex += kHex[static_cast<unsigned char>(c) >> 4];
          hex += kHex[static_cast<unsigned char>(c) & 15];
        }
        return nlohmann::ordered_json{{"blob", hex}};
      }
    }
  }
  Value arg = v;
  Result<Value> quoted = exec::call_function("quote", std::span<const Value>(&arg, 1));
  return quoted.ok() && quoted->type() == ValueType::kText ? quoted->as_text() : v.debug_string();
}

nlohmann::ordered_json values_field(const std::vector<Value>& values, bool json) {
  if (json) {
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const Value& v : values) array.push_back(value_field(v, true));
    return array;
  }
  std::string out = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    out += (i ? ", " : "") + value_field(values[i], false).get<std::string>();
  }
  return out + ")";
}

// One hexdump -C line per 16 bytes; runs of identical lines collapse into "*".
std::vector<std::string> hex_dump(const PageBuf& page) {
  std::vector<std::string> lines;
  bool starred = false;
  for (size_t off = 0; off < page.size(); off += 16) {
    size_t n = std::min<size_t>(16, page.size() - off);
    if (off > 0 && off + n <= page.size() &&
        std::equal(page.begin() + off, page.begin() + off + n, page.begin() + off - 16)) {
      if (!starred) lines.push_back("*");
      starred = true;
      continue;
    }
    starred = false;
    char head[32];
    std::snprintf(head, sizeof head, "%08zx ", off);
    std::string line = head;
    std::string ascii;
    for (size_t i = 0; i < 16; ++i) {
      if (i == 8) line += ' ';
      if (i < n) {
        auto c = page[off + i];
        line += ' ';
        line += kHex[c >> 4];
        line += kHex[c & 15];
        ascii += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '.';
      } else {
        line += "   ";
      }
    }
    lines.push_back(line + "  |" + ascii + "|");
  }
  char tail[32];
  std::snprintf(tail, sizeof tail, "%08zx", page.size());
  lines.push_back(tail);
  return lines;
}

// The raw file: meta slots, page reads, the checker's page map, and the names of the
// objects that own keys, gathered from the leaves.
class FileView {
 public:
  static Result<std::unique_ptr<FileView>> open(vfs::Vfs* vfs, const std::string& path) {
    STRATA_ASSIGN(bool exists, vfs->exists(path));
    if (!exists) return Status::not_found("database " + path + " does not exist");
    std::unique_ptr<FileView> view(new FileView());
    vfs::OpenOptions read_only;
    read_only.read_only = true;
    STRATA_ASSIGN(view->file_, vfs->open(path, read_only));
    STRATA_ASSIGN(view->file_size_, view->file_->size());
    view->slots_ = read_meta_slots(view->file_.get());
    if (view->slots_.active >= 0) {
      view->meta_ = view->slots_.slot[view->slots_.active].value();
      view->page_size_ = view->meta_->page_size;
      CheckOptions options;
      options.map_pages = true;
      STRATA_ASSIGN(view->check_, check_file(view->file_.get(), options));
    } else {
      // No valid slot: trust slot 0's page size field if it is a legal one.
      std::vector<uint8_t> bytes(kMinPageSize, 0);
      size_t got = 0;
      STRATA_TRY(view->file_->read(0, bytes, &got));
      uint32_t page_size = read_meta_fields(bytes.data()).page_size;
      view->page_size_ = is_valid_page_size(page_size) ? page_size : kDefaultPageSize;
    }
    return view;
  }

  uint32_t page_size() const { return page_size_; }
  uint64_t file_size() const { return file_size_; }
  uint64_t file_pages() const { return file_size_ / page_size_; }
  const MetaSlots& slots() const { return slots_; }
  const std::optional<Meta>& meta() const { return meta_; }
  const CheckReport& check() const { return check_; }
  uint64_t page_count() const { return meta_ ? meta_->page_count : 0; }

  PageBuf read(uint64_t page_no) const { return read_bytes(page_no * page_size_, page_size_); }

  // Bytes at an offset; zeroes past the end of the file or on a read error.
  PageBuf read_bytes(uint64_t offset, size_t length) const {
    PageBuf bytes(length, 0);
    size_t got = 0;
    if (!file_->read(offset, bytes, &got).is_ok()) std::fill(bytes.begin(), bytes.end(), 0);
    return bytes;
  }

  // A verified page (checksum and page number), else nullopt.
  std::optional<PageBuf> verified(uint64_t page_no) const {
    PageBuf page = read(page_no);
    if (!verify_page(page.data(), page_size_, page_no).is_ok()) return std::nullopt;
    return page;
  }

  // A value held by a leaf cell, following its overflow chain raw; nullopt when damaged.
  std::optional<std::string> leaf_value(const uint8_t* leaf, size_t i) const {
    node::LeafValue v = node::leaf_value(leaf, i);
    if (!v.overflow) return std::string(v.inline_bytes);
    std::string out;
    uint64_t page_no = v.overflow_page;
    for (int guard = 0; page_no != 0 && out.size() < v.length && guard < 1 << 20; ++guard) {
      std::optional<PageBuf> page = verified(page_no);
      if (!page || page_type(page->data()) != PageType::kOverflow) return std::nullopt;
      uint32_t bytes = std::min<uint32_t>(page_aux(page->data()), page_size_ - kOverflowHeaderSize);
      out.append(reinterpret_cast<const char*>(page->data() + kOverflowHeaderSize), bytes);
      page_no = load_u64(page->data() + kPageHeaderSize);
    }
    if (out.size() != v.length) return std::nullopt;
    return out;
  }

  // Every usable key of every reachable leaf, in page order: for owners and counts.
  template <typename Visit>
  void for_each_leaf_cell(Visit visit) const {
    for (const auto& [page_no, use] : check_.pages) {
      if (use.role != PageRole::kLeaf) continue;
      std::optional<PageBuf> page = verified(page_no);
      if (!page || page_type(page->data()) != PageType::kLeaf) continue;
      node::NodeAudit audit = node::audit(page->data(), page_size_);
      if (!audit.cells_usable) continue;
      for (size_t i = 0; i < audit.usable.size(); ++i) {
        if (audit.usable[i]) visit(page_no, page->data(), i);
      }
    }
  }

  // Reads collection and catalog names from the leaves (once).
  void load_names() {
    if (names_loaded_) return;
    names_loaded_ = true;
    for_each_leaf_cell([&](uint64_t, const uint8_t* leaf, size_t i) {
      std::string_view key = node::key(leaf, i);
      if (key.size() > 1 && key[0] == kTagCollectionCatalog) {
        std::optional<std::string> id = leaf_value(leaf, i);
        if (id && id->size() == 4) collections_[be32(*id)] = std::string(key.substr(1));
      } else if (key == std::string(1, kTagCollectionMeta) + "next_collection_id") {
        std::optional<std::string> id = leaf_value(leaf, i);
        if (id && id->size() == 4) next_collection_id_ = be32(*id);
      }
    });
    for (const auto& [id, name] : collections_) {
      if (name == "__schema") schema_id_ = id;
    }
    if (!schema_id_) return;
    for_each_leaf_cell([&](uint64_t, const uint8_t* leaf, size_t i) {
      std::string_view key = node::key(leaf, i);
      if (key.size() <= kObjectPrefixSize || key[0] != kTagCollectionData ||
          be32(key.substr(1)) != *schema_id_) {
        return;
      }
      std::string_view name = key.substr(kObjectPrefixSize);
      std::optional<std::string> value = leaf_value(leaf, i);
      if (!value) return;
      Result<std::vector<Value>> row = codec::decode_row(*value);
      if (!row.ok()) return;
      if (name == std::string(1, '\0') + "next_prefix") {
        if (row->size() == 1 && (*row)[0].type() == ValueType::kInteger) {
          next_prefix_ = (*row)[0].as_integer();
        }
        return;
      }
      if (row->size() != 5 || (*row)[0].type() != ValueType::kText ||
          (*row)[3].type() != ValueType::kInteger) {
        return;  // statistics and other entries that name no object
      }
      CatalogEntry entry;
      entry.type = (*row)[0].as_text();
      entry.name = (*row)[1].type() == ValueType::kText ? (*row)[1].as_text() : "";
      entry.table = (*row)[2].type() == ValueType::kText ? (*row)[2].as_text() : "";
      entry.prefix = static_cast<uint32_t>((*row)[3].as_integer());
      entry.sql = (*row)[4].type() == ValueType::kText ? (*row)[4].as_text() : "";
      if (entry.type == "table") tables_[entry.prefix] = entry.name;
      if (entry.type == "index") indexes_[entry.prefix] = entry.name;
      catalog_.push_back(std::move(entry));
    });
  }

  // What owns a key: "table:t", "index:t_a", "catalog", "collection:name", "collections".
  std::string owner_of(std::string_view key) {
    load_names();
    if (key.empty()) return "unknown";
    char tag = key[0];
    if (tag == kTagCollectionMeta || tag == kTagCollectionCatalog) return "collections";
    if (key.size() < kObjectPrefixSize) return "unknown";
    uint32_t id = be32(key.substr(1));
    auto named = [&](const std::map<uint32_t, std::string>& names, const std::string& kind) {
      auto it = names.find(id);
      return it == names.end() ? kind + "#" + std::to_string(id) : kind + ":" + it->second;
    };
    if (tag == kTagCollectionData) {
      if (schema_id_ && id == *schema_id_) return "catalog";
      return named(collections_, "collection");
    }
    if (tag == query::kTagRow) return named(tables_, "table");
    if (tag == query::kTagIndex) return named(indexes_, "index");
    return "unknown";
  }

  // A key in words: "table:t rowid=5", "index:t_a (3, 'x') rowid=5", "catalog t".
  std::string describe_key(std::string_view key) {
    std::string owner = owner_of(key);
    if (key.size() >= kObjectPrefixSize && key[0] == query::kTagRow) {
      std::string_view rest = key.substr(kObjectPrefixSize);
      if (rest.size() == codec::kRowidSize) {
        return owner + " rowid=" + std::to_string(codec::decode_rowid(&rest).value());
      }
    }
    if (key.size() >= kObjectPrefixSize && key[0] == query::kTagIndex) {
      std::string_view rest = key.substr(kObjectPrefixSize);
      if (rest.size() >= codec::kRowidSize) {
        std::string_view values = rest.substr(0, rest.size() - codec::kRowidSize);
        std::string_view rowid = rest.substr(rest.size() - codec::kRowidSize);
        Result<std::vector<Value>> decoded = codec::decode_key_tuple(values);
        if (decoded.ok()) {
          return owner + " " + values_field(*decoded, false).get<std::string>() +
                 " rowid=" + std::to_string(codec::decode_rowid(&rowid).value());
        }
      }
    }
    if (key.size() > kObjectPrefixSize && key[0] == kTagCollectionData) {
      return owner + " " + printable_key(key.substr(kObjectPrefixSize));
    }
    if (!key.empty() && key[0] == kTagCollectionCatalog) {
      return "collection name " + printable_key(key.substr(1));
    }
    return owner;
  }

  struct CatalogEntry {
    std::string type, name, table, sql;
    uint32_t prefix = 0;
  };
  const std::vector<CatalogEntry>& catalog() {
    load_names();
    return catalog_;
  }
  const std::map<uint32_t, std::string>& collections() {
    load_names();
    return collections_;
  }
  std::optional<int64_t> next_prefix() {
    load_names();
    return next_prefix_;
  }
  std::optional<uint32_t> next_collection_id() {
    load_names();
    return next_collection_id_;
  }

 private:
  FileView() = default;

  std::unique_ptr<vfs::File> file_;
  uint64_t file_size_ = 0;
  uint32_t page_size_ = kDefaultPageSize;
  MetaSlots slots_;
  std::optional<Meta> meta_;
  CheckReport check_;

  bool names_loaded_ = false;
  std::map<uint32_t, std::string> collections_;  // id -> name
  std::optional<uint32_t> schema_id_;
  std::optional<uint32_t> next_collection_id_;
  std::optional<int64_t> next_prefix_;
  std::map<uint32_t, std::string> tables_, indexes_;  // prefix -> name
  std::vector<CatalogEntry> catalog_;
};

std::string checksum_verdict(const PageBuf& page, uint32_t page_size, uint64_t page_no) {
  Status s = verify_page(page.data(), page_size, page_no);
  if (s.is_ok()) return "ok";
  if (s.message().find("all zeroes") != std::string::npos) return "zero";
  if (s.message().find("misdirected") != std::string::npos) {
    return "misdirected(holds " + std::to_string(page_no_of(page.data())) + ")";
  }
  return "mismatch";
}

std::string header_type(const PageBuf& page) {
  if (std::all_of(page.begin(), page.end(), [](uint8_t b) { return b == 0; })) return "zero";
  uint8_t type = page[kOffType];
  if (type >= static_cast<uint8_t>(PageType::kMeta) &&
      type <= static_cast<uint8_t>(PageType::kFreelist)) {
    return page_type_name(static_cast<PageType>(type));
  }
  return "unknown(" + std::to_string(type) + ")";
}

// The state of a page in the snapshot, from the checker's map.
std::string page_state(const FileView& view, uint64_t page_no, const PageUse** use_out) {
  *use_out = nullptr;
  if (page_no < kFirstDataPage) return "meta";
  if (!view.meta() || page_no >= view.page_count()) return "unused";
  auto it = view.check().pages.find(page_no);
  if (it == view.check().pages.end()) return "leaked";
  *use_out = &it->second;
  switch (it->second.role) {
    case PageRole::kMeta:
      return "meta";
    case PageRole::kBranch:
    case PageRole::kLeaf:
    case PageRole::kOverflow:
      return "reachable";
    case PageRole::kFreelist:
      return "freelist";
    case PageRole::kFree:
      return it->second.retired_by == 0 ? "free" : "pending";
  }
  return "?";
}

// Bytes in use on a tree page (slots and usable cells) over its usable space.
double tree_fill(const uint8_t* page, uint32_t page_size, size_t* cells) {
  node::NodeAudit audit = node::audit(page, page_size);
  *cells = audit.usable.size();
  if (!audit.cells_usable) return 0;
  size_t used = 2 * audit.usable.size();
  for (size_t i = 0; i < audit.usable.size(); ++i) {
    if (audit.usable[i]) used += node::cell_size(page, i);
  }
  return static_cast<double>(used) / static_cast<double>(node::usable_space(page_size));
}

// Owners of every tree page: a leaf's keys' owners; a branch's, its children's.
std::map<uint64_t, std::set<std::string>> tree_owners(FileView* view) {
  std::map<uint64_t, std::set<std::string>> owners;
  view->for_each_leaf_cell([&](uint64_t page_no, const uint8_t* leaf, size_t i) {
    owners[page_no].insert(view->owner_of(node::key(leaf, i)));
  });
  std::vector<std::pair<uint32_t, uint64_t>> by_depth;  // deepest first
  for (const auto& [page_no, use] : view->check().pages) {
    if (use.role == PageRole::kLeaf || use.role == PageRole::kBranch) {
      by_depth.emplace_back(use.depth, page_no);
    }
  }
  std::sort(by_depth.rbegin(), by_depth.rend());
  for (const auto& [depth, page_no] : by_depth) {
    const PageUse& use = view->check().pages.at(page_no);
    if (use.referrer == 0) continue;
    std::set<std::string>& parent = owners[use.referrer];
    parent.insert(owners[page_no].begin(), owners[page_no].end());
  }
  return owners;
}

std::string owner_text(const std::set<std::string>& owners) {
  if (owners.empty()) return "-";
  if (owners.size() > 6) return "mixed(" + std::to_string(owners.size()) + ")";
  std::string out;
  for (const std::string& o : owners) out += (out.empty() ? "" : ",") + o;
  return out;
}

std::vector<Record> view_meta(FileView* view) {
  std::vector<Record> records;
  const MetaSlots& slots = view->slots();
  for (uint64_t slot = 0; slot < 2; ++slot) {
    // Slot 1 lies one page in; the page size is the active meta's (or slot 0's guess).
    uint64_t offset = slot * view->page_size();
    MetaFields f = read_meta_fields(view->read_bytes(offset, kMinPageSize).data());
    uint32_t own_size = is_valid_page_size(f.page_size) ? f.page_size : view->page_size();
    PageBuf page = view->read_bytes(offset, own_size);
    Record r;
    r["slot"] = slot;
    r["state"] = slots.slot[slot].ok() ? "valid" : "invalid";
    r["active"] = slots.active == static_cast<int>(slot);
    if (!slots.slot[slot].ok()) r["error"] = slots.slot[slot].status().message();
    std::string magic;
    for (char c : f.magic) magic += (c >= 0x20 && c < 0x7f) ? c : '.';
    r["magic"] = magic;
    r["format_version"] = f.format_version;
    r["page_size"] = f.page_size;
    r["generation"] = f.generation;
    r["root"] = f.root;
    r["root_generation"] = f.root_generation;
    r["flags"] = f.flags;  // 1: one-sync commit, its pages verified at open
    r["retain_generations"] = f.retain_generations;
    r["freelist_head"] = f.freelist_head;
    r["page_count"] = f.page_count;
    r["commit_pages"] = f.commit_pages;
    r["page_no"] = f.page_no;
    r["type"] = f.type;
    r["stored_checksum"] = hex64(f.checksum);
    uint64_t computed = page_checksum(page.data(), own_size);
    r["computed_checksum"] = hex64(computed);
    r["checksum"] = computed == f.checksum ? "ok" : "mismatch";
    records.push_back(std::move(r));
  }
  return records;
}

std::vector<Record> view_pages(FileView* view) {
  std::vector<Record> records;
  std::map<uint64_t, std::set<std::string>> owners = tree_owners(view);
  uint64_t last = std::max(view->page_count(), view->file_pages());
  for (uint64_t page_no = 0; page_no < last; ++page_no) {
    PageBuf page = view->read(page_no);
    const PageUse* use = nullptr;
    Record r;
    r["page"] = page_no;
    r["type"] = header_type(page);
    r["state"] = page_state(*view, page_no, &use);
    if (use != nullptr && use->role == PageRole::kFree && use->retired_by != 0) {
      r["retired_by"] = use->retired_by;
    }
    if (use != nullptr && (use->role == PageRole::kBranch || use->role == PageRole::kLeaf)) {
      r["depth"] = use->depth;
      r["owner"] = owner_text(owners[page_no]);
    } else if (use != nullptr && use->role == PageRole::kOverflow) {
      r["owner"] = view->owner_of(use->key);
    } else if (use != nullptr && use->role == PageRole::kFreelist) {
      r["owner"] = "freelist";
    }
    r["generation"] = page_generation(page.data());
    bool ok = verify_page(page.data(), view->page_size(), page_no).is_ok();
    if (ok && use != nullptr) {
      PageType type = page_type(page.data());
      if ((type == PageType::kLeaf || type == PageType::kBranch) &&
          (use->role == PageRole::kLeaf || use->role == PageRole::kBranch)) {
        size_t cells = 0;
        r["fill"] = fixed2(tree_fill(page.data(), view->page_size(), &cells));
        r["cells"] = cells;
      } else if (type == PageType::kOverflow && use->role == PageRole::kOverflow) {
        r["fill"] = fixed2(static_cast<double>(page_aux(page.data())) /
                           static_cast<double>(view->page_size() - kOverflowHeaderSize));
      } else if (type == PageType::kFreelist && use->role == PageRole::kFreelist) {
        r["fill"] = fixed2(static_cast<double>(header_count(page.data()) * Freelist::kRunSize) /
                           static_cast<double>(view->page_size() - Freelist::kRunsOffset));
        r["cells"] = header_count(page.data());
      }
    }
    r["checksum"] = checksum_verdict(page, view->page_size(), page_no);
    records.push_back(std::move(r));
  }
  return records;
}

Result<std::vector<Record>> view_page(FileView* view, uint64_t page_no, bool json) {
  uint64_t last = std::max(view->page_count(), view->file_pages());
  if (page_no >= last) {
    return Status::invalid_argument("page " + std::to_string(page_no) + " is beyond the file (" +
                                    std::to_string(last) + " pages)");
  }
  std::vector<Record> records;
  PageBuf page = view->read(page_no);
  const uint8_t* p = page.data();
  const PageUse* use = nullptr;
  Record header;
  header["page"] = page_no;
  header["type"] = header_type(page);
  header["state"] = page_state(*view, page_no, &use);
  header["checksum"] = checksum_verdict(page, view->page_size(), page_no);
  header["stored_checksum"] = hex64(load_u64(p + kOffChecksum));
  header["computed_checksum"] = hex64(page_checksum(p, view->page_size()));
  header["page_no"] = page_no_of(p);
  header["generation"] = page_generation(p);
  header["flags"] = p[kOffFlags];
  header["count"] = header_count(p);
  header["aux"] = page_aux(p);
  if (use != nullptr && use->referrer != 0) header["referrer"] = use->referrer;
  records.push_back(std::move(header));

  PageType type = page_type(p);
  if (page_no < kFirstDataPage) {
    for (Record& r : view_meta(view)) {
      if (r["slot"] == page_no) {
        r.erase("slot");
        records.push_back(std::move(r));
      }
    }
  } else if (type == PageType::kLeaf || type == PageType::kBranch) {
    bool leaf = type == PageType::kLeaf;
    Record node_header;
    node_header["content_start"] = load_u32(p + node::kOffContentStart);
    node_header["garbage"] = load_u32(p + node::kOffGarbage);
    size_t cells = 0;
    node_header["fill"] = fixed2(tree_fill(p, view->page_size(), &cells));
    records.push_back(std::move(node_header));
    node::NodeAudit audit = node::audit(p, view->page_size());
    for (const std::string& problem : audit.problems)
      records.push_back(Record{{"problem", problem}});
    for (size_t i = 0; audit.cells_usable && i < audit.usable.size(); ++i) {
      Record cell;
      cell["cell"] = i;
      cell["offset"] = node::slot(p, i);
      if (!audit.usable[i]) {
        cell["usable"] = false;
        records.push_back(std::move(cell));
        continue;
      }
      std::string_view key = node::key(p, i);
      cell["key"] = printable_key(key);
      cell["decoded"] = key.empty() && !leaf ? "-inf" : view->describe_key(key);
      if (leaf) {
        node::LeafValue v = node::leaf_value(p, i);
        cell["value_bytes"] = v.length;
        if (v.overflow) {
          cell["overflow"] = v.overflow_page;
          cell["overflow_generation"] = v.overflow_generation;
        } else if (key.size() >= kObjectPrefixSize && key[0] == query::kTagRow) {
          Result<std::vector<Value>> row = codec::decode_row(v.inline_bytes);
          if (row.ok()) cell["row"] = values_field(*row, json);
        }
      } else {
        cell["child"] = node::child(p, i);
        cell["child_generation"] = node::child_generation(p, i);
      }
      records.push_back(std::move(cell));
    }
  } else if (type == PageType::kOverflow) {
    Record body;
    body["next"] = load_u64(p + kPageHeaderSize);
    body["bytes"] = page_aux(p);
    if (use != nullptr && use->role == PageRole::kOverflow) {
      body["value_of"] = view->describe_key(use->key);
    }
    records.push_back(std::move(body));
  } else if (type == PageType::kFreelist) {
    Record body;
    body["next"] = load_u64(p + kPageHeaderSize);
    body["runs"] = header_count(p);
    records.push_back(std::move(body));
    size_t n = std::min<size_t>(header_count(p), Freelist::runs_per_page(view->page_size()));
    for (size_t i = 0; i < n; ++i) {
      const uint8_t* q = p + Freelist::kRunsOffset + i * Freelist::kRunSize;
      records.push_back(Record{{"run", i},
                               {"first", load_u64(q)},
                               {"length", load_u32(q + 8)},
                               {"retired_by", load_u64(q + 12)}});
    }
  }
  for (const std::string& line : hex_dump(page)) records.push_back(Record{{"hex", line}});
  return records;
}

Result<std::vector<Record>> view_freelist(FileView* view) {
  if (!view->meta()) return Status::corruption("no valid meta slot: the freelist is unknown");
  std::vector<Record> records;
  std::vector<Record> entries;
  uint64_t free = 0, pending = 0, pages = 0;
  std::set<uint64_t> seen;
  for (uint64_t page_no = view->meta()->freelist_head; page_no != 0;) {
    if (!seen.insert(page_no).second || page_no >= view->page_count()) {
      entries.push_back(Record{
          {"problem", "the chain leaves the file or loops at page " + std::to_string(page_no)}});
      break;
    }
    ++pages;
    PageBuf page = view->read(page_no);
    const uint8_t* p = page.data();
    uint64_t next = load_u64(p + kPageHeaderSize);
    size_t n = std::min<size_t>(header_count(p), Freelist::runs_per_page(view->page_size()));
    entries.push_back(Record{{"freelist_page", page_no},
                             {"next", next},
                             {"runs", header_count(p)},
                             {"generation", page_generation(p)},
                             {"checksum", checksum_verdict(page, view->page_size(), page_no)}});
    if (page_type(p) != PageType::kFreelist) break;
    for (size_t i = 0; i < n; ++i) {
      const uint8_t* q = p + Freelist::kRunsOffset + i * Freelist::kRunSize;
      uint64_t retired_by = load_u64(q + 12);
      uint32_t length = load_u32(q + 8);
      (retired_by == 0 ? free : pending) += length;
      Record run{{"run", i},
                 {"first", load_u64(q)},
                 {"length", length},
                 {"state", retired_by == 0 ? "free" : "pending"}};
      if (retired_by != 0) run["retired_by"] = retired_by;
      entries.push_back(std::move(run));
    }
    page_no = next;
  }
  records.push_back(Record{{"head", view->meta()->freelist_head},
                           {"pages", pages},
                           {"free", free},
                           {"pending", pending}});
  records.insert(records.end(), entries.begin(), entries.end());
  return records;
}

// Pending pages (in [first, last] of retiring commits) as the checker mapped them.
uint64_t pending_retired_after(const CheckReport& check, uint64_t generation) {
  uint64_t n = 0;
  for (const auto& [page_no, use] : check.pages) {
    n += use.role == PageRole::kFree && use.retired_by > generation;
  }
  return n;
}

Result<std::vector<Record>> view_generations(FileView* view) {
  if (!view->meta()) return Status::corruption("no valid meta slot: no generation is readable");
  const Meta& meta = *view->meta();
  const CheckReport& check = view->check();
  std::vector<Record> records;
  records.push_back(Record{{"generation", meta.generation},
                           {"retain_generations", meta.retain_generations},
                           {"retained", check.retained.size()},
                           {"retained_pages", pending_retired_after(
                                                  check, meta.generation -
                                                             std::min<uint64_t>(
                                                                 meta.generation,
                                                                 meta.retain_generations))}});
  for (const RetainedGeneration& g : check.retained) {
    records.push_back(Record{{"generation", g.generation},
                             {"state", "retained"},
                             {"root", g.root},
                             {"root_generation", g.root_generation},
                             {"page_count", g.page_count},
                             {"pages_retired_since", pending_retired_after(check, g.generation)}});
  }
  records.push_back(Record{{"generation", meta.generation},
                           {"state", "current"},
                           {"root", meta.root},
                           {"root_generation", meta.root_generation},
                           {"page_count", meta.page_count},
                           {"pages_retired_since", uint64_t{0}}});
  return records;
}

Result<std::vector<Record>> view_tree(FileView* view) {
  if (!view->meta()) return Status::corruption("no valid meta slot: the tree is unknown");
  const CheckReport& check = view->check();
  std::vector<Record> records;
  records.push_back(Record{{"root", view->meta()->root},
                           {"depth", check.depth},
                           {"branch_pages", check.branch_pages},
                           {"leaf_pages", check.leaf_pages},
                           {"keys", check.keys}});
  std::map<uint64_t, std::set<std::string>> owners = tree_owners(view);
  std::vector<std::tuple<uint32_t, uint64_t, uint64_t>> pages;  // depth, sequence, page
  for (const auto& [page_no, use] : check.pages) {
    if (use.role == PageRole::kLeaf || use.role == PageRole::kBranch) {
      pages.emplace_back(use.depth, use.sequence, page_no);
    }
  }
  std::sort(pages.begin(), pages.end());
  for (const auto& [depth, sequence, page_no] : pages) {
    Record r;
    r["level"] = depth;
    r["page"] = page_no;
    const PageUse& use = check.pages.at(page_no);
    r["type"] = use.role == PageRole::kLeaf ? "leaf" : "branch";
    r["parent"] = use.referrer;
    std::optional<PageBuf> page = view->verified(page_no);
    if (page) {
      size_t cells = 0;
      r["fill"] = fixed2(tree_fill(page->data(), view->page_size(), &cells));
      r[use.role == PageRole::kLeaf ? "keys" : "children"] = cells;
      r["owner"] = owner_text(owners[page_no]);
      node::NodeAudit audit = node::audit(page->data(), view->page_size());
      size_t first = use.role == PageRole::kLeaf ? 0 : 1;
      if (audit.cells_usable && audit.usable.size() > first && audit.usable[first] &&
          audit.usable.back()) {
        r["first_key"] = printable_key(node::key(page->data(), first));
        r["last_key"] = printable_key(node::key(page->data(), audit.usable.size() - 1));
      }
    } else {
      r["checksum"] = "bad";
    }
    records.push_back(std::move(r));
  }
  return records;
}

std::vector<Record> view_schema(FileView* view) {
  std::map<std::string, uint64_t> keys;  // owner -> keys
  view->for_each_leaf_cell(
      [&](uint64_t, const uint8_t* leaf, size_t i) { ++keys[view->owner_of(node::key(leaf, i))]; });
  std::vector<Record> records;
  Record head;
  if (auto n = view->next_prefix()) head["next_prefix"] = *n;
  if (auto n = view->next_collection_id()) head["next_collection_id"] = *n;
  records.push_back(std::move(head));
  for (const auto& [id, name] : view->collections()) {
    std::string owner = name == "__schema" ? "catalog" : "collection:" + name;
    records.push_back(
        Record{{"type", "collection"}, {"name", name}, {"id", id}, {"keys", keys[owner]}});
  }
  std::vector<FileView::CatalogEntry> entries = view->catalog();
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.prefix < b.prefix; });
  for (const FileView::CatalogEntry& e : entries) {
    Record r{{"type", e.type}, {"name", e.name}};
    if (e.type != "table") r["table"] = e.table;
    r["prefix"] = e.prefix;
    if (e.type == "table" || e.type == "index") r["keys"] = keys[e.type + ":" + e.name];
    r["sql"] = e.sql.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(e.sql);
    records.push_back(std::move(r));
  }
  return records;
}

// table T and index I: through the database, which knows the schema.
Result<std::vector<Record>> view_object(vfs::Vfs* vfs, const std::string& path,
                                        const InspectRequest& request) {
  query::DatabaseOptions options;
  options.store.create_if_missing = false;
  STRATA_ASSIGN(std::unique_ptr<query::Database> db, query::Database::open(vfs, path, options));
  STRATA_ASSIGN(std::unique_ptr<ReadTx> tx, db->store()->begin_read());
  const query::Catalog& catalog = db->catalog();
  std::vector<Record> records;
  if (request.view == InspectView::kTable) {
    const query::TableDef* table = catalog.table(request.name);
    if (table == nullptr) return Status::invalid_argument("no such table: " + request.name);
    RangeScan scan(tx->cursor(), query::row_prefix(table->prefix), KeyRange::all(),
                   Direction::kForward);
    STRATA_TRY(scan.start());
    while (scan.valid()) {
      std::string_view suffix = scan.key();
      Record r;
      if (suffix.size() == codec::kRowidSize) {
        std::string_view rowid_bytes = suffix;
        r["rowid"] = codec::decode_rowid(&rowid_bytes).value();
      } else {
        r["key"] = printable_key(suffix);
      }
      r["page"] = scan.cursor().page_no();
      STRATA_ASSIGN(std::string bytes, scan.value());
      Result<std::vector<Value>> row = codec::decode_row(bytes);
      if (!row.ok()) {
        r["error"] = row.status().to_string();
      } else {
        for (size_t i = 0; i < row->size(); ++i) {
          std::string name =
              i < table->columns.size() ? table->columns[i].name : "column" + std::to_string(i);
          bool rowid_column = static_cast<int>(i) == table->rowid_column;
          r[name] = rowid_column ? r["rowid"] : value_field((*row)[i], request.json);
        }
      }
      records.push_back(std::move(r));
      STRATA_TRY(scan.next());
    }
    return records;
  }
  const query::IndexDef* index = catalog.index(request.name);
  if (index == nullptr) return Status::invalid_argument("no such index: " + request.name);
  RangeScan scan(tx->cursor(), query::index_prefix(index->prefix), KeyRange::all(),
                 Direction::kForward);
  STRATA_TRY(scan.start());
  while (scan.valid()) {
    std::string_view rest = scan.key();
    Record r;
    r["page"] = scan.cursor().page_no();
    std::vector<Value> values;
    bool decoded = true;
    for (size_t i = 0; i < index->columns.size() && decoded; ++i) {
      Result<Value> v = codec::decode_key(&rest);
      decoded = v.ok();
      if (decoded) values.push_back(std::move(v).value());
    }
    if (decoded && rest.size() == codec::kRowidSize) {
      r["values"] = values_field(values, request.json);
      r["rowid"] = codec::decode_rowid(&rest).value();
    } else {
      r["error"] = "entry does not decode";
    }
    r["key"] = printable_key(scan.cursor().key());
    records.push_back(std::move(r));
    STRATA_TRY(scan.next());
  }
  return records;
}

}  // namespace

Result<std::vector<Record>> inspect(vfs::Vfs* vfs, const std::string& path,
                                    const InspectRequest& request) {
  if (request.view == InspectView::kTable || request.view == InspectView::kIndex) {
    STRATA_ASSIGN(bool exists, vfs->exists(path));
    if (!exists) return Status::not_found("database " + path + " does not exist");
    return view_object(vfs, path, request);
  }
  STRATA_ASSIGN(std::unique_ptr<FileView> view, FileView::open(vfs, path));
  switch (request.view) {
    case InspectView::kMeta:
      return view_meta(view.get());
    case InspectView::kPages:
      return view_pages(view.get());
    case InspectView::kPage:
      return view_page(view.get(), request.page_no, request.json);
    case InspectView::kFreelist:
      return view_freelist(view.get());
    case InspectView::kTree:
      return view_tree(view.get());
    case InspectView::kGenerations:
      return view_generations(view.get());
    case InspectView::kSchema:
      return view_schema(view.get());
    case InspectView::kTable:
    case InspectView::kIndex:
      break;
  }
  return Status::internal("unknown inspect view");
}

Result<Record> database_stats(vfs::Vfs* vfs, const std::string& path) {
  STRATA_ASSIGN(std::unique_ptr<FileView> view, FileView::open(vfs, path));
  Record r;
  r["file_size"] = view->file_size();
  r["page_size"] = view->page_size();
  r["file_pages"] = view->file_pages();
  if (!view->meta()) {
    r["error"] = "no valid meta slot";
    return r;
  }
  const CheckReport& check = view->check();
  uint64_t leaked = 0;
  for (uint64_t p = kFirstDataPage; p < view->page_count(); ++p) leaked += !check.pages.count(p);
  r["generation"] = view->meta()->generation;
  r["page_count"] = view->page_count();
  r["meta_pages"] = kFirstDataPage;
  r["branch_pages"] = check.branch_pages;
  r["leaf_pages"] = check.leaf_pages;
  r["overflow_pages"] = check.overflow_pages;
  r["freelist_pages"] = check.freelist_pages;
  r["free_pages"] = check.free_pages - check.pending_pages;
  r["pending_pages"] = check.pending_pages;
  // Of the pending pages, those kept so that retained generations stay readable (time
  // travel); the rest are released by the next write.
  const Meta& meta = *view->meta();
  r["retain_generations"] = meta.retain_generations;
  r["retained_generations"] = check.retained.size();
  r["retained_pages"] = pending_retired_after(
      check, meta.generation - std::min<uint64_t>(meta.generation, meta.retain_generations));
  r["leaked_pages"] = leaked;
  r["depth"] = check.depth;
  r["keys"] = check.keys;
  uint64_t tree_pages = check.branch_pages + check.leaf_pages;
  r["fill_factor"] =
      tree_pages == 0
          ? "0.00"
          : fixed2(static_cast<double>(check.used_bytes) /
                   static_cast<double>(tree_pages * node::usable_space(view->page_size())));
  uint64_t tables = 0, indexes = 0;
  for (const auto& e : view->catalog()) {
    tables += e.type == "table";
    indexes += e.type == "index";
  }
  r["tables"] = tables;
  r["indexes"] = indexes;
  r["storage_violations"] = check.issues.size();
  return r;
}

Result<std::string> check_report(vfs::Vfs* vfs, const std::string& path, bool json, bool* clean) {
  STRATA_ASSIGN(CheckReport report, query::check_database_file(vfs, path));
  *clean = report.ok();
  if (!json) return report.to_string();
  nlohmann::ordered_json out;
  out["ok"] = report.ok();
  out["generation"] = report.generation;
  out["page_size"] = report.page_size;
  out["page_count"] = report.page_count;
  out["depth"] = report.depth;
  out["keys"] = report.keys;
  out["violations"] = nlohmann::ordered_json::array();
  for (const CheckIssue& issue : report.issues) {
    nlohmann::ordered_json v;
    v["page"] = issue.page_no;
    if (!issue.key.empty()) v["key"] = issue.key;
    v["message"] = issue.message;
    out["violations"].push_back(std::move(v));
  }
  out["notes"] = report.notes;
  return out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace strata::cli
