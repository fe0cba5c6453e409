// The option checks of http_server.h that need no Beast, so they compile
// (and are tested) without it.

#include <fmt/format.h>

#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <charconv>

#include "stocktake/server/http_server.h"

namespace stocktake::server {

Result<void> ParseListenAddress(std::string_view text, ServerOptions& options) {
  auto invalid = [text](std::string_view why) {
    return Fail(Error::InvalidArgument(fmt::format(
        "--listen '{}': {}; give ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080", text, why)));
  };
  std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return invalid("no port");
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return invalid("the port is not a number from 0 to 65535");
  }
  std::string address;
  if (host.empty() || host == "localhost") {
    address = "127.0.0.1";
  } else if (host.starts_with('[') && host.ends_with(']')) {
    host = host.substr(1, host.size() - 2);
    if (!boost::urls::parse_ipv6_address(host)) return invalid("not an IPv6 address");
    address = host;
  } else if (boost::urls::parse_ipv4_address(host)) {
    address = host;
  } else {
    return invalid("the address is not a numeric IPv4 address or a bracketed IPv6 one");
  }
  options.address = address;
  options.port = static_cast<std::uint16_t>(port);
  return Ok();
}

Result<void> CheckBaseUrl(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  bool web = parsed && (parsed->scheme() == "http" || parsed->scheme() == "https") &&
             parsed->has_authority() && !parsed->encoded_host().empty();
  if (!web || parsed->has_query() || parsed->has_fragment()) {
    return Fail(Error::InvalidArgument(
        fmt::format("--base-url '{}': give an http:// or https:// URL without a query, e.g. "
                    "https://stocktake.example.org/",
                    url)));
  }
  return Ok();
}

}  // namespace stocktake::server
