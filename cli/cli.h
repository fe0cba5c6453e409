#pragma once

// The `stocktake` front end: global options, the command table's types and
// the helpers every command uses. This is the one place that reads argv, the
// environment, the clock and git's configuration, and turns them into library
// calls; every read is a view from stocktake/view/, printed by the Printer
// that --json chose.

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "stocktake/result.h"
#include "stocktake/service/planning.h"
#include "stocktake/storage/store.h"
#include "stocktake/view/printer.h"
#include "stocktake/view/terminal_safe.h"

namespace stocktake::cli {

/// Exit statuses: the README, `stocktake --help` and scripts rely on these
/// numbers, so they never change meaning. ExitCodeFor maps each ErrorCode to one.
inline constexpr int kExitOk = 0;
inline constexpr int kExitAlerts = 1;     ///< `check` and friends found something.
inline constexpr int kExitUsage = 2;      ///< Bad arguments or input.
inline constexpr int kExitNotFound = 3;   ///< A named release, feature, … does not exist.
inline constexpr int kExitConflict = 4;   ///< Conflicts with the data, or not permitted.
inline constexpr int kExitMalformed = 5;  ///< Stored or read data is malformed.
inline constexpr int kExitIoError = 6;    ///< A file or the database could not be read or written.
inline constexpr int kExitUnavailable = 7;  ///< The database cannot be reached.
/// `ingest` stored what it could but skipped unparseable messages, or a last
/// message that the end of its file cut off (read by the next run).
inline constexpr int kExitSkipped = 8;
/// A bug: an invariant broke (EX_SOFTWARE from sysexits.h).
inline constexpr int kExitInternal = 70;

/// What each exit status means, as `stocktake --help` lists them.
struct ExitStatus {
  int code;
  const char* meaning;
};
inline constexpr ExitStatus kExitStatuses[] = {
    {kExitOk, "ok"},
    {kExitAlerts, "check found alerts"},
    {kExitUsage, "bad arguments or input"},
    {kExitNotFound, "not found"},
    {kExitConflict, "conflict or not permitted"},
    {kExitMalformed, "malformed data"},
    {kExitIoError, "I/O error"},
    {kExitUnavailable, "database unavailable"},
    {kExitSkipped,
     "ingest skipped messages it could not parse or that were cut off (the rest was stored)"},
};

struct GlobalOptions {
  std::string db;   ///< --db, $STOCKTAKE_DB, else ./stocktake.db
  std::string now;  ///< --now, $STOCKTAKE_NOW, else the clock
  std::string as;   ///< --as, else git config user.email
  bool json = false;
  double wait = 10;       ///< --wait: seconds a write waits for another writer
  bool backdate = false;  ///< --backdate: a write may be dated before the latest change
};

/// What a command needs the harness to prepare before it runs.
enum class Needs {
  kNothing,            ///< Arguments only (design-check); serve opens a store per
                       ///< worker and migrate the database itself.
  kStore,              ///< A read of the store at --db, which must exist.
  kContextAndStore,    ///< Who acts and when (--as, --now), then the store.
  kContextAndPast,     ///< A read: who and when, then the store as it was at --now
                       ///< (every change in effect then, none after).
  kContextAndNewStore  ///< As kContextAndStore, creating a missing SQLite file; a
                       ///< command that fails leaves no new file behind.
};

/// The headings of `stocktake --help`.
enum class Group { kPlanning, kLifecycle, kEvidence, kAdministration };

/// What the harness hands a command: the options, the store and who/when
/// (prepared once, as the command's row asks), and the printer --json chose.
struct Invocation {
  const GlobalOptions& options;
  Store* store = nullptr;  ///< Null for Needs::kNothing.
  Context context;         ///< Empty for Needs::kNothing and kStore.
  view::Printer& printer;
  /// False: a SQLite file the harness made for this command is removed when
  /// it ends, even after success (a dry run writes nothing).
  bool keep_new_database = true;
};

/// Runs a command whose arguments were parsed; returns its exit status.
using Runner = std::function<Result<int>(Invocation& run)>;
/// Adds a command's arguments and options to `command` and returns the
/// Runner that reads them once parsing is done.
using Declare = Runner (*)(CLI::App& command);

/// One row of the command table in main.cc.
struct Command {
  const char* family;  ///< "feature" for `feature show`; empty for a one-word verb.
  const char* verb;
  const char* summary;
  Group group;
  Needs needs;
  Declare declare;
};

// Every command's Declare function, grouped by the file that holds it,
// cli/commands/<family>.cc. kCommands in main.cc says what each one is.
Runner DeclareInit(CLI::App& command);
Runner DeclareMigrate(CLI::App& command);
Runner DeclarePersonAdd(CLI::App& command);
Runner DeclarePersonList(CLI::App& command);
Runner DeclarePersonPasswd(CLI::App& command);
Runner DeclareTokenCreate(CLI::App& command);
Runner DeclareTokenList(CLI::App& command);
Runner DeclareTokenRevoke(CLI::App& command);
Runner DeclareImport(CLI::App& command);
Runner DeclareExport(CLI::App& command);
Runner DeclareReleaseList(CLI::App& command);
Runner DeclareReleaseShow(CLI::App& command);
Runner DeclareReleaseAdd(CLI::App& command);
Runner DeclareReleaseSlip(CLI::App& command);
Runner DeclareFeatureAdd(CLI::App& command);
Runner DeclareFeatureSet(CLI::App& command);
Runner DeclareFeatureRename(CLI::App& command);
Runner DeclareReleaseShip(CLI::App& command);
Runner DeclareReleaseCarryOver(CLI::App& command);
Runner DeclareIntervene(CLI::App& command);
Runner DeclareFeatureRemove(CLI::App& command);
Runner DeclareFeatureRestore(CLI::App& command);
Runner DeclareFeatureShow(CLI::App& command);
Runner DeclareFeatureList(CLI::App& command);
Runner DeclareFeatureHistory(CLI::App& command);
Runner DeclareReport(CLI::App& command);
Runner DeclareCheck(CLI::App& command);
Runner DeclareLog(CLI::App& command);
Runner DeclareProtocolAdd(CLI::App& command);
Runner DeclareProtocolList(CLI::App& command);
Runner DeclareProtocolShow(CLI::App& command);
Runner DeclareProtocolHistory(CLI::App& command);
Runner DeclareProtocolSet(CLI::App& command);
Runner DeclareProtocolImpl(CLI::App& command);
Runner DeclareProtocolWaive(CLI::App& command);
Runner DeclareProtocolCheck(CLI::App& command);
Runner DeclarePropose(CLI::App& command);
Runner DeclareObject(CLI::App& command);
Runner DeclareAnswer(CLI::App& command);
Runner DeclareReply(CLI::App& command);
Runner DeclareResolve(CLI::App& command);
Runner DeclareWithdraw(CLI::App& command);
Runner DeclareDecide(CLI::App& command);
Runner DeclareProposalList(CLI::App& command);
Runner DeclareProposalShow(CLI::App& command);
Runner DeclareDesignCheck(CLI::App& command);
Runner DeclareSupportMatrix(CLI::App& command);
Runner DeclareIngestMbox(CLI::App& command);
Runner DeclareIngestMaildir(CLI::App& command);
Runner DeclareIngestGit(CLI::App& command);
Runner DeclareIngestRelink(CLI::App& command);
Runner DeclareSeriesList(CLI::App& command);
Runner DeclareThreadShow(CLI::App& command);
Runner DeclareStats(CLI::App& command);
Runner DeclareDraftObjectionList(CLI::App& command);
Runner DeclareDraftObjectionConfirm(CLI::App& command);
Runner DeclareDraftObjectionDismiss(CLI::App& command);
Runner DeclareServe(CLI::App& command);

/// Reads a whole file; kNotFound / kIoError with the path. A file (or a pipe,
/// or /dev/zero) longer than `max_bytes` is refused with kInvalidArgument
/// once that many bytes were read, naming `what` it should have been.
Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes, std::string_view what);
/// Writes `text` to `path` atomically (temporary file and rename), or to
/// stdout when `path` is empty or "-".
Result<void> WriteOutput(const std::string& path, const std::string& text);
/// `text` as a date for `option`; kInvalidArgument naming the option.
Result<Date> DateOption(const std::string& text, const char* option);
/// CLI11 checks that refuse a bad date (YYYY-MM-DD) or date-time (ISO 8601)
/// while parsing, before anything is opened or written.
CLI::Validator IsoDate();
CLI::Validator IsoDateTime();

}  // namespace stocktake::cli
