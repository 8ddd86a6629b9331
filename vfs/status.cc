#include "vfs/status.h"

namespace strata {

std::string_view status_code_name(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kNotFound: return "not found";
    case StatusCode::kCorruption: return "corruption";
    case StatusCode::kIOError: return "io error";
    case StatusCode::kNoSpace: return "no space";
    case StatusCode::kInvalidArgument: return "invalid argument";
    case StatusCode::kBusy: return "busy";
    case StatusCode::kCrashed: return "crashed";
    case StatusCode::kPoisoned: return "poisoned";
    case StatusCode::kConstraint: return "constraint";
    case StatusCode::kSyntax: return "syntax error";
    case StatusCode::kUnsupported: return "unsupported";
    case StatusCode::kReadOnly: return "read only";
    case StatusCode::kInternal: return "internal error";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (is_ok()) return "ok";
  std::string out(status_code_name(code_));
  if (!message_.empty()) {
    out += ": ";
    out += message_;
  }
  return out;
}

Status Status::with_context(std::string_view context) const {
  if (is_ok()) return *this;
  std::string m(context);
  m += ": ";
  m += message_;
  return Status(code_, std::move(m));
}

}  // namespace strata
