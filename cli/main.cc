// stocktake: release planning and feature lifecycles for projects that decide
// by lazy consensus on mailing lists.

#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli.h"
#include "stocktake/report/json_views.h"
#include "stocktake/storage/open_store.h"
#include "stocktake/util/time.h"

namespace stocktake::cli {
namespace {

constexpr std::array<Registrar, 9> kCommands = {
    RegisterInit,   RegisterPerson,   RegisterProjectFile, RegisterRelease,  RegisterFeature,
    RegisterReport, RegisterProtocol, RegisterIngest,      RegisterEvidence,
};

std::string Environment(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

std::string GitUserEmail() {
  FILE* pipe = popen("git config user.email 2>/dev/null", "r");
  if (pipe == nullptr) return "";
  std::array<char, 256> buffer{};
  std::string output;
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) output += buffer.data();
  pclose(pipe);
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  return output;
}

int ExitCodeFor(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kInvalidArgument:
      return kExitUsage;
    case ErrorCode::kNotFound:
      return 3;
    case ErrorCode::kConflict:
      return 4;
    case ErrorCode::kCorruption:
      return 5;
    case ErrorCode::kIoError:
      return 6;
    case ErrorCode::kUnavailable:
      return 7;
    case ErrorCode::kInternal:
      return 70;
  }
  return 70;
}

Result<int> RunMain(int argc, char** argv) {
  Cli cli;
  CLI::App app{
      "stocktake: release planning and feature lifecycles for projects that decide by lazy "
      "consensus on mailing lists.",
      "stocktake"};
  app.fallthrough();
  app.require_subcommand(1);
  app.set_version_flag("--version",
                       fmt::format("stocktake 0.1.0 (database schema {}, JSON schema {})",
                                   LatestSchemaVersion(), kJsonSchemaVersion));
  app.footer(
      "Start with 'stocktake import examples/xen-4.3.yaml' and 'stocktake --now 2013-01-21 "
      "report 4.3'.\nExit status: 0 ok, 1 check found alerts, 2 bad arguments or input, 3 not "
      "found,\n4 conflict or not permitted, 5 malformed data, 6 I/O error, 7 database "
      "unavailable,\n8 ingest skipped messages it could not parse (the rest was stored).");
  app.add_option("--db", cli.options.db,
                 "database: a SQLite file or a postgresql:// URL (default $STOCKTAKE_DB, else "
                 "./stocktake.db)");
  app.add_option("--now", cli.options.now,
                 "act as if it were DATE or DATETIME, ISO 8601 (default $STOCKTAKE_NOW, else the "
                 "clock)");
  app.add_option("--as", cli.options.as,
                 "e-mail of the person acting (default git config user.email)");
  app.add_flag("--json", cli.options.json, "print machine-readable JSON");
  for (Registrar registrar : kCommands) registrar(app, cli);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (cli.options.db.empty()) cli.options.db = Environment("STOCKTAKE_DB");
  if (cli.options.db.empty()) cli.options.db = "stocktake.db";
  if (cli.options.now.empty()) cli.options.now = Environment("STOCKTAKE_NOW");
  if (cli.options.as.empty()) cli.options.as = GitUserEmail();
  if (cli.options.as.empty()) {
    std::string user = Environment("USER");
    std::array<char, 256> host{};
    gethostname(host.data(), host.size() - 1);
    cli.options.as = (user.empty() ? "unknown" : user) + "@" + host.data();
  }
  if (!cli.action) return Fail(Error::Internal("no command ran"));
  return cli.action();
}

}  // namespace

Result<Timestamp> Cli::Now() const {
  if (options.now.empty()) {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
  auto now = ParseTimestamp(options.now);
  if (!now) return Fail(Error::InvalidArgument("--now: " + now.error().message()));
  return *now;
}

Result<Context> Cli::MakeContext() const { return Context{options.as, ST_TRY(Now())}; }

Result<std::unique_ptr<Store>> Cli::Open(bool create) const {
  StoreOptions store_options;
  store_options.create_if_missing = create;
  return OpenStore(options.db, store_options);
}

void Cli::PrintJson(const nlohmann::json& value) { std::cout << value.dump(2) << '\n'; }

int PrintEvents(const Cli& cli, const std::vector<Event>& events) {
  if (cli.options.json) {
    nlohmann::json json = nlohmann::json::array();
    for (const auto& event : events) json.push_back(EventJson(event));
    Cli::PrintJson(json);
    return kExitOk;
  }
  for (const auto& event : events) {
    std::string change = event.from.empty() ? event.to : event.from + " -> " + event.to;
    std::cout << fmt::format("{}  {:<28} {:<17} {}{}{}\n", FormatTimestamp(event.at), event.actor,
                             event.kind, change, event.reason.empty() ? "" : ": " + event.reason,
                             event.detail.empty() ? "" : "  " + event.detail);
  }
  return kExitOk;
}

Result<std::string> ReadFile(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return Fail(Error::InvalidArgument(fmt::format("{} is a directory: name a file", path)));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(Error::NotFound(fmt::format("cannot read {}: {}", path, std::strerror(errno))));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Fail(Error::IoError(fmt::format("cannot read {}", path)));
  return buffer.str();
}

Result<void> WriteOutput(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text;
    std::cout.flush();
    return Ok();
  }
  std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) {
      return Fail(Error::IoError(fmt::format("cannot write {}: {}", path, std::strerror(errno))));
    }
    out << text;
    if (!out.flush()) return Fail(Error::IoError(fmt::format("cannot write {}", path)));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return Fail(Error::IoError(fmt::format("cannot write {}: {}", path, std::strerror(errno))));
  }
  return Ok();
}

}  // namespace stocktake::cli

int main(int argc, char** argv) {
  auto result = stocktake::cli::RunMain(argc, argv);
  if (!result) {
    std::fprintf(stderr, "stocktake: error: %s\n", result.error().ToString().c_str());
    return stocktake::cli::ExitCodeFor(result.error());
  }
  return *result;
}
