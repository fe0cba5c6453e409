#include "storage/sql/postgres_url.h"

#include <fmt/format.h>

namespace stocktake {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view text) {
  std::string decoded;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
        HexValue(text[i + 2]) >= 0) {
      decoded += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  return decoded;
}

// libpq's keyword form, quoted, for one value.
std::string Keyword(std::string_view key, const std::string& value) {
  std::string quoted;
  for (char c : value) {
    if (c == '\\' || c == '\'') quoted += '\\';
    quoted += c;
  }
  return fmt::format("{}='{}' ", key, quoted);
}

}  // namespace

Result<std::string> PostgresConnectString(std::string_view url) {
  size_t scheme = url.find("://");
  std::string_view rest = url.substr(scheme + 3);
  std::string connect;
  std::string_view query;
  if (size_t mark = rest.find('?'); mark != std::string_view::npos) {
    query = rest.substr(mark + 1);
    rest = rest.substr(0, mark);
  }
  std::string_view authority = rest, path;
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    authority = rest.substr(0, slash);
    path = rest.substr(slash + 1);
  }
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view user = authority.substr(0, at);
    authority = authority.substr(at + 1);
    if (size_t colon = user.find(':'); colon != std::string_view::npos) {
      connect += Keyword("password", PercentDecode(user.substr(colon + 1)));
      user = user.substr(0, colon);
    }
    if (!user.empty()) connect += Keyword("user", PercentDecode(user));
  }
  std::string_view host = authority, port;
  if (!host.empty() && host.front() == '[') {  // [::1]:5432
    size_t close = host.find(']');
    if (close == std::string_view::npos) {
      return Fail(Error::InvalidArgument(fmt::format("'{}' has an unclosed '[' in its host", url)));
    }
    if (close + 1 < host.size() && host[close + 1] == ':') port = host.substr(close + 2);
    host = host.substr(1, close - 1);
  } else if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (!host.empty()) connect += Keyword("host", PercentDecode(host));
  if (!port.empty()) connect += Keyword("port", std::string(port));
  if (!path.empty()) connect += Keyword("dbname", PercentDecode(path));
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    size_t equals = pair.find('=');
    if (equals == std::string_view::npos || equals == 0) {
      return Fail(Error::InvalidArgument(
          fmt::format("'{}': the parameter '{}' needs the form key=value", url, pair)));
    }
    connect += Keyword(pair.substr(0, equals), PercentDecode(pair.substr(equals + 1)));
  }
  return connect;
}

}  // namespace stocktake
