// GoogleTest helpers for Status and Result<T>: assertions that print the status on failure,
// and printers so that EXPECT_EQ on codes says "not found" rather than "1".
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <utility>

#include "vfs/status.h"

namespace strata {

// Found by GoogleTest through argument-dependent lookup.
inline void PrintTo(StatusCode code, std::ostream* out) { *out << status_code_name(code); }
inline void PrintTo(const Status& status, std::ostream* out) { *out << status.to_string(); }

namespace test {

inline Status status_of(const Status& status) { return status; }
template <typename T>
Status status_of(const Result<T>& result) {
  return result.status();  // OK when the result holds a value
}

}  // namespace test
}  // namespace strata

// EXPECT_OK(expr) / ASSERT_OK(expr): expr is a Status or a Result<T> and must be OK.
#define EXPECT_OK(expr)                                                             \
  do {                                                                              \
    const ::strata::Status strata_expect_status_ = ::strata::test::status_of(expr); \
    EXPECT_TRUE(strata_expect_status_.is_ok())                                      \
        << #expr << ": " << strata_expect_status_.to_string();                      \
  } while (0)
#define ASSERT_OK(expr)                                                             \
  do {                                                                              \
    const ::strata::Status strata_assert_status_ = ::strata::test::status_of(expr); \
    ASSERT_TRUE(strata_assert_status_.is_ok())                                      \
        << #expr << ": " << strata_assert_status_.to_string();                      \
  } while (0)

// EXPECT_STATUS(expr, kCode): expr is a Status or Result<T> whose code is StatusCode::kCode
// (e.g. kNotFound). On failure prints the whole status.
#define EXPECT_STATUS(expr, expected_code)                                          \
  do {                                                                              \
    const ::strata::Status strata_expect_status_ = ::strata::test::status_of(expr); \
    EXPECT_EQ(strata_expect_status_.code(), ::strata::StatusCode::expected_code)    \
        << #expr << ": " << strata_expect_status_.to_string();                      \
  } while (0)
#define ASSERT_STATUS(expr, expected_code)                                          \
  do {                                                                              \
    const ::strata::Status strata_assert_status_ = ::strata::test::status_of(expr); \
    ASSERT_EQ(strata_assert_status_.code(), ::strata::StatusCode::expected_code)    \
        << #expr << ": " << strata_assert_status_.to_string();                      \
  } while (0)

// ASSERT_OK_AND_ASSIGN(lhs, expr): expr is a Result<T>; asserts it is OK and moves its value
// into lhs (which may be a declaration).
#define STRATA_ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, expr)              \
  auto tmp = (expr);                                                  \
  ASSERT_TRUE(tmp.ok()) << #expr << ": " << tmp.status().to_string(); \
  lhs = std::move(tmp).value()
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  STRATA_ASSERT_OK_AND_ASSIGN_IMPL(STRATA_CONCAT(strata_assert_result_, __LINE__), lhs, expr)
