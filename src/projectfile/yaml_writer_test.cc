#include "stocktake/projectfile/yaml_writer.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <string>

namespace stocktake {
namespace {

// What a YAML reader makes of `text` written as the value of "v".
std::string ReadBack(const std::string& yaml) { return YAML::Load(yaml)["v"].as<std::string>(); }

std::string Written(std::string_view value) {
  YamlWriter writer;
  writer.Scalar("v", value);
  return writer.str();
}

TEST(YamlWriterTest, PlainStringsStayPlain) {
  EXPECT_EQ(YamlWriter::Quote("Default to QEMU upstream"), "Default to QEMU upstream");
  EXPECT_EQ(YamlWriter::Quote("xl cd-insert"), "xl cd-insert");
  EXPECT_EQ(YamlWriter::Quote("José's feature"), "José's feature");
  EXPECT_EQ(YamlWriter::Quote("yes please"), "yes please");
}

TEST(YamlWriterTest, QuotesWhatAReaderWouldTakeForSomethingElse) {
  EXPECT_EQ(YamlWriter::Quote(""), "\"\"");
  EXPECT_EQ(YamlWriter::Quote("4.3"), "\"4.3\"");
  EXPECT_EQ(YamlWriter::Quote("2013-01-21"), "\"2013-01-21\"");
  EXPECT_EQ(YamlWriter::Quote("true"), "\"true\"");
  EXPECT_EQ(YamlWriter::Quote("No"), "\"No\"");
  EXPECT_EQ(YamlWriter::Quote("NULL"), "\"NULL\"");
  EXPECT_EQ(YamlWriter::Quote("~"), "\"~\"");
  EXPECT_EQ(YamlWriter::Quote("- item"), "\"- item\"");
  EXPECT_EQ(YamlWriter::Quote("xl cd-{insert,eject}"), "xl cd-{insert,eject}");
  EXPECT_EQ(YamlWriter::Quote("{insert,eject}"), "\"{insert,eject}\"");
  EXPECT_EQ(YamlWriter::Quote("key: value"), "\"key: value\"");
  EXPECT_EQ(YamlWriter::Quote("C # sharp"), "\"C # sharp\"");
  EXPECT_EQ(YamlWriter::Quote(" leading"), "\" leading\"");
  EXPECT_EQ(YamlWriter::Quote("trailing "), "\"trailing \"");
  EXPECT_EQ(YamlWriter::Quote("*alias"), "\"*alias\"");
  EXPECT_EQ(YamlWriter::Quote("'single'"), "\"'single'\"");
}

TEST(YamlWriterTest, EscapesInsideDoubleQuotes) {
  EXPECT_EQ(YamlWriter::Quote("say \"hi\""), "say \"hi\"");  // plain: quotes inside are fine
  EXPECT_EQ(YamlWriter::Quote("\"hi\" \\ there"), "\"\\\"hi\\\" \\\\ there\"");
  EXPECT_EQ(YamlWriter::Quote("tab\there"), "\"tab\\there\"");
  EXPECT_EQ(YamlWriter::Quote("bell\x07"), "\"bell\\x07\"");
  EXPECT_EQ(YamlWriter::Quote("del\x7f"), "\"del\\x7f\"");
}

TEST(YamlWriterTest, EveryQuotedStringReadsBackTheSame) {
  for (const char* value :
       {"",           "4.3",         "true",      "No",       "~",         "- item", "{a, b}",
        "[x]",        "key: value",  "C # sharp", " leading", "trailing ", "*alias", "&anchor",
        "!tag",       "%directive",  "@at",       "`tick",    "|pipe",     ">fold",  "'single'",
        "\"double\"", "back\\slash", "tab\there", "bell\x07", "a:b",       "?q",     ".inf",
        "0x1f",       "+1",          "=",         "<<",       "José"}) {
    EXPECT_EQ(ReadBack(Written(value)), value) << Written(value);
  }
}

TEST(YamlWriterTest, MultiLineTextIsALiteralBlockWithTheRightChomping) {
  EXPECT_EQ(Written("one\ntwo"), "v: |-\n  one\n  two\n");
  EXPECT_EQ(Written("one\ntwo\n"), "v: |\n  one\n  two\n");
  EXPECT_EQ(Written("one\n\n"), "v: |+\n  one\n\n");
  EXPECT_EQ(Written("one\n\ntwo"), "v: |-\n  one\n\n  two\n");
  EXPECT_EQ(Written("  indented\nnext"), "v: |2-\n    indented\n  next\n");
  for (const char* value :
       {"one\ntwo", "one\ntwo\n", "one\n\n", "one\n\n\n", "one\n\ntwo", "  indented\nnext",
        "\nleading blank", "\tx\ny", "- a\nkey: b", "{{schedule}}\n\n# not a comment"}) {
    EXPECT_EQ(ReadBack(Written(value)), value) << Written(value);
  }
}

TEST(YamlWriterTest, MultiLineTextThatABlockWouldChangeIsQuoted) {
  EXPECT_EQ(Written("trailing \nblank"), "v: \"trailing \\nblank\"\n");
  EXPECT_EQ(Written("a\n  \nb"), "v: \"a\\n  \\nb\"\n");
  EXPECT_EQ(Written("bell\x07\nx"), "v: \"bell\\x07\\nx\"\n");
  for (const char* value : {"trailing \nblank", "a\n  \nb", "tab\t\nx", "crlf\r\nx"}) {
    EXPECT_EQ(ReadBack(Written(value)), value) << Written(value);
  }
}

TEST(YamlWriterTest, NestsMapsSequencesAndItems) {
  YamlWriter writer;
  writer.Comment("a project");
  writer.BeginMap("project");
  writer.Scalar("name", "Xen Project");
  writer.EndBlock();
  writer.BeginSequence("releases");
  writer.Item();
  writer.Scalar("version", "4.3");
  writer.Raw("start", "2012-09-17");
  writer.BeginSequence("features");
  writer.Item();
  writer.Scalar("title", "PVH mode");
  writer.BeginSequence("code_bases");
  writer.ScalarItem("Xen");
  writer.ScalarItem("true");
  writer.EndBlock();
  writer.Scalar("notes", "one\ntwo");
  writer.EndBlock();
  writer.EndBlock();
  writer.EndBlock();
  writer.EndBlock();
  writer.EndBlock();  // one too many: ignored
  writer.Raw("after", "1");
  EXPECT_EQ(writer.str(),
            "# a project\n"
            "project:\n"
            "  name: Xen Project\n"
            "releases:\n"
            "  - version: \"4.3\"\n"
            "    start: 2012-09-17\n"
            "    features:\n"
            "      - title: PVH mode\n"
            "        code_bases:\n"
            "          - Xen\n"
            "          - \"true\"\n"
            "        notes: |-\n"
            "          one\n"
            "          two\n"
            "after: 1\n");
  YAML::Node read = YAML::Load(writer.str());
  EXPECT_EQ(read["releases"][0]["features"][0]["notes"].as<std::string>(), "one\ntwo");
  EXPECT_EQ(read["releases"][0]["features"][0]["code_bases"][1].as<std::string>(), "true");
}

}  // namespace
}  // namespace stocktake
