#pragma once

// Views of a person's bearer tokens for `stocktake serve`: what `token list`
// prints, and what `token create` and `token revoke` print of the token they
// made or revoked (printer.h). A token's secret appears only in what
// `token create` prints, once. Views are values: copy them between threads
// freely.

#include <string>
#include <vector>

#include "stocktake/result.h"
#include "stocktake/service/accounts.h"
#include "stocktake/storage/account_store.h"
#include "stocktake/util/time.h"

namespace stocktake::view {

/// `token list`: the acting person's tokens, revoked ones included, and the
/// instant that says which have expired.
struct TokenList {
  std::vector<ApiToken> tokens;
  Timestamp now{};
};

/// "live", "expired" or "revoked" at `now`.
const char* TokenState(const ApiToken& token, Timestamp now);

/// The acting person's tokens, as `token list` prints them. Errors: those of
/// Accounts::ListTokens.
[[nodiscard]] Result<TokenList> BuildTokenList(Store& store, const Context& context);

}  // namespace stocktake::view
