// Planning at scale: a generated release of 10,000 features (2,000 items with
// 4 sub-items each, about 2,000 dependencies) and 100,000 events.
//   - import: the features alone, then the same project with 10 status
//     changes each in its history, against the same rows written with the
//     raw SQLite C API in one transaction (the floor of any importer);
//   - report now, report as of the middle of the history, report with the
//     changes since that date, and check, on a year of history made through
//     the library (the import of the features on 2024-01-01, then status
//     changes, field updates and two slips, one transaction each, in date
//     order), each against the raw SQLite read of the same rows from the same
//     file: the release's features and their lists, and the events the report
//     needs (every one up to the date for "as of", the kinds "changes since"
//     reports for it). Each is taken in turn with its baseline, best of REPEATS.
// Usage: stocktake_planning_bench [FEATURES] [REPEATS]

#include <fmt/format.h>
#include <sqlite3.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <random>
#include <string>

#include "stocktake/service/planning.h"
#include "stocktake/storage/as_of_store.h"
#include "stocktake/storage/open_store.h"

namespace stocktake {
namespace {

constexpr const char* kStatuses[] = {"finished", "on-track", "fair", "at-risk"};

double Seconds(const std::function<void()>& body) {
  auto start = std::chrono::steady_clock::now();
  body();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double CpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

// The best of `repeats` runs: wall-clock seconds and CPU seconds (the machine
// is shared, so CPU time is the steadier figure).
struct Timing {
  double wall = 1e9;
  double cpu = 1e9;
};

void Measure(const std::function<void()>& body, Timing& best) {
  double cpu_start = CpuSeconds();
  best.wall = std::min(best.wall, Seconds(body));
  best.cpu = std::min(best.cpu, CpuSeconds() - cpu_start);
}

Timing Best(int repeats, const std::function<void()>& body) {
  Timing best;
  for (int i = 0; i < repeats; ++i) Measure(body, best);
  return best;
}

// The best of `repeats` runs of `body` and of its baseline, taken in turn so
// that a change in the machine's load falls on both.
std::pair<Timing, Timing> BestAgainst(int repeats, const std::function<void()>& baseline,
                                      const std::function<void()>& body) {
  std::pair<Timing, Timing> best;
  for (int i = 0; i < repeats; ++i) {
    Measure(baseline, best.first);
    Measure(body, best.second);
  }
  return best;
}

// A project file with `count` features, each with `history` status changes.
std::string GenerateProject(int count, int history) {
  std::mt19937 random(42);
  std::string yaml =
      "project:\n  name: Bench\n  mailing_list: bench@example.org\n"
      "people:\n  - email: rm@example.org\n    roles: [release-manager]\n"
      "releases:\n  - version: \"9.0\"\n    start: 2024-01-01\n    freeze: 2024-09-02\n"
      "    release: 2024-12-02\n    report_template: |-\n      {{schedule}}\n\n      "
      "{{features}}\n    features:\n";
  for (int i = 0; i < count; ++i) {
    bool sub_item = i % 5 != 0;
    std::string status = kStatuses[random() % 4];
    yaml += fmt::format("      - title: Feature number {}\n        status: {}\n", i, status);
    if (sub_item) yaml += fmt::format("        parent: feature-number-{}\n", i - i % 5);
    if (!sub_item && i >= 10) {
      yaml += fmt::format("        depends_on: [feature-number-{}]\n", random() % (i - 5));
    }
    yaml += fmt::format("        owners: [owner{}@example.org]\n", i % 97);
    if (history > 0) yaml += "        history:\n";
    std::string from;
    for (int change = 0; change < history; ++change) {
      std::string to = change == history - 1 ? status : kStatuses[(i + change) % 4];
      yaml +=
          fmt::format("          - at: 2024-0{}-{:02}T10:00:00Z\n            by: rm@example.org\n",
                      1 + change / 3, 1 + (change % 3) * 9 + i % 9);
      if (!from.empty()) yaml += fmt::format("            from: {}\n", from);
      yaml += fmt::format("            to: {}\n", to);
      from = to;
    }
  }
  return yaml;
}

void Exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", error);
    std::exit(1);
  }
}

// The baseline importer: the same features, list rows and events, written with
// prepared statements in one transaction.
void RawImport(const std::string& path, int count) {
  std::filesystem::remove(path);
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  Exec(db,
       "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
       "CREATE TABLE f(slug TEXT PRIMARY KEY, release TEXT, ordinal INT, title TEXT, "
       "parent TEXT, status TEXT, updated BIGINT);"
       "CREATE TABLE o(feature TEXT, ordinal INT, email TEXT, PRIMARY KEY(feature, ordinal));"
       "CREATE TABLE e(id INTEGER PRIMARY KEY, at BIGINT, actor TEXT, kind TEXT, "
       "release TEXT, subject TEXT, from_value TEXT, to_value TEXT);"
       "CREATE INDEX e_release ON e(release, at); BEGIN");
  sqlite3_stmt* feature = nullptr;
  sqlite3_stmt* owner = nullptr;
  sqlite3_stmt* event = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO f VALUES (?,?,?,?,?,?,?)", -1, &feature, nullptr);
  sqlite3_prepare_v2(db, "INSERT INTO o VALUES (?,?,?)", -1, &owner, nullptr);
  sqlite3_prepare_v2(db,
                     "INSERT INTO e(at, actor, kind, release, subject, from_value, to_value) "
                     "VALUES (?,?,?,?,?,?,?)",
                     -1, &event, nullptr);
  for (int i = 0; i < count; ++i) {
    std::string slug = fmt::format("feature-number-{}", i);
    std::string title = fmt::format("Feature number {}", i);
    sqlite3_bind_text(feature, 1, slug.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(feature, 2, "9.0", -1, SQLITE_STATIC);
    sqlite3_bind_int(feature, 3, i);
    sqlite3_bind_text(feature, 4, title.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_null(feature, 5);
    sqlite3_bind_text(feature, 6, kStatuses[i % 4], -1, SQLITE_STATIC);
    sqlite3_bind_int64(feature, 7, 1700000000);
    sqlite3_step(feature);
    sqlite3_reset(feature);
    sqlite3_bind_text(owner, 1, slug.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(owner, 2, 0);
    sqlite3_bind_text(owner, 3, "owner@example.org", -1, SQLITE_STATIC);
    sqlite3_step(owner);
    sqlite3_reset(owner);
    for (int change = 0; change < 11; ++change) {
      sqlite3_bind_int64(event, 1, 1700000000 + change);
      sqlite3_bind_text(event, 2, "rm@example.org", -1, SQLITE_STATIC);
      sqlite3_bind_text(event, 3, "feature.status", -1, SQLITE_STATIC);
      sqlite3_bind_text(event, 4, "9.0", -1, SQLITE_STATIC);
      sqlite3_bind_text(event, 5, slug.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(event, 6, "fair", -1, SQLITE_STATIC);
      sqlite3_bind_text(event, 7, "at-risk", -1, SQLITE_STATIC);
      sqlite3_step(event);
      sqlite3_reset(event);
    }
  }
  sqlite3_finalize(feature);
  sqlite3_finalize(owner);
  sqlite3_finalize(event);
  Exec(db, "COMMIT");
  sqlite3_close(db);
}

// The baseline reader of the import's own schema: every feature row and
// owner of the release.
void RawRead(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* statement = nullptr;
  size_t bytes = 0;
  for (const char* sql : {"SELECT slug, title, parent, status, updated FROM f WHERE release = "
                          "'9.0' ORDER BY ordinal",
                          "SELECT feature, email FROM o ORDER BY feature, ordinal"}) {
    sqlite3_prepare_v2(db, sql, -1, &statement, nullptr);
    while (sqlite3_step(statement) == SQLITE_ROW) {
      for (int column = 0; column < sqlite3_column_count(statement); ++column) {
        const unsigned char* text = sqlite3_column_text(statement, column);
        if (text != nullptr) bytes += std::string(reinterpret_cast<const char*>(text)).size();
      }
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  if (bytes == 0) std::exit(1);
}

// Every column of every row `sql` selects, each text copied out as a reader
// that keeps the rows must; returns the bytes read.
size_t RawRows(sqlite3* db, const std::string& sql, const std::vector<long long>& parameters) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
    std::exit(1);
  }
  sqlite3_bind_text(statement, 1, "9.0", -1, SQLITE_STATIC);
  for (size_t i = 0; i < parameters.size(); ++i) {
    sqlite3_bind_int64(statement, static_cast<int>(i) + 2, parameters[i]);
  }
  size_t bytes = 0;
  long long integers = 0;
  std::string text;
  while (sqlite3_step(statement) == SQLITE_ROW) {
    for (int column = 0; column < sqlite3_column_count(statement); ++column) {
      if (sqlite3_column_type(statement, column) == SQLITE_INTEGER) {
        integers += sqlite3_column_int64(statement, column);
        bytes += sizeof(sqlite3_int64);
      } else if (const unsigned char* value = sqlite3_column_text(statement, column)) {
        text.assign(reinterpret_cast<const char*>(value),
                    static_cast<size_t>(sqlite3_column_bytes(statement, column)));
        bytes += text.size();
      }
    }
  }
  sqlite3_finalize(statement);
  return integers == 0 ? 0 : bytes;
}

// Which events a report reads besides the features.
enum class EventRows { kNone, kSince, kUntil };

// The baseline reader of the same rows a report reads, from the same database
// file through one connection kept open (as the store keeps its own) with the
// store's settings: the release's feature rows with every column, their code
// bases, owners and dependencies, and then either the events "changes since"
// reports (added, status, field updates, slips, interventions) since a time or every event of the
// release up to a time, which a report as of that time needs.
class RawReader {
 public:
  explicit RawReader(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      std::exit(1);
    }
    Exec(db_, "PRAGMA mmap_size = 268435456");
  }
  ~RawReader() { sqlite3_close(db_); }
  RawReader(const RawReader&) = delete;
  RawReader& operator=(const RawReader&) = delete;

  void Read(EventRows events, Timestamp at) {
    size_t bytes = RawRows(db_,
                           "SELECT slug, release_version, title, parent, status, external, "
                           "must_have, short_title, remark, notes, protocol, freeze_exception, "
                           "updated_at FROM features WHERE release_version = ? ORDER BY ordinal",
                           {});
    // Every feature of the database is in the release: the lists are read whole.
    for (const char* table : {"feature_code_bases", "feature_owners", "feature_dependencies"}) {
      bytes += RawRows(db_, fmt::format("SELECT * FROM {} WHERE ? IS NOT NULL", table), {});
    }
    const std::string columns =
        "SELECT id, at, recorded_at, actor, kind, release_version, subject, from_value, "
        "to_value, reason, detail FROM events WHERE release_version = ? ";
    long long seconds = at.time_since_epoch().count();
    if (events == EventRows::kSince) {
      bytes += RawRows(db_,
                       columns +
                           "AND kind IN ('feature.added', 'feature.status', 'feature.updated', "
                           "'release.slipped', 'release.intervention') "
                           "AND at >= ? ORDER BY at, id",
                       {seconds});
    } else if (events == EventRows::kUntil) {
      bytes += RawRows(db_, columns + "AND at <= ? ORDER BY at, id", {seconds});
    }
    if (bytes == 0) std::exit(1);
  }

 private:
  sqlite3* db_ = nullptr;
};

// A year of planning after the import: `wanted` more events made through
// Planning::UpdateFeature in date order between `from` and `to`: status
// changes, field updates (remark, notes, short title, owners) and both at
// once, on features picked at random, and two slips of the schedule.
struct History {
  int status_changes = 0;
  int field_updates = 0;
  int slips = 0;
};

History GenerateHistory(Planning& planning, int wanted, Timestamp from, Timestamp to) {
  std::mt19937 random(7);
  auto features = ST_MUST(planning.LoadRelease("9.0")).features;
  History history;
  // About 1.1 events a change: one in ten changes both the status and a field.
  const int changes = wanted * 10 / 11;
  const auto step = (to - from) / (changes + 1);
  Timestamp at = from;
  for (int change = 0;
       change < changes && history.status_changes + history.field_updates + history.slips < wanted;
       ++change) {
    at += step;
    Context context{"rm@example.org", at};
    if (change == changes / 3 || change == 2 * changes / 3) {
      Date freeze = ST_MUST(planning.FindRelease("9.0")).freeze;
      Date release = ST_MUST(planning.FindRelease("9.0")).release;
      (void)ST_MUST(planning.SlipRelease(context, "9.0", freeze + std::chrono::days(14),
                                         release + std::chrono::days(14), "slip for the bench"));
      ++history.slips;
      continue;
    }
    Feature& feature = features[random() % features.size()];
    FeatureUpdate update;
    int kind = static_cast<int>(random() % 20);
    if (kind < 9 || kind >= 18) {
      std::string status = feature.status;
      while (status == feature.status) status = kStatuses[random() % 4];
      update.status = feature.status = status;
      if (random() % 3 == 0) update.reason = fmt::format("reason {}", change);
      ++history.status_changes;
    }
    if (kind >= 9) {
      switch (random() % 4) {
        case 0:
          update.remark = fmt::format("remark {}", change);
          break;
        case 1:
          update.notes = fmt::format("Notes of change {}: what was said on the list.", change);
          break;
        case 2:
          update.short_title = fmt::format("Short {}", change);
          break;
        default:
          update.owners = std::vector<std::string>{fmt::format("owner{}@example.org", change)};
      }
      ++history.field_updates;
    }
    (void)ST_MUST(planning.UpdateFeature(context, feature.slug, update));
  }
  return history;
}

}  // namespace
}  // namespace stocktake

int main(int argc, char** argv) {
  int count = argc > 1 ? std::atoi(argv[1]) : 10000;
  int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  // One directory per run: two runs at once (other worktrees) must not share one.
  std::string dir =
      std::filesystem::temp_directory_path() / fmt::format("stocktake-planning-bench-{}", getpid());
  std::filesystem::create_directories(dir);
  std::string db_path = dir + "/bench.db";
  std::string raw_path = dir + "/raw.db";
  stocktake::Context context{"rm@example.org", ST_MUST(stocktake::ParseTimestamp("2024-05-01"))};

  auto import = [&](const std::string& yaml, stocktake::ImportSummary* summary) {
    return stocktake::Best(1, [&] {
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path + suffix);
      stocktake::StoreOptions options;
      options.create_if_missing = true;
      auto store = ST_MUST(stocktake::OpenStore(db_path, options));
      stocktake::Planning planning(*store);
      *summary = ST_MUST(planning.Import(context, yaml, "bench.yaml"));
    });
  };
  std::string features_only = stocktake::GenerateProject(count, 0);
  std::string with_history = stocktake::GenerateProject(count, 10);
  fmt::print(
      "planning bench: {} features; project file {:.1f} MB, {:.1f} MB with {} history "
      "events\n",
      count, features_only.size() / 1e6, with_history.size() / 1e6, count * 10);
  stocktake::ImportSummary summary;
  auto raw_import = stocktake::Best(1, [&] { stocktake::RawImport(raw_path, count); });
  fmt::print("baseline raw SQLite import of the same rows: {:.1f} ms wall, {:.1f} ms CPU\n",
             raw_import.wall * 1e3, raw_import.cpu * 1e3);
  auto plain = import(features_only, &summary);
  // Wall time: an import waits for its writes too. The rate in CPU time says
  // what a loaded machine made of it.
  fmt::print(
      "import (features)            {:8.1f} ms wall {:8.1f} ms CPU  {:6.0f} features/s "
      "({:.0f} per CPU second; {} events)  ratio {:.2f}x  target > 20000 features/s: {}\n",
      plain.wall * 1e3, plain.cpu * 1e3, count / plain.wall, count / plain.cpu,
      summary.events_written, plain.wall / raw_import.wall,
      count / plain.wall > 20000 ? "met" : "NOT met");
  auto full = import(with_history, &summary);
  fmt::print(
      "import (features + history)  {:8.1f} ms wall {:8.1f} ms CPU  {:6.0f} features/s "
      "({} events)  ratio {:.2f}x\n",
      full.wall * 1e3, full.cpu * 1e3, count / full.wall, summary.events_written,
      full.wall / raw_import.wall);

  // The report benchmarks read a year of history made through the library.
  std::string history_path = dir + "/history.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(history_path + suffix);
  stocktake::StoreOptions create;
  create.create_if_missing = true;
  auto store = ST_MUST(stocktake::OpenStore(history_path, create));
  stocktake::Planning planning(*store);
  stocktake::Timestamp year_start = ST_MUST(stocktake::ParseTimestamp("2024-01-01T00:00:00Z"));
  stocktake::Timestamp year_end = ST_MUST(stocktake::ParseTimestamp("2024-12-20T00:00:00Z"));
  stocktake::History history;
  double generated = stocktake::Seconds([&] {
    (void)ST_MUST(planning.Import({"rm@example.org", year_start}, features_only, "bench.yaml"));
    history = stocktake::GenerateHistory(planning, count * 8, year_start, year_end);
  });
  int events = static_cast<int>(ST_MUST(store->ListEvents({})).size());
  fmt::print(
      "history: {} events from 2024-01-01 to 2024-12-20 ({} features added, {} status changes, "
      "{} field updates, {} slips), made in {:.1f} s\n",
      events, count, history.status_changes, history.field_updates, history.slips, generated);

  stocktake::Timestamp now = ST_MUST(stocktake::ParseTimestamp("2024-12-20T12:00:00Z"));
  stocktake::Timestamp middle = ST_MUST(stocktake::ParseTimestamp("2024-07-01T00:00:00Z"));
  stocktake::Date since = ST_MUST(stocktake::ParseDate("2024-07-01"));
  size_t report_bytes = 0, as_of_bytes = 0, since_bytes = 0, alerts = 0, changes = 0;
  // Every read goes through the store as it was at its time, as the CLI's
  // and the server's reads do: as of now that is one indexed query more.
  auto read_at = [&](stocktake::Timestamp at, std::optional<stocktake::Date> since_date) {
    auto past = stocktake::MakeAsOfStore(*store, at);
    return ST_MUST(stocktake::Planning(*past).Report("9.0", at, since_date));
  };
  using stocktake::EventRows;
  stocktake::RawReader raw_reader(history_path);
  auto [raw_read, report] = stocktake::BestAgainst(
      repeats, [&] { stocktake::RawRead(raw_path); },
      [&] {
        auto stock = read_at(now, std::nullopt);
        report_bytes = stocktake::RenderTakingStockText(stock).size();
      });
  auto [raw_same, report_again] = stocktake::BestAgainst(
      repeats, [&] { raw_reader.Read(EventRows::kNone, now); },
      [&] {
        auto stock = read_at(now, std::nullopt);
        report_bytes = stocktake::RenderTakingStockText(stock).size();
      });
  report.wall = std::min(report.wall, report_again.wall);
  report.cpu = std::min(report.cpu, report_again.cpu);
  auto [raw_until, as_of] = stocktake::BestAgainst(
      repeats, [&] { raw_reader.Read(EventRows::kUntil, middle); },
      [&] {
        auto stock = read_at(middle, std::nullopt);
        as_of_bytes = stocktake::RenderTakingStockText(stock).size();
      });
  auto [raw_since, report_since] = stocktake::BestAgainst(
      repeats, [&] { raw_reader.Read(EventRows::kSince, stocktake::StartOf(since)); },
      [&] {
        auto stock = read_at(now, since);
        changes = stock.changes.size();
        since_bytes = stocktake::RenderTakingStockText(stock).size();
      });
  auto check =
      stocktake::Best(repeats, [&] { alerts = ST_MUST(planning.Check("9.0", now)).size(); });
  fmt::print(
      "baseline raw SQLite read of the same rows, from the same file: {:.2f} ms CPU (features "
      "and lists), {:.2f} ms (+ every event up to 2024-07-01), {:.2f} ms (+ the events of "
      "changes since 2024-07-01)\n",
      raw_same.cpu * 1e3, raw_until.cpu * 1e3, raw_since.cpu * 1e3);
  // A target of 0 is no target.
  auto line = [&](const char* name, stocktake::Timing timing, const std::string& what,
                  stocktake::Timing baseline, double target) {
    // Reads are single-threaded and CPU-bound, baseline and all: CPU time
    // is the figure a shared machine leaves steady.
    double ratio = timing.cpu / baseline.cpu;
    std::string verdict = target > 0 ? fmt::format("  target < {:.0f}x: {}", target,
                                                   ratio < target ? "met" : "NOT met")
                                     : "";
    fmt::print("{:<26} {:8.2f} ms wall {:8.2f} ms CPU  {:<28} ratio {:5.2f}x{}\n", name,
               timing.wall * 1e3, timing.cpu * 1e3, what, ratio, verdict);
  };
  line("report", report, fmt::format("{} bytes", report_bytes), raw_same, 2);
  line("report as of 2024-07-01", as_of, fmt::format("{} bytes", as_of_bytes), raw_until, 3);
  line("report --since 2024-07-01", report_since,
       fmt::format("{} changes, {} bytes", changes, since_bytes), raw_since, 5);
  line("check", check, fmt::format("{} alerts", alerts), raw_same, 0);
  // The baseline of the figures before issue 8: the import schema's features
  // and owners, without dependencies or events.
  fmt::print(
      "against the raw read of the import schema's features and owners ({:.2f} ms CPU), as "
      "before: report {:.2f}x, report --since {:.2f}x\n",
      raw_read.cpu * 1e3, report.cpu / raw_read.cpu, report_since.cpu / raw_read.cpu);
  // STOCKTAKE_BENCH_KEEP leaves the database for profiling.
  if (std::getenv("STOCKTAKE_BENCH_KEEP") == nullptr) {
    std::filesystem::remove_all(dir);
  } else {
    fmt::print("databases kept in {}\n", dir);
  }
  return 0;
}
