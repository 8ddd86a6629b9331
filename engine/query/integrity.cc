#include "engine/query/integrity.h"

#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "engine/codec/key_codec.h"
#include "engine/codec/row_format.h"
#include "engine/collection.h"
#include "engine/range_scan.h"

namespace strata::query {

namespace {

constexpr size_t kObjectPrefixSize = 5;  // tag + 4-byte big-endian id or prefix
const std::string kNextCollectionIdKey = std::string(1, kTagCollectionMeta) + "next_collection_id";
const std::string kSchemaCollection = "__schema";
const std::string kNextPrefixKey = std::string(1, '\0') + "next_prefix";

uint32_t be32(std::string_view bytes) {
  uint32_t v = 0;
  for (char c : bytes.substr(0, 4)) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

std::string describe(const std::vector<Value>& values) {
  std::string out = "(";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + values[i].debug_string();
  return out + ")";
}

// SQL equality as UNIQUE sees it: 3 and 3.0 are the same value.
Value canonical(const Value& v) {
  if (v.type() != ValueType::kReal) return v;
  double r = v.as_real();
  if (r >= -9223372036854775808.0 && r < 9223372036854775808.0 && r == std::trunc(r)) {
    return Value::integer(static_cast<int64_t>(r));
  }
  return v;
}

// The smallest key above every key of the object (or tag) that `key` belongs to.
std::string past_object(std::string_view key) {
  if (key.empty()) return std::string(1, '\x01');
  uint8_t tag = static_cast<uint8_t>(key[0]);
  bool prefixed = tag == static_cast<uint8_t>(kTagCollectionData) ||
                  tag == static_cast<uint8_t>(kTagRow) || tag == static_cast<uint8_t>(kTagIndex);
  if (prefixed && key.size() >= kObjectPrefixSize) {
    return prefix_successor(key.substr(0, kObjectPrefixSize));
  }
  return prefix_successor(key.substr(0, 1));
}

class SqlChecker {
 public:
  SqlChecker(Tx* tx, CheckReport* report) : tx_(tx), report_(report) {}

  void run() {
    Result<Catalog> catalog = Catalog::load(tx_);
    if (!catalog.ok()) {
      // Without the catalog, rows and index entries cannot be told from orphans: only the
      // collections are checked.
      issue(0, "", "the catalog does not load: " + catalog.status().to_string());
      catalog_loaded_ = false;
    } else {
      catalog_ = std::move(catalog).value();
      check_catalog();
    }
    scan();
    report_orphans();
    report_->notes.push_back("sql layer: " + std::to_string(tables_.size()) + " tables, " +
                             std::to_string(indexes_.size()) + " indexes, " +
                             std::to_string(rows_) + " rows, " + std::to_string(entries_) +
                             " index entries checked");
  }

 private:
  void issue(uint64_t page_no, std::string_view key, std::string message) {
    report_->issues.push_back(
        {page_no, key.empty() ? std::string() : printable_key(key), std::move(message)});
  }

  // The leaf page holding `key` (0 if it cannot be found), for issues about catalog entries.
  uint64_t page_of(std::string_view key) {
    Cursor c = tx_->cursor();
    if (!c.seek(key).is_ok() || !c.valid() || c.key() != key) return 0;
    return c.page_no();
  }

  std::string schema_key(std::string_view name) const {
    std::string k(1, kTagCollectionData);
    for (int i = 0; i < 4; ++i) k += static_cast<char>((schema_id_ >> (24 - 8 * i)) & 0xff);
    k += name;
    return k;
  }

  void catalog_issue(std::string_view object, std::string message) {
    std::string key = schema_key(lower(object));
    issue(page_of(key), key, std::move(message));
  }

  void check_catalog() {
    Result<std::optional<std::string>> id =
        tx_->get(std::string(1, kTagCollectionCatalog) + kSchemaCollection);
    if (id.ok() && *id && (*id)->size() == 4) schema_id_ = be32(**id);

    std::optional<int64_t> next_prefix;
    Result<Collection> schema = Collection::open(tx_, kSchemaCollection);
    if (schema.ok()) {
      Result<std::optional<std::string>> next = schema->get(kNextPrefixKey);
      if (next.ok() && *next) {
        Result<std::vector<Value>> row = codec::decode_row(**next);
        if (row.ok() && row->size() == 1 && (*row)[0].type() == ValueType::kInteger) {
          next_prefix = (*row)[0].as_integer();
        } else {
          std::string key = schema_key(kNextPrefixKey);
          issue(page_of(key), key, "catalog: the next prefix is malformed");
        }
      }
    }

    // Every object's prefix, for uniqueness across tables and indexes (one sequence).
    std::map<uint32_t, std::string> owners;
    auto check_prefix = [&](const std::string& kind, const std::string& name, uint32_t prefix) {
      std::string what = kind + " " + name;
      if (prefix == 0) catalog_issue(name, "catalog: " + what + " has no prefix (0)");
      if (!next_prefix || prefix >= *next_prefix) {
        catalog_issue(name, "catalog: " + what + " has prefix " + std::to_string(prefix) +
                                ", not below the next prefix " +
                                (next_prefix ? std::to_string(*next_prefix) : "(none stored)"));
      }
      auto [it, inserted] = owners.emplace(prefix, what);
      if (!inserted) {
        catalog_issue(name, "catalog: " + what + " has prefix " + std::to_string(prefix) +
                                ", which " + it->second + " also has");
      }
    };
    for (const TableDef* table : catalog_.tables()) {
      check_prefix("table", table->name, table->prefix);
      tables_[table->prefix] = table;
    }
    for (const IndexDef* index : catalog_.all_indexes()) {
      check_prefix("index", index->name, index->prefix);
      const TableDef* table = catalog_.table(index->table);
      if (table == nullptr) {
        catalog_issue(index->name,
                      "catalog: index " + index->name + " names missing table " + index->table);
        continue;
      }
      bool columns_ok = true;
      for (int column : index->columns) {
        columns_ok =
            columns_ok && column >= 0 && static_cast<size_t>(column) < table->columns.size();
      }
      if (!columns_ok) {
        catalog_issue(index->name, "catalog: index " + index->name + " names a column " +
                                       table->name + " lacks");
        continue;
      }
      indexes_[index->prefix] = index;
    }
  }

  // Walks every key once. A key range it cannot read is reported once and skipped: the scan
  // resumes at the next object; a failure that repeats without any key read in between
  // (a damaged root or branch) is not reported again, and after many it gives up.
  void scan() {
    Cursor c = tx_->cursor();
    Status s = c.first();
    std::string last;  // the last key visited, or where the scan resumed
    std::string repeated;
    int streak = 0;
    while (true) {
      if (!s.is_ok()) {
        std::string target = past_object(last);
        if (s.to_string() != repeated) {
          repeated = s.to_string();
          issue(0, last,
                std::string("the SQL check cannot read the keys ") +
                    (last.empty() ? "from the first" : "after this one") + " (" + repeated +
                    "); it resumes at " + (target.empty() ? "the end" : printable_key(target)));
        }
        if (target.empty()) return;
        if (++streak > 64) {
          issue(0, "", "the SQL check gives up: every key range it tries fails (" + repeated + ")");
          return;
        }
        last = target;
        s = c.seek(target);
        continue;
      }
      if (!c.valid()) return;
      streak = 0;
      repeated.clear();
      last.assign(c.key());
      visit(c);
      s = c.next();
    }
  }

  void visit(const Cursor& c) {
    std::string_view key = c.key();
    char tag = key.empty() ? '\xff' : key[0];
    if (tag == kTagCollectionMeta) {
      visit_collection_meta(c);
    } else if (tag == kTagCollectionCatalog) {
      visit_collection(c);
    } else if (tag == kTagCollectionData) {
      uint32_t id = key.size() >= kObjectPrefixSize ? be32(key.substr(1)) : 0;
      if (key.size() < kObjectPrefixSize || !collection_ids_.count(id)) {
        orphan(c, "keys of collection id " + std::to_string(id) + ", which does not exist");
      }
    } else if (tag == kTagGenerationHistory) {
      // Time travel's records of retained generations: the storage check validates them.
    } else if (tag == kTagRow) {
      visit_row(c);
    } else if (tag == kTagIndex) {
      visit_index_entry(c);
    } else {
      issue(c.page_no(), key, "key with unknown tag " + std::to_string(static_cast<uint8_t>(tag)));
    }
  }

  void visit_collection_meta(const Cursor& c) {
    if (c.key() != kNextCollectionIdKey) {
      issue(c.page_no(), c.key(), "unknown collection meta key");
      return;
    }
    Result<std::string> value = c.value();
    if (!value.ok() || value->size() != 4) {
      issue(c.page_no(), c.key(), "the next collection id is malformed");
      return;
    }
    next_collection_id_ = be32(*value);
  }

  void visit_collection(const Cursor& c) {
    std::string name(c.key().substr(1));
    Result<std::string> value = c.value();
    if (!value.ok() || value->size() != 4) {
      issue(c.page_no(), c.key(), "collection " + name + ": malformed id");
      return;
    }
    uint32_t id = be32(*value);
    if (!next_collection_id_ || id >= *next_collection_id_) {
      issue(c.page_no(), c.key(),
            "collection " + name + " has id " + std::to_string(id) +
                ", not below the next collection id " +
                (next_collection_id_ ? std::to_string(*next_collection_id_) : "(none stored)"));
    }
    auto [it, inserted] = collection_ids_.emplace(id, name);
    if (!inserted) {
      issue(c.page_no(), c.key(),
            "collection " + name + " has id " + std::to_string(id) + ", which collection " +
                it->second + " also has");
    }
  }

  // A key under a prefix no object owns: counted, reported once per prefix.
  void orphan(const Cursor& c, std::string what) {
    std::string prefix(c.key().substr(0, kObjectPrefixSize));
    auto [it, inserted] = orphans_.try_emplace(prefix);
    if (inserted) {
      it->second.page_no = c.page_no();
      it->second.first_key = std::string(c.key());
      it->second.what = std::move(what);
    }
    ++it->second.count;
  }

  void report_orphans() {
    for (const auto& [prefix, o] : orphans_) {
      if (!catalog_loaded_ && (prefix[0] == kTagRow || prefix[0] == kTagIndex)) continue;
      issue(o.page_no, o.first_key, std::to_string(o.count) + " " + o.what);
    }
  }

  // The table row at the cursor (nullopt, with an issue, when it is damaged).
  std::optional<std::vector<Value>> decode_row_at(const TableDef& table, int64_t rowid,
                                                  uint64_t page_no, std::string_view key,
                                                  std::string_view bytes) {
    std::string what = "row " + std::to_string(rowid) + " of table " + table.name;
    Result<std::vector<Value>> values = codec::decode_row(bytes);
    if (!values.ok()) {
      issue(page_no, key, what + " does not decode: " + values.status().message());
      return std::nullopt;
    }
    if (values->size() != table.columns.size()) {
      issue(page_no, key,
            what + " has " + std::to_string(values->size()) + " columns, the table " +
                std::to_string(table.columns.size()));
      return std::nullopt;
    }
    if (table.rowid_column >= 0) (*values)[table.rowid_column] = Value::integer(rowid);
    return std::move(values).value();
  }

  std::string index_columns_key(const IndexDef& index, const std::vector<Value>& row) {
    std::string out;
    for (int column : index.columns) codec::encode_key(row[static_cast<size_t>(column)], &out);
    return out;
  }

  void visit_row(const Cursor& c) {
    std::string_view key = c.key();
    uint32_t prefix = key.size() >= kObjectPrefixSize ? be32(key.substr(1)) : 0;
    auto table_it = tables_.find(prefix);
    if (key.size() < kObjectPrefixSize || table_it == tables_.end()) {
      orphan(c, "rows under prefix " + std::to_string(prefix) + ", which no table has");
      return;
    }
    const TableDef& table = *table_it->second;
    ++rows_;
    std::string_view suffix = key.substr(kObjectPrefixSize);
    if (suffix.size() != codec::kRowidSize) {
      issue(c.page_no(), key,
            "row key of table " + table.name + " holds " + std::to_string(suffix.size()) +
                " bytes after the prefix, not a rowid");
      return;
    }
    int64_t rowid = codec::decode_rowid(&suffix).value();
    Result<std::string> bytes = c.value();
    if (!bytes.ok()) {
      issue(c.page_no(), key,
            "row " + std::to_string(rowid) + " of table " + table.name +
                " cannot be read: " + bytes.status().to_string());
      return;
    }
    std::optional<std::vector<Value>> row = decode_row_at(table, rowid, c.page_no(), key, *bytes);
    if (!row) return;
    for (size_t i = 0; i < table.columns.size(); ++i) {
      if (table.columns[i].not_null && (*row)[i].is_null()) {
        issue(c.page_no(), key,
              "row " + std::to_string(rowid) + " of table " + table.name + ": NOT NULL column " +
                  table.columns[i].name + " holds NULL");
      }
    }
    for (const IndexDef* index : catalog_.indexes_of(table)) {
      if (!indexes_.count(index->prefix)) continue;  // a catalog issue already names it
      std::string entry = index_prefix(index->prefix) + index_columns_key(*index, *row);
      codec::encode_rowid(rowid, &entry);
      Result<std::optional<std::string>> found = tx_->get(entry);
      if (!found.ok()) {
        issue(c.page_no(), key,
              "row " + std::to_string(rowid) + " of table " + table.name + ": index " +
                  index->name + " cannot be read: " + found.status().to_string());
      } else if (!*found) {
        issue(c.page_no(), key,
              "row " + std::to_string(rowid) + " of table " + table.name +
                  " has no entry in index " + index->name + " (expected key " +
                  printable_key(entry) + ")");
      }
    }
  }

  void visit_index_entry(const Cursor& c) {
    std::string_view key = c.key();
    uint32_t prefix = key.size() >= kObjectPrefixSize ? be32(key.substr(1)) : 0;
    auto index_it = indexes_.find(prefix);
    if (key.size() < kObjectPrefixSize || index_it == indexes_.end()) {
      orphan(c, "index entries under prefix " + std::to_string(prefix) + ", which no index has");
      return;
    }
    const IndexDef& index = *index_it->second;
    const TableDef& table = *catalog_.table(index.table);
    ++entries_;
    std::string where = "entry of index " + index.name;
    std::string_view rest = key.substr(kObjectPrefixSize);
    std::vector<Value> values;
    for (size_t i = 0; i < index.columns.size(); ++i) {
      Result<Value> v = codec::decode_key(&rest);
      if (!v.ok()) {
        issue(c.page_no(), key, where + " does not decode: " + v.status().message());
        return;
      }
      values.push_back(std::move(v).value());
    }
    size_t columns_size = key.size() - kObjectPrefixSize - rest.size();
    if (rest.size() != codec::kRowidSize) {
      issue(
          c.page_no(), key,
          where + " holds " + std::to_string(rest.size()) + " bytes after its values, not a rowid");
      return;
    }
    int64_t rowid = codec::decode_rowid(&rest).value();
    where += " " + describe(values) + " -> rowid " + std::to_string(rowid);
    if (c.value_size() != 0) issue(c.page_no(), key, where + ": has a value (entries have none)");

    std::string row_key = row_prefix(table.prefix);
    codec::encode_rowid(rowid, &row_key);
    Result<std::optional<std::string>> bytes = tx_->get(row_key);
    if (!bytes.ok()) {
      issue(c.page_no(), key, where + ": the row cannot be read: " + bytes.status().to_string());
    } else if (!*bytes) {
      issue(c.page_no(), key, where + ": no such row in table " + table.name);
    } else {
      uint64_t row_page = page_of(row_key);
      std::optional<std::vector<Value>> row =
          decode_row_at(table, rowid, row_page, row_key, **bytes);
      if (row && index_columns_key(index, *row) != key.substr(kObjectPrefixSize, columns_size)) {
        std::vector<Value> stored;
        for (int column : index.columns) stored.push_back((*row)[static_cast<size_t>(column)]);
        issue(c.page_no(), key,
              where + ": the row holds " + describe(stored) + " in the indexed columns");
      }
    }

    if (index.unique) {
      std::string canonical_key;
      bool has_null = false;
      for (const Value& v : values) {
        has_null = has_null || v.is_null();
        codec::encode_key(canonical(v), &canonical_key);
      }
      if (!has_null) {
        auto [it, inserted] = unique_[prefix].try_emplace(canonical_key, rowid);
        if (!inserted) {
          issue(c.page_no(), key,
                "UNIQUE index " + index.name + " holds " + describe(values) + " for rowids " +
                    std::to_string(it->second) + " and " + std::to_string(rowid));
        }
      }
    }
  }

  struct Orphans {
    uint64_t page_no = 0;
    std::string first_key;
    std::string what;
    uint64_t count = 0;
  };

  Tx* tx_;
  CheckReport* report_;
  Catalog catalog_;
  bool catalog_loaded_ = true;
  uint32_t schema_id_ = 0;
  std::map<uint32_t, const TableDef*> tables_;   // by prefix
  std::map<uint32_t, const IndexDef*> indexes_;  // by prefix
  std::optional<uint32_t> next_collection_id_;
  std::map<uint32_t, std::string> collection_ids_;
  std::map<std::string, Orphans> orphans_;  // by 5-byte key prefix
  std::map<uint32_t, std::unordered_map<std::string, int64_t>> unique_;
  uint64_t rows_ = 0;
  uint64_t entries_ = 0;
};

}  // namespace

void check_sql_layer(Tx* tx, CheckReport* report) { SqlChecker(tx, report).run(); }

Result<CheckReport> check_database(Database* db) {
  STRATA_ASSIGN(CheckReport report, check_store(db->store()));
  STRATA_ASSIGN(std::unique_ptr<ReadTx> tx, db->store()->begin_read());
  check_sql_layer(tx.get(), &report);
  return report;
}

Result<CheckReport> check_database_file(vfs::Vfs* vfs, const std::string& path,
                                        const CheckOptions& options) {
  STRATA_ASSIGN(bool exists, vfs->exists(path));
  if (!exists) return Status::not_found("database " + path + " does not exist");
  StoreOptions store_options;
  store_options.create_if_missing = false;
  Result<std::unique_ptr<Store>> store = Store::open(vfs, path, store_options);
  if (!store.ok() && store.status().is(StatusCode::kBusy)) return store.status();
  vfs::OpenOptions read_only;
  read_only.read_only = true;
  STRATA_ASSIGN(std::unique_ptr<vfs::File> file, vfs->open(path, read_only));
  // A writer in another handle or process would change the file under the raw check: hold
  // the write lock's byte shared meanwhile (writers get "database is locked").
  Status locked = file->lock(Store::kWriteLockOffset, 1, vfs::LockMode::kShared);
  if (locked.is(StatusCode::kBusy)) {
    return Status::busy("database " + path + " is locked: another process is writing");
  }
  STRATA_TRY(locked);
  STRATA_ASSIGN(CheckReport report, check_file(file.get(), options));
  if (!store.ok()) {
    report.issues.push_back({0, "", "the database does not open: " + store.status().to_string()});
    return report;
  }
  STRATA_ASSIGN(std::unique_ptr<ReadTx> tx, (*store)->begin_read());
  check_sql_layer(tx.get(), &report);
  return report;
}

}  // namespace strata::query
