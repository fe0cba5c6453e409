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

/// Evaluates a Result expression; on failure returns its Error from the enclosing
/// function, otherwise yields the value.
#define ST_TRY(expression)                                               \
  __extension__({                                                        \
    auto _st_result = (expression);                                      \
    if (!_st_result) return ::tl::unexpected(std::move(_st_result).error()); \
    ::stocktake::detail::Unwrap(std::move(_st_result));                  \
  })

/// Like ST_TRY for expressions that cannot fail; aborts if they do.
#define ST_MUST(expression)                                                      \
  __extension__({                                                                \
    auto _st_result = (expression);                                              \
    if (!_st_result) {                                                           \
      std::fprintf(stderr, "ST_MUST failed at %s:%d: %s\n", __FILE__, __LINE__, \
                   _st_result.error().ToString().c_str());                       \
      std::abort();                                                              \
    }                                                                            \
    ::stocktake::detail::Unwrap(std::move(_st_result));                          \
  })

/// Aborts when an invariant does not hold. Never used to check user input.
#define ST_CHECK(condition)                                                               \
  do {                                                                                    \
    if (!(condition)) {                                                                   \
      std::fprintf(stderr, "ST_CHECK failed at %s:%d: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)
