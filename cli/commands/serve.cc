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
                     "the URL clients reach the server at, e.g. behind a proxy");
  return [options](Invocation& run) -> Result<int> {
    server::ServerOptions serve;
    ST_TRY(server::ParseListenAddress(options->listen, serve));
    serve.workers = options->threads;
    serve.base_url = options->base_url;
    serve.database = run.options.db;
    serve.store.access = StoreAccess::kRead;
    serve.store.busy_wait =
        std::chrono::milliseconds(static_cast<std::int64_t>(run.options.wait * 1000));
    serve.server_name = "stocktake/" ST_VERSION;
    ST_TRY(server::Serve(serve, std::cerr));
    return kExitOk;
  };
}

}  // namespace stocktake::cli
