#include "stocktake/service/authorization.h"

#include <gtest/gtest.h>

#include "service/import_authorization_internal.h"
#include "stocktake/service/planning.h"
#include "stocktake/storage/open_store.h"
#include "tests/support/test_support.h"

namespace stocktake {
namespace {

using testing::At;

constexpr Action kAllActions[] = {
    Action::kManagePeople,
    Action::kSetPassword,
    Action::kImport,
    Action::kAddRelease,
    Action::kSlipRelease,
    Action::kShipRelease,
    Action::kIntervene,
    Action::kAddFeature,
    Action::kUpdateFeature,
    Action::kPlanFeature,
    Action::kAddProtocol,
    Action::kRegisterProtocolAtStage,
    Action::kUpdateProtocol,
    Action::kPropose,
    Action::kObject,
    Action::kRespond,
    Action::kResolveObjection,
    Action::kDecide,
    Action::kWaive,
    Action::kSettleDraftObjection,
    Action::kIngest,
};

std::optional<Person> With(std::initializer_list<Role> roles,
                           std::string email = "someone@example.org") {
  return Person{std::move(email), "", {"other@example.org"}, roles};
}

bool Allowed(const std::optional<Person>& actor, Action action,
             const std::vector<std::string>& owners = {}) {
  OwnedObject object{"feature", "pvh-mode", owners};
  return Authorize(actor, "someone@example.org", action, &object).has_value();
}

TEST(AuthorizationTest, TheTableHasOneRowPerActionInOrder) {
  ASSERT_EQ(Permissions().size(), std::size(kAllActions));
  for (std::size_t index = 0; index < std::size(kAllActions); ++index) {
    EXPECT_EQ(Permissions()[index].action, kAllActions[index]);
    EXPECT_EQ(PermissionFor(kAllActions[index]).action, kAllActions[index]);
    EXPECT_FALSE(Permissions()[index].what.empty());
  }
}

TEST(AuthorizationTest, AReaderAndAnUnknownAddressWriteNothingEvenWhatTheyOwn) {
  std::vector<std::string> owners = {"someone@example.org"};
  for (Action action : kAllActions) {
    auto reader = Authorize(With({Role::kReader}), "someone@example.org", action);
    ASSERT_FALSE(reader);
    EXPECT_TRUE(reader.error().IsPermissionDenied()) << reader.error().ToString();
    EXPECT_FALSE(Allowed(With({Role::kReader}), action, owners));
    EXPECT_FALSE(Allowed(std::nullopt, action, owners));
    EXPECT_FALSE(Allowed(With({}), action, owners));
  }
}

TEST(AuthorizationTest, EachRoleTakesExactlyTheActionsOfItsRows) {
  auto admin = With({Role::kAdmin});
  EXPECT_TRUE(Allowed(admin, Action::kManagePeople));
  EXPECT_TRUE(Allowed(admin, Action::kImport));
  EXPECT_TRUE(Allowed(admin, Action::kIngest));
  EXPECT_FALSE(Allowed(admin, Action::kSlipRelease));
  EXPECT_FALSE(Allowed(admin, Action::kUpdateFeature));
  EXPECT_FALSE(Allowed(admin, Action::kDecide));

  auto manager = With({Role::kReleaseManager});
  for (Action action : {Action::kAddRelease, Action::kSlipRelease, Action::kAddFeature,
                        Action::kUpdateFeature, Action::kPlanFeature}) {
    EXPECT_TRUE(Allowed(manager, action)) << PermissionFor(action).what;
  }
  EXPECT_FALSE(Allowed(manager, Action::kManagePeople));
  EXPECT_FALSE(Allowed(manager, Action::kDecide));
  EXPECT_FALSE(Allowed(manager, Action::kPropose));

  auto czar = With({Role::kCzar});
  for (Action action : {Action::kResolveObjection, Action::kDecide, Action::kWaive,
                        Action::kSettleDraftObjection, Action::kRegisterProtocolAtStage}) {
    EXPECT_TRUE(Allowed(czar, action)) << PermissionFor(action).what;
  }
  EXPECT_FALSE(Allowed(czar, Action::kManagePeople));
  EXPECT_FALSE(Allowed(czar, Action::kUpdateProtocol, {"someone@example.org"}));

  for (Role role : {Role::kMaintainer, Role::kContributor}) {
    auto member = With({role});
    for (Action action : {Action::kAddFeature, Action::kAddProtocol, Action::kPropose,
                          Action::kObject, Action::kRespond}) {
      EXPECT_TRUE(Allowed(member, action)) << PermissionFor(action).what;
    }
    for (Action action : {Action::kManagePeople, Action::kImport, Action::kAddRelease,
                          Action::kSlipRelease, Action::kPlanFeature, Action::kDecide,
                          Action::kWaive, Action::kRegisterProtocolAtStage}) {
      EXPECT_FALSE(Allowed(member, action)) << PermissionFor(action).what;
    }
  }
  EXPECT_TRUE(Allowed(With({Role::kMaintainer}), Action::kIngest));
  EXPECT_FALSE(Allowed(With({Role::kContributor}), Action::kIngest));
}

TEST(AuthorizationTest, OwnersChangeOnlyWhatTheyOwnByAnyOfTheirAddresses) {
  auto contributor = With({Role::kContributor});
  EXPECT_TRUE(Allowed(contributor, Action::kUpdateFeature, {"a@example.org", "Other@Example.org"}));
  EXPECT_FALSE(Allowed(contributor, Action::kUpdateFeature, {"a@example.org"}));
  EXPECT_FALSE(Allowed(contributor, Action::kUpdateFeature, {}));
  // Without the object, only the roles that change every feature pass.
  EXPECT_FALSE(Authorize(contributor, "someone@example.org", Action::kUpdateFeature));
  EXPECT_TRUE(Authorize(With({Role::kReleaseManager}), "x@example.org", Action::kUpdateFeature));
  EXPECT_TRUE(ActsOnlyAsOwner(contributor, Action::kUpdateFeature));
  EXPECT_FALSE(
      ActsOnlyAsOwner(With({Role::kReleaseManager, Role::kContributor}), Action::kUpdateFeature));
  EXPECT_FALSE(ActsOnlyAsOwner(With({Role::kCzar}), Action::kUpdateProtocol));
}

TEST(AuthorizationTest, ARefusalNamesTheRoleItNeedsAndTheCommandThatGrantsIt) {
  auto refused = Authorize(With({Role::kAdmin, Role::kReader}, "ian@example.org"),
                           "ian@example.org", Action::kSlipRelease);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(refused.error().message(),
            "ian@example.org may not slip a release: it needs the release-manager role, and "
            "ian@example.org holds admin, reader; an admin grants the release-manager role with "
            "'stocktake person add ian@example.org --role admin --role reader --role "
            "release-manager'");

  auto unknown = Authorize(std::nullopt, "eve@example.org", Action::kManagePeople);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message(),
            "eve@example.org may not add people and change their e-mails and roles: it needs the "
            "admin role, and eve@example.org is not a known person; an admin grants the admin "
            "role with 'stocktake person add eve@example.org --role admin'");

  std::vector<std::string> owners = {"owner@example.org"};
  OwnedObject object{"protocol", "pvcalls", owners};
  auto not_owner = Authorize(With({Role::kContributor}, "dev@example.org"), "dev@example.org",
                             Action::kUpdateProtocol, &object);
  ASSERT_FALSE(not_owner);
  EXPECT_EQ(not_owner.error().message(),
            "dev@example.org may not record a protocol's evidence (protocol pvcalls): it needs "
            "the maintainer or contributor role as one of its owners (owner@example.org), and "
            "dev@example.org holds contributor but is not one of its owners; an owner adds "
            "dev@example.org to its owners with 'stocktake protocol set pvcalls --owner "
            "owner@example.org --owner dev@example.org'");
}

TEST(AuthorizationTest, DocsProcessHoldsTheSameTable) {
  std::string process = testing::ReadFileForTesting(testing::SourcePath("docs/process.md"));
  ASSERT_FALSE(process.empty());
  EXPECT_NE(process.find(PermissionTableMarkdown()), std::string::npos)
      << "docs/process.md (\"Who may write what\") must hold the rule table of "
         "src/service/authorization.cc exactly as:\n"
      << PermissionTableMarkdown();
}

TEST(AuthorizationTest, AnUninitialisedDatabaseHasNoRolesToCheck) {
  auto store = ST_MUST(OpenStore(":memory:"));
  EXPECT_TRUE(AuthorizeIn(*store, "anyone@example.org", Action::kImport));
  Planning planning(*store);
  ASSERT_TRUE(planning.Init({"admin@example.org", At("2020-01-01")}, Project{}));
  EXPECT_TRUE(AuthorizeIn(*store, "ADMIN@example.org", Action::kManagePeople));
  auto refused = AuthorizeIn(*store, "anyone@example.org", Action::kImport);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().IsPermissionDenied());
}

TEST(ImportAuthorizationTest, TheImporterBecomesTheFirstAdminUnlessTheFileNamesOne) {
  ProjectFile file;
  file.people = {Person{"rm@example.org", "", {"ME@example.org"}, {Role::kReleaseManager}}};
  EXPECT_EQ(authorization_internal::NameFirstAdmin(file, "me@example.org"), "me@example.org");
  ASSERT_EQ(file.people.size(), 1u);
  EXPECT_TRUE(file.people[0].HasRole(Role::kAdmin));
  EXPECT_TRUE(file.people[0].HasRole(Role::kReleaseManager));
  EXPECT_EQ(authorization_internal::NameFirstAdmin(file, "other@example.org"), "");
  ProjectFile empty;
  EXPECT_EQ(authorization_internal::NameFirstAdmin(empty, "new@example.org"), "new@example.org");
  ASSERT_EQ(empty.people.size(), 1u);
  EXPECT_EQ(empty.people[0].roles, std::vector<Role>{Role::kAdmin});
}

TEST(ImportAuthorizationTest, AStoredProtocolMovesStageOnlyThroughAnAcceptedProposal) {
  Protocol stored;
  stored.name = "pvcalls";
  stored.stage = "prototype";
  stored.history = {{At("2017-03-01"), "czar@example.org", "", "design", 0, "", ""},
                    {At("2017-04-05"), "czar@example.org", "design", "prototype", 0, "", ""}};
  ProjectFile file;
  file.file_name = "moved.yaml";
  Protocol moved = stored;
  moved.stage = "production";
  moved.history.push_back(
      {At("2026-01-01"), "czar@example.org", "prototype", "production", 0, "", ""});
  file.protocols = {moved};
  auto refused = authorization_internal::CheckImportedStageChanges(file, {stored}, {});
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().IsPermissionDenied());
  EXPECT_EQ(refused.error().context(), "moved.yaml");
  EXPECT_NE(refused.error().message().find("from stage prototype to production with no proposal"),
            std::string::npos)
      << refused.error().message();

  // Citing a proposal that was not accepted does not help; an accepted one does.
  file.protocols[0].history.back().proposal_id = 4;
  Proposal proposal{4, "pvcalls", "prototype", "production", "dev@example.org", "", {}, {}, {}};
  EXPECT_FALSE(authorization_internal::CheckImportedStageChanges(file, {stored}, {proposal}));
  proposal.actions.push_back(
      {ProposalActionKind::kAccept, At("2026-01-01"), "czar@example.org", 0, "ok", ""});
  EXPECT_TRUE(authorization_internal::CheckImportedStageChanges(file, {stored}, {proposal}));

  // A stage put back without a history entry is a move too.
  Protocol back = stored;
  back.stage = "design";
  back.history.pop_back();
  file.protocols = {back};
  EXPECT_FALSE(authorization_internal::CheckImportedStageChanges(file, {stored}, {}));
  // A protocol new to the database comes in with its history.
  EXPECT_TRUE(authorization_internal::CheckImportedStageChanges(file, {}, {}));
}

}  // namespace
}  // namespace stocktake
