#pragma once

// YamlWriter: a small block-style YAML emitter with exact control over the
// output, so exported files are stable byte for byte. Multi-line strings are
// literal blocks with the chomping indicator their trailing newlines need
// (yaml-cpp's emitter does not round-trip those). Not thread-safe; one per
// document.

#include <string>
#include <string_view>

namespace stocktake {

class YamlWriter {
 public:
  /// Writes "key: value" at the current indentation, quoting as needed.
  void Scalar(std::string_view key, std::string_view value);
  /// Writes "key: value" with value unquoted (numbers, booleans, dates).
  void Raw(std::string_view key, std::string_view value);
  /// Writes "key:" and indents what follows until EndBlock().
  void BeginMap(std::string_view key);
  /// Writes "key:" for a sequence; items follow with Item().
  void BeginSequence(std::string_view key);
  /// Starts a sequence item ("- "); the next key goes on the dash's line.
  void Item();
  /// Writes "- value" as a scalar item.
  void ScalarItem(std::string_view value);
  /// Ends the innermost map, sequence or item.
  void EndBlock();
  /// A "# text" line.
  void Comment(std::string_view text);

  const std::string& str() const { return out_; }

  /// `value` as a YAML scalar on one line: plain when that reads back as the
  /// same string, else double-quoted with escapes.
  static std::string Quote(std::string_view value);

 private:
  void Key(std::string_view key);

  std::string out_;
  int indent_ = 0;
  bool after_dash_ = false;
  std::string stack_;  // 'm' map, 's' sequence, 'i' item
};

}  // namespace stocktake
