// Concurrent writers on one SQLite file: 2, 4 and 8 fork()ed processes, each
// opening its own Store and making CHANGES `feature set` changes
// (Planning::UpdateFeature) as fast as it can, on features they share and on
// features of their own. Prints writes per second and the count of lost
// updates, which must be 0: every change a writer was told succeeded must be in
// the event log exactly once, and each field must end holding the value of
// the last logged change to it.
//
// Baseline, in the same run: the same number of processes writing the same
// rows with the raw SQLite C API, each change one BEGIN IMMEDIATE transaction
// that reads the row, updates one column and appends an event row, with the
// same busy timeout, journal mode and synchronous setting as the store.
//
// Usage: stocktake_concurrency_bench [CHANGES]   (200 by default)

#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "stocktake/service/planning.h"
#include "stocktake/storage/open_store.h"

namespace stocktake {
namespace {

constexpr int kSharedFeatures = 4;
constexpr const char* kActor = "rm@example.org";
// The fields the writers take turns on: on shared features two writers often
// change the same field at once, and as often two different ones.
constexpr const char* kFields[] = {"notes", "remark", "short_title", "freeze_exception", "owners"};
constexpr int kFieldCount = 5;

enum class Sharing { kShared, kSeparate };

const char* Name(Sharing sharing) { return sharing == Sharing::kShared ? "shared" : "separate"; }

// Which feature and field a writer's change goes to, and the value it sets:
// unique to the writer and the change, so that each can be found in the log.
struct Change {
  std::string slug;
  const char* field;
  std::string value;
  std::string reason;
};

std::string SlugOf(int index) { return fmt::format("feature-number-{}", index); }

Change ChangeOf(Sharing sharing, int worker, int change) {
  int feature = sharing == Sharing::kShared ? change % kSharedFeatures : worker;
  const char* field = kFields[(worker + change) % kFieldCount];
  std::string value = fmt::format("w{}-c{}", worker, change);
  if (std::string_view(field) == "owners") value += "@example.org";
  return Change{SlugOf(feature), field, value, fmt::format("bench w{} c{}", worker, change)};
}

FeatureUpdate UpdateOf(const Change& change) {
  FeatureUpdate update;
  update.reason = change.reason;
  std::string_view field = change.field;
  if (field == "notes") update.notes = change.value;
  if (field == "remark") update.remark = change.value;
  if (field == "short_title") update.short_title = change.value;
  if (field == "freeze_exception") update.freeze_exception = change.value;
  if (field == "owners") update.owners = std::vector<std::string>{change.value};
  return update;
}

std::string FieldOf(const Feature& feature, std::string_view field) {
  if (field == "notes") return feature.notes;
  if (field == "remark") return feature.remark;
  if (field == "short_title") return feature.short_title;
  if (field == "freeze_exception") return feature.freeze_exception;
  return feature.owners.empty() ? "" : feature.owners.front();
}

std::string GenerateProject(int count) {
  std::string yaml =
      "project:\n  name: Bench\n  mailing_list: bench@example.org\n"
      "people:\n  - email: rm@example.org\n    roles: [release-manager, admin]\n"
      "releases:\n  - version: \"9.0\"\n    start: 2024-01-01\n    freeze: 2024-07-01\n"
      "    release: 2024-10-01\n    features:\n";
  for (int i = 0; i < count; ++i) {
    yaml += fmt::format(
        "      - title: Feature number {}\n        status: on-track\n"
        "        owners: [owner{}@example.org]\n",
        i, i);
  }
  return yaml;
}

void RemoveDatabase(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Runs `work(worker)` in `processes` fork()ed children that start together,
// once each has done its set-up; returns the wall time from the start signal
// to the last child's exit, and each child's exit status in `statuses`.
double RunWorkers(int processes, const std::function<void(int)>& setup,
                  const std::function<int(int)>& work, std::vector<int>* statuses) {
  int ready[2], go[2];
  if (pipe(ready) != 0 || pipe(go) != 0) std::exit(1);
  std::fflush(stdout);  // Or each child would print the parent's buffered lines again.
  std::vector<pid_t> children;
  for (int worker = 0; worker < processes; ++worker) {
    pid_t pid = fork();
    if (pid < 0) std::exit(1);
    if (pid == 0) {
      close(ready[0]);
      close(go[1]);
      setup(worker);
      char byte = 'r';
      if (write(ready[1], &byte, 1) != 1) _exit(1);
      if (read(go[0], &byte, 1) < 0) _exit(1);  // EOF: the parent closed it, go.
      _exit(work(worker));
    }
    children.push_back(pid);
  }
  close(ready[1]);
  close(go[0]);
  char byte;
  for (int worker = 0; worker < processes; ++worker) {
    if (read(ready[0], &byte, 1) != 1) std::exit(1);
  }
  double start = Now();
  close(go[1]);
  statuses->assign(static_cast<size_t>(processes), 0);
  for (int worker = 0; worker < processes; ++worker) {
    int status = 0;
    waitpid(children[static_cast<size_t>(worker)], &status, 0);
    (*statuses)[static_cast<size_t>(worker)] =
        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  double seconds = Now() - start;
  close(ready[0]);
  return seconds;
}

// The failed changes of one worker, one index a line, in `path`.
std::set<int> ReadFailures(const std::string& path) {
  std::set<int> failed;
  if (FILE* file = std::fopen(path.c_str(), "r")) {
    int index = 0;
    while (std::fscanf(file, "%d", &index) == 1) failed.insert(index);
    std::fclose(file);
  }
  return failed;
}

struct Outcome {
  double seconds = 0;
  int written = 0;
  int failed = 0;
  int lost = 0;
};

// A field's value as an event's detail gives it: text, or the first of a list.
std::string DetailText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array() && !value.empty()) return value.at(0).get<std::string>();
  return "";
}

// The changes lost: a succeeded change that is not in the log exactly once; a
// logged change whose old value is not the new value of the change logged
// before it to the same field (a change in between was overwritten, though
// later changes may hide it in the final state); a field that does not end
// with the value of the last change logged to it.
int CountLost(Store& store, Sharing sharing, int processes, int changes,
              const std::vector<std::set<int>>& failures) {
  EventQuery query;
  query.kind = event_kind::kFeatureUpdated;
  auto events = ST_MUST(store.ListEvents(query));
  std::sort(events.begin(), events.end(),
            [](const Event& a, const Event& b) { return a.id < b.id; });
  int lost = 0;
  std::map<std::string, int> logged;
  // (slug, field) -> the value of the last logged change to it.
  std::map<std::pair<std::string, std::string>, std::string> last;
  for (const auto& event : events) {
    ++logged[event.reason];
    auto detail = nlohmann::json::parse(event.detail, nullptr, false);
    if (!detail.is_object()) continue;
    for (const auto& [field, values] : detail.items()) {
      auto [it, first] = last.try_emplace({event.subject, field}, "");
      if (!first && it->second != DetailText(values.at(0))) ++lost;
      it->second = DetailText(values.at(1));
    }
  }
  for (int worker = 0; worker < processes; ++worker) {
    for (int change = 0; change < changes; ++change) {
      if (failures[static_cast<size_t>(worker)].contains(change)) continue;
      if (logged[ChangeOf(sharing, worker, change).reason] != 1) ++lost;
    }
  }
  for (const auto& [key, value] : last) {
    auto feature = ST_MUST(store.FindFeature(key.first));
    if (!feature || FieldOf(*feature, key.second) != value) ++lost;
  }
  return lost;
}

Outcome RunStocktake(const std::string& path, Sharing sharing, int processes, int changes) {
  RemoveDatabase(path);
  {
    StoreOptions options;
    options.create_if_missing = true;
    auto store = ST_MUST(OpenStore(path, options));
    Planning planning(*store);
    Context context{kActor, ST_MUST(ParseTimestamp("2024-03-01"))};
    (void)ST_MUST(planning.Import(context, GenerateProject(8), "bench.yaml"));
  }
  std::unique_ptr<Store> store;
  std::vector<int> statuses;
  Outcome outcome;
  outcome.seconds = RunWorkers(
      processes, [&](int) { store = ST_MUST(OpenStore(path)); },
      [&](int worker) {
        Planning planning(*store);
        // One date for every write: the writers race for the lock, and none
        // should be a backdated change to another's.
        Context context{kActor, ST_MUST(ParseTimestamp("2024-05-01"))};
        FILE* failures = std::fopen(fmt::format("{}.failed-{}", path, worker).c_str(), "w");
        for (int change = 0; change < changes; ++change) {
          Change planned = ChangeOf(sharing, worker, change);
          auto updated = planning.UpdateFeature(context, planned.slug, UpdateOf(planned));
          if (!updated) {
            std::fprintf(failures, "%d\n", change);
            std::fprintf(stderr, "w%d c%d: %s\n", worker, change,
                         updated.error().ToString().c_str());
          }
        }
        std::fclose(failures);
        return 0;
      },
      &statuses);
  std::vector<std::set<int>> failures;
  for (int worker = 0; worker < processes; ++worker) {
    std::string file = fmt::format("{}.failed-{}", path, worker);
    failures.push_back(ReadFailures(file));
    std::filesystem::remove(file);
    outcome.failed += static_cast<int>(failures.back().size());
    if (statuses[static_cast<size_t>(worker)] != 0) outcome.failed += changes;
  }
  outcome.written = processes * changes - outcome.failed;
  store = ST_MUST(OpenStore(path));
  outcome.lost = CountLost(*store, sharing, processes, changes, failures);
  return outcome;
}

void Exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", error);
    std::exit(1);
  }
}

sqlite3* OpenRaw(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) std::exit(1);
  sqlite3_busy_timeout(db, 10'000);
  Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL");
  return db;
}

// The baseline writer: read the row, update one column and append the event
// in one BEGIN IMMEDIATE transaction, with statements prepared once.
int RawWorker(const std::string& path, Sharing sharing, int worker, int changes) {
  sqlite3* db = OpenRaw(path);
  sqlite3_stmt* read = nullptr;
  sqlite3_stmt* event = nullptr;
  std::map<std::string, sqlite3_stmt*> updates;
  sqlite3_prepare_v2(db, "SELECT * FROM f WHERE slug = ?", -1, &read, nullptr);
  sqlite3_prepare_v2(db,
                     "INSERT INTO e(at, actor, kind, subject, reason, detail) "
                     "VALUES (?, ?, 'feature.updated', ?, ?, ?)",
                     -1, &event, nullptr);
  for (const char* field : kFields) {
    sqlite3_prepare_v2(db, fmt::format("UPDATE f SET {} = ? WHERE slug = ?", field).c_str(), -1,
                       &updates[field], nullptr);
  }
  for (int change = 0; change < changes; ++change) {
    Change planned = ChangeOf(sharing, worker, change);
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) return 1;
    sqlite3_bind_text(read, 1, planned.slug.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(read) == SQLITE_ROW) {
    }
    sqlite3_reset(read);
    sqlite3_stmt* update = updates[planned.field];
    sqlite3_bind_text(update, 1, planned.value.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(update, 2, planned.slug.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(update);
    sqlite3_reset(update);
    std::string detail = fmt::format(R"({{"{}":["","{}"]}})", planned.field, planned.value);
    sqlite3_bind_int64(event, 1, 1714521600);
    sqlite3_bind_text(event, 2, kActor, -1, SQLITE_STATIC);
    sqlite3_bind_text(event, 3, planned.slug.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(event, 4, planned.reason.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(event, 5, detail.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(event);
    sqlite3_reset(event);
    if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return 1;
  }
  sqlite3_finalize(read);
  sqlite3_finalize(event);
  for (auto& [field, statement] : updates) sqlite3_finalize(statement);
  sqlite3_close(db);
  return 0;
}

Outcome RunRaw(const std::string& path, Sharing sharing, int processes, int changes) {
  RemoveDatabase(path);
  sqlite3* db = OpenRaw(path);
  Exec(db,
       "CREATE TABLE f(slug TEXT PRIMARY KEY, title TEXT, status TEXT, notes TEXT, remark TEXT, "
       "short_title TEXT, freeze_exception TEXT, owners TEXT, updated BIGINT);"
       "CREATE TABLE e(id INTEGER PRIMARY KEY, at BIGINT, actor TEXT, kind TEXT, subject TEXT, "
       "reason TEXT, detail TEXT)");
  for (int i = 0; i < 8; ++i) {
    Exec(db, fmt::format("INSERT INTO f(slug, title, status) VALUES ('{}', 'Feature', 'on-track')",
                         SlugOf(i))
                 .c_str());
  }
  sqlite3_close(db);
  std::vector<int> statuses;
  Outcome outcome;
  outcome.seconds = RunWorkers(
      processes, [](int) {}, [&](int worker) { return RawWorker(path, sharing, worker, changes); },
      &statuses);
  for (int status : statuses) outcome.failed += status != 0 ? changes : 0;
  outcome.written = processes * changes - outcome.failed;
  return outcome;
}

}  // namespace
}  // namespace stocktake

int main(int argc, char** argv) {
  int changes = argc > 1 ? std::atoi(argv[1]) : 200;
  std::string dir = std::filesystem::temp_directory_path() /
                    fmt::format("stocktake-concurrency-bench-{}", getpid());
  std::filesystem::create_directories(dir);
  fmt::print(
      "concurrency bench: {} feature set changes per process, SQLite (WAL), 10 s busy wait; "
      "shared: all processes on {} features, separate: one feature each\n",
      changes, stocktake::kSharedFeatures);
  fmt::print("{:<10} {:<9} {:>16} {:>16} {:>7} {:>7} {:>13}\n", "processes", "features", "writes/s",
             "raw writes/s", "ratio", "failed", "lost updates");
  int total_lost = 0, total_failed = 0;
  for (int processes : {2, 4, 8}) {
    for (auto sharing : {stocktake::Sharing::kShared, stocktake::Sharing::kSeparate}) {
      auto raw = stocktake::RunRaw(dir + "/raw.db", sharing, processes, changes);
      auto ours = stocktake::RunStocktake(dir + "/bench.db", sharing, processes, changes);
      double rate = ours.written / ours.seconds;
      double raw_rate = raw.written / raw.seconds;
      fmt::print("{:<10} {:<9} {:>16.0f} {:>16.0f} {:>6.2f}x {:>7} {:>13}\n", processes,
                 stocktake::Name(sharing), rate, raw_rate, raw_rate / rate, ours.failed, ours.lost);
      if (raw.failed > 0) fmt::print("  (the baseline failed {} writes)\n", raw.failed);
      total_lost += ours.lost;
      total_failed += ours.failed;
    }
  }
  fmt::print("lost updates in all runs: {}  target 0: {}; failed writes: {}\n", total_lost,
             total_lost == 0 ? "met" : "NOT met", total_failed);
  std::filesystem::remove_all(dir);
  return total_lost == 0 && total_failed == 0 ? 0 : 1;
}
