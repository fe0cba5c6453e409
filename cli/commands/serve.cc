// stocktake serve

#include <algorithm>
#include <iostream>
#include <thread>

#include "cli/cli.h"
#include "stocktake/server/http_server.h"

namespace stocktake::cli {

Runner DeclareServe(CLI::App& command) {
  struct Options {
    std::string listen = "127.0.0.1:8080", base_url;
    std::size_t threads = std::max(2u, std::thread::hardware_concurrency());
    bool private_reads = false;
    std::size_t cache_mb = 64;
  };
  auto options = std::make_shared<Options>();
  command.add_option("--listen", options->listen,
                     "ADDR:PORT to listen on (default 127.0.0.1:8080; port 0 picks a free one)");
  command
      .add_option("--threads", options->threads,
                  "database workers, each with its own session (default: the number of CPUs, at "
                  "least 2)")
      ->check(CLI::Range(1, 256));
  command.add_option("--base-url", options->base_url,
                     "the URL clients reach the server at, e.g. behind a proxy; https:// makes "
                     "session cookies Secure");
  command.add_flag("--private", options->private_reads,
                   "reads need a bearer token or a signed-in session too (401 without)");
  command
      .add_option("--cache-mb", options->cache_mb,
                  "MiB of read responses kept while the database is unchanged (default 64; 0 "
                  "keeps none)")
      ->check(CLI::Range(0, 65536));
  return [options](Invocation& run) -> Result<int> {
    server::ServerOptions serve;
    serve.cache_bytes = options->cache_mb << 20;
    ST_TRY(server::ParseListenAddress(options->listen, serve));
    serve.workers = options->threads;
    serve.base_url = options->base_url;
    serve.private_reads = options->private_reads;
    serve.database = run.options.db;
    // It writes (the API's writes, sessions) but never creates a database:
    // an older schema is migrated, a missing one refused.
    serve.store.access = StoreAccess::kMigrate;
    serve.store.busy_wait =
        std::chrono::milliseconds(static_cast<std::int64_t>(run.options.wait * 1000));
    serve.server_name = "stocktake/" ST_VERSION;
    ST_TRY(server::Serve(serve, std::cerr));
    return kExitOk;
  };
}

}  // namespace stocktake::cli
