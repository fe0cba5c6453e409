#include "stocktake/server/target.h"

#include <fmt/format.h>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "stocktake/util/utf8.h"

namespace stocktake::server {
namespace {

// Names in paths and queries are printed and looked up, never run: refuse
// what no name holds, so nothing odd reaches a handler or the access log.
Result<void> CheckDecoded(const std::string& text, std::string_view what) {
  std::size_t bad = FindInvalidUtf8(text);
  if (bad != std::string::npos) {
    return Fail(Error::InvalidArgument(
        fmt::format("{} is not valid UTF-8 after percent-decoding (byte {})", what, bad + 1)));
  }
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      return Fail(Error::InvalidArgument(
          fmt::format("{} holds a control character after percent-decoding", what)));
    }
  }
  return Ok();
}

Result<std::vector<std::string>> DecodeSegments(const boost::urls::url_view& url) {
  std::vector<std::string> segments;
  auto encoded = url.encoded_segments();
  std::size_t count = encoded.size();
  std::size_t index = 0;
  for (auto segment : encoded) {
    ++index;
    std::string decoded = segment.decode();
    // "/api/v1/releases/" names the same as "/api/v1/releases".
    if (segment.empty() && index == count) break;
    if (decoded.empty()) {
      return Fail(Error::InvalidArgument("the path has an empty segment ('//')"));
    }
    if (decoded == "." || decoded == "..") {
      return Fail(Error::InvalidArgument(
          fmt::format("the path has a '{}' segment: name a resource directly", decoded)));
    }
    ST_TRY(CheckDecoded(decoded, fmt::format("path segment {}", index)));
    segments.push_back(std::move(decoded));
  }
  return segments;
}

}  // namespace

std::optional<std::string> Target::Query(std::string_view key) const {
  for (const auto& [name, value] : query) {
    if (name == key) return value;
  }
  return std::nullopt;
}

std::string Target::With(std::string_view key, std::string_view value) const {
  auto encode = [](std::string& out, std::string_view text) {
    for (unsigned char c : text) {
      bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
      if (unreserved) {
        out.push_back(static_cast<char>(c));
      } else {
        out += fmt::format("%{:02X}", c);
      }
    }
  };
  std::string out;
  for (const auto& segment : segments) {
    out.push_back('/');
    encode(out, segment);
  }
  if (segments.empty()) out.push_back('/');
  char separator = '?';
  auto add = [&](std::string_view name, std::string_view text) {
    out.push_back(separator);
    separator = '&';
    encode(out, name);
    out.push_back('=');
    encode(out, text);
  };
  for (const auto& [name, text] : query) {
    if (name != key) add(name, text);
  }
  add(key, value);
  return out;
}

Result<Target> ParseTarget(std::string_view text) {
  auto url = boost::urls::parse_origin_form(boost::core::string_view(text.data(), text.size()));
  if (!url) {
    return Fail(Error::InvalidArgument(
        "the request target is not a path with an optional query (RFC 9112 origin-form)"));
  }
  Target target;
  target.segments = ST_TRY(DecodeSegments(*url));
  for (auto param : url->params()) {
    ST_TRY(CheckDecoded(param.key, "a query parameter's name"));
    ST_TRY(CheckDecoded(param.value, fmt::format("query parameter '{}'", param.key)));
    target.query.emplace_back(param.key, param.value);
  }
  return target;
}

}  // namespace stocktake::server
