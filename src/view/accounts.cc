#include "stocktake/view/accounts.h"

namespace stocktake::view {

const char* TokenState(const ApiToken& token, Timestamp now) {
  if (token.revoked_at) return "revoked";
  if (token.expires_at && *token.expires_at <= now) return "expired";
  return "live";
}

Result<TokenList> BuildTokenList(Store& store, const Context& context) {
  TokenList view;
  view.tokens = ST_TRY(Accounts(store).ListTokens(context));
  view.now = context.now;
  return view;
}

}  // namespace stocktake::view
