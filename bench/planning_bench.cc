// Planning at scale: a generated release of 10,000 features (2,000 items with
// 4 sub-items each, about 2,000 dependencies) and 100,000 status-history events.
// Measures import (the features alone, then the same project with its history),
// report (with and without "changes since") and check, each against a baseline
// measured in the same run on the same machine:
//   - import: the same rows written with the raw SQLite C API in one
//     transaction (the floor of any importer);
//   - report and check: the same rows read back with the raw SQLite C API.
// Usage: stocktake_planning_bench [FEATURES] [REPEATS]

#include <fmt/format.h>
#include <sqlite3.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <string>

#include "stocktake/service/planning.h"
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

Timing Best(int repeats, const std::function<void()>& body) {
  Timing best;
  for (int i = 0; i < repeats; ++i) {
    double cpu_start = CpuSeconds();
    best.wall = std::min(best.wall, Seconds(body));
    best.cpu = std::min(best.cpu, CpuSeconds() - cpu_start);
  }
  return best;
}

// A project file with `count` features, each with `history` status changes.
std::string GenerateProject(int count, int history) {
  std::mt19937 random(42);
  std::string yaml =
      "project:\n  name: Bench\n  mailing_list: bench@example.org\n"
      "people:\n  - email: rm@example.org\n    roles: [release-manager]\n"
      "releases:\n  - version: \"9.0\"\n    start: 2024-01-01\n    freeze: 2024-07-01\n"
      "    release: 2024-10-01\n    report_template: |-\n      {{schedule}}\n\n      "
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

// The baseline reader: every feature row and owner of the release.
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

}  // namespace
}  // namespace stocktake

int main(int argc, char** argv) {
  int count = argc > 1 ? std::atoi(argv[1]) : 10000;
  int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  std::string dir = std::filesystem::temp_directory_path() / "stocktake-planning-bench";
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
  fmt::print(
      "import (features)            {:8.1f} ms wall {:8.1f} ms CPU  {:6.0f} features/s "
      "({} events)  ratio {:.2f}x  target > 20000 features/s: {}\n",
      plain.wall * 1e3, plain.cpu * 1e3, count / plain.wall, summary.events_written,
      plain.wall / raw_import.wall, count / plain.wall > 20000 ? "met" : "NOT met");
  auto full = import(with_history, &summary);
  fmt::print(
      "import (features + history)  {:8.1f} ms wall {:8.1f} ms CPU  {:6.0f} features/s "
      "({} events)  ratio {:.2f}x\n",
      full.wall * 1e3, full.cpu * 1e3, count / full.wall, summary.events_written,
      full.wall / raw_import.wall);

  auto store = ST_MUST(stocktake::OpenStore(db_path));
  stocktake::Planning planning(*store);
  stocktake::Timestamp now = context.now;
  size_t report_bytes = 0, alerts = 0, changes = 0;
  auto raw_read = stocktake::Best(repeats, [&] { stocktake::RawRead(raw_path); });
  auto report = stocktake::Best(repeats, [&] {
    auto stock = ST_MUST(planning.Report("9.0", now, std::nullopt));
    report_bytes = stocktake::RenderTakingStockText(stock).size();
  });
  auto report_since = stocktake::Best(repeats, [&] {
    auto stock = ST_MUST(planning.Report("9.0", now, ST_MUST(stocktake::ParseDate("2024-03-01"))));
    changes = stock.changes.size();
    report_bytes = stocktake::RenderTakingStockText(stock).size();
  });
  auto check =
      stocktake::Best(repeats, [&] { alerts = ST_MUST(planning.Check("9.0", now)).size(); });
  fmt::print("baseline raw SQLite read of the release: {:.2f} ms wall, {:.2f} ms CPU\n",
             raw_read.wall * 1e3, raw_read.cpu * 1e3);
  auto line = [&](const char* name, stocktake::Timing timing, const std::string& what,
                  bool target) {
    fmt::print("{:<28} {:8.2f} ms wall {:8.2f} ms CPU  {:<16} ratio {:.2f}x{}\n", name,
               timing.wall * 1e3, timing.cpu * 1e3, what, timing.wall / raw_read.wall,
               target
                   ? (timing.wall < 0.020 ? "  target < 20 ms: met" : "  target < 20 ms: NOT met")
                   : "");
  };
  line("report", report, fmt::format("{} bytes", report_bytes), true);
  line("report --since", report_since, fmt::format("{} changes", changes), false);
  line("check", check, fmt::format("{} alerts", alerts), true);
  // STOCKTAKE_BENCH_KEEP leaves the database for profiling.
  if (std::getenv("STOCKTAKE_BENCH_KEEP") == nullptr) std::filesystem::remove_all(dir);
  return 0;
}
