#include "stocktake/projectfile/yaml_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "stocktake/util/text.h"

namespace stocktake {
namespace {

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7f; }

bool NeedsQuotes(std::string_view value) {
  if (value.empty()) return true;
  if (value.front() == ' ' || value.back() == ' ') return true;
  static constexpr std::string_view kIndicators = "-?:,[]{}#&*!|>'\"%@`.+0123456789~=<";
  if (kIndicators.find(value.front()) != std::string_view::npos) return true;
  for (char raw : value) {
    auto c = static_cast<unsigned char>(raw);
    if (IsControl(c) || raw == ':' || raw == '#') return true;
  }
  static constexpr std::array<std::string_view, 10> kReserved = {
      "true", "false", "yes", "no", "null", "on", "off", "y", "n", "~"};
  std::string lower = ToLower(value);
  return std::find(kReserved.begin(), kReserved.end(), lower) != kReserved.end();
}

// A literal block keeps the string exactly unless a line has trailing blanks,
// is blank but not empty, or holds control characters.
bool FitsLiteralBlock(std::string_view value) {
  for (auto line : Split(value, '\n')) {
    if (line.empty()) continue;
    if (line.back() == ' ' || line.back() == '\t') return false;
    for (char raw : line) {
      auto c = static_cast<unsigned char>(raw);
      if (IsControl(c) && raw != '\t') return false;
    }
  }
  return true;
}

}  // namespace

std::string YamlWriter::Quote(std::string_view value) {
  if (!NeedsQuotes(value)) return std::string(value);
  std::string quoted = "\"";
  for (char raw : value) {
    auto c = static_cast<unsigned char>(raw);
    switch (raw) {
      case '"':
        quoted += "\\\"";
        break;
      case '\\':
        quoted += "\\\\";
        break;
      case '\n':
        quoted += "\\n";
        break;
      case '\t':
        quoted += "\\t";
        break;
      default:
        if (IsControl(c)) {
          quoted += fmt::format("\\x{:02x}", c);
        } else {
          quoted += raw;
        }
    }
  }
  quoted += '"';
  return quoted;
}

void YamlWriter::Key(std::string_view key) {
  if (after_dash_) {
    after_dash_ = false;
  } else {
    out_.append(static_cast<size_t>(indent_), ' ');
  }
  out_ += key;
  out_ += ':';
}

void YamlWriter::Scalar(std::string_view key, std::string_view value) {
  if (value.find('\n') == std::string_view::npos || !FitsLiteralBlock(value)) {
    Key(key);
    out_ += ' ';
    out_ += Quote(value);
    out_ += '\n';
    return;
  }
  size_t trailing = 0;
  while (trailing < value.size() && value[value.size() - 1 - trailing] == '\n') ++trailing;
  std::string_view body = value.substr(0, value.size() - trailing);
  Key(key);
  out_ += " |";
  if (!body.empty() && body.front() == ' ') out_ += '2';
  if (trailing == 0) out_ += '-';
  if (trailing > 1) out_ += '+';
  out_ += '\n';
  for (auto line : Split(body, '\n')) {
    if (!line.empty()) {
      out_.append(static_cast<size_t>(indent_) + 2, ' ');
      out_ += line;
    }
    out_ += '\n';
  }
  for (size_t i = 1; i < trailing; ++i) out_ += '\n';
}

void YamlWriter::Raw(std::string_view key, std::string_view value) {
  Key(key);
  out_ += ' ';
  out_ += value;
  out_ += '\n';
}

void YamlWriter::BeginMap(std::string_view key) {
  Key(key);
  out_ += '\n';
  stack_ += 'm';
  indent_ += 2;
}

void YamlWriter::BeginSequence(std::string_view key) {
  Key(key);
  out_ += '\n';
  stack_ += 's';
  indent_ += 2;
}

void YamlWriter::Item() {
  out_.append(static_cast<size_t>(indent_), ' ');
  out_ += "- ";
  after_dash_ = true;
  stack_ += 'i';
  indent_ += 2;
}

void YamlWriter::ScalarItem(std::string_view value) {
  out_.append(static_cast<size_t>(indent_), ' ');
  out_ += "- ";
  out_ += Quote(value);
  out_ += '\n';
}

void YamlWriter::EndBlock() {
  if (stack_.empty()) return;
  stack_.pop_back();
  indent_ -= 2;
  after_dash_ = false;
}

void YamlWriter::Comment(std::string_view text) {
  out_.append(static_cast<size_t>(indent_), ' ');
  out_ += "# ";
  out_ += text;
  out_ += '\n';
}

}  // namespace stocktake
