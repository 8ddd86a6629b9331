#include "engine/exec/affinity.h"

#include "engine/exec/value_ops.h"

namespace strata::exec {

namespace {

constexpr uint32_t tag(const char (&word)[5]) {
  return (uint32_t{static_cast<unsigned char>(word[0])} << 24) |
         (uint32_t{static_cast<unsigned char>(word[1])} << 16) |
         (uint32_t{static_cast<unsigned char>(word[2])} << 8) |
         uint32_t{static_cast<unsigned char>(word[3])};
}

// SQLite scans the name once, keeping its last four (lower-cased) bytes; a
// word counts when those bytes spell it, so "VARCHAR", "CHARACTER" and
// "BIGINT" all match. "INT" ends the scan at once. The name ends at a NUL.
Affinity scan_type_name(std::string_view name) {
  uint32_t last4 = 0;
  Affinity affinity = Affinity::kNumeric;
  for (char ch : name) {
    if (ch == '\0') break;
    unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c + ('a' - 'A'));
    last4 = (last4 << 8) + c;
    if (last4 == tag("char") || last4 == tag("clob") || last4 == tag("text")) {
      affinity = Affinity::kText;
    } else if (last4 == tag("blob")) {
      if (affinity == Affinity::kNumeric || affinity == Affinity::kReal) affinity = Affinity::kNone;
    } else if (last4 == tag("real") || last4 == tag("floa") || last4 == tag("doub")) {
      if (affinity == Affinity::kNumeric) affinity = Affinity::kReal;
    } else if ((last4 & 0x00FFFFFF) == (tag("xint") & 0x00FFFFFF)) {
      return Affinity::kInteger;
    }
  }
  return affinity;
}

bool is_numeric_affinity(Affinity a) {
  return a == Affinity::kNumeric || a == Affinity::kInteger || a == Affinity::kReal;
}

// The conversions OP_Lt and friends make before sqlite3MemCompare.
Value prepare_for_comparison(const Value& v, Affinity comparison) {
  if (is_numeric_affinity(comparison)) {
    if (v.type() == ValueType::kText) {
      std::optional<Value> number = numeric_text_value(v.as_text(), /*try_for_int=*/false);
      if (number) return *number;
    }
  } else if (comparison == Affinity::kText) {
    if (v.is_numeric()) return Value::text(to_text(v));
  }
  return v;
}

}  // namespace

Affinity affinity_of_type(std::string_view declared_type) {
  if (declared_type.empty()) return Affinity::kNone;
  return scan_type_name(declared_type);
}

Affinity cast_affinity_of_type(std::string_view type_name) { return scan_type_name(type_name); }

Value apply_affinity(const Value& v, Affinity a) {
  switch (a) {
    case Affinity::kNone:
      return v;
    case Affinity::kText:
      if (v.is_numeric()) return Value::text(to_text(v));
      return v;
    case Affinity::kNumeric:
    case Affinity::kInteger:
    case Affinity::kReal: {
      Value stored = v;
      if (v.type() == ValueType::kText) {
        std::optional<Value> number = numeric_text_value(v.as_text(), /*try_for_int=*/true);
        if (number) stored = *number;
      } else if (v.type() == ValueType::kReal) {
        std::optional<int64_t> exact = real_as_exact_integer(v.as_real());
        if (exact) stored = Value::integer(*exact);
      }
      // A REAL column keeps small integers in the record but reads them back as REAL.
      if (a == Affinity::kReal && stored.type() == ValueType::kInteger) {
        return Value::real(static_cast<double>(stored.as_integer()));
      }
      return stored;
    }
  }
  return v;
}

Affinity comparison_affinity(OperandAffinity a, OperandAffinity b) {
  if (a.declared && b.declared) {
    if (is_numeric_affinity(a.affinity) || is_numeric_affinity(b.affinity)) {
      return Affinity::kNumeric;
    }
    return Affinity::kNone;
  }
  if (a.declared) return a.affinity;
  if (b.declared) return b.affinity;
  return Affinity::kNone;
}

std::optional<int> compare_under_affinity(const Value& a, const Value& b, Affinity comparison) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  return Value::compare(prepare_for_comparison(a, comparison),
                        prepare_for_comparison(b, comparison));
}

std::optional<int> compare_with_affinity(const Value& a, OperandAffinity aa, const Value& b,
                                         OperandAffinity ab) {
  return compare_under_affinity(a, b, comparison_affinity(aa, ab));
}

std::optional<int> compare_with_affinity(const Value& a, Affinity aa, const Value& b, Affinity ab) {
  return compare_with_affinity(a, OperandAffinity{aa, aa != Affinity::kNone}, b,
                               OperandAffinity{ab, ab != Affinity::kNone});
}

}  // namespace strata::exec
