// Issue 12: project files that anyone can propose were accepted with a second
// YAML document (dropped), duplicate keys (one kept), NUL bytes in titles and
// !!binary tags; aliases of aliases turned a 1 MB file into a 630 MB
// database and an 8.4 MB one into 8 GB of memory. Each is now refused with
// FILE:LINE:COLUMN before yaml-cpp builds a tree, and every limit of
// stocktake/util/limits.h is tried at the limit and one past it.

#include <gtest/gtest.h>

#include <string>

#include "projectfile/yaml_hygiene_internal.h"
#include "stocktake/projectfile/project_file.h"
#include "stocktake/service/planning.h"
#include "stocktake/storage/open_store.h"
#include "stocktake/util/limits.h"
#include "tests/support/test_support.h"

namespace stocktake {
namespace {

constexpr char kRelease[] =
    "releases:\n"
    "  - version: \"4.3\"\n"
    "    features:\n"
    "      - title: A feature\n"
    "        status: fair\n"
    "    start: 2012-09-17\n"
    "    freeze: 2013-03-25\n"
    "    release: 2013-06-17\n";

// A release with its dates after `version`, as a file lists it.
std::string Release(const std::string& version) {
  return "  - version: " + version +
         "\n    start: 2012-09-17\n    freeze: 2013-03-25\n    release: 2013-06-17\n";
}

std::string Refusal(std::string_view text) {
  auto file = ParseProjectFile(text, "p.yaml");
  if (file) return "accepted";
  EXPECT_TRUE(file.error().IsInvalidArgument()) << file.error().ToString();
  return file.error().ToString();
}

TEST(Issue12ProjectFileTest, ACleanFileIsAccepted) {
  auto file = ParseProjectFile(kRelease, "p.yaml");
  EXPECT_TRUE(file) << file.error().ToString();
}

TEST(Issue12ProjectFileTest, ASecondDocumentIsRefused) {
  EXPECT_EQ(Refusal(std::string(kRelease) + "---\nreleases: []\n"),
            "p.yaml:9:1: a second YAML document: a project file is one document; remove the "
            "'---' and what follows it, or import it as a file of its own");
}

TEST(Issue12ProjectFileTest, ADuplicateKeyIsRefusedWhereItRepeats) {
  EXPECT_EQ(Refusal("releases:\n  - version: \"4.3\"\n    version: \"4.4\"\n"),
            "p.yaml:3:5: the key 'version' twice in one mapping (first at line 2, column 5): "
            "keep one");
  // The same key in two mappings is fine.
  auto two = ParseProjectFile("releases:\n" + Release("\"4.3\"") + Release("\"4.4\""), "p.yaml");
  EXPECT_TRUE(two) << two.error().ToString();
  // In a large mapping too (its keys are found by hash, not in order).
  std::string large = "project:\n";
  for (int key = 0; key < 40; ++key) large += "  k" + std::to_string(key) + ": x\n";
  EXPECT_EQ(Refusal(large + "  k3: y\n"),
            "p.yaml:42:3: the key 'k3' twice in one mapping (first at line 5, column 3): keep one");
}

TEST(Issue12ProjectFileTest, ANulByteIsRefused) {
  std::string text = kRelease;
  text.insert(text.find("A feature") + 1, std::string(1, '\0'));
  EXPECT_EQ(Refusal(text), "p.yaml:4:17: a NUL byte: a project file is text");
}

TEST(Issue12ProjectFileTest, TagsOutsideTheCoreSchemaAreRefused) {
  EXPECT_EQ(Refusal("releases:\n  - version: !!binary aGVsbG8=\n"),
            "p.yaml:2:14: the tag !!binary is not one of YAML's core schema (strings, numbers, "
            "booleans, null, lists and maps): remove it");
  EXPECT_NE(Refusal("releases: !local []\n").find("the tag !local"), std::string::npos);
  auto tagged = ParseProjectFile("releases:\n" + Release("!!str 4.3"), "p.yaml");
  EXPECT_TRUE(tagged) << tagged.error().ToString();
}

TEST(Issue12ProjectFileTest, AliasesThatExpandPastTheLimitAreRefused) {
  // Ten levels of ten aliases each: 10^10 nodes in about 300 bytes.
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level < 10; ++level) {
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int copy = 0; copy < 10; ++copy) {
      text += (copy == 0 ? "*a" : ", *a") + std::to_string(level - 1);
    }
    text += "]\n";
  }
  std::string refusal = Refusal(text);
  EXPECT_NE(refusal.find("more than 2000000 YAML nodes, counting each alias"), std::string::npos)
      << refusal;
}

// A top-level list holding an anchored list of 999 scalars (1,000 nodes),
// `copies` aliases of it and `extra` scalars.
std::string AliasedNodes(int copies, int extra) {
  std::string text = "- &big [";
  for (int item = 0; item < 999; ++item) text += item == 0 ? "x" : ",x";
  text += "]\n";
  for (int copy = 0; copy < copies; ++copy) text += "- *big\n";
  for (int item = 0; item < extra; ++item) text += "- x\n";
  return text;
}

TEST(Issue12ProjectFileTest, NodesCountAliasesAtTheLimitAndOnePast) {
  static_assert(kMaxYamlNodes == 2'000'000);
  // 1 + 1,999 * 1,000 + 999 = 2,000,000 nodes.
  EXPECT_TRUE(CheckYamlHygiene(AliasedNodes(1998, 999), "p.yaml"));
  auto past = CheckYamlHygiene(AliasedNodes(1998, 1000), "p.yaml");
  ASSERT_FALSE(past);
  EXPECT_NE(past.error().message().find("more than 2000000 YAML nodes"), std::string::npos);
}

TEST(Issue12ProjectFileTest, NestingAtTheLimitAndOnePast) {
  auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']') + "\n"; };
  EXPECT_TRUE(CheckYamlHygiene(nested(kMaxYamlDepth), "p.yaml"));
  auto past = CheckYamlHygiene(nested(kMaxYamlDepth + 1), "p.yaml");
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().ToString(),
            "p.yaml:1:65: lists and maps nested more than 64 deep (see docs/limits.md)");
}

TEST(Issue12ProjectFileTest, SizeAtTheLimitAndOnePast) {
  std::string text = std::string(kRelease) + "#";
  text.resize(kMaxProjectFileBytes - 1, 'x');
  text += "\n";
  auto at_limit = ParseProjectFile(text, "p.yaml");
  EXPECT_TRUE(at_limit) << at_limit.error().ToString();
  text += "\n";
  EXPECT_EQ(Refusal(text),
            "p.yaml is larger than 33554432 bytes, the most a project file may be (see "
            "docs/limits.md)");
}

TEST(Issue12ProjectFileTest, ARefusedImportWritesNothing) {
  auto store = ST_MUST(OpenStore(":memory:"));
  Planning planning(*store);
  auto summary = planning.Import({"czar@example.org", testing::At("2017-03-01")},
                                 std::string(kRelease) + "---\n", "p.yaml");
  ASSERT_FALSE(summary);
  EXPECT_TRUE(ST_MUST(store->ListReleases()).empty());
}

}  // namespace
}  // namespace stocktake
