// The `protocols:` section of the project file (src/projectfile/protocol_reader.cc).
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "stocktake/process/stage_criteria.h"
#include "stocktake/projectfile/project_file.h"

namespace stocktake {
namespace {

Result<ProjectFile> Parse(std::string_view text) { return ParseProjectFile(text, "test.yaml"); }

std::string ReadExample(const char* name) {
  std::ifstream in(std::string(ST_SOURCE_DIR "/examples/") + name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ProtocolReaderTest, ReadsEveryField) {
  ProjectFile file = ST_MUST(Parse(R"(
protocols:
  - name: pvcalls
    summary: PV Calls
    design_doc: {path: docs/misc/pvcalls.pandoc, commit: 1a0ab02e342c}
    version: "1"
    implementations:
      - {code_base: Linux, role: frontend, state: committed, refs: [linux abc, "<m@x>"]}
      - {code_base: Linux, role: backend, state: posted}
    compat_promises: none yet
    owners: [a@example.org, b@example.org]
    history:
      - {at: 2017-03-01, to: design, by: czar@example.org, commit: 1a0ab02e342c}
      - {at: "2017-04-05T10:00:00Z", to: prototype, by: czar@example.org, proposal: 4,
         reason: header}
    waivers:
      - {stage: production, criterion: backend-committed, by: czar@example.org,
         at: 2018-01-01, reason: out of tree}
releases:
  - {version: "4.9", release: 2017-06-27}
)"));
  ASSERT_EQ(file.protocols.size(), 1u);
  const Protocol& protocol = file.protocols[0];
  EXPECT_EQ(protocol.name, "pvcalls");
  EXPECT_EQ(protocol.stage, "prototype");
  EXPECT_EQ(protocol.design_doc.commit, "1a0ab02e342c");
  EXPECT_EQ(protocol.version, "1");
  ASSERT_EQ(protocol.implementations.size(), 2u);
  EXPECT_EQ(protocol.implementations[0].refs, (std::vector<std::string>{"linux abc", "<m@x>"}));
  EXPECT_EQ(protocol.implementations[1].state, ImplementationState::kPosted);
  EXPECT_EQ(protocol.owners.size(), 2u);
  ASSERT_EQ(protocol.history.size(), 2u);
  EXPECT_EQ(protocol.history[1].from, "design");
  EXPECT_EQ(protocol.history[1].proposal_id, 4);
  EXPECT_EQ(FormatTimestamp(protocol.history[1].at), "2017-04-05T10:00:00Z");
  ASSERT_NE(protocol.FindWaiver("production", "backend-committed"), nullptr);
  ASSERT_EQ(file.releases.size(), 1u);
  EXPECT_EQ(FormatDate(file.releases[0].release.release), "2017-06-27");
}

TEST(ProtocolReaderTest, ErrorsNameFileLineAndColumn) {
  auto bad_stage =
      Parse("protocols:\n  - name: x\n    history:\n      - {at: 2017-01-01, to: beta}\n");
  ASSERT_FALSE(bad_stage);
  EXPECT_EQ(bad_stage.error().ToString(),
            "test.yaml:4:30: unknown stage 'beta': use one of design, prototype, production");
  auto bad_role = Parse(
      "protocols:\n  - name: x\n    implementations: [{code_base: L, role: front}]\n"
      "    history: [{at: 2017-01-01, to: design}]\n");
  ASSERT_FALSE(bad_role);
  EXPECT_EQ(bad_role.error().context(), "test.yaml:3:44");
  auto bad_date = Parse("protocols:\n  - name: x\n    history: [{at: 2017-13-01, to: design}]\n");
  ASSERT_FALSE(bad_date);
  EXPECT_EQ(bad_date.error().context(), "test.yaml:3:20");
  auto no_history = Parse("protocols:\n  - name: x\n");
  ASSERT_FALSE(no_history);
  EXPECT_NE(no_history.error().message().find("needs a 'history'"), std::string::npos);
  auto malformed = Parse("protocols: [\n");
  ASSERT_FALSE(malformed);
  EXPECT_TRUE(malformed.error().IsCorruption());
  auto misspelt =
      Parse("protocols:\n  - {name: x, sumary: s, history: [{at: 2017-01-01, to: design}]}\n");
  ASSERT_FALSE(misspelt);
  EXPECT_EQ(misspelt.error().ToString(),
            "test.yaml:2:15: unknown key 'sumary' in a protocol: did you mean 'summary'?");
  EXPECT_EQ(malformed.error().context().substr(0, 10), "test.yaml:");
  auto disagree = Parse(
      "protocols:\n  - name: x\n    stage: production\n    history: [{at: 2017-01-01, to: "
      "design}]\n");
  ASSERT_FALSE(disagree);
  EXPECT_NE(disagree.error().message().find("history ends at 'design'"), std::string::npos);
  auto twice = Parse(
      "protocols:\n  - {name: x, history: [{at: 2017-01-01, to: design}]}\n"
      "  - {name: x, history: [{at: 2017-01-01, to: design}]}\n");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().ToString(), "test.yaml:3:5: protocol x is listed twice (also at line 2)");
}

TEST(ProtocolReaderTest, ReadsTheXenExample) {
  ProtocolProcess process = XenProtocolProcess();
  ProjectFile file =
      ST_MUST(ParseProjectFile(ReadExample("xen-pv-protocols.yaml"), "xen-pv-protocols.yaml"));
  EXPECT_GE(file.protocols.size(), 15u);
  EXPECT_EQ(file.releases.size(), 24u);
  std::set<std::string> names;
  for (const auto& protocol : file.protocols) names.insert(protocol.name);
  for (const char* name :
       {"blkif", "netif", "console", "kbdif", "fbif", "pciif", "vscsiif", "usbif", "tpmif",
        "pvcalls", "9pfs", "sndif", "displif", "cameraif", "argo"}) {
    EXPECT_TRUE(names.count(name)) << name;
  }
  const Protocol* pvcalls = nullptr;
  for (const auto& protocol : file.protocols) {
    if (protocol.name == "pvcalls") pvcalls = &protocol;
    // Every protocol the example puts in production met (or waived) the entry criteria.
    if (protocol.stage == "production" && protocol.history.size() > 1) {
      auto criteria = ST_MUST(EvaluateEntryCriteria(protocol, process, "production"));
      for (const auto& result : criteria) {
        if (result.id == "frontend-committed" || result.id == "backend-committed") {
          EXPECT_TRUE(result.Satisfied()) << protocol.name << " " << result.id;
        }
      }
    }
  }
  ASSERT_NE(pvcalls, nullptr);
  EXPECT_EQ(pvcalls->stage, "prototype");
  EXPECT_EQ(pvcalls->design_doc.commit, "1a0ab02e342c");
}

}  // namespace
}  // namespace stocktake
