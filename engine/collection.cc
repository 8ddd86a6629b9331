#include "engine/collection.h"

namespace strata {

namespace {
std::string catalog_key(std::string_view name) {
  std::string k(1, kTagCollectionCatalog);
  k += name;
  return k;
}
std::string u32_be(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
  return s;
}
Result<uint32_t> parse_u32_be(std::string_view s, std::string_view what) {
  if (s.size() != 4) return Status::corruption(std::string(what) + ": bad collection id");
  uint32_t v = 0;
  for (char c : s) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}
const std::string kNextIdKey = std::string(1, kTagCollectionMeta) + "next_collection_id";

Status check_name(std::string_view name) {
  if (name.empty()) return Status::invalid_argument("collection name is empty");
  if (name.size() > 255) return Status::invalid_argument("collection name longer than 255 bytes");
  return Status::ok();
}
}  // namespace

Collection::Collection(Tx* tx, WriteTx* wtx, uint32_t id, std::string name)
    : tx_(tx), wtx_(wtx), id_(id), name_(std::move(name)) {
  prefix_ = std::string(1, kTagCollectionData) + u32_be(id);
}

Result<Collection> Collection::create(WriteTx* tx, std::string_view name) {
  STRATA_TRY(check_name(name));
  STRATA_ASSIGN(std::optional<std::string> existing, tx->get(catalog_key(name)));
  if (existing) return Status::invalid_argument("collection " + std::string(name) + " already exists");
  STRATA_ASSIGN(std::optional<std::string> next, tx->get(kNextIdKey));
  uint32_t id = 1;
  if (next) {
    STRATA_ASSIGN(id, parse_u32_be(*next, "next collection id"));
  }
  STRATA_TRY(tx->put(kNextIdKey, u32_be(id + 1)));
  STRATA_TRY(tx->put(catalog_key(name), u32_be(id)));
  return Collection(tx, tx, id, std::string(name));
}

Result<Collection> Collection::open(Tx* tx, std::string_view name) {
  STRATA_TRY(check_name(name));
  STRATA_ASSIGN(std::optional<std::string> id_bytes, tx->get(catalog_key(name)));
  if (!id_bytes) return Status::not_found("collection " + std::string(name) + " does not exist");
  STRATA_ASSIGN(uint32_t id, parse_u32_be(*id_bytes, "collection " + std::string(name)));
  return Collection(tx, nullptr, id, std::string(name));
}

Result<Collection> Collection::open(WriteTx* tx, std::string_view name) {
  STRATA_ASSIGN(Collection c, open(static_cast<Tx*>(tx), name));
  c.wtx_ = tx;
  return c;
}

Status Collection::drop(WriteTx* tx, std::string_view name) {
  STRATA_ASSIGN(Collection c, open(tx, name));
  // Delete every key: walk with a cursor that re-seeks after each delete.
  RangeScan scan = c.scan();
  STRATA_TRY(scan.start());
  while (scan.valid()) {
    std::string key(scan.key());
    STRATA_TRY(c.del(key).status_or_ok());
    STRATA_TRY(scan.next());
  }
  STRATA_TRY(tx->del(catalog_key(name)).status_or_ok());
  return Status::ok();
}

Result<std::vector<std::string>> Collection::list(Tx* tx) {
  std::vector<std::string> names;
  RangeScan scan(tx->cursor(), std::string(1, kTagCollectionCatalog), KeyRange::all(),
                 Direction::kForward);
  STRATA_TRY(scan.start());
  while (scan.valid()) {
    names.emplace_back(scan.key());
    STRATA_TRY(scan.next());
  }
  return names;
}

Result<std::optional<std::string>> Collection::get(std::string_view key) {
  return tx_->get(data_key(key));
}

Status Collection::put(std::string_view key, std::string_view value) {
  if (wtx_ == nullptr) return Status::read_only("collection opened in a read transaction");
  if (key.size() > max_key_size(tx_->page_size())) {
    return Status::invalid_argument("key of " + std::to_string(key.size()) +
                                    " bytes exceeds the collection maximum of " +
                                    std::to_string(max_key_size(tx_->page_size())));
  }
  return wtx_->put(data_key(key), value);
}

Result<bool> Collection::del(std::string_view key) {
  if (wtx_ == nullptr) return Status::read_only("collection opened in a read transaction");
  return wtx_->del(data_key(key));
}

RangeScan Collection::scan(KeyRange range, Direction direction) {
  return RangeScan(tx_->cursor(), prefix_, std::move(range), direction);
}

Result<uint64_t> Collection::count() {
  RangeScan s = scan();
  STRATA_TRY(s.start());
  uint64_t n = 0;
  while (s.valid()) {
    ++n;
    STRATA_TRY(s.next());
  }
  return n;
}

}  // namespace strata
