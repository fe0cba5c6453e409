#pragma once

// The HTTP/1.1 server of `stocktake serve`, on Boost.Beast and Asio with C++20
// coroutines: one I/O thread accepts connections and reads and writes
// messages (keep-alive included); every request that reads the database runs
// on a WorkerPool (worker_pool.h), whose workers each keep one Store, and
// Api (api.h) turns each Request into a Response. Only http_server.cc
// includes Beast: it costs about 50 s and 800 MB to compile.
//
// Each request writes one Common Log Format line (access_log.h) to the log.
// SIGTERM or SIGINT stops the server gracefully: it stops accepting, closes
// idle connections, finishes the requests in flight (their responses say
// "Connection: close"), and Serve() returns.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "stocktake/result.h"
#include "stocktake/storage/open_store.h"

namespace stocktake::server {

struct ServerOptions {
  /// A numeric IPv4 or IPv6 address to listen on.
  std::string address = "127.0.0.1";
  /// 0 picks a free port; the line Serve() logs at start names it.
  std::uint16_t port = 8080;
  /// Database workers, each with its own Store (one database session).
  std::size_t workers = 2;
  /// Where the Store is, as OpenStore takes it, and how it is opened.
  std::string database;
  StoreOptions store;
  /// The address clients use (behind a proxy, e.g. https://stocktake.example.org/);
  /// empty for http://ADDRESS:PORT/.
  std::string base_url;
  /// A request body over this many bytes gets 413; headers over
  /// kHeaderLimit get 431.
  std::size_t body_limit = 1 << 20;
  /// A connection that sends no complete request (or takes no response) for
  /// this long is closed.
  std::chrono::seconds timeout{30};
  /// `--private`: anonymous reads get 401 (docs/api.md, "Authentication").
  bool private_reads = false;
  /// Bytes of read responses kept to answer the same read again while the
  /// database is unchanged (api.h); 0 keeps none.
  std::size_t cache_bytes = 64 << 20;
  /// The Server header, e.g. "stocktake/0.1.0".
  std::string server_name = "stocktake";
};

/// Bytes of request line and header fields a request may have.
inline constexpr std::size_t kHeaderLimit = 16 * 1024;

/// "ADDR:PORT", "[IPv6]:PORT", ":PORT" (127.0.0.1) or "localhost:PORT" as an
/// address and a port; kInvalidArgument naming what is wrong.
[[nodiscard]] Result<void> ParseListenAddress(std::string_view text, ServerOptions& options);

/// Checks `url` is an absolute http:// or https:// URL without query or
/// fragment; kInvalidArgument otherwise.
[[nodiscard]] Result<void> CheckBaseUrl(std::string_view url);

/// Opens the workers' stores, listens, logs "stocktake serve: listening on
/// URL …" to `log`, serves until SIGTERM or SIGINT, and returns once the
/// requests in flight are answered. Errors: OpenStore's (before listening),
/// kIoError when the address cannot be bound. `log` must outlive the call.
[[nodiscard]] Result<void> Serve(const ServerOptions& options, std::ostream& log);

}  // namespace stocktake::server
