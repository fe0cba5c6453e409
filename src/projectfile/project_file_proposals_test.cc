// The project file's `proposals:` section through the planning service: a
// project with proposals in every state exports, imports into an empty store
// and exports again byte for byte, with the same numbers and the same states;
// bad sections are refused with FILE:LINE:COLUMN and nothing written.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "stocktake/projectfile/project_file.h"
#include "stocktake/service/lifecycle.h"
#include "stocktake/service/planning.h"
#include "stocktake/storage/open_store.h"
#include "stocktake/view/lifecycle_json.h"
#include "tests/support/test_support.h"

namespace stocktake {
namespace {

using testing::At;

constexpr char kCzar[] = "czar@example.org";
constexpr char kDeveloper[] = "dev@example.org";
constexpr char kReviewer[] = "reviewer@example.org";
constexpr char kOther[] = "other@example.org";
constexpr char kReason[] = "the ring layout is described with C structs";
constexpr char kNow[] = "2017-06-01";

// A small file with one proposal, an objection and its answer; the bad-file
// tests change one line of it. Line numbers matter: see the comments.
constexpr char kSmall[] = R"(people:
  - email: czar@example.org
    roles: [czar]
protocols:
  - name: pvcalls
    history:
      - {at: 2017-01-01, to: design}
proposals:
  - id: 1
    protocol: pvcalls
    from: design
    to: prototype
    proposer: dev@example.org
    opened_at: 2017-02-01T00:00:00Z
    actions:
      - kind: object
        id: 2
        at: 2017-02-02T00:00:00Z
        by: reviewer@example.org
        text: the ring layout is described with C structs
      - kind: answer
        objection: 2
        at: 2017-02-03T00:00:00Z
        by: dev@example.org
        text: version 2 describes the bytes
)";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

class ProjectFileProposalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = ST_MUST(OpenStore(":memory:"));
    planning_ = std::make_unique<Planning>(*store_);
    lifecycle_ = std::make_unique<Lifecycle>(*store_);
  }

  static Context As(const char* who, const char* when) {
    Context context;
    context.actor = who;
    context.now = At(when);
    return context;
  }

  template <typename T>
  static T Must(Result<T> result) {
    EXPECT_TRUE(result) << result.error().ToString();
    return result ? std::move(*result) : T{};
  }

  void AddProtocol(const char* name) {
    Protocol protocol;
    protocol.name = name;
    Must(lifecycle_->AddProtocol(As(kDeveloper, "2017-01-02"), protocol));
  }

  std::int64_t Propose(const char* protocol, const char* when,
                       std::optional<TimeSpan> window = std::nullopt) {
    return Must(lifecycle_->Propose(As(kDeveloper, when), protocol, "",
                                    fmt::format("<{}@example.org>", protocol), window))
        .id;
  }

  // Proposals in every state at kNow: open, blocked by a live objection,
  // blocked by an answered one, passed after a lapse, withdrawn, passed,
  // accepted with a waiver and rejected; with replies, confirmations,
  // withdrawn and resolved objections on the way.
  void BuildProjectWithProposals() {
    ASSERT_TRUE(planning_->Init(As(kCzar, "2017-01-01"), Project{"Xen", "", {}, XenProcess()}));
    // The Czar initialised the database, so is its admin too.
    ASSERT_TRUE(planning_->SavePerson(As(kCzar, "2017-01-01"),
                                      Person{kCzar, "The Czar", {}, {Role::kAdmin, Role::kCzar}}));
    for (const char* person : {kDeveloper, kReviewer, kOther}) {
      ASSERT_TRUE(planning_->SavePerson(As(kCzar, "2017-01-01"),
                                        Person{person, "", {}, {Role::kContributor}}));
    }
    for (const char* name : {"alpha", "beta", "gamma", "delta", "epsilon"}) AddProtocol(name);

    std::int64_t withdrawn = Propose("alpha", "2017-02-01");
    Must(lifecycle_->Withdraw(As(kDeveloper, "2017-02-02"), withdrawn));
    std::int64_t rejected = Propose("alpha", "2017-02-03");
    std::int64_t dropped = Must(
        lifecycle_->Object(As(kReviewer, "2017-02-04"), rejected, kReason, "<nak@example.org>"));
    Must(lifecycle_->Withdraw(As(kReviewer, "2017-02-05"), dropped));
    std::int64_t resolved = Must(lifecycle_->Object(As(kOther, "2017-02-06"), rejected,
                                                    "the xenstore handshake is missing"));
    Must(lifecycle_->Resolve(As(kCzar, "2017-02-07"), resolved, "covered by section 3"));
    Must(lifecycle_->Decide(As(kCzar, "2017-02-15"), rejected, false,
                            "the design needs another round", {}));
    std::int64_t accepted = Propose("alpha", "2017-03-01", TimeSpan::Hours(72));
    Must(lifecycle_->Decide(As(kCzar, "2017-03-05"), accepted, true,
                            "the design is in the wiki, agreed on the list", {"design-committed"}));
    Propose("alpha", "2017-05-30");  // open at kNow

    std::int64_t live = Propose("beta", "2017-05-01");
    std::int64_t objection = Must(lifecycle_->Object(As(kReviewer, "2017-05-02"), live, kReason));
    Must(lifecycle_->Answer(As(kDeveloper, "2017-05-03"), objection, "see version 2"));
    Must(lifecycle_->Reply(As(kReviewer, "2017-05-04"), objection, "version 2 still has them"));

    std::int64_t answered = Propose("gamma", "2017-05-01");
    objection = Must(lifecycle_->Object(As(kReviewer, "2017-05-02"), answered, kReason));
    Must(lifecycle_->Answer(As(kDeveloper, "2017-05-28"), objection, "see version 3"));

    std::int64_t lapsed = Propose("delta", "2017-05-01");
    objection = Must(lifecycle_->Object(As(kReviewer, "2017-05-02"), lapsed, kReason));
    Must(lifecycle_->Answer(As(kDeveloper, "2017-05-03"), objection, "see version 2"));

    Propose("epsilon", "2017-05-01");  // passed at kNow
  }

  // Every proposal's JSON view (numbers, objections, state) at `now`.
  static nlohmann::json States(Store& store, const char* now) {
    Lifecycle lifecycle(store);
    ProtocolProcess process = ST_MUST(lifecycle.LoadProcess());
    nlohmann::json json = nlohmann::json::array();
    for (const auto& proposal : ST_MUST(store.ListProposals({}))) {
      json.push_back(ProposalJson(proposal, process, At(now)));
    }
    return json;
  }

  std::unique_ptr<Store> store_;
  std::unique_ptr<Planning> planning_;
  std::unique_ptr<Lifecycle> lifecycle_;
};

TEST_F(ProjectFileProposalsTest, ProposalsInEveryStateRoundTripByteForByte) {
  BuildProjectWithProposals();
  std::set<std::string> states;
  for (const auto& proposal : States(*store_, kNow)) {
    states.insert(proposal["state"].get<std::string>());
    for (const auto& objection : proposal["objections"]) {
      states.insert("objection " + objection["state"].get<std::string>());
    }
  }
  EXPECT_EQ(states,
            (std::set<std::string>{"open", "blocked", "passed", "withdrawn", "accepted", "rejected",
                                   "objection live", "objection answered", "objection lapsed",
                                   "objection withdrawn", "objection resolved"}));
  std::string first = ST_MUST(planning_->Export());
  EXPECT_NE(first.find("\nproposals:\n  - id: "), std::string::npos) << first;
  EXPECT_NE(first.find("        message_id: \"<nak@example.org>\"\n"), std::string::npos) << first;
  EXPECT_NE(first.find("    window: 3d\n"), std::string::npos) << first;  // 72h

  auto copy = ST_MUST(OpenStore(":memory:"));
  Planning planning(*copy);
  ImportSummary summary = Must(planning.Import(As(kCzar, "2017-07-01"), first, "first.yaml"));
  EXPECT_EQ(summary.proposals_added, 8);
  EXPECT_EQ(summary.protocols_added, 5);
  EXPECT_EQ(ST_MUST(planning.Export()), first);
  for (const char* now : {kNow, "2017-02-04T12:00:00Z", "2017-05-29", "2018-01-01"}) {
    EXPECT_EQ(States(*copy, now), States(*store_, now)) << now;
  }
  // The stage change that cites the accepted proposal came along.
  Protocol alpha = *ST_MUST(copy->FindProtocol("alpha"));
  ASSERT_EQ(alpha.history.size(), 2u);
  EXPECT_NE(alpha.history[1].proposal_id, 0);
  EXPECT_EQ(ST_MUST(copy->FindProposal(alpha.history[1].proposal_id))->actions.back().kind,
            ProposalActionKind::kAccept);
  ASSERT_EQ(alpha.waivers.size(), 1u);
  EXPECT_EQ(alpha.waivers[0].criterion, "design-committed");
}

TEST_F(ProjectFileProposalsTest, ReimportWritesNothingAndNumbersContinueAboveTheImported) {
  BuildProjectWithProposals();
  std::string text = ST_MUST(planning_->Export());
  std::int64_t highest = 0;
  for (const auto& proposal : ST_MUST(store_->ListProposals({}))) {
    highest = std::max(highest, proposal.id);
    for (const auto& action : proposal.actions) highest = std::max(highest, action.objection_id);
  }
  size_t events = ST_MUST(store_->ListEvents({})).size();
  ImportSummary same = Must(planning_->Import(As(kCzar, "2017-07-01"), text, "same.yaml"));
  EXPECT_EQ(same.events_written, 0);
  EXPECT_EQ(same.proposals_added + same.proposals_updated, 0);
  EXPECT_EQ(ST_MUST(store_->ListEvents({})).size(), events);

  auto copy = ST_MUST(OpenStore(":memory:"));
  Planning planning(*copy);
  ImportSummary first = Must(planning.Import(As(kCzar, "2017-07-01"), text, "copy.yaml"));
  EXPECT_GT(first.events_written, 0);
  size_t copied = ST_MUST(copy->ListEvents({})).size();
  ImportSummary again = Must(planning.Import(As(kCzar, "2017-07-02"), text, "copy.yaml"));
  EXPECT_EQ(again.events_written, 0);
  EXPECT_EQ(ST_MUST(copy->ListEvents({})).size(), copied);

  // The imported proposals were dated and attributed as they happened.
  EventQuery query;
  query.subject = "beta";
  auto beta = ST_MUST(copy->ListEvents(query));
  auto opened = std::find_if(beta.begin(), beta.end(), [](const Event& event) {
    return event.kind == event_kind::kProposalOpened;
  });
  ASSERT_NE(opened, beta.end());
  EXPECT_EQ(opened->at, At("2017-05-01"));
  EXPECT_EQ(opened->actor, kDeveloper);

  Lifecycle lifecycle(*copy);
  std::int64_t open = ST_MUST(copy->ListProposals({"alpha"})).back().id;
  EXPECT_EQ(Must(lifecycle.Object(As(kReviewer, "2017-06-02"), open, kReason)), highest + 1);
}

TEST_F(ProjectFileProposalsTest, AFileMayAddActionsToAKnownProposal) {
  std::string head = kSmall;
  std::string shorter = head.substr(0, head.find("      - kind: answer"));
  ImportSummary first = Must(planning_->Import(As(kCzar, "2017-07-01"), shorter, "a.yaml"));
  EXPECT_EQ(first.proposals_added, 1);
  ImportSummary more = Must(planning_->Import(As(kCzar, "2017-07-01"), head, "b.yaml"));
  EXPECT_EQ(more.proposals_added, 0);
  EXPECT_EQ(more.proposals_updated, 1);
  EXPECT_EQ(more.events_written, 1);
  Proposal proposal = ST_MUST(lifecycle_->FindProposal(1));
  ASSERT_EQ(proposal.actions.size(), 2u);
  EXPECT_EQ(proposal.actions[1].kind, ProposalActionKind::kAnswer);
}

struct BadFile {
  const char* name;
  const char* from;
  const char* to;
  const char* where;
  const char* says;
  /// What it says when the database already holds the good file, if other.
  const char* says_when_known = nullptr;
};

TEST_F(ProjectFileProposalsTest, BadProposalsAreRefusedWithFileLineColumnAndNothingWritten) {
  ASSERT_TRUE(planning_->Import(As(kCzar, "2017-07-01"), kSmall, "good.yaml"))
      << "the base file must import";
  const BadFile cases[] = {
      {"unknown protocol", "protocol: pvcalls", "protocol: nosuch", "bad.yaml:10:15",
       "unknown protocol 'nosuch'"},
      {"unknown stage", "from: design", "from: nowhere", "bad.yaml:11:11", "unknown stage"},
      {"skipped stage", "to: prototype", "to: production", "bad.yaml:12:9", "one stage"},
      {"objection never raised", "objection: 2", "objection: 5", "bad.yaml:22:20",
       "no objection 5"},
      {"out of time order", "at: 2017-02-03T00:00:00Z", "at: 2017-02-01T12:00:00Z",
       "bad.yaml:23:13", "time order"},
      {"unknown kind", "kind: answer", "kind: nod", "bad.yaml:21:15", "unknown action kind"},
      {"number used twice", "id: 2", "id: 1", "bad.yaml:17:13", "used twice"},
      {"action after a decision", "      - kind: answer",
       "      - kind: withdraw\n        at: 2017-02-02T12:00:00Z\n        by: dev@example.org\n"
       "      - kind: answer",
       "bad.yaml:24:9", "already decided"},
      {"accepted without its stage change", "kind: answer\n        objection: 2", "kind: accept",
       "bad.yaml:21:9", "proposal: 1", "recorded action 2"},
      {"unknown key", "    opened_at:", "    opend_at:", "bad.yaml:14:5", "did you mean"},
  };
  for (const auto& bad : cases) {
    SCOPED_TRACE(bad.name);
    std::string text = Replace(kSmall, bad.from, bad.to);
    for (bool empty : {true, false}) {
      auto store = empty ? ST_MUST(OpenStore(":memory:")) : nullptr;
      Store& target = empty ? *store : *store_;
      Planning planning(target);
      std::string before = empty ? "" : ST_MUST(planning.Export());
      size_t events = empty ? 0 : ST_MUST(target.ListEvents({})).size();
      auto imported = planning.Import(As(kCzar, "2017-07-02"), text, "bad.yaml");
      ASSERT_FALSE(imported);
      EXPECT_EQ(imported.error().context(), bad.where) << imported.error().ToString();
      const char* says = !empty && bad.says_when_known != nullptr ? bad.says_when_known : bad.says;
      EXPECT_NE(imported.error().message().find(says), std::string::npos)
          << imported.error().message();
      if (empty) {
        EXPECT_FALSE(ST_MUST(target.LoadProject())) << "nothing written";
      } else {
        EXPECT_EQ(ST_MUST(planning.Export()), before);
      }
      EXPECT_EQ(ST_MUST(target.ListEvents({})).size(), events);
    }
  }
}

TEST_F(ProjectFileProposalsTest, ANumberTheDatabaseGaveToSomethingElseIsRefused) {
  ASSERT_TRUE(planning_->Import(As(kCzar, "2017-07-01"), kSmall, "good.yaml"));
  std::string before = ST_MUST(planning_->Export());
  // Proposal 2 would be objection 2 of proposal 1.
  std::string clash = Replace(kSmall, "        id: 2", "        id: 3");
  clash = Replace(Replace(clash, "objection: 2", "objection: 3"), "  - id: 1", "  - id: 2");
  auto imported = planning_->Import(As(kCzar, "2017-07-02"), clash, "clash.yaml");
  ASSERT_FALSE(imported);
  EXPECT_EQ(imported.error().context(), "clash.yaml:9:5");
  EXPECT_NE(imported.error().message().find("objection 2 of proposal 1"), std::string::npos)
      << imported.error().message();
  // A recorded action cannot be rewritten by a file.
  auto rewritten = planning_->Import(
      As(kCzar, "2017-07-02"), Replace(kSmall, "version 2 describes the bytes", "something else"),
      "rewritten.yaml");
  ASSERT_FALSE(rewritten);
  EXPECT_EQ(rewritten.error().context(), "rewritten.yaml:21:9");
  EXPECT_NE(rewritten.error().message().find("recorded action 2"), std::string::npos);
  EXPECT_EQ(ST_MUST(planning_->Export()), before);
}

}  // namespace
}  // namespace stocktake
