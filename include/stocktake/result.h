#pragma once

// Result<T> is what every fallible libstocktake call returns: a T or an Error.
// It is tl::expected today and becomes std::expected with one line once the
// compilers we build with have it.

#include <cstdio>
#include <cstdlib>
#include <tl/expected.hpp>

#include "stocktake/error.h"

namespace stocktake {

template <typename T>
using Result = tl::expected<T, Error>;

/// The failure value to return from a function whose type is Result<T>.
inline tl::unexpected<Error> Fail(Error error) { return tl::unexpected<Error>(std::move(error)); }

/// Success for Result<void>.
inline Result<void> Ok() { return {}; }

namespace detail {
template <typename T>
T Unwrap(Result<T>&& result) {
  return std::move(*result);
}
inline void Unwrap(Result<void>&&) {}
}  // namespace detail

}  // namespace stocktake

#define ST_CONCAT_INNER(a, b) a##b
#define ST_CONCAT(a, b) ST_CONCAT_INNER(a, b)

/// Evaluates a Result expression; on failure returns its Error from the enclosing
/// function, otherwise yields the value.
#define ST_TRY(expression) ST_TRY_NAMED(expression, ST_CONCAT(st_result_, __COUNTER__))
#define ST_TRY_NAMED(expression, name)                           \
  __extension__({                                                \
    auto name = (expression);                                    \
    if (!name) return ::tl::unexpected(std::move(name).error()); \
    ::stocktake::detail::Unwrap(std::move(name));                \
  })

/// Like ST_TRY for expressions that cannot fail; aborts if they do.
#define ST_MUST(expression) ST_MUST_NAMED(expression, ST_CONCAT(st_result_, __COUNTER__))
#define ST_MUST_NAMED(expression, name)                                         \
  __extension__({                                                               \
    auto name = (expression);                                                   \
    if (!name) {                                                                \
      std::fprintf(stderr, "ST_MUST failed at %s:%d: %s\n", __FILE__, __LINE__, \
                   name.error().ToString().c_str());                            \
      std::abort();                                                             \
    }                                                                           \
    ::stocktake::detail::Unwrap(std::move(name));                               \
  })

/// Aborts when an invariant does not hold. Never used to check user input.
#define ST_CHECK(condition)                                                                   \
  do {                                                                                        \
    if (!(condition)) {                                                                       \
      std::fprintf(stderr, "ST_CHECK failed at %s:%d: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                           \
    }                                                                                         \
  } while (0)
