#include "storage/sql/sql_store.h"

#include <fmt/format.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>
#include <unordered_map>

#include "stocktake/util/string_index.h"
#include "stocktake/util/text.h"
#include "storage/sql/migrations.h"
#include "storage/sql/row_reader.h"
#include "storage/sql/sql_accounts_internal.h"
#include "storage/sql/sql_error.h"
#include "storage/sql/sql_evidence_internal.h"

#ifdef ST_WITH_POSTGRES
#include <soci/postgresql/soci-postgresql.h>
#endif

namespace stocktake {
namespace {

// The PostgreSQL advisory lock that serialises writers: "STKT" in ASCII.
constexpr long long kWriterLockKey = 0x53544b54;

long long Seconds(Timestamp at) { return at.time_since_epoch().count(); }
Timestamp FromSeconds(long long seconds) { return Timestamp(std::chrono::seconds(seconds)); }

Result<Date> DateColumn(const std::string& text, const char* column) {
  auto date = ParseDate(text);
  if (!date) return Fail(Error::Corruption(fmt::format("column {} holds '{}'", column, text)));
  return *date;
}

// The lifecycle part of the process lives in settings rows: the stages as one
// JSON document, the windows as time spans ("7d", "72h").
void AppendLifecycleSettings(const ProtocolProcess& lifecycle,
                             std::vector<std::pair<std::string, std::string>>& settings) {
  settings.emplace_back("lifecycle.stages", StagesJson(lifecycle));
  settings.emplace_back("lifecycle.proposal_window", FormatTimeSpan(lifecycle.proposal_window));
  settings.emplace_back("lifecycle.responsiveness_window",
                        FormatTimeSpan(lifecycle.responsiveness_window));
  settings.emplace_back("lifecycle.czar_wait", FormatTimeSpan(lifecycle.czar_wait_limit));
  settings.emplace_back("lifecycle.lapse_warning", FormatTimeSpan(lifecycle.lapse_warning));
  settings.emplace_back("lifecycle.objection_min_words",
                        std::to_string(lifecycle.objection_min_words));
}

Result<ProtocolProcess> LifecycleFromSettings(
    const std::unordered_map<std::string, std::string>& settings) {
  ProtocolProcess lifecycle;
  auto span = [&](const char* name, TimeSpan& target) -> Result<void> {
    auto it = settings.find(name);
    if (it == settings.end()) return Ok();
    auto parsed = ParseTimeSpan(it->second);
    if (!parsed) {
      return Fail(Error::Corruption(fmt::format("setting {} holds '{}'", name, it->second)));
    }
    target = *parsed;
    return Ok();
  };
  ST_TRY(span("lifecycle.proposal_window", lifecycle.proposal_window));
  ST_TRY(span("lifecycle.responsiveness_window", lifecycle.responsiveness_window));
  ST_TRY(span("lifecycle.czar_wait", lifecycle.czar_wait_limit));
  ST_TRY(span("lifecycle.lapse_warning", lifecycle.lapse_warning));
  if (auto words = settings.find("lifecycle.objection_min_words"); words != settings.end()) {
    try {
      lifecycle.objection_min_words = std::stoi(words->second);
    } catch (const std::exception&) {
      return Fail(Error::Corruption(
          fmt::format("setting lifecycle.objection_min_words holds '{}'", words->second)));
    }
  }
  auto it = settings.find("lifecycle.stages");
  if (it == settings.end()) return lifecycle;
  nlohmann::json stages = nlohmann::json::parse(it->second, nullptr, /*allow_exceptions=*/false);
  if (!stages.is_array()) return Fail(Error::Corruption("setting lifecycle.stages is not a list"));
  lifecycle.stages.clear();
  try {
    for (const auto& item : stages) {
      StageDefinition stage;
      stage.id = item.at("id").get<std::string>();
      stage.name = item.at("name").get<std::string>();
      auto time_frame = ParseTimeSpan(item.at("time_frame").get<std::string>());
      if (!time_frame) return Fail(Error::Corruption("setting lifecycle.stages: bad time frame"));
      stage.time_frame = *time_frame;
      stage.support_label = item.at("support").get<std::string>();
      for (const auto& criterion : item.at("entry_criteria")) {
        stage.entry_criteria.push_back({criterion.at("id").get<std::string>(),
                                        criterion.at("description").get<std::string>()});
      }
      lifecycle.stages.push_back(std::move(stage));
    }
  } catch (const nlohmann::json::exception& error) {
    return Fail(Error::Corruption(fmt::format("setting lifecycle.stages: {}", error.what())));
  }
  return lifecycle;
}

class SqlStore final : public Store, private StoreWriter {
 public:
  SqlStore(SqlDialect dialect, std::unique_ptr<soci::session> session)
      : dialect_(dialect),
        sql_(std::move(session)),
        evidence_(SqlEvidence::Create(dialect, *sql_)),
        accounts_(SqlAccounts::Create(*sql_)) {}

  /// Brings the schema to the newest version; returns the one it found.
  Result<int> Migrate();

  Result<std::optional<Project>> LoadProject() override;
  Result<std::vector<Person>> ListPeople() override;
  Result<std::optional<Person>> FindPerson(const std::string& email) override;
  Result<std::vector<Release>> ListReleases() override;
  Result<std::optional<Release>> FindRelease(const std::string& version) override;
  Result<std::vector<Feature>> ListFeatures(const FeatureQuery& query) override;
  Result<std::optional<Feature>> FindFeature(const std::string& slug) override;
  Result<std::int64_t> MaxFeatureOrdinal() override;
  Result<std::vector<Event>> ListEvents(const EventQuery& query) override;
  Result<std::vector<EventSpan>> ListEventSpans(const EventQuery& query) override;
  Result<std::string> ChangeStamp() override;
  Result<std::vector<Protocol>> ListProtocols() override;
  Result<std::optional<Protocol>> FindProtocol(const std::string& name) override;
  Result<std::vector<Proposal>> ListProposals(const ProposalQuery& query) override;
  Result<std::optional<Proposal>> FindProposal(std::int64_t id) override;
  Result<std::optional<Proposal>> FindProposalByObjection(std::int64_t objection_id) override;
  Result<void> Transact(const std::function<Result<void>(StoreWriter&)>& body) override;
  EvidenceReader& evidence() override { return *evidence_; }
  AccountReader& accounts() override { return *accounts_; }

 private:
  Result<void> SaveProject(const Project& project) override;
  Result<void> SavePerson(const Person& person) override;
  Result<void> SaveRelease(const Release& release) override;
  Result<void> SaveFeature(const Feature& feature, std::int64_t ordinal) override;
  Result<void> TouchFeature(const std::string& slug, Timestamp at) override;
  Result<std::int64_t> AppendEvent(const Event& event) override;
  Result<void> SaveProtocol(const Protocol& protocol) override;
  Result<void> AppendStageChange(const std::string& protocol, const StageChange& change) override;
  Result<std::int64_t> CreateProposal(const Proposal& proposal) override;
  Result<std::int64_t> AppendProposalAction(std::int64_t proposal_id,
                                            const ProposalAction& action) override;
  EvidenceWriter& evidence_writer() override { return *evidence_; }
  AccountWriter& account_writer() override { return *accounts_; }

  Result<std::vector<Protocol>> LoadProtocols(const std::string* name);
  Result<std::vector<Proposal>> LoadProposals(const std::string* protocol, const long long* id);
  Result<std::int64_t> NewLifecycleNumber(const std::string& kind);
  Result<void> ReserveLifecycleNumber(std::int64_t id, const std::string& kind);

  Result<std::vector<Release>> LoadReleases(const std::string* version);
  Result<std::vector<Feature>> LoadFeatures(const std::string& release, const std::string* slug,
                                            bool with_history);
  void PrepareFeatureStatements();

  SqlDialect dialect_;
  std::unique_ptr<soci::session> sql_;
  std::unique_ptr<SqlEvidence> evidence_;  // The evidence tables, over sql_.
  std::unique_ptr<SqlAccounts> accounts_;  // The account tables, over sql_.
  bool in_transaction_ = false;
  std::uint64_t commits_ = 0;  // Committed by this store, for ChangeStamp().

  // Bound variables and prepared statements of the import hot path.
  struct FeatureRow {
    std::string slug, release, title, parent, status, short_title, remark, notes, protocol,
        freeze_exception, item;
    soci::indicator parent_indicator = soci::i_null;
    int external = 0, must_have = 0, removed = 0, item_ordinal = 0;
    long long ordinal = 0, updated_at = 0;
  } row_;
  struct EventRow {
    long long at = 0, recorded_at = 0, id = 0;
    std::string actor, kind, release, subject, from, to, reason, detail;
  } event_row_;
  std::unique_ptr<soci::statement> upsert_feature_, delete_code_bases_, delete_owners_,
      delete_dependencies_, insert_code_base_, insert_owner_, insert_dependency_, insert_event_;
};

Result<int> SqlStore::Migrate() {
  return Guarded("migrating the schema", [&]() -> Result<int> {
    *sql_ << "CREATE TABLE IF NOT EXISTS schema_migrations ("
             "version INTEGER PRIMARY KEY, name TEXT NOT NULL)";
    int current = 0;
    soci::indicator indicator = soci::i_ok;
    *sql_ << "SELECT MAX(version) FROM schema_migrations", soci::into(current, indicator);
    if (indicator == soci::i_null) current = 0;
    const auto& migrations = Migrations();
    int latest = migrations.empty() ? 0 : migrations.back().version;
    if (current > latest) {
      return Fail(Error::Conflict(
          fmt::format("the database has schema version {}, newer than this stocktake knows ({}): "
                      "upgrade stocktake",
                      current, latest)));
    }
    std::string auto_id = dialect_ == SqlDialect::kSqlite
                              ? "INTEGER PRIMARY KEY"
                              : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
    for (const auto& migration : migrations) {
      if (migration.version <= current) continue;
      std::string script(migration.sql);
      for (size_t at = script.find("{{AUTO_ID}}"); at != std::string::npos;
           at = script.find("{{AUTO_ID}}", at)) {
        script.replace(at, 11, auto_id);
      }
      soci::transaction transaction(*sql_);
      // Statements are split on ';' at line ends: the migrations hold no
      // procedural code.
      size_t start = 0;
      while (start < script.size()) {
        size_t end = script.find(";\n", start);
        if (end == std::string::npos) end = script.size();
        std::string statement(Trim(std::string_view(script).substr(start, end - start)));
        // Drop comment lines so a statement made only of comments is skipped.
        std::string code;
        for (auto line : Split(statement, '\n')) {
          if (Trim(line).rfind("--", 0) == 0) continue;
          code.append(line);
          code.push_back('\n');
        }
        if (!Trim(code).empty()) *sql_ << code;
        start = end + 2;
      }
      std::string name(migration.name);
      *sql_ << "INSERT INTO schema_migrations(version, name) VALUES (:v, :n)",
          soci::use(migration.version), soci::use(name);
      transaction.commit();
    }
    return current;
  });
}

Result<void> SqlStore::Transact(const std::function<Result<void>(StoreWriter&)>& body) {
  if (in_transaction_) return Fail(Error::Internal("Transact() is not reentrant"));
  auto begun = Guarded("starting a transaction", [&]() -> Result<void> {
    if (dialect_ == SqlDialect::kSqlite) {
      *sql_ << "BEGIN IMMEDIATE";
    } else {
      // One writer at a time, as SQLite's BEGIN IMMEDIATE gives: every
      // command reads what it changes inside its transaction, and under READ
      // COMMITTED two writers could otherwise both read a row before either
      // saves it. The lock ends with the transaction; lock_timeout bounds
      // the wait.
      *sql_ << "BEGIN";
      *sql_ << "SELECT pg_advisory_xact_lock(" + std::to_string(kWriterLockKey) + ")";
    }
    return Ok();
  });
  if (!begun) return begun;
  in_transaction_ = true;
  Result<void> outcome = Guarded("writing", [&]() { return body(*this); });
  in_transaction_ = false;
  if (!outcome) {
    auto rolled_back = Guarded("rolling back", [&]() -> Result<void> {
      *sql_ << "ROLLBACK";
      return Ok();
    });
    (void)rolled_back;  // The body's error is the one worth reporting.
    return outcome;
  }
  return Guarded("committing", [&]() -> Result<void> {
    *sql_ << "COMMIT";
    ++commits_;
    return Ok();
  });
}

Result<std::string> SqlStore::ChangeStamp() {
  return Guarded("reading the change stamp", [&]() -> Result<std::string> {
    // SQLite's data_version moves on other connections' commits, the WAL
    // position on anyone's; this connection's own commits are counted here.
    std::string position;
    if (dialect_ == SqlDialect::kSqlite) {
      long long version = 0;
      *sql_ << "PRAGMA data_version", soci::into(version);
      position = std::to_string(version);
    } else {
      *sql_ << "SELECT pg_current_wal_lsn()::text", soci::into(position);
    }
    return fmt::format("{}.{}", position, commits_);
  });
}

Result<std::optional<Project>> SqlStore::LoadProject() {
  return Guarded("reading the project", [&]() -> Result<std::optional<Project>> {
    std::unordered_map<std::string, std::string> settings;
    {
      std::string name, value;
      soci::statement statement = (sql_->prepare << "SELECT name, value FROM settings",
                                   soci::into(name), soci::into(value));
      statement.execute();
      while (statement.fetch()) settings[name] = value;
    }
    if (settings.empty()) return std::optional<Project>();
    Project project;
    project.name = settings["project.name"];
    project.mailing_list = settings["project.mailing_list"];
    for (auto repository : Split(settings["project.repositories"], '\n')) {
      if (!repository.empty()) project.repositories.emplace_back(repository);
    }
    project.process.name = settings["process.name"];
    if (auto it = settings.find("process.staleness_days"); it != settings.end()) {
      project.process.staleness_days = std::stoi(it->second);
    }
    if (auto it = settings.find("process.freeze_warning_days"); it != settings.end()) {
      project.process.freeze_warning_days = std::stoi(it->second);
    }
    project.process.initial_status = settings["process.initial_status"];
    project.process.lifecycle = ST_TRY(LifecycleFromSettings(settings));
    std::string id, heading;
    int done = 0, in_release = 0;
    soci::statement statement =
        (sql_->prepare << "SELECT id, heading, done, in_release FROM statuses ORDER BY ordinal",
         soci::into(id), soci::into(heading), soci::into(done), soci::into(in_release));
    statement.execute();
    while (statement.fetch()) {
      project.process.statuses.push_back({id, heading, done != 0, in_release != 0});
    }
    return std::optional<Project>(std::move(project));
  });
}

Result<void> SqlStore::SaveProject(const Project& project) {
  std::vector<std::pair<std::string, std::string>> settings = {
      {"project.name", project.name},
      {"project.mailing_list", project.mailing_list},
      {"project.repositories", Join(project.repositories, "\n")},
      {"process.name", project.process.name},
      {"process.staleness_days", std::to_string(project.process.staleness_days)},
      {"process.freeze_warning_days", std::to_string(project.process.freeze_warning_days)},
      {"process.initial_status", project.process.initial_status},
  };
  AppendLifecycleSettings(project.process.lifecycle, settings);
  for (const auto& [name, value] : settings) {
    *sql_ << "INSERT INTO settings(name, value) VALUES (:n, :v) "
             "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        soci::use(name), soci::use(value);
  }
  // Statuses are matched by id so features keep pointing at them.
  std::vector<std::string> keep;
  int ordinal = 0;
  for (const auto& status : project.process.statuses) {
    int done = status.done ? 1 : 0, in_release = status.in_release ? 1 : 0;
    *sql_ << "INSERT INTO statuses(id, ordinal, heading, done, in_release) "
             "VALUES (:id, :o, :h, :d, :r) ON CONFLICT (id) DO UPDATE SET "
             "ordinal = excluded.ordinal, heading = excluded.heading, done = excluded.done, "
             "in_release = excluded.in_release",
        soci::use(status.id), soci::use(ordinal), soci::use(status.heading), soci::use(done),
        soci::use(in_release);
    ++ordinal;
    keep.push_back(status.id);
  }
  std::vector<std::string> existing(64);
  std::string id;
  soci::statement statement = (sql_->prepare << "SELECT id FROM statuses", soci::into(id));
  statement.execute();
  std::vector<std::string> stale;
  while (statement.fetch()) {
    if (std::find(keep.begin(), keep.end(), id) == keep.end()) stale.push_back(id);
  }
  for (const auto& gone : stale) {
    int users = 0;
    *sql_ << "SELECT COUNT(*) FROM features WHERE status = :s", soci::use(gone), soci::into(users);
    if (users > 0) {
      return Fail(Error::Conflict(fmt::format(
          "status '{}' is still used by {} feature(s): move them to another status first", gone,
          users)));
    }
    *sql_ << "DELETE FROM statuses WHERE id = :s", soci::use(gone);
  }
  return Ok();
}

Result<std::vector<Person>> SqlStore::ListPeople() {
  return Guarded("reading people", [&]() -> Result<std::vector<Person>> {
    std::vector<Person> people;
    std::unordered_map<std::string, size_t> index;
    {
      std::string email, name;
      soci::statement statement = (sql_->prepare << "SELECT email, name FROM people ORDER BY email",
                                   soci::into(email), soci::into(name));
      statement.execute();
      while (statement.fetch()) {
        index[email] = people.size();
        people.push_back(Person{email, name, {}, {}});
      }
    }
    {
      std::string email, person;
      soci::statement statement =
          (sql_->prepare << "SELECT email, person FROM person_emails ORDER BY email",
           soci::into(email), soci::into(person));
      statement.execute();
      while (statement.fetch()) people[index.at(person)].other_emails.push_back(email);
    }
    {
      std::string person, role;
      soci::statement statement =
          (sql_->prepare << "SELECT person, role FROM person_roles ORDER BY person, role",
           soci::into(person), soci::into(role));
      statement.execute();
      while (statement.fetch()) {
        if (auto parsed = ParseRole(role)) people[index.at(person)].roles.push_back(*parsed);
      }
    }
    return people;
  });
}

Result<std::optional<Person>> SqlStore::FindPerson(const std::string& email) {
  auto people = ST_TRY(ListPeople());
  for (auto& person : people) {
    if (person.HasEmail(email)) return std::optional<Person>(std::move(person));
  }
  return std::optional<Person>();
}

Result<void> SqlStore::SavePerson(const Person& person) {
  *sql_ << "INSERT INTO people(email, name) VALUES (:e, :n) "
           "ON CONFLICT (email) DO UPDATE SET name = excluded.name",
      soci::use(person.email), soci::use(person.name);
  *sql_ << "DELETE FROM person_emails WHERE person = :e", soci::use(person.email);
  *sql_ << "DELETE FROM person_roles WHERE person = :e", soci::use(person.email);
  for (const auto& other : person.other_emails) {
    *sql_ << "INSERT INTO person_emails(email, person) VALUES (:o, :e)", soci::use(other),
        soci::use(person.email);
  }
  for (Role role : person.roles) {
    std::string name(RoleName(role));
    *sql_ << "INSERT INTO person_roles(person, role) VALUES (:e, :r)", soci::use(person.email),
        soci::use(name);
  }
  return Ok();
}

Result<std::vector<Release>> SqlStore::ListReleases() {
  return Guarded("reading releases", [&]() { return LoadReleases(nullptr); });
}

Result<std::optional<Release>> SqlStore::FindRelease(const std::string& version) {
  auto releases = ST_TRY(Guarded("reading a release", [&]() { return LoadReleases(&version); }));
  if (releases.empty()) return std::optional<Release>();
  return std::optional<Release>(std::move(releases.front()));
}

Result<std::vector<Release>> SqlStore::LoadReleases(const std::string* version) {
  std::vector<Release> releases;
  std::string row_version, start, freeze, release_date, report_template;
  soci::statement statement(*sql_);
  statement.exchange(soci::into(row_version));
  statement.exchange(soci::into(start));
  statement.exchange(soci::into(freeze));
  statement.exchange(soci::into(release_date));
  statement.exchange(soci::into(report_template));
  std::string query =
      "SELECT version, start_date, freeze_date, release_date, report_template FROM releases";
  if (version != nullptr) {
    query += " WHERE version = :v";
    statement.exchange(soci::use(*version));
  }
  query += " ORDER BY ordinal";
  statement.alloc();
  statement.prepare(query);
  statement.define_and_bind();
  statement.execute();
  while (statement.fetch()) {
    Release release;
    release.version = row_version;
    release.start = ST_TRY(DateColumn(start, "releases.start_date"));
    release.freeze = ST_TRY(DateColumn(freeze, "releases.freeze_date"));
    release.release = ST_TRY(DateColumn(release_date, "releases.release_date"));
    release.report_template = report_template;
    releases.push_back(std::move(release));
  }
  for (auto& release : releases) {
    // One kind at a time, each an indexed read of (kind, release): with
    // `kinds` the planner reads every event of the release instead.
    std::vector<Event> events;
    for (const char* kind : {event_kind::kReleaseSlipped, event_kind::kReleaseShipped,
                             event_kind::kReleaseIntervention}) {
      EventQuery of_kind;
      of_kind.release = release.version;
      of_kind.kind = kind;
      for (auto& event : ST_TRY(ListEvents(of_kind))) events.push_back(std::move(event));
    }
    std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
      return std::pair(a.at, a.id) < std::pair(b.at, b.id);
    });
    for (const auto& event : events) {
      if (event.kind == event_kind::kReleaseShipped) {
        release.shipped = ST_TRY(ShipmentFromEvent(event));
      } else if (event.kind == event_kind::kReleaseIntervention) {
        release.interventions.push_back(ST_TRY(InterventionFromEvent(event)));
      } else {
        release.schedule_changes.push_back(ST_TRY(ScheduleChangeFromEvent(event)));
      }
    }
  }
  return releases;
}

Result<void> SqlStore::SaveRelease(const Release& release) {
  std::string start = FormatDate(release.start), freeze = FormatDate(release.freeze),
              release_date = FormatDate(release.release);
  int exists = 0;
  *sql_ << "SELECT COUNT(*) FROM releases WHERE version = :v", soci::use(release.version),
      soci::into(exists);
  if (exists > 0) {
    *sql_ << "UPDATE releases SET start_date = :s, freeze_date = :f, release_date = :r, "
             "report_template = :t WHERE version = :v",
        soci::use(start), soci::use(freeze), soci::use(release_date),
        soci::use(release.report_template), soci::use(release.version);
    return Ok();
  }
  int ordinal = 0;
  soci::indicator indicator = soci::i_ok;
  *sql_ << "SELECT MAX(ordinal) FROM releases", soci::into(ordinal, indicator);
  ordinal = indicator == soci::i_null ? 1 : ordinal + 1;
  *sql_ << "INSERT INTO releases(version, ordinal, start_date, freeze_date, release_date, "
           "report_template) VALUES (:v, :o, :s, :f, :r, :t)",
      soci::use(release.version), soci::use(ordinal), soci::use(start), soci::use(freeze),
      soci::use(release_date), soci::use(release.report_template);
  return Ok();
}

void SqlStore::PrepareFeatureStatements() {
  if (upsert_feature_) return;
  auto& r = row_;
  upsert_feature_ = std::make_unique<soci::statement>(
      (sql_->prepare << "INSERT INTO features(slug, release_version, ordinal, title, parent, "
                        "status, external, must_have, short_title, remark, notes, protocol, "
                        "freeze_exception, updated_at, removed) VALUES (:slug, :release, "
                        ":ordinal, :title, :parent, :status, :external, :must_have, "
                        ":short_title, :remark, :notes, :protocol, :freeze_exception, "
                        ":updated_at, :removed) "
                        "ON CONFLICT (slug) DO UPDATE SET release_version = "
                        "excluded.release_version, ordinal = CASE WHEN excluded.ordinal = 0 "
                        "THEN features.ordinal ELSE excluded.ordinal END, title = "
                        "excluded.title, parent = excluded.parent, status = excluded.status, "
                        "external = excluded.external, must_have = excluded.must_have, "
                        "short_title = excluded.short_title, remark = excluded.remark, notes = "
                        "excluded.notes, protocol = excluded.protocol, freeze_exception = "
                        "excluded.freeze_exception, updated_at = excluded.updated_at, "
                        "removed = excluded.removed",
       soci::use(r.slug), soci::use(r.release), soci::use(r.ordinal), soci::use(r.title),
       soci::use(r.parent, r.parent_indicator), soci::use(r.status), soci::use(r.external),
       soci::use(r.must_have), soci::use(r.short_title), soci::use(r.remark), soci::use(r.notes),
       soci::use(r.protocol), soci::use(r.freeze_exception), soci::use(r.updated_at),
       soci::use(r.removed)));
  delete_code_bases_ = std::make_unique<soci::statement>(
      (sql_->prepare << "DELETE FROM feature_code_bases WHERE feature = :slug", soci::use(r.slug)));
  delete_owners_ = std::make_unique<soci::statement>(
      (sql_->prepare << "DELETE FROM feature_owners WHERE feature = :slug", soci::use(r.slug)));
  delete_dependencies_ = std::make_unique<soci::statement>(
      (sql_->prepare << "DELETE FROM feature_dependencies WHERE feature = :slug",
       soci::use(r.slug)));
  insert_code_base_ = std::make_unique<soci::statement>(
      (sql_->prepare << "INSERT INTO feature_code_bases(feature, ordinal, name) "
                        "VALUES (:slug, :ordinal, :item)",
       soci::use(r.slug), soci::use(r.item_ordinal), soci::use(r.item)));
  insert_owner_ = std::make_unique<soci::statement>(
      (sql_->prepare << "INSERT INTO feature_owners(feature, ordinal, email) "
                        "VALUES (:slug, :ordinal, :item)",
       soci::use(r.slug), soci::use(r.item_ordinal), soci::use(r.item)));
  insert_dependency_ = std::make_unique<soci::statement>(
      (sql_->prepare << "INSERT INTO feature_dependencies(feature, ordinal, depends_on) "
                        "VALUES (:slug, :ordinal, :item)",
       soci::use(r.slug), soci::use(r.item_ordinal), soci::use(r.item)));
}

Result<void> SqlStore::SaveFeature(const Feature& feature, std::int64_t ordinal) {
  PrepareFeatureStatements();
  row_.slug = feature.slug;
  row_.release = feature.release;
  row_.ordinal = ordinal;
  row_.title = feature.title;
  row_.parent = feature.parent;
  row_.parent_indicator = feature.parent.empty() ? soci::i_null : soci::i_ok;
  row_.status = feature.status;
  row_.external = feature.external ? 1 : 0;
  row_.must_have = feature.must_have ? 1 : 0;
  row_.short_title = feature.short_title;
  row_.remark = feature.remark;
  row_.notes = feature.notes;
  row_.protocol = feature.protocol;
  row_.freeze_exception = feature.freeze_exception;
  row_.updated_at = Seconds(feature.updated_at);
  row_.removed = feature.removed ? 1 : 0;
  upsert_feature_->execute(true);
  delete_code_bases_->execute(true);
  delete_owners_->execute(true);
  delete_dependencies_->execute(true);
  auto insert_all = [&](const std::vector<std::string>& items, soci::statement& statement) {
    row_.item_ordinal = 0;
    for (const auto& item : items) {
      row_.item = item;
      statement.execute(true);
      ++row_.item_ordinal;
    }
  };
  insert_all(feature.code_bases, *insert_code_base_);
  insert_all(feature.owners, *insert_owner_);
  insert_all(feature.depends_on, *insert_dependency_);
  return Ok();
}

Result<void> SqlStore::TouchFeature(const std::string& slug, Timestamp at) {
  long long seconds = Seconds(at);
  long long later_than = seconds;
  *sql_ << "UPDATE features SET updated_at = :at WHERE slug = :slug AND updated_at < :later",
      soci::use(seconds, "at"), soci::use(slug, "slug"), soci::use(later_than, "later");
  return Ok();
}

Result<std::vector<Feature>> SqlStore::ListFeatures(const FeatureQuery& query) {
  auto features = ST_TRY(Guarded("reading features", [&]() {
    return LoadFeatures(query.release, nullptr, query.with_history);
  }));
  if (!query.with_removed) {
    std::erase_if(features, [](const Feature& feature) { return feature.removed; });
  }
  return features;
}

Result<std::optional<Feature>> SqlStore::FindFeature(const std::string& slug) {
  auto features =
      ST_TRY(Guarded("reading a feature", [&]() { return LoadFeatures("", &slug, true); }));
  if (features.empty()) return std::optional<Feature>();
  return std::optional<Feature>(std::move(features.front()));
}

// The feature rows matching `where`, in list order, without their lists.
std::vector<Feature> ReadFeatureRows(soci::session& sql, const std::string& where,
                                     const std::vector<SqlParameter>& parameters, size_t expected) {
  std::vector<Feature> features;
  features.reserve(expected);
  auto rows = ReadRows(
      sql,
      "SELECT f.slug, f.release_version, f.title, f.parent, f.status, f.external, f.must_have, "
      "f.short_title, f.remark, f.notes, f.protocol, f.freeze_exception, f.updated_at, "
      "f.ordinal, f.removed FROM features f JOIN releases r ON r.version = f.release_version" +
          where + " ORDER BY r.ordinal, f.ordinal",
      parameters);
  while (rows->Next()) {
    Feature& feature = features.emplace_back();
    feature.slug = rows->Text(0);
    feature.release = rows->Text(1);
    feature.title = rows->Text(2);
    feature.parent = rows->Text(3);
    feature.status = rows->Text(4);
    feature.external = rows->Integer(5) != 0;
    feature.must_have = rows->Integer(6) != 0;
    feature.short_title = rows->Text(7);
    feature.remark = rows->Text(8);
    feature.notes = rows->Text(9);
    feature.protocol = rows->Text(10);
    feature.freeze_exception = rows->Text(11);
    feature.updated_at = FromSeconds(rows->Integer(12));
    feature.ordinal = rows->Integer(13);
    feature.removed = rows->Integer(14) != 0;
  }
  return features;
}

// Which list rows LoadFeatureList reads, and where they go.
struct FeatureListTarget {
  const std::string& where;  // Empty: the whole table.
  const std::vector<SqlParameter>& parameters;
  const StringIndex& index;  // Positions in `features`, which no longer grows.
  std::vector<Feature>& features;
};

// Reads one list table (code bases, owners, dependencies) into `member` of
// the features in the target's index, in ordinal order.
void LoadFeatureList(soci::session& sql, const char* table, const char* column,
                     std::vector<std::string> Feature::*member, const FeatureListTarget& target) {
  // No ORDER BY: sorting every list row cost more than placing items by
  // their ordinal here.
  std::string query =
      target.where.empty()
          ? fmt::format("SELECT l.feature, l.ordinal, l.{} FROM {} l", column, table)
          : fmt::format(
                "SELECT l.feature, l.ordinal, l.{} FROM {} l JOIN features f ON f.slug = "
                "l.feature{}",
                column, table, target.where);
  auto rows = ReadRows(sql, query, target.parameters);
  // A feature's list rows are written together in ordinal order, so a scan
  // mostly meets them in that order: each is appended where it belongs, with
  // no sort. Rows met early wait in `later` and go last, in ordinal order,
  // since every appended ordinal is lower than theirs.
  std::vector<std::tuple<size_t, long long, std::string>> later;
  std::string_view last_slug;
  size_t position = 0;
  while (rows->Next()) {
    std::string_view slug = rows->TextView(0);
    if (slug.empty() || slug != last_slug) {
      position = target.index.Find(slug);
      if (position == StringIndex::kAbsent) {
        last_slug = {};
        continue;
      }
      // A view of the feature's slug, not of the row, which the next step
      // overwrites.
      last_slug = target.features[position].slug;
    }
    std::vector<std::string>& list = target.features[position].*member;
    long long ordinal = rows->Integer(1);
    if (ordinal == static_cast<long long>(list.size())) {
      list.push_back(rows->Text(2));
    } else {
      later.emplace_back(position, ordinal, rows->Text(2));
    }
  }
  std::sort(later.begin(), later.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  for (auto& [at, ordinal, item] : later) (target.features[at].*member).push_back(std::move(item));
}

Result<std::vector<Feature>> SqlStore::LoadFeatures(const std::string& release,
                                                    const std::string* slug, bool with_history) {
  std::string where;
  std::vector<SqlParameter> parameters;
  if (slug != nullptr) {
    where = " WHERE f.slug = :p";
    parameters.emplace_back(*slug);
  } else if (!release.empty()) {
    where = " WHERE f.release_version = :p";
    parameters.emplace_back(release);
  }
  // Counted first, so that the features are read into place rather than
  // moved each time the vector grows.
  long long total = 0, expected = 1;
  if (slug == nullptr) {
    auto counted = ReadRows(*sql_, "SELECT COUNT(*) FROM features", {});
    if (counted->Next()) total = expected = counted->Integer(0);
    if (!release.empty()) {
      counted = ReadRows(*sql_, "SELECT COUNT(*) FROM features f" + where, parameters);
      if (counted->Next()) expected = counted->Integer(0);
    }
  }
  std::vector<Feature> features =
      ReadFeatureRows(*sql_, where, parameters, static_cast<size_t>(expected));
  if (features.empty()) return features;
  StringIndex index(features.size());
  for (size_t i = 0; i < features.size(); ++i) index.Insert(features[i].slug, i);
  // When the release holds most features, scanning the list tables whole and
  // dropping other releases' rows here beats a join that probes each list for
  // every feature (a third of the read time on a 10,000-feature release).
  if (slug == nullptr && !release.empty() && static_cast<long long>(features.size()) * 2 >= total) {
    where.clear();
    parameters.clear();
  }
  FeatureListTarget target{where, parameters, index, features};
  LoadFeatureList(*sql_, "feature_code_bases", "name", &Feature::code_bases, target);
  LoadFeatureList(*sql_, "feature_owners", "email", &Feature::owners, target);
  LoadFeatureList(*sql_, "feature_dependencies", "depends_on", &Feature::depends_on, target);
  if (!with_history) return features;
  EventQuery history_query;
  history_query.kind = event_kind::kFeatureStatus;
  if (slug != nullptr) {
    history_query.subject = *slug;
  } else {
    history_query.release = release;
  }
  for (auto& event : ST_TRY(ListEvents(history_query))) {
    size_t position = index.Find(event.subject);
    if (position == StringIndex::kAbsent) continue;
    features[position].history.push_back(StatusChange{event.at, std::move(event.actor),
                                                      std::move(event.from), std::move(event.to),
                                                      std::move(event.reason)});
  }
  // In effect order each change starts where the one before it ended, even
  // when one was recorded later with an earlier date (--backdate).
  for (auto& feature : features) {
    for (std::size_t i = 1; i < feature.history.size(); ++i) {
      feature.history[i].from = feature.history[i - 1].to;
    }
  }
  return features;
}

Result<std::int64_t> SqlStore::MaxFeatureOrdinal() {
  return Guarded("reading features", [&]() -> Result<std::int64_t> {
    long long ordinal = 0;
    soci::indicator indicator = soci::i_ok;
    *sql_ << "SELECT MAX(ordinal) FROM features", soci::into(ordinal, indicator);
    return indicator == soci::i_null ? 0 : static_cast<std::int64_t>(ordinal);
  });
}

// The WHERE clause of the events `query` selects, its values appended to
// `parameters`.
std::string EventConditions(const EventQuery& query, std::vector<SqlParameter>& parameters) {
  std::string sql = " WHERE 1 = 1";
  if (!query.release.empty()) {
    sql += " AND release_version = :release";
    parameters.emplace_back(query.release);
  }
  if (!query.subject.empty()) {
    sql += " AND subject = :subject";
    parameters.emplace_back(query.subject);
  }
  if (!query.kind.empty()) {
    sql += " AND kind = :kind";
    parameters.emplace_back(query.kind);
  }
  if (!query.kind_prefix.empty()) {
    // Escaped, so that a '%' or '_' in the prefix means itself.
    std::string pattern;
    for (char c : query.kind_prefix) {
      if (c == '%' || c == '_' || c == '!') pattern += '!';
      pattern += c;
    }
    sql += " AND kind LIKE :kind_pattern ESCAPE '!'";
    parameters.emplace_back(pattern + "%");
  }
  for (size_t i = 0; i < query.kinds.size(); ++i) {
    sql += fmt::format("{}:kind{}", i == 0 ? " AND kind IN (" : ", ", i);
    parameters.emplace_back(query.kinds[i]);
    if (i + 1 == query.kinds.size()) sql += ")";
  }
  if (query.since) {
    sql += " AND at >= :since";
    parameters.emplace_back(Seconds(*query.since));
  }
  if (query.until) {
    sql += " AND at < :until";
    parameters.emplace_back(Seconds(*query.until));
  }
  if (query.after_id) {
    sql += " AND id > :after_id";
    parameters.emplace_back(static_cast<long long>(*query.after_id));
  }
  return sql;
}

Result<std::vector<Event>> SqlStore::ListEvents(const EventQuery& query) {
  return Guarded("reading events", [&]() -> Result<std::vector<Event>> {
    std::vector<SqlParameter> parameters;
    std::string sql =
        "SELECT id, at, recorded_at, actor, kind, release_version, subject, from_value, "
        "to_value, reason, detail FROM events" +
        EventConditions(query, parameters) +
        (query.order == EventOrder::kRecorded ? " ORDER BY id" : " ORDER BY at, id");
    if (query.limit > 0) sql += fmt::format(" LIMIT {}", query.limit);
    std::vector<Event> events;
    auto rows = ReadRows(*sql_, sql, std::move(parameters));
    while (rows->Next()) {
      events.push_back(Event{rows->Integer(0), FromSeconds(rows->Integer(1)),
                             FromSeconds(rows->Integer(2)), rows->Text(3), rows->Text(4),
                             rows->Text(5), rows->Text(6), rows->Text(7), rows->Text(8),
                             rows->Text(9), rows->Text(10)});
    }
    return events;
  });
}

Result<std::vector<EventSpan>> SqlStore::ListEventSpans(const EventQuery& query) {
  return Guarded("reading events", [&]() -> Result<std::vector<EventSpan>> {
    std::vector<SqlParameter> parameters;
    std::string sql = "SELECT subject, MIN(at), MAX(at), MAX(id) FROM events" +
                      EventConditions(query, parameters) + " GROUP BY subject ORDER BY subject";
    std::vector<EventSpan> spans;
    auto rows = ReadRows(*sql_, sql, std::move(parameters));
    while (rows->Next()) {
      spans.push_back(EventSpan{rows->Text(0), FromSeconds(rows->Integer(1)),
                                FromSeconds(rows->Integer(2)), rows->Integer(3)});
    }
    return spans;
  });
}

Result<std::int64_t> SqlStore::AppendEvent(const Event& event) {
  auto& r = event_row_;
  if (!insert_event_) {
    // SQLite reports the new id through last_insert_rowid; a RETURNING row would
    // leave the statement open across COMMIT.
    bool returning = dialect_ == SqlDialect::kPostgres;
    std::string sql =
        "INSERT INTO events(at, recorded_at, actor, kind, release_version, subject, from_value, "
        "to_value, reason, detail) VALUES (:at, :recorded_at, :actor, :kind, :release, :subject, "
        ":from_value, :to_value, :reason, :detail)";
    if (returning) sql += " RETURNING id";
    insert_event_ = std::make_unique<soci::statement>(*sql_);
    insert_event_->exchange(soci::use(r.at));
    insert_event_->exchange(soci::use(r.recorded_at));
    insert_event_->exchange(soci::use(r.actor));
    insert_event_->exchange(soci::use(r.kind));
    insert_event_->exchange(soci::use(r.release));
    insert_event_->exchange(soci::use(r.subject));
    insert_event_->exchange(soci::use(r.from));
    insert_event_->exchange(soci::use(r.to));
    insert_event_->exchange(soci::use(r.reason));
    insert_event_->exchange(soci::use(r.detail));
    if (returning) insert_event_->exchange(soci::into(r.id));
    insert_event_->alloc();
    insert_event_->prepare(sql);
    insert_event_->define_and_bind();
  }
  r.at = Seconds(event.at);
  r.recorded_at = Seconds(event.recorded_at);
  r.actor = event.actor;
  r.kind = event.kind;
  r.release = event.release;
  r.subject = event.subject;
  r.from = event.from;
  r.to = event.to;
  r.reason = event.reason;
  r.detail = event.detail;
  insert_event_->execute(true);
  if (dialect_ == SqlDialect::kSqlite && !sql_->get_last_insert_id("events", r.id)) {
    return Fail(Error::Internal("SQLite did not report the new event's id"));
  }
  return static_cast<std::int64_t>(r.id);
}

Result<std::vector<Protocol>> SqlStore::ListProtocols() {
  return Guarded("reading protocols", [&]() { return LoadProtocols(nullptr); });
}

Result<std::optional<Protocol>> SqlStore::FindProtocol(const std::string& name) {
  auto protocols = ST_TRY(Guarded("reading a protocol", [&]() { return LoadProtocols(&name); }));
  if (protocols.empty()) return std::optional<Protocol>();
  return std::optional<Protocol>(std::move(protocols.front()));
}

// The rows of one protocol table, all or only those of one protocol.
struct ProtocolTableQuery {
  const std::string* name;  // Null for every protocol.
  std::unordered_map<std::string, size_t>& index;
  std::vector<Protocol>& protocols;

  // Prepares and runs `statement` on `sql` with the name filter before `order`.
  void Run(soci::statement& statement, const std::string& sql, const std::string& order) const {
    if (name != nullptr) statement.exchange(soci::use(*name));
    statement.alloc();
    statement.prepare(sql + (name != nullptr ? " WHERE protocol = :name" : "") + order);
    statement.define_and_bind();
    statement.execute();
  }
  Protocol& Of(const std::string& protocol) const { return protocols[index.at(protocol)]; }
};

void ReadProtocolRows(soci::session& sql, const ProtocolTableQuery& query) {
  Protocol row;
  soci::statement statement(sql);
  statement.exchange(soci::into(row.name));
  statement.exchange(soci::into(row.summary));
  statement.exchange(soci::into(row.stage));
  statement.exchange(soci::into(row.design_doc.path));
  statement.exchange(soci::into(row.design_doc.commit));
  statement.exchange(soci::into(row.version));
  statement.exchange(soci::into(row.compat_promises));
  if (query.name != nullptr) statement.exchange(soci::use(*query.name));
  statement.alloc();
  statement.prepare(
      "SELECT name, summary, stage, design_path, design_commit, version, compat_promises "
      "FROM protocols" +
      std::string(query.name != nullptr ? " WHERE name = :name" : "") + " ORDER BY ordinal");
  statement.define_and_bind();
  statement.execute();
  while (statement.fetch()) {
    query.index[row.name] = query.protocols.size();
    query.protocols.push_back(row);
  }
}

void ReadProtocolOwners(soci::session& sql, const ProtocolTableQuery& query) {
  std::string protocol, email;
  soci::statement statement(sql);
  statement.exchange(soci::into(protocol));
  statement.exchange(soci::into(email));
  query.Run(statement, "SELECT protocol, email FROM protocol_owners",
            " ORDER BY protocol, ordinal");
  while (statement.fetch()) query.Of(protocol).owners.push_back(email);
}

Result<void> ReadImplementations(soci::session& sql, const ProtocolTableQuery& query) {
  std::string protocol, code_base, role, state, refs;
  soci::statement statement(sql);
  statement.exchange(soci::into(protocol));
  statement.exchange(soci::into(code_base));
  statement.exchange(soci::into(role));
  statement.exchange(soci::into(state));
  statement.exchange(soci::into(refs));
  query.Run(statement,
            "SELECT protocol, code_base, role, state, refs FROM protocol_implementations",
            " ORDER BY protocol, ordinal");
  while (statement.fetch()) {
    Implementation implementation;
    implementation.code_base = code_base;
    auto parsed_role = ParseImplementationRole(role);
    auto parsed_state = ParseImplementationState(state);
    if (!parsed_role || !parsed_state) {
      return Fail(Error::Corruption(fmt::format(
          "protocol_implementations of {} holds role '{}', state '{}'", protocol, role, state)));
    }
    implementation.role = *parsed_role;
    implementation.state = *parsed_state;
    for (auto ref : Split(refs, '\n')) {
      if (!ref.empty()) implementation.refs.emplace_back(ref);
    }
    query.Of(protocol).implementations.push_back(std::move(implementation));
  }
  return Ok();
}

void ReadStageHistory(soci::session& sql, const ProtocolTableQuery& query) {
  std::string protocol;
  StageChange change;
  long long at = 0, proposal_id = 0;
  soci::statement statement(sql);
  statement.exchange(soci::into(protocol));
  statement.exchange(soci::into(at));
  statement.exchange(soci::into(change.by));
  statement.exchange(soci::into(change.from));
  statement.exchange(soci::into(change.to));
  statement.exchange(soci::into(proposal_id));
  statement.exchange(soci::into(change.reason));
  statement.exchange(soci::into(change.commit));
  query.Run(statement,
            "SELECT protocol, at, by_email, from_stage, to_stage, proposal_id, reason, commit_ref "
            "FROM protocol_stage_history",
            " ORDER BY protocol, ordinal");
  while (statement.fetch()) {
    StageChange entry = change;
    entry.at = FromSeconds(at);
    entry.proposal_id = proposal_id;
    query.Of(protocol).history.push_back(std::move(entry));
  }
}

void ReadWaivers(soci::session& sql, const ProtocolTableQuery& query) {
  std::string protocol;
  CriterionWaiver waiver;
  long long at = 0;
  soci::statement statement(sql);
  statement.exchange(soci::into(protocol));
  statement.exchange(soci::into(waiver.stage));
  statement.exchange(soci::into(waiver.criterion));
  statement.exchange(soci::into(waiver.by));
  statement.exchange(soci::into(at));
  statement.exchange(soci::into(waiver.reason));
  query.Run(statement,
            "SELECT protocol, stage, criterion, by_email, at, reason FROM protocol_waivers",
            " ORDER BY protocol, at, stage, criterion");
  while (statement.fetch()) {
    CriterionWaiver entry = waiver;
    entry.at = FromSeconds(at);
    query.Of(protocol).waivers.push_back(std::move(entry));
  }
}

Result<std::vector<Protocol>> SqlStore::LoadProtocols(const std::string* name) {
  std::vector<Protocol> protocols;
  std::unordered_map<std::string, size_t> index;
  ProtocolTableQuery query{name, index, protocols};
  ReadProtocolRows(*sql_, query);
  if (protocols.empty()) return protocols;
  ReadProtocolOwners(*sql_, query);
  ST_TRY(ReadImplementations(*sql_, query));
  ReadStageHistory(*sql_, query);
  ReadWaivers(*sql_, query);
  return protocols;
}

Result<void> SqlStore::SaveProtocol(const Protocol& protocol) {
  int exists = 0;
  *sql_ << "SELECT COUNT(*) FROM protocols WHERE name = :n", soci::use(protocol.name),
      soci::into(exists);
  if (exists > 0) {
    *sql_ << "UPDATE protocols SET summary = :s, stage = :st, design_path = :p, "
             "design_commit = :c, version = :v, compat_promises = :cp WHERE name = :n",
        soci::use(protocol.summary), soci::use(protocol.stage), soci::use(protocol.design_doc.path),
        soci::use(protocol.design_doc.commit), soci::use(protocol.version),
        soci::use(protocol.compat_promises), soci::use(protocol.name);
  } else {
    int ordinal = 0;
    soci::indicator indicator = soci::i_ok;
    *sql_ << "SELECT MAX(ordinal) FROM protocols", soci::into(ordinal, indicator);
    ordinal = indicator == soci::i_null ? 1 : ordinal + 1;
    *sql_ << "INSERT INTO protocols(name, ordinal, summary, stage, design_path, design_commit, "
             "version, compat_promises) VALUES (:n, :o, :s, :st, :p, :c, :v, :cp)",
        soci::use(protocol.name), soci::use(ordinal), soci::use(protocol.summary),
        soci::use(protocol.stage), soci::use(protocol.design_doc.path),
        soci::use(protocol.design_doc.commit), soci::use(protocol.version),
        soci::use(protocol.compat_promises);
  }
  *sql_ << "DELETE FROM protocol_owners WHERE protocol = :n", soci::use(protocol.name);
  *sql_ << "DELETE FROM protocol_implementations WHERE protocol = :n", soci::use(protocol.name);
  *sql_ << "DELETE FROM protocol_waivers WHERE protocol = :n", soci::use(protocol.name);
  for (size_t i = 0; i < protocol.owners.size(); ++i) {
    int ordinal = static_cast<int>(i);
    *sql_ << "INSERT INTO protocol_owners(protocol, ordinal, email) VALUES (:n, :o, :e)",
        soci::use(protocol.name), soci::use(ordinal), soci::use(protocol.owners[i]);
  }
  for (size_t i = 0; i < protocol.implementations.size(); ++i) {
    const Implementation& implementation = protocol.implementations[i];
    int ordinal = static_cast<int>(i);
    std::string role(ImplementationRoleName(implementation.role));
    std::string state(ImplementationStateName(implementation.state));
    std::string refs = Join(implementation.refs, "\n");
    *sql_ << "INSERT INTO protocol_implementations(protocol, ordinal, code_base, role, state, "
             "refs) VALUES (:n, :o, :c, :r, :s, :f)",
        soci::use(protocol.name), soci::use(ordinal), soci::use(implementation.code_base),
        soci::use(role), soci::use(state), soci::use(refs);
  }
  for (const auto& waiver : protocol.waivers) {
    long long at = Seconds(waiver.at);
    *sql_ << "INSERT INTO protocol_waivers(protocol, stage, criterion, by_email, at, reason) "
             "VALUES (:n, :s, :c, :b, :a, :r)",
        soci::use(protocol.name), soci::use(waiver.stage), soci::use(waiver.criterion),
        soci::use(waiver.by), soci::use(at), soci::use(waiver.reason);
  }
  return Ok();
}

Result<void> SqlStore::AppendStageChange(const std::string& protocol, const StageChange& change) {
  int ordinal = 0;
  soci::indicator indicator = soci::i_ok;
  *sql_ << "SELECT MAX(ordinal) FROM protocol_stage_history WHERE protocol = :p",
      soci::use(protocol), soci::into(ordinal, indicator);
  ordinal = indicator == soci::i_null ? 0 : ordinal + 1;
  long long at = Seconds(change.at), proposal_id = change.proposal_id;
  *sql_ << "INSERT INTO protocol_stage_history(protocol, ordinal, at, by_email, from_stage, "
           "to_stage, proposal_id, reason, commit_ref) VALUES (:p, :o, :a, :b, :f, :t, :i, :r, "
           ":c)",
      soci::use(protocol), soci::use(ordinal), soci::use(at), soci::use(change.by),
      soci::use(change.from), soci::use(change.to), soci::use(proposal_id),
      soci::use(change.reason), soci::use(change.commit);
  return Ok();
}

Result<std::int64_t> SqlStore::NewLifecycleNumber(const std::string& kind) {
  long long id = 0;
  if (dialect_ == SqlDialect::kPostgres) {
    *sql_ << "INSERT INTO lifecycle_numbers(kind) VALUES (:k) RETURNING id", soci::use(kind),
        soci::into(id);
    return static_cast<std::int64_t>(id);
  }
  *sql_ << "INSERT INTO lifecycle_numbers(kind) VALUES (:k)", soci::use(kind);
  if (!sql_->get_last_insert_id("lifecycle_numbers", id)) {
    return Fail(Error::Internal("SQLite did not report the new number"));
  }
  return static_cast<std::int64_t>(id);
}

Result<void> SqlStore::ReserveLifecycleNumber(std::int64_t id, const std::string& kind) {
  long long number = id;
  std::string taken;
  soci::indicator indicator = soci::i_ok;
  *sql_ << "SELECT kind FROM lifecycle_numbers WHERE id = :i", soci::use(number),
      soci::into(taken, indicator);
  if (sql_->got_data() && indicator == soci::i_ok) {
    return Fail(Error::Conflict(
        fmt::format("number {} is already taken by a {}: proposals and objections share one "
                    "sequence, so give this {} another number",
                    id, taken, kind)));
  }
  *sql_ << "INSERT INTO lifecycle_numbers(id, kind) VALUES (:i, :k)", soci::use(number),
      soci::use(kind);
  // SQLite numbers from MAX(id) + 1 by itself; a PostgreSQL identity keeps its
  // own counter, which must move past the numbers inserted by hand.
  if (dialect_ == SqlDialect::kPostgres) {
    *sql_ << "SELECT setval(pg_get_serial_sequence('lifecycle_numbers', 'id'), "
             "(SELECT MAX(id) FROM lifecycle_numbers))";
  }
  return Ok();
}

Result<std::int64_t> SqlStore::CreateProposal(const Proposal& proposal) {
  long long id = proposal.id;
  if (id == 0) {
    id = ST_TRY(NewLifecycleNumber("proposal"));
  } else {
    ST_TRY(ReserveLifecycleNumber(proposal.id, "proposal"));
  }
  long long opened_at = Seconds(proposal.opened_at);
  std::string window = proposal.window ? FormatTimeSpan(*proposal.window) : "";
  *sql_ << "INSERT INTO proposals(id, protocol, from_stage, to_stage, proposer, thread, "
           "opened_at, window_span) VALUES (:i, :p, :f, :t, :b, :h, :o, :w)",
      soci::use(id), soci::use(proposal.protocol), soci::use(proposal.from_stage),
      soci::use(proposal.to_stage), soci::use(proposal.proposer), soci::use(proposal.thread),
      soci::use(opened_at), soci::use(window);
  return static_cast<std::int64_t>(id);
}

Result<std::int64_t> SqlStore::AppendProposalAction(std::int64_t proposal_id,
                                                    const ProposalAction& action) {
  long long objection_id = action.objection_id;
  if (action.kind == ProposalActionKind::kObject) {
    if (objection_id == 0) {
      objection_id = ST_TRY(NewLifecycleNumber("objection"));
    } else {
      ST_TRY(ReserveLifecycleNumber(action.objection_id, "objection"));
    }
  }
  long long proposal = proposal_id, at = Seconds(action.at);
  std::string kind(ProposalActionKindName(action.kind));
  *sql_ << "INSERT INTO proposal_actions(proposal_id, kind, at, by_email, objection_id, text, "
           "message_id) VALUES (:p, :k, :a, :b, :o, :t, :m)",
      soci::use(proposal), soci::use(kind), soci::use(at), soci::use(action.by),
      soci::use(objection_id), soci::use(action.text), soci::use(action.message_id);
  return static_cast<std::int64_t>(objection_id);
}

Result<std::vector<Proposal>> SqlStore::ListProposals(const ProposalQuery& query) {
  return Guarded("reading proposals", [&]() {
    return LoadProposals(query.protocol.empty() ? nullptr : &query.protocol, nullptr);
  });
}

Result<std::optional<Proposal>> SqlStore::FindProposal(std::int64_t id) {
  long long wanted = id;
  auto proposals =
      ST_TRY(Guarded("reading a proposal", [&]() { return LoadProposals(nullptr, &wanted); }));
  if (proposals.empty()) return std::optional<Proposal>();
  return std::optional<Proposal>(std::move(proposals.front()));
}

Result<std::optional<Proposal>> SqlStore::FindProposalByObjection(std::int64_t objection_id) {
  long long proposal_id = 0, wanted = objection_id;
  soci::indicator indicator = soci::i_ok;
  ST_TRY(Guarded("reading an objection", [&]() -> Result<void> {
    *sql_ << "SELECT MIN(proposal_id) FROM proposal_actions WHERE kind = 'object' AND "
             "objection_id = :o",
        soci::use(wanted), soci::into(proposal_id, indicator);
    return Ok();
  }));
  if (indicator == soci::i_null) return std::optional<Proposal>();
  return FindProposal(proposal_id);
}

Result<std::vector<Proposal>> SqlStore::LoadProposals(const std::string* protocol,
                                                      const long long* id) {
  std::vector<Proposal> proposals;
  std::unordered_map<long long, size_t> index;
  std::string where;
  if (protocol != nullptr) where = " WHERE p.protocol = :w";
  if (id != nullptr) where = " WHERE p.id = :w";
  auto bind = [&](soci::statement& statement) {
    if (protocol != nullptr) statement.exchange(soci::use(*protocol));
    if (id != nullptr) statement.exchange(soci::use(*id));
  };
  {
    Proposal row;
    long long row_id = 0, opened_at = 0;
    std::string window;
    soci::statement statement(*sql_);
    statement.exchange(soci::into(row_id));
    statement.exchange(soci::into(row.protocol));
    statement.exchange(soci::into(row.from_stage));
    statement.exchange(soci::into(row.to_stage));
    statement.exchange(soci::into(row.proposer));
    statement.exchange(soci::into(row.thread));
    statement.exchange(soci::into(opened_at));
    statement.exchange(soci::into(window));
    bind(statement);
    statement.alloc();
    statement.prepare(
        "SELECT p.id, p.protocol, p.from_stage, p.to_stage, p.proposer, p.thread, p.opened_at, "
        "p.window_span FROM proposals p" +
        where + " ORDER BY p.id");
    statement.define_and_bind();
    statement.execute();
    while (statement.fetch()) {
      Proposal proposal = row;
      proposal.id = row_id;
      proposal.opened_at = FromSeconds(opened_at);
      if (!window.empty()) {
        auto span = ParseTimeSpan(window);
        if (!span) {
          return Fail(Error::Corruption(
              fmt::format("proposals.window_span of proposal {} holds '{}'", row_id, window)));
        }
        proposal.window = *span;
      }
      index[row_id] = proposals.size();
      proposals.push_back(std::move(proposal));
    }
  }
  if (proposals.empty()) return proposals;
  long long proposal_id = 0, at = 0, objection_id = 0;
  std::string kind;
  ProposalAction row;
  soci::statement statement(*sql_);
  statement.exchange(soci::into(proposal_id));
  statement.exchange(soci::into(kind));
  statement.exchange(soci::into(at));
  statement.exchange(soci::into(row.by));
  statement.exchange(soci::into(objection_id));
  statement.exchange(soci::into(row.text));
  statement.exchange(soci::into(row.message_id));
  bind(statement);
  statement.alloc();
  statement.prepare(
      "SELECT a.proposal_id, a.kind, a.at, a.by_email, a.objection_id, a.text, a.message_id "
      "FROM proposal_actions a JOIN proposals p ON p.id = a.proposal_id" +
      where + " ORDER BY a.id");
  statement.define_and_bind();
  statement.execute();
  while (statement.fetch()) {
    auto parsed = ParseProposalActionKind(kind);
    if (!parsed) {
      return Fail(Error::Corruption(
          fmt::format("proposal_actions of proposal {} holds kind '{}'", proposal_id, kind)));
    }
    ProposalAction action = row;
    action.kind = *parsed;
    action.at = FromSeconds(at);
    action.objection_id = objection_id;
    proposals[index.at(proposal_id)].actions.push_back(std::move(action));
  }
  return proposals;
}

// What an open finds before it touches anything: whether the stocktake schema
// is there, at which version, and whether the database holds anything else.
struct SchemaState {
  bool has_schema = false;
  bool has_tables = false;
  int version = 0;
};

std::unique_ptr<soci::session> Connect(SqlDialect dialect, const std::string& connect,
                                       std::chrono::milliseconds busy_wait) {
  std::unique_ptr<soci::session> session;
  if (dialect == SqlDialect::kSqlite) {
    session = std::make_unique<soci::session>(soci::sqlite3, connect);
    UseExtendedResultCodes(*session);
    *session << "PRAGMA foreign_keys = ON";
    *session << "PRAGMA busy_timeout = " + std::to_string(busy_wait.count());
  } else {
#ifdef ST_WITH_POSTGRES
    session = std::make_unique<soci::session>(soci::postgresql, connect);
    *session << "SET client_min_messages TO WARNING";
    *session << "SET lock_timeout = " + std::to_string(busy_wait.count());
#else
    throw std::invalid_argument(
        "this stocktake was built without PostgreSQL: rebuild with -DSTOCKTAKE_WITH_POSTGRES=ON");
#endif
  }
  return session;
}

// Only reads: a refused database is left exactly as it was.
SchemaState InspectSchema(soci::session& sql, SqlDialect dialect) {
  SchemaState state;
  long long migrations = 0, tables = 0;
  if (dialect == SqlDialect::kSqlite) {
    sql << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = "
           "'schema_migrations'",
        soci::into(migrations);
    sql << "SELECT COUNT(*) FROM sqlite_master", soci::into(tables);
  } else {
    sql << "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
           "current_schema() AND table_name = 'schema_migrations'",
        soci::into(migrations);
    sql << "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()",
        soci::into(tables);
  }
  state.has_schema = migrations > 0;
  state.has_tables = tables > 0;
  if (state.has_schema) {
    soci::indicator indicator = soci::i_ok;
    sql << "SELECT MAX(version) FROM schema_migrations", soci::into(state.version, indicator);
    if (indicator == soci::i_null) state.version = 0;
  }
  return state;
}

Result<void> CheckSchemaAccess(const SchemaState& state, StoreAccess access,
                               const std::string& name) {
  int latest = LatestSchemaVersion();
  if (!state.has_schema) {
    if (access == StoreAccess::kWrite && !state.has_tables) return Ok();
    if (access == StoreAccess::kWrite) {
      return Fail(Error::NotFound(fmt::format(
          "not a Stocktake database: {} holds other tables and no stocktake schema; name a new "
          "file with --db",
          name)));
    }
    return Fail(Error::NotFound(fmt::format(
        "not a Stocktake database: {} has no stocktake schema; run stocktake init to create one",
        name)));
  }
  if (state.version > latest) {
    return Fail(Error::Conflict(
        fmt::format("{} has schema version {}, newer than this stocktake knows ({}): upgrade "
                    "stocktake",
                    name, state.version, latest)));
  }
  if (state.version < latest && access == StoreAccess::kRead) {
    return Fail(Error::Conflict(
        fmt::format("{} has schema version {}, older than this stocktake's ({}): run stocktake "
                    "migrate",
                    name, state.version, latest)));
  }
  return Ok();
}

// Settings that write (SQLite's journal mode) come after the schema check,
// so a refused file keeps its own.
void SetUpSession(soci::session& sql, const SqlConnection& connection, StoreAccess access) {
  if (connection.dialect == SqlDialect::kPostgres) {
    if (access == StoreAccess::kRead) {
      sql << "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY";
    }
    return;
  }
  if (connection.connect.find(":memory:") != std::string::npos) return;
  if (access != StoreAccess::kRead) {
    std::string mode;
    sql << "PRAGMA journal_mode = WAL", soci::into(mode);
    sql << "PRAGMA synchronous = NORMAL";
  }
  // Reads go through the OS page cache without a read() per page: a
  // report's scan of the event log jumps between table pages.
  sql << "PRAGMA mmap_size = 268435456";
}

Error OpenError(const SqlConnection& connection, const std::exception& error) {
  if (dynamic_cast<const std::invalid_argument*>(&error) != nullptr) {
    return Error::InvalidArgument(error.what());
  }
  // A file SQLite cannot open is an I/O error and one that is no database
  // is corrupt; a server that cannot be reached, or any other failure to
  // open, leaves the database unavailable.
  Error database = DatabaseError("opening", error);
  ErrorCode code = database.code();
  if (code == ErrorCode::kInternal) code = ErrorCode::kUnavailable;
  // SQLite's own words ("file is not a database while preparing …") add
  // nothing to this one.
  if (code == ErrorCode::kCorruption) {
    return Error(code, fmt::format("not a Stocktake database: {} is not a SQLite database",
                                   connection.name));
  }
  return Error(code,
               fmt::format("cannot open {}: {}",
                           connection.dialect == SqlDialect::kSqlite
                               ? "the SQLite database " + connection.name
                               : connection.name,
                           Trim(error.what())),
               database.context());
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqlStore(const SqlConnection& connection,
                                            const StoreOptions& options, SchemaVersions* versions) {
  std::unique_ptr<soci::session> session;
  SchemaState state;
  auto attempt = [&](const std::string& connect) {
    session = Connect(connection.dialect, connect, options.busy_wait);
    state = InspectSchema(*session, connection.dialect);
  };
  try {
    try {
      attempt(connection.connect);
    } catch (const soci::sqlite3_soci_error& error) {
      // A reader of a WAL file shares an index (FILE-shm) it must be able to
      // create beside the file; in a read-only directory it cannot, and
      // nobody can write the file there either, so it is read as immutable.
      if (connection.read_only_directory_connect.empty() ||
          (error.result() & 0xff) != SQLITE_READONLY) {
        throw;
      }
      attempt(connection.read_only_directory_connect);
    }
  } catch (const std::exception& error) {
    return Fail(OpenError(connection, error));
  }
  ST_TRY(CheckSchemaAccess(state, options.access, connection.name));
  ST_TRY(Guarded("opening the database", [&]() -> Result<void> {
    SetUpSession(*session, connection, options.access);
    return Ok();
  }));
  auto store = std::make_unique<SqlStore>(connection.dialect, std::move(session));
  SchemaVersions found{state.version, state.version};
  if (options.access != StoreAccess::kRead) {
    found.found = ST_TRY(store->Migrate());
    found.now = LatestSchemaVersion();
  }
  if (versions != nullptr) *versions = found;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace stocktake
