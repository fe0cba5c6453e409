#pragma once

// Request and Response: an HTTP exchange as plain values, so that the
// handlers of `stocktake serve` (api.h) turn one into the other without a
// socket, and tests fabricate them in-process. Only http_server.cc converts
// them to and from the wire (Boost.Beast). Values: copy them between threads
// freely.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stocktake::server {

/// A request as it arrived: the method and target exactly as sent (the
/// target is parsed by ParseTarget, target.h), the header fields with
/// lower-case names (a repeated field's values joined with ", "), the body.
struct Request {
  std::string method = "GET";
  std::string target = "/";
  std::map<std::string, std::string> headers;
  std::string body;
  /// The client's IP address as the socket saw it (the proxy's, behind one);
  /// login attempts are counted per address.
  std::string remote_address;

  /// The value of header `lower_case_name`, or empty when absent.
  std::string_view Header(const std::string& lower_case_name) const;
};

/// What to send back. `content_type` is empty for a response without a body
/// (304). `headers` are the fields beyond Content-Type and Content-Length
/// (ETag, Allow, Cache-Control), in the order they are sent.
struct Response {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  /// For a HEAD request: the length the GET's body has; `body` is then empty.
  std::optional<std::size_t> content_length;
  /// For the server's log only, never sent: the detail of a 5xx whose body
  /// says only "internal error".
  std::string log_detail;

  /// The value of the extra header `name` (exact case), or empty.
  std::string_view Header(std::string_view name) const;
};

/// Content types the API sends.
inline constexpr char kJsonType[] = "application/json";
inline constexpr char kTextType[] = "text/plain; charset=utf-8";
inline constexpr char kMarkdownType[] = "text/markdown; charset=utf-8";
inline constexpr char kHtmlType[] = "text/html; charset=utf-8";
/// Prometheus text exposition format, version 0.0.4.
inline constexpr char kPrometheusType[] = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace stocktake::server
