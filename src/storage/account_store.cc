#include "stocktake/storage/account_store.h"

namespace stocktake {

const char* TokenScopeName(TokenScope scope) {
  return scope == TokenScope::kWrite ? "write" : "read";
}

std::optional<TokenScope> ParseTokenScope(std::string_view text) {
  if (text == "read") return TokenScope::kRead;
  if (text == "write") return TokenScope::kWrite;
  return std::nullopt;
}

}  // namespace stocktake
