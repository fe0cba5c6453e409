// stocktake: release planning and feature lifecycles for projects that decide
// by lazy consensus on mailing lists.
//
// Every command is one row of kCommands below: start there to find one. The
// harness (RunMain) parses argv with CLI11, prepares what the chosen row
// needs (who and when, the store) once, and runs it with the printer --json
// chose.

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "cli/cli.h"
#include "stocktake/model/person.h"
#include "stocktake/storage/as_of_store.h"
#include "stocktake/storage/open_store.h"
#include "stocktake/util/time.h"
#include "stocktake/util/utf8.h"
#include "stocktake/view/json_views.h"

namespace stocktake::cli {
namespace {

using enum Group;
using enum Needs;

// A read of the project's record shows it as it was at --now (every change
// in effect then, none after); evidence and export show what is stored. Reads (kStore,
// kContextAndPast) open the database read-only and change nothing in it. init, import and ingest
// may create the database: evidence needs no project, so ingesting mail first and importing the
// project later is fine. Only writes and migrate create or change the schema.
// clang-format off
constexpr Command kCommands[] = {
    // family, verb, summary, group, needs, declare
    {"release", "list", "List releases with their schedules", kPlanning, kContextAndPast, DeclareReleaseList},
    {"release", "show", "Show a release, where it stands and its slips", kPlanning, kContextAndPast, DeclareReleaseShow},
    {"release", "add", "Add a release with its schedule", kPlanning, kContextAndStore, DeclareReleaseAdd},
    {"release", "slip", "Move the feature freeze and/or release date (release managers only)", kPlanning, kContextAndStore, DeclareReleaseSlip},
    {"release", "ship", "Record that a release shipped: its features are no longer checked", kPlanning, kContextAndStore, DeclareReleaseShip},
    {"release", "carry-over", "Move every unfinished feature of a release to the next one", kPlanning, kContextAndStore, DeclareReleaseCarryOver},
    {"feature", "add", "Add a feature at the end of a release's list", kPlanning, kContextAndStore, DeclareFeatureAdd},
    {"feature", "set", "Change a feature: status, release, parent, …", kPlanning, kContextAndStore, DeclareFeatureSet},
    {"feature", "rename", "Give a feature a new title", kPlanning, kContextAndStore, DeclareFeatureRename},
    {"feature", "remove", "Take a feature off the books, with a reason (kept in its history)", kPlanning, kContextAndStore, DeclareFeatureRemove},
    {"feature", "restore", "Put a removed feature back", kPlanning, kContextAndStore, DeclareFeatureRestore},
    {"feature", "show", "Show a feature with its status history", kPlanning, kContextAndPast, DeclareFeatureShow},
    {"feature", "list", "List features with their slugs and statuses", kPlanning, kContextAndPast, DeclareFeatureList},
    {"feature", "history", "Every recorded change of a feature", kPlanning, kContextAndPast, DeclareFeatureHistory},
    {"", "intervene", "Record an intervention: more effort, outside resources or a slip", kPlanning, kContextAndStore, DeclareIntervene},
    {"", "report", "The Taking-stock report of a release", kPlanning, kContextAndPast, DeclareReport},
    {"", "check", "Early warnings for a release; exits 1 when there are alerts", kPlanning, kContextAndPast, DeclareCheck},
    {"", "log", "Every change to the record in the order it was written, as a feed (--after, --limit)", kPlanning, kContextAndPast, DeclareLog},
    {"protocol", "add", "Register a protocol", kLifecycle, kContextAndStore, DeclareProtocolAdd},
    {"protocol", "list", "List protocols and their stages", kLifecycle, kContextAndPast, DeclareProtocolList},
    {"protocol", "show", "A protocol's stage, evidence, entry criteria of the next stage and history", kLifecycle, kContextAndPast, DeclareProtocolShow},
    {"protocol", "history", "Everything recorded about a protocol", kLifecycle, kContextAndPast, DeclareProtocolHistory},
    {"protocol", "set", "Record a protocol's evidence", kLifecycle, kContextAndStore, DeclareProtocolSet},
    {"protocol", "impl", "Record a frontend or backend implementation in a code base", kLifecycle, kContextAndStore, DeclareProtocolImpl},
    {"protocol", "waive", "The Czar waives an entry criterion of the next stage, with a reason", kLifecycle, kContextAndStore, DeclareProtocolWaive},
    {"protocol", "check", "Stalled protocols, proposals waiting for the Czar, lapsing objections; exits 1 on alerts", kLifecycle, kContextAndPast, DeclareProtocolCheck},
    {"", "propose", "Open a lazy-consensus proposal to move a protocol to its next stage", kLifecycle, kContextAndStore, DeclarePropose},
    {"", "object", "Raise a specific technical objection to a proposal", kLifecycle, kContextAndStore, DeclareObject},
    {"", "answer", "Answer an objection; its objector must then respond in time", kLifecycle, kContextAndStore, DeclareAnswer},
    {"", "reply", "The objector responds to an answer; the objection stays live", kLifecycle, kContextAndStore, DeclareReply},
    {"", "resolve", "The Czar marks an objection resolved", kLifecycle, kContextAndStore, DeclareResolve},
    {"", "withdraw", "Withdraw your proposal or your objection (by its number)", kLifecycle, kContextAndStore, DeclareWithdraw},
    {"", "decide", "The Czar accepts or rejects a proposal", kLifecycle, kContextAndStore, DeclareDecide},
    {"proposal", "list", "Proposals and their states now", kLifecycle, kContextAndPast, DeclareProposalList},
    {"proposal", "show", "A proposal, its objections and its state now", kLifecycle, kContextAndPast, DeclareProposalShow},
    {"", "design-check", "Check a design document covers the handshake, the ABI and the protocol, without C structs; exits 1 when it does not", kLifecycle, kNothing, DeclareDesignCheck},
    {"", "support-matrix", "Each protocol's stage at each release's date", kLifecycle, kContextAndPast, DeclareSupportMatrix},
    {"ingest", "mbox", "Read mbox files (plain, .gz or .xz)", kEvidence, kContextAndNewStore, DeclareIngestMbox},
    {"ingest", "maildir", "Read every message of a Maildir tree", kEvidence, kContextAndNewStore, DeclareIngestMaildir},
    {"ingest", "git", "Read the commits of a git repository", kEvidence, kContextAndNewStore, DeclareIngestGit},
    {"ingest", "relink", "Apply the features' and protocols' evidence rules again to all stored evidence", kEvidence, kContextAndNewStore, DeclareIngestRelink},
    {"series", "list", "Every posted version of every series", kEvidence, kStore, DeclareSeriesList},
    {"thread", "show", "The thread of a message, as a tree", kEvidence, kStore, DeclareThreadShow},
    {"", "stats", "Counts of the stored evidence", kEvidence, kStore, DeclareStats},
    {"draft-objection", "list", "Draft objections, oldest first", kEvidence, kStore, DeclareDraftObjectionList},
    {"draft-objection", "confirm", "Record a draft as the sender's objection on its proposal", kEvidence, kContextAndStore, DeclareDraftObjectionConfirm},
    {"draft-objection", "dismiss", "Drop a draft: not an objection", kEvidence, kContextAndStore, DeclareDraftObjectionDismiss},
    {"", "init", "Create a database with the Xen default process", kAdministration, kContextAndNewStore, DeclareInit},
    {"", "migrate", "Bring the database's schema up to this stocktake's version", kAdministration, kNothing, DeclareMigrate},
    {"person", "add", "Add a person or replace their name and roles", kAdministration, kContextAndStore, DeclarePersonAdd},
    {"person", "list", "List people and their roles", kAdministration, kContextAndPast, DeclarePersonList},
    {"person", "passwd", "Set a person's password for the server (yours, or anyone's as an admin)", kAdministration, kContextAndStore, DeclarePersonPasswd},
    {"token", "create", "Make a bearer token for the server's API; it is shown once", kAdministration, kContextAndStore, DeclareTokenCreate},
    {"token", "list", "List your bearer tokens (never their secrets)", kAdministration, kContextAndStore, DeclareTokenList},
    {"token", "revoke", "Revoke a bearer token by name or number", kAdministration, kContextAndStore, DeclareTokenRevoke},
    {"", "import", "Check a project file (YAML) whole, then write it in one transaction", kAdministration, kContextAndNewStore, DeclareImport},
    {"", "export", "Write the whole project as a project file (YAML)", kAdministration, kStore, DeclareExport},
    {"", "serve", "Serve the API over HTTP (docs/api.md) until SIGTERM", kAdministration, kNothing, DeclareServe},
};

// The families: a noun whose verbs are rows above. `stocktake --help` lists
// groups, and commands within them, in the order of the rows.
constexpr std::pair<const char*, const char*> kFamilies[] = {
    {"person", "People, their e-mail identities and roles"},
    {"token", "Bearer tokens for scripts that use the server's API"},
    {"release", "Releases and their schedules"},
    {"feature", "Features of releases and their statuses"},
    {"protocol", "PV protocols, their stages and evidence"},
    {"proposal", "Lazy-consensus proposals"},
    {"ingest", "Read mail and commits as evidence (incremental: a re-run adds only what is new)"},
    {"series", "Patch series read from mail"},
    {"thread", "Mail threads"},
    {"draft-objection", "NAKs found in proposal threads, for the Czar to confirm or dismiss"},
};
// clang-format on

const char* GroupHeading(Group group) {
  switch (group) {
    case kPlanning:
      return "Planning";
    case kLifecycle:
      return "Protocols and lazy consensus";
    case kEvidence:
      return "Evidence";
    case kAdministration:
      return "Administration";
  }
  return "Commands";
}

// The --help footer: where to start, and the exit statuses from
// kExitStatuses, wrapped to fit a terminal.
std::string Footer() {
  std::string text =
      "Start with 'stocktake import examples/xen-4.3.yaml' and 'stocktake --now 2013-01-21 "
      "report 4.3'.\n";
  std::string line = "Exit status:";
  for (const ExitStatus& status : kExitStatuses) {
    std::string item = fmt::format(" {} {}{}", status.code, status.meaning,
                                   &status == std::end(kExitStatuses) - 1 ? "." : ",");
    if (line.size() + item.size() > 88) {
      text += line + "\n";
      line = item.substr(1);
    } else {
      line += item;
    }
  }
  return text + line;
}

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
      return kExitNotFound;
    case ErrorCode::kConflict:
    case ErrorCode::kPermissionDenied:
      return kExitConflict;
    case ErrorCode::kCorruption:
      return kExitMalformed;
    case ErrorCode::kIoError:
      return kExitIoError;
    case ErrorCode::kUnavailable:
      return kExitUnavailable;
    case ErrorCode::kInternal:
      return kExitInternal;
  }
  return kExitInternal;
}

// Arguments become option values and then database text: refuse bytes that
// are not UTF-8 before anything runs, so nothing invalid is ever stored.
Result<void> CheckArgumentsAreUtf8(int argc, char** argv) {
  for (int index = 1; index < argc; ++index) {
    std::string_view argument(argv[index]);
    std::size_t offset = FindInvalidUtf8(argument);
    if (offset == std::string_view::npos) continue;
    return Fail(Error::InvalidArgument(fmt::format("argument {}: not valid UTF-8 (byte {}): {}",
                                                   index, offset + 1, RepairUtf8(argument))));
  }
  return Ok();
}

// The options that default to the environment, git and the host are filled
// after parsing, so --help never runs git.
void FillDefaults(GlobalOptions& options) {
  if (options.db.empty()) options.db = Environment("STOCKTAKE_DB");
  if (options.db.empty()) options.db = "stocktake.db";
  if (options.now.empty()) options.now = Environment("STOCKTAKE_NOW");
  if (options.as.empty()) options.as = GitUserEmail();
  if (options.as.empty()) {
    std::string user = Environment("USER");
    std::array<char, 256> host{};
    gethostname(host.data(), host.size() - 1);
    options.as = (user.empty() ? "unknown" : user) + "@" + host.data();
  }
}

Timestamp Clock() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

Result<Timestamp> Now(const GlobalOptions& options) {
  if (options.now.empty()) return Clock();
  auto now = ParseTimestamp(options.now);
  if (!now) return Fail(Error::InvalidArgument("--now: " + now.error().message()));
  return *now;
}

// The SQLite file --db names, or empty for a server URL or ":memory:".
std::string DatabaseFile(const std::string& location) {
  if (location.find("://") != std::string::npos || location == ":memory:") return "";
  return location.rfind("sqlite:", 0) == 0 ? location.substr(7) : location;
}

void AddGlobalOptions(CLI::App& app, GlobalOptions& options) {
  app.add_option("--db", options.db,
                 "database: a SQLite file or a postgresql:// URL (default $STOCKTAKE_DB, else "
                 "./stocktake.db)");
  app.add_option("--now", options.now,
                 "act as if it were DATE or DATETIME, ISO 8601 (default $STOCKTAKE_NOW, else the "
                 "clock)")
      ->check(IsoDateTime());
  app.add_option("--as", options.as, "e-mail of the person acting (default git config user.email)");
  app.add_flag("--json", options.json, "print machine-readable JSON");
  app.add_option("--wait", options.wait,
                 "seconds a write waits while another command writes (default 10)")
      ->check(CLI::Range(0.0, 86400.0));
  app.add_flag("--backdate", options.backdate,
               "let a write with --now take effect before the latest change to the same object; "
               "it is placed in order");
}

// One CLI11 subcommand per row, under its family's subcommand; returns the
// subcommand of each row, parallel to kCommands.
std::vector<CLI::App*> AddCommands(CLI::App& app, std::vector<Runner>& runners) {
  std::map<std::string, std::string> summaries(std::begin(kFamilies), std::end(kFamilies));
  std::map<std::string, CLI::App*> families;
  std::vector<CLI::App*> commands;
  for (const Command& row : kCommands) {
    CLI::App* command = nullptr;
    if (*row.family == '\0') {
      command = app.add_subcommand(row.verb, row.summary)->group(GroupHeading(row.group));
    } else {
      CLI::App*& family = families[row.family];
      if (family == nullptr) {
        family = app.add_subcommand(row.family, summaries.at(row.family))
                     ->require_subcommand(1)
                     ->group(GroupHeading(row.group));
      }
      command = family->add_subcommand(row.verb, row.summary)->group("Commands");
    }
    runners.push_back(row.declare(*command));
    commands.push_back(command);
  }
  return commands;
}

// The SQLite files of a database this command is creating, which SIGINT,
// SIGTERM or SIGHUP remove before the process dies: an interrupted command
// leaves no new database behind, as a failed one does not. The handler only
// calls async-signal-safe functions on these fixed buffers.
constexpr std::size_t kNewDatabasePathMax = 4096;
char new_database_files[3][kNewDatabasePathMax + 8];
volatile std::sig_atomic_t remove_new_database = 0;

extern "C" void RemoveNewDatabaseAndDie(int signal_number) {
  if (remove_new_database != 0) {
    for (const char* file : new_database_files) unlink(file);
  }
  struct sigaction fallback {};
  fallback.sa_handler = SIG_DFL;
  sigaction(signal_number, &fallback, nullptr);
  raise(signal_number);
}

void RemoveOnSignal(const std::string& database) {
  if (database.size() > kNewDatabasePathMax) return;
  const char* suffixes[] = {"", "-wal", "-shm"};
  for (int index = 0; index < 3; ++index) {
    std::snprintf(new_database_files[index], sizeof new_database_files[index], "%s%s",
                  database.c_str(), suffixes[index]);
  }
  struct sigaction action {};
  action.sa_handler = RemoveNewDatabaseAndDie;
  sigemptyset(&action.sa_mask);
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) sigaction(signal_number, &action, nullptr);
  remove_new_database = 1;
}

// Prepares what `row` needs and runs it. A command that made a new SQLite
// file and then failed removes it: a failed command leaves no trace.
Result<int> Run(const Command& row, const Runner& runner, GlobalOptions& options) {
  FillDefaults(options);
  // Who acts is written into events and into the From: of a report mail: a
  // line break in it would start a header of its own (a Bcc:).
  if (std::any_of(options.as.begin(), options.as.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return Fail(
        Error::InvalidArgument("--as: an e-mail address is one line without control characters"));
  }
  auto printer =
      view::MakePrinter(options.json ? view::Format::kJson : view::Format::kText, std::cout);
  Invocation run{options, nullptr, {}, *printer};
  if (row.needs == kNothing) return runner(run);
  if (row.needs != kStore) {
    // Who acts is recorded on every event and matched against people's
    // e-mails: a name or a typo would act as no one.
    if (!IsEmailAddress(options.as)) {
      return Fail(Error::InvalidArgument(
          fmt::format("--as '{}' is not an e-mail address: name who acts as --as name@example.org "
                      "(or set git config user.email)",
                      options.as)));
    }
    run.context =
        Context{options.as, ST_TRY(Now(options)), Clock(), options.backdate, options.now.empty()};
  }
  std::string database = DatabaseFile(options.db);
  std::error_code ignored;
  bool existed = database.empty() || std::filesystem::exists(database, ignored);
  StoreOptions store_options;
  store_options.create_if_missing = row.needs == kContextAndNewStore;
  store_options.access = row.needs == kStore || row.needs == kContextAndPast ? StoreAccess::kRead
                                                                             : StoreAccess::kWrite;
  store_options.busy_wait =
      std::chrono::milliseconds(static_cast<std::int64_t>(options.wait * 1000));
  if (!existed && store_options.create_if_missing) RemoveOnSignal(database);
  auto result = [&]() -> Result<int> {
    auto store = ST_TRY(OpenStore(options.db, store_options));
    run.store = store.get();
    std::unique_ptr<Store> past;
    if (row.needs == kContextAndPast) {
      past = MakeAsOfStore(*store, run.context.now);
      run.store = past.get();
    }
    return runner(run);
  }();
  remove_new_database = 0;
  if ((!result || !run.keep_new_database) && !existed) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(database + suffix, ignored);
    }
  }
  // Who acts comes from --as or git's user.email, which a user may not have
  // had in mind: say how to act as someone else.
  if (!result && result.error().IsPermissionDenied()) {
    return Fail(Error(result.error().code(),
                      result.error().message() + " (or act as someone who may, with --as EMAIL)",
                      result.error().context()));
  }
  return result;
}

Result<int> RunMain(int argc, char** argv) {
  ST_TRY(CheckArgumentsAreUtf8(argc, argv));
  GlobalOptions options;
  CLI::App app{
      "stocktake: release planning and feature lifecycles for projects that decide by lazy "
      "consensus on mailing lists.",
      "stocktake"};
  // Global options may also follow the command: `stocktake feature list --json`.
  app.fallthrough();
  app.require_subcommand(1);
  // Usage errors read like every other error, and say where help is.
  app.failure_message([](const CLI::App* failed, const CLI::Error& error) {
    // Name the (sub)command that was being parsed, e.g. "feature set ".
    std::string where;
    for (const CLI::App* at = failed; !at->get_subcommands().empty();) {
      at = at->get_subcommands().front();
      where += at->get_name() + " ";
    }
    return fmt::format("stocktake: error: {}\nRun 'stocktake {}--help' for more information.\n",
                       error.what(), where);
  });
  app.set_version_flag("--version",
                       fmt::format("stocktake {} (database schema {}, JSON schema {})", ST_VERSION,
                                   LatestSchemaVersion(), kJsonSchemaVersion));
  app.footer(Footer());
  AddGlobalOptions(app, options);
  std::vector<Runner> runners;
  std::vector<CLI::App*> commands = AddCommands(app, runners);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version end parsing by throwing too; app.exit prints them
    // (or the usage error) and says which it was.
    return app.exit(error) == 0 ? kExitOk : kExitUsage;
  }
  for (std::size_t index = 0; index < commands.size(); ++index) {
    if (commands[index]->parsed()) return Run(kCommands[index], runners[index], options);
  }
  return Fail(Error::Internal("no command ran"));
}

}  // namespace

CLI::Validator IsoDate() {
  return CLI::Validator(
      [](const std::string& text) -> std::string {
        auto date = ParseDate(text);
        return date ? "" : date.error().message();
      },
      "DATE");
}

CLI::Validator IsoDateTime() {
  return CLI::Validator(
      [](const std::string& text) -> std::string {
        auto at = ParseTimestamp(text);
        return at ? "" : at.error().message();
      },
      "DATE|DATETIME");
}

Result<Date> DateOption(const std::string& text, const char* option) {
  auto date = ParseDate(text);
  if (!date) {
    return Fail(Error::InvalidArgument(fmt::format("{}: {}", option, date.error().message())));
  }
  return *date;
}

Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes,
                             std::string_view what) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return Fail(Error::InvalidArgument(fmt::format("{} is a directory: name a file", path)));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(Error::NotFound(fmt::format("cannot read {}: {}", path, std::strerror(errno))));
  }
  // Read in steps, so the size is bounded before memory is.
  std::string text;
  std::array<char, 1 << 16> chunk{};
  while (in) {
    in.read(chunk.data(), chunk.size());
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes) {
      return Fail(Error::InvalidArgument(
          fmt::format("{} is larger than {} bytes, the most a {} may be (see docs/limits.md)", path,
                      max_bytes, what)));
    }
  }
  if (in.bad()) return Fail(Error::IoError(fmt::format("cannot read {}", path)));
  return text;
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
