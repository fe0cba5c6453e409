#pragma once

// One access-log line per request, in the Common Log Format:
//
//   127.0.0.1 - - [21/Jan/2013:09:00:00 +0000] "GET /api/v1/releases HTTP/1.1" 200 1234
//
// The request line comes from the client: a quote, a backslash, a control
// character or a byte that is not UTF-8 is written as \" \\ or \xHH, so no
// request can forge a line of the log or send escapes to a terminal. Pure;
// thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

#include "stocktake/util/time.h"

namespace stocktake::server {

struct AccessRecord {
  std::string remote;        ///< The client's address.
  Timestamp at{};            ///< When the request arrived (UTC).
  std::string request_line;  ///< "GET /x HTTP/1.1", as sent.
  int status = 0;
  std::size_t bytes = 0;  ///< Body bytes sent.
};

/// The line for `record`, without a newline.
std::string CommonLogLine(const AccessRecord& record);

/// `text` with quotes, backslashes, control characters and invalid UTF-8
/// escaped as CommonLogLine writes them.
std::string EscapeLogText(std::string_view text);

}  // namespace stocktake::server
