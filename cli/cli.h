#pragma once

// The `stocktake` front end: global options, the command table and the helpers
// every command uses. This is the one place that reads argv, the environment,
// the clock and git's configuration, and turns them into library calls.

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "stocktake/result.h"
#include "stocktake/service/planning.h"
#include "stocktake/storage/store.h"

namespace stocktake::cli {

/// Exit statuses, also listed in `stocktake --help`.
inline constexpr int kExitOk = 0;
inline constexpr int kExitAlerts = 1;  ///< `check` found something.
inline constexpr int kExitUsage = 2;   ///< Bad arguments or input.
/// `ingest` stored what it could but skipped unparseable messages.
inline constexpr int kExitSkipped = 8;

struct GlobalOptions {
  std::string db;   ///< --db, $STOCKTAKE_DB, else ./stocktake.db
  std::string now;  ///< --now, $STOCKTAKE_NOW, else the clock
  std::string as;   ///< --as, else git config user.email
  bool json = false;
};

class Cli {
 public:
  GlobalOptions options;
  /// Set by the chosen subcommand; run after parsing.
  std::function<Result<int>()> action;

  /// The instant commands act at.
  Result<Timestamp> Now() const;
  /// Who acts and when.
  Result<Context> MakeContext() const;
  /// The store at --db. `create` makes the SQLite file if it is missing.
  Result<std::unique_ptr<Store>> Open(bool create = false) const;
  /// Prints `value` as indented JSON on stdout.
  static void PrintJson(const nlohmann::json& value);
};

/// Each command file adds its subcommands to `app`; callbacks set `cli.action`.
using Registrar = void (*)(CLI::App& app, Cli& cli);

void RegisterInit(CLI::App& app, Cli& cli);
void RegisterPerson(CLI::App& app, Cli& cli);
void RegisterProjectFile(CLI::App& app, Cli& cli);
void RegisterRelease(CLI::App& app, Cli& cli);
void RegisterFeature(CLI::App& app, Cli& cli);
void RegisterReport(CLI::App& app, Cli& cli);
/// protocol …, propose, object, answer, reply, withdraw, resolve, decide,
/// proposal …, design-check, support-matrix.
void RegisterProtocol(CLI::App& app, Cli& cli);
/// ingest mbox|maildir|git|relink.
void RegisterIngest(CLI::App& app, Cli& cli);
/// series list, thread show, stats.
void RegisterEvidence(CLI::App& app, Cli& cli);

/// The evidence linked to a feature or protocol: last activity, the latest
/// version of each linked series with who acked, reviewed, tested or NAKed it,
/// linked mails and commits (up to 20 each).
Result<nlohmann::json> LinkedEvidenceJson(Store& store, EvidenceOwnerKind kind,
                                          const std::string& owner);
/// Prints LinkedEvidenceJson's result under a `show` (nothing when no links).
void PrintLinkedEvidence(const nlohmann::json& evidence);

/// Prints an event log: one line per event, or a JSON array with --json.
/// Returns kExitOk.
int PrintEvents(const Cli& cli, const std::vector<Event>& events);

/// Reads a whole file; kNotFound / kIoError with the path.
Result<std::string> ReadFile(const std::string& path);
/// Writes `text` to `path` atomically (temporary file and rename), or to
/// stdout when `path` is empty or "-".
Result<void> WriteOutput(const std::string& path, const std::string& text);

}  // namespace stocktake::cli
