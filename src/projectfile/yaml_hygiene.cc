#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "projectfile/yaml_hygiene_internal.h"
#include "stocktake/util/limits.h"

namespace stocktake {
namespace {

// The tags of YAML 1.2's core schema, as yaml-cpp reports them: "?" for a
// plain scalar or a collection without a tag, "!" for a quoted scalar.
bool IsCoreTag(const std::string& tag) {
  static const std::unordered_set<std::string> kCore = {
      "",
      "?",
      "!",
      "tag:yaml.org,2002:str",
      "tag:yaml.org,2002:int",
      "tag:yaml.org,2002:float",
      "tag:yaml.org,2002:bool",
      "tag:yaml.org,2002:null",
      "tag:yaml.org,2002:seq",
      "tag:yaml.org,2002:map",
  };
  return kCore.count(tag) > 0;
}

std::string ShownTag(const std::string& tag) {
  constexpr std::string_view kPrefix = "tag:yaml.org,2002:";
  if (tag.rfind(kPrefix, 0) == 0) return "!!" + tag.substr(kPrefix.size());
  return tag;
}

// Throws Refusal from inside yaml-cpp's parse, which has no way to stop.
struct Refusal {
  std::string message;
  YAML::Mark mark;
};

class HygieneHandler final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1) {
      throw Refusal{
          "a second YAML document: a project file is one document; remove the '---' "
          "and what follows it, or import it as a file of its own",
          mark};
    }
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Leaf(mark, anchor, nullptr);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto size = anchor_sizes_.find(anchor);
    // An alias of a collection that is still open (a recursive alias) stands
    // for an unbounded tree.
    if (size == anchor_sizes_.end())
      throw Refusal{"an alias of a collection that contains it", mark};
    Count(mark, size->second);
    Key(mark, nullptr);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    CheckTag(mark, tag);
    Leaf(mark, anchor, &value);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(mark, tag, anchor, false);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(mark, tag, anchor, true);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Frame {
    bool is_map = false;
    bool expect_key = true;  // In a map: the next node is a key.
    YAML::anchor_t anchor = 0;
    std::size_t nodes = 1;  // This collection and everything in it, aliases expanded.
    // A map's keys so far: a small one (a feature's few) is searched in
    // order, a large one through `key_index` as well.
    std::vector<std::pair<std::string, YAML::Mark>> keys;
    std::unordered_map<std::string, std::size_t> key_index;
  };

  static constexpr std::size_t kKeysSearchedInOrder = 16;

  // The mark of `key` if `frame` has it already, else nothing (and it is added).
  static const YAML::Mark* AddKey(Frame& frame, const std::string& key, const YAML::Mark& mark) {
    if (frame.keys.size() < kKeysSearchedInOrder) {
      for (const auto& [name, first] : frame.keys) {
        if (name == key) return &first;
      }
    } else {
      if (frame.key_index.empty()) {
        for (std::size_t i = 0; i < frame.keys.size(); ++i)
          frame.key_index.emplace(frame.keys[i].first, i);
      }
      auto it = frame.key_index.find(key);
      if (it != frame.key_index.end()) return &frame.keys[it->second].second;
      frame.key_index.emplace(key, frame.keys.size());
    }
    frame.keys.emplace_back(key, mark);
    return nullptr;
  }

  void CheckTag(const YAML::Mark& mark, const std::string& tag) {
    if (IsCoreTag(tag)) return;
    throw Refusal{fmt::format("the tag {} is not one of YAML's core schema (strings, numbers, "
                              "booleans, null, lists and maps): remove it",
                              ShownTag(tag)),
                  mark};
  }

  void Count(const YAML::Mark& mark, std::size_t nodes) {
    total_ += nodes;
    if (!frames_.empty()) frames_.back().nodes += nodes;
    CheckTotal(mark);
  }

  void CheckTotal(const YAML::Mark& mark) const {
    if (total_ > kMaxYamlNodes) {
      throw Refusal{fmt::format("more than {} YAML nodes, counting each alias as the nodes it "
                                "stands for (see docs/limits.md)",
                                kMaxYamlNodes),
                    mark};
    }
  }

  // A scalar or a collection as a map's key: a key given twice is refused
  // (yaml-cpp would keep one silently). Keys that are not scalars are rare
  // enough not to compare.
  void Key(const YAML::Mark& mark, const std::string* value) {
    if (frames_.empty() || !frames_.back().is_map) return;
    Frame& frame = frames_.back();
    bool was_key = frame.expect_key;
    frame.expect_key = !frame.expect_key;
    if (!was_key || value == nullptr) return;
    if (const YAML::Mark* first = AddKey(frame, *value, mark)) {
      throw Refusal{fmt::format("the key '{}' twice in one mapping (first at line {}, column "
                                "{}): keep one",
                                *value, first->line + 1, first->column + 1),
                    mark};
    }
  }

  void Leaf(const YAML::Mark& mark, YAML::anchor_t anchor, const std::string* value) {
    Count(mark, 1);
    if (anchor != 0) anchor_sizes_[anchor] = 1;
    Key(mark, value);
  }

  void Open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, bool is_map) {
    CheckTag(mark, tag);
    Key(mark, nullptr);
    if (static_cast<int>(frames_.size()) >= kMaxYamlDepth) {
      throw Refusal{fmt::format("lists and maps nested more than {} deep (see docs/limits.md)",
                                kMaxYamlDepth),
                    mark};
    }
    total_ += 1;
    CheckTotal(mark);
    Frame frame;
    frame.is_map = is_map;
    frame.anchor = anchor;
    frames_.push_back(std::move(frame));
  }

  void Close() {
    Frame frame = std::move(frames_.back());
    frames_.pop_back();
    if (!frames_.empty()) frames_.back().nodes += frame.nodes;
    if (frame.anchor != 0) anchor_sizes_[frame.anchor] = frame.nodes;
  }

  int documents_ = 0;
  std::size_t total_ = 0;
  std::vector<Frame> frames_;
  std::unordered_map<YAML::anchor_t, std::size_t> anchor_sizes_;
};

std::string Position(std::string_view file_name, int line, int column) {
  return fmt::format("{}:{}:{}", file_name, line, column);
}

}  // namespace

Result<void> CheckYamlHygiene(std::string_view text, std::string_view file_name) {
  if (std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    std::string_view before = text.substr(0, nul);
    auto line_start = before.rfind('\n');
    int line = static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1;
    int column =
        static_cast<int>(nul - (line_start == std::string_view::npos ? 0 : line_start + 1)) + 1;
    return Fail(Error::InvalidArgument("a NUL byte: a project file is text")
                    .WithContext(Position(file_name, line, column)));
  }
  std::istringstream in{std::string(text)};
  HygieneHandler handler;
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(handler)) {
    }
  } catch (const Refusal& refusal) {
    return Fail(
        Error::InvalidArgument(refusal.message)
            .WithContext(Position(file_name, refusal.mark.line + 1, refusal.mark.column + 1)));
  } catch (const YAML::ParserException& error) {
    return Fail(Error::Corruption(fmt::format("YAML syntax error: {}: check the indentation and "
                                              "quoting near this place",
                                              error.msg))
                    .WithContext(Position(file_name, error.mark.line + 1, error.mark.column + 1)));
  } catch (const std::exception& error) {
    return Fail(Error::Corruption(fmt::format("cannot read YAML: {}", error.what()))
                    .WithContext(std::string(file_name)));
  }
  return Ok();
}

}  // namespace stocktake
