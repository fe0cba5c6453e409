#include "stocktake/ingest/mail_message.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "stocktake/util/text.h"
#include "stocktake/util/utf8.h"

namespace stocktake {
namespace {

// More references than this are junk; the most recent ones are kept.
constexpr std::size_t kMaxReferences = 512;
// Nested multiparts deeper than this are not walked (bounds recursion on junk).
constexpr int kMaxMimeDepth = 8;

void EnsureGMime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

std::string_view TrimSpace(std::string_view text) {
  while (!text.empty() && IsAsciiSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsAsciiSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::string LowerString(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = LowerAscii(c);
  return lower;
}

bool IsAscii(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t i = 0, n = text.size();
  for (; i + 8 <= n; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, bytes + i, 8);
    if (word & 0x8080808080808080ULL) return false;
  }
  for (; i < n; ++i) {
    if (bytes[i] & 0x80) return false;
  }
  return true;
}

std::string Latin1ToUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char raw : text) {
    auto c = static_cast<unsigned char>(raw);
    if (c < 0x80) {
      out.push_back(raw);
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

// Every text a mail yields is stored, printed and sent as JSON, so it must be
// valid UTF-8: ill-formed bytes become U+FFFD. ASCII, the common case, is
// checked a word at a time first.
std::string ValidUtf8(std::string_view text) {
  if (IsAscii(text)) return std::string(text);
  return RepairUtf8(text);
}

// Text in a charset we cannot convert: kept when it is UTF-8 already, else read
// as Latin-1, which every byte is and which mislabelled mail usually is.
std::string GuessUnknownCharset(std::string_view text) {
  if (IsValidUtf8(text)) return std::string(text);
  return Latin1ToUtf8(text);
}

// Cutting at a byte limit must not leave half a UTF-8 sequence at the end.
void TruncateUtf8(std::string& text, std::size_t limit) {
  if (text.size() <= limit) return;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
}

// One header field of interest; the value may span folded lines.
struct HeaderField {
  std::string_view raw;
  bool present = false;
};

enum HeaderIndex {
  kMessageIdHeader,
  kDateHeader,
  kFromHeader,
  kSubjectHeader,
  kInReplyToHeader,
  kReferencesHeader,
  kListIdHeader,
  kContentTypeHeader,
  kContentTransferEncodingHeader,
  kContentDispositionHeader,
  kHeaderCount,
};

int HeaderIndexOf(std::string_view name) {
  switch (name.size()) {
    case 4:
      if (EqualsIgnoreCase(name, "date")) return kDateHeader;
      if (EqualsIgnoreCase(name, "from")) return kFromHeader;
      break;
    case 7:
      if (EqualsIgnoreCase(name, "subject")) return kSubjectHeader;
      if (EqualsIgnoreCase(name, "list-id")) return kListIdHeader;
      break;
    case 10:
      if (EqualsIgnoreCase(name, "message-id")) return kMessageIdHeader;
      if (EqualsIgnoreCase(name, "references")) return kReferencesHeader;
      break;
    case 11:
      if (EqualsIgnoreCase(name, "in-reply-to")) return kInReplyToHeader;
      break;
    case 12:
      if (EqualsIgnoreCase(name, "content-type")) return kContentTypeHeader;
      break;
    case 19:
      if (EqualsIgnoreCase(name, "content-disposition")) return kContentDispositionHeader;
      break;
    case 25:
      if (EqualsIgnoreCase(name, "content-transfer-encoding")) {
        return kContentTransferEncodingHeader;
      }
      break;
    default:
      break;
  }
  return -1;
}

struct HeaderScan {
  std::array<HeaderField, kHeaderCount> fields;
  int valid_headers = 0;
  std::string_view body;
};

bool IsHeaderName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u < 33 || u > 126) return false;
  }
  return true;
}

// Reads the header block up to the first empty line. Lines that are neither a
// header nor a continuation are skipped: a damaged header must not lose the
// rest of the message.
HeaderScan ScanHeaders(std::string_view text) {
  HeaderScan scan;
  std::size_t position = 0;
  int current = -1;
  std::size_t current_start = 0;
  auto close_current = [&](std::size_t end) {
    if (current >= 0 && !scan.fields[current].present) {
      scan.fields[current].raw = text.substr(current_start, end - current_start);
      scan.fields[current].present = true;
    }
    current = -1;
  };
  while (position < text.size()) {
    const char* newline =
        static_cast<const char*>(std::memchr(text.data() + position, '\n', text.size() - position));
    std::size_t line_end = newline ? static_cast<std::size_t>(newline - text.data()) : text.size();
    std::size_t content_end = line_end;
    if (content_end > position && text[content_end - 1] == '\r') --content_end;
    std::size_t next = newline ? line_end + 1 : text.size();
    std::string_view line = text.substr(position, content_end - position);
    if (line.empty()) {
      close_current(position);
      scan.body = text.substr(next);
      return scan;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      // Continuation: the current field keeps growing.
    } else {
      close_current(position);
      std::size_t colon = line.find(':');
      std::string_view name =
          colon == std::string_view::npos ? std::string_view() : line.substr(0, colon);
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
      if (IsHeaderName(name)) {
        ++scan.valid_headers;
        current = HeaderIndexOf(name);
        current_start = position + colon + 1;
      }
      // Anything else (an mbox envelope line left in a single-message file,
      // a damaged line) is skipped.
    }
    position = next;
  }
  close_current(text.size());
  scan.body = {};
  return scan;
}

// Joins folded lines: a line break followed by white space becomes that space.
std::string Unfold(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\r' || c == '\n') continue;
    out.push_back(c);
  }
  std::string_view trimmed = TrimSpace(out);
  return std::string(trimmed);
}

std::string DropControlCharacters(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7F) out.push_back(c);
  }
  return out;
}

std::uint64_t Fnv1a(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string ParseSingleId(std::string_view value) {
  std::size_t open = value.find('<');
  std::string_view id;
  if (open != std::string_view::npos) {
    std::size_t close = value.find('>', open + 1);
    id = value.substr(open + 1,
                      close == std::string_view::npos ? std::string_view::npos : close - open - 1);
  } else {
    id = TrimSpace(value);
    std::size_t space = id.find_first_of(" \t\r\n");
    if (space != std::string_view::npos) id = id.substr(0, space);
  }
  std::string out;
  for (char c : id) {
    auto u = static_cast<unsigned char>(c);
    if (u > 0x20 && u != 0x7F && c != '<' && c != '>') out.push_back(c);
  }
  return ValidUtf8(out);
}

// --- Content-Type and bodies -------------------------------------------------

struct ContentType {
  std::string type = "text";
  std::string subtype = "plain";
  std::string charset;
  std::string boundary;
  std::string name;
};

std::string ParameterValue(std::string_view text, std::size_t& position) {
  std::string value;
  if (position < text.size() && text[position] == '"') {
    ++position;
    while (position < text.size() && text[position] != '"') {
      if (text[position] == '\\' && position + 1 < text.size()) ++position;
      value.push_back(text[position++]);
    }
    if (position < text.size()) ++position;
  } else {
    while (position < text.size() && text[position] != ';' && !IsAsciiSpace(text[position])) {
      value.push_back(text[position++]);
    }
  }
  return value;
}

ContentType ParseContentType(std::string_view raw) {
  ContentType content_type;
  std::string unfolded = Unfold(raw);
  std::string_view text = unfolded;
  std::size_t semicolon = text.find(';');
  std::string_view media = TrimSpace(text.substr(0, semicolon));
  std::size_t slash = media.find('/');
  if (slash != std::string_view::npos) {
    content_type.type = LowerString(TrimSpace(media.substr(0, slash)));
    content_type.subtype = LowerString(TrimSpace(media.substr(slash + 1)));
  } else if (!media.empty()) {
    content_type.type = LowerString(media);
    content_type.subtype.clear();
  }
  std::size_t position = semicolon == std::string_view::npos ? text.size() : semicolon + 1;
  while (position < text.size()) {
    while (position < text.size() && (IsAsciiSpace(text[position]) || text[position] == ';')) {
      ++position;
    }
    std::size_t equals = text.find('=', position);
    if (equals == std::string_view::npos) break;
    std::string name = LowerString(TrimSpace(text.substr(position, equals - position)));
    position = equals + 1;
    while (position < text.size() && IsAsciiSpace(text[position])) ++position;
    std::string value = ParameterValue(text, position);
    while (position < text.size() && text[position] != ';') ++position;
    if (name == "charset") content_type.charset = LowerString(value);
    if (name == "boundary") content_type.boundary = value;
    if (name == "name") content_type.name = value;
  }
  return content_type;
}

std::string DecodeTransfer(std::string_view content, std::string_view encoding_raw) {
  std::string encoding = LowerString(TrimSpace(Unfold(encoding_raw)));
  GMimeContentEncoding kind;
  if (encoding == "quoted-printable") {
    kind = GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
  } else if (encoding == "base64") {
    kind = GMIME_CONTENT_ENCODING_BASE64;
  } else {
    return std::string(content);
  }
  EnsureGMime();
  GMimeEncoding state;
  g_mime_encoding_init_decode(&state, kind);
  std::string out;
  out.resize(g_mime_encoding_outlen(&state, content.size()) + 16);
  std::size_t produced = g_mime_encoding_flush(&state, content.data(), content.size(), out.data());
  out.resize(std::min(produced, out.size()));
  return out;
}

bool IsUtf8Compatible(std::string_view charset) {
  return charset.empty() || charset == "utf-8" || charset == "utf8" || charset == "us-ascii" ||
         charset == "ascii" || charset == "unknown-8bit" || charset == "x-unknown";
}

bool IsLatin1(std::string_view charset) {
  return charset == "iso-8859-1" || charset == "latin1" || charset == "latin-1" ||
         charset == "iso8859-1" || charset == "iso_8859-1";
}

std::string ConvertCharset(std::string_view text, std::string_view charset) {
  if (IsUtf8Compatible(charset) || IsAscii(text)) return ValidUtf8(text);
  if (IsLatin1(charset)) return Latin1ToUtf8(text);
  bool printable = !charset.empty() && charset.size() < 64;
  for (char c : charset) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) printable = false;
  }
  if (!printable) return GuessUnknownCharset(text);
  EnsureGMime();
  std::string name(charset);
  iconv_t converter = g_mime_iconv_open("UTF-8", g_mime_charset_iconv_name(name.c_str()));
  if (converter == reinterpret_cast<iconv_t>(-1)) return GuessUnknownCharset(text);
  char* converted = g_mime_iconv_strndup(converter, text.data(), text.size());
  g_mime_iconv_close(converter);
  if (converted == nullptr) return GuessUnknownCharset(text);
  std::string out = ValidUtf8(converted);
  g_free(converted);
  return out;
}

std::string NormalizeLineEnds(std::string text) {
  if (text.find('\r') == std::string::npos) return text;
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out.push_back(text[i]);
  }
  return out;
}

std::string DecodeText(std::string_view content, const ContentType& type,
                       std::string_view transfer_encoding) {
  if (transfer_encoding.empty() && IsUtf8Compatible(type.charset)) {
    return NormalizeLineEnds(ValidUtf8(content));
  }
  std::string decoded = DecodeTransfer(content, transfer_encoding);
  return NormalizeLineEnds(ConvertCharset(decoded, type.charset));
}

bool IsPatchAttachment(const ContentType& type) {
  if (type.type != "text") return false;
  if (type.subtype == "x-patch" || type.subtype == "x-diff" || type.subtype == "x-log") return true;
  return type.name.ends_with(".patch") || type.name.ends_with(".diff");
}

struct BodyCollector {
  std::string text;
  bool have_main_text = false;
  std::size_t limit = 0;

  void Append(const std::string& part) {
    if (!text.empty() && !text.ends_with('\n')) text.push_back('\n');
    text.append(part);
    TruncateUtf8(text, limit);
  }
};

void CollectEntity(const HeaderScan& scan, std::string_view content, int depth,
                   BodyCollector& collector);

void CollectMultipart(std::string_view content, const std::string& boundary, int depth,
                      BodyCollector& collector) {
  if (boundary.empty() || depth >= kMaxMimeDepth) return;
  std::string delimiter = "--" + boundary;
  // Parts begin after a delimiter line; the line break before a delimiter
  // belongs to the delimiter.
  std::size_t position = 0;
  if (!content.starts_with(delimiter)) {
    std::string marker = "\n" + delimiter;
    std::size_t found = content.find(marker);
    if (found == std::string_view::npos) return;
    position = found + 1;
  }
  while (position < content.size()) {
    std::size_t after = position + delimiter.size();
    if (content.substr(after, 2) == "--") return;  // closing delimiter
    std::size_t line_end = content.find('\n', after);
    if (line_end == std::string_view::npos) return;
    std::size_t part_start = line_end + 1;
    std::string marker = "\n" + delimiter;
    std::size_t next = content.find(marker, part_start - 1);
    std::size_t part_end = next == std::string_view::npos ? content.size() : next;
    if (part_end > part_start && content[part_end - 1] == '\r') --part_end;
    if (part_end < part_start) part_end = part_start;
    std::string_view part = content.substr(part_start, part_end - part_start);
    HeaderScan part_scan;
    if (part.starts_with("\n") || part.starts_with("\r\n")) {
      part_scan.body = part.substr(part[0] == '\n' ? 1 : 2);
    } else {
      part_scan = ScanHeaders(part);
    }
    CollectEntity(part_scan, part_scan.body, depth + 1, collector);
    if (next == std::string_view::npos) return;
    position = next + 1;
  }
}

void CollectEntity(const HeaderScan& scan, std::string_view content, int depth,
                   BodyCollector& collector) {
  ContentType type;
  if (scan.fields[kContentTypeHeader].present) {
    type = ParseContentType(scan.fields[kContentTypeHeader].raw);
  }
  std::string_view transfer = scan.fields[kContentTransferEncodingHeader].present
                                  ? scan.fields[kContentTransferEncodingHeader].raw
                                  : std::string_view();
  if (type.type == "multipart") {
    CollectMultipart(content, type.boundary, depth, collector);
    return;
  }
  bool attachment = false;
  if (scan.fields[kContentDispositionHeader].present) {
    std::string disposition = LowerString(TrimSpace(scan.fields[kContentDispositionHeader].raw));
    attachment = disposition.starts_with("attachment");
  }
  if (type.type == "text" && type.subtype == "plain" && !attachment && !collector.have_main_text) {
    collector.have_main_text = true;
    collector.Append(DecodeText(content, type, transfer));
  } else if (IsPatchAttachment(type)) {
    collector.Append(DecodeText(content, type, transfer));
  }
}

// --- Dates ---------------------------------------------------------------------

bool ReadNumber(std::string_view text, std::size_t& position, int max_digits, int& value) {
  std::size_t start = position;
  value = 0;
  while (position < text.size() && text[position] >= '0' && text[position] <= '9') {
    if (static_cast<int>(position - start) >= max_digits) return false;
    value = value * 10 + (text[position] - '0');
    ++position;
  }
  return position > start;
}

void SkipSpaces(std::string_view text, std::size_t& position) {
  while (position < text.size() && (IsAsciiSpace(text[position]) || text[position] == ',')) {
    ++position;
  }
}

int MonthFromName(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (name.size() < 3) return 0;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (EqualsIgnoreCase(name.substr(0, 3), kMonths[i])) return static_cast<int>(i) + 1;
  }
  return 0;
}

std::optional<int> ZoneOffsetMinutes(std::string_view zone) {
  if (zone.empty()) return 0;
  if (zone[0] == '+' || zone[0] == '-') {
    if (zone.size() < 5) return std::nullopt;
    int value = 0;
    for (int i = 1; i <= 4; ++i) {
      if (zone[i] < '0' || zone[i] > '9') return std::nullopt;
      value = value * 10 + (zone[i] - '0');
    }
    int minutes = (value / 100) * 60 + value % 100;
    return zone[0] == '-' ? -minutes : minutes;
  }
  struct Named {
    std::string_view name;
    int hours;
  };
  static constexpr std::array<Named, 12> kZones = {{{"ut", 0},
                                                    {"utc", 0},
                                                    {"gmt", 0},
                                                    {"z", 0},
                                                    {"est", -5},
                                                    {"edt", -4},
                                                    {"cst", -6},
                                                    {"cdt", -5},
                                                    {"mst", -7},
                                                    {"mdt", -6},
                                                    {"pst", -8},
                                                    {"pdt", -7}}};
  std::size_t end = 0;
  while (end < zone.size() && std::isalpha(static_cast<unsigned char>(zone[end]))) ++end;
  for (const Named& named : kZones) {
    if (EqualsIgnoreCase(zone.substr(0, end), named.name)) return named.hours * 60;
  }
  return 0;  // unknown zone names count as UTC, as RFC 5322 says for military zones
}

}  // namespace

std::string DecodeHeaderText(std::string_view value) {
  std::string collapsed = CollapseSpaces(value);
  if (collapsed.find("=?") == std::string::npos) return ValidUtf8(collapsed);
  EnsureGMime();
  std::string input = DropControlCharacters(collapsed);
  char* decoded = g_mime_utils_header_decode_text(nullptr, input.c_str());
  if (decoded == nullptr) return ValidUtf8(collapsed);
  std::string out = ValidUtf8(decoded);
  g_free(decoded);
  return CollapseSpaces(out);
}

MailAddress ParseMailAddress(std::string_view raw_value) {
  std::string unfolded = Unfold(raw_value);
  std::string_view value = TrimSpace(unfolded);
  MailAddress address;
  std::string_view name;
  std::size_t open = value.rfind('<');
  if (open != std::string_view::npos) {
    std::size_t close = value.find('>', open);
    address.email = std::string(TrimSpace(value.substr(
        open + 1, close == std::string_view::npos ? std::string_view::npos : close - open - 1)));
    name = TrimSpace(value.substr(0, open));
  } else {
    std::size_t paren = value.find('(');
    if (paren != std::string_view::npos) {
      address.email = std::string(TrimSpace(value.substr(0, paren)));
      std::size_t close = value.rfind(')');
      name = value.substr(paren + 1, close == std::string_view::npos || close < paren
                                         ? std::string_view::npos
                                         : close - paren - 1);
    } else {
      std::string_view first = value.substr(0, value.find(','));
      address.email = std::string(TrimSpace(first));
    }
  }
  std::string unquoted;
  name = TrimSpace(name);
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
    name = name.substr(1, name.size() - 2);
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '\\' && i + 1 < name.size()) ++i;
    unquoted.push_back(name[i]);
  }
  address.name = DecodeHeaderText(unquoted);
  address.email = ValidUtf8(DropControlCharacters(address.email));
  return address;
}

std::vector<std::string> ParseMessageIds(std::string_view value) {
  std::vector<std::string> ids;
  std::size_t position = 0;
  while (true) {
    std::size_t open = value.find('<', position);
    if (open == std::string_view::npos) break;
    std::size_t close = value.find('>', open + 1);
    if (close == std::string_view::npos) break;
    std::string id = ParseSingleId(value.substr(open, close - open + 1));
    if (!id.empty()) ids.push_back(std::move(id));
    position = close + 1;
  }
  if (ids.empty()) {
    // No angle brackets: take the white-space separated words that look like ids.
    std::size_t start = 0;
    while (start < value.size()) {
      while (start < value.size() && IsAsciiSpace(value[start])) ++start;
      std::size_t end = start;
      while (end < value.size() && !IsAsciiSpace(value[end])) ++end;
      std::string_view word = value.substr(start, end - start);
      if (word.find('@') != std::string_view::npos) ids.push_back(ParseSingleId(word));
      start = end;
    }
  }
  return ids;
}

std::optional<Timestamp> ParseMailDate(std::string_view text) {
  std::size_t position = 0;
  SkipSpaces(text, position);
  // An optional day name ("Tue,").
  if (position < text.size() && std::isalpha(static_cast<unsigned char>(text[position]))) {
    while (position < text.size() && std::isalpha(static_cast<unsigned char>(text[position]))) {
      ++position;
    }
    SkipSpaces(text, position);
  }
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (!ReadNumber(text, position, 2, day)) return std::nullopt;
  while (position < text.size() && (IsAsciiSpace(text[position]) || text[position] == '-')) {
    ++position;
  }
  std::size_t month_start = position;
  while (position < text.size() && std::isalpha(static_cast<unsigned char>(text[position]))) {
    ++position;
  }
  int month = MonthFromName(text.substr(month_start, position - month_start));
  if (month == 0) return std::nullopt;
  while (position < text.size() && (IsAsciiSpace(text[position]) || text[position] == '-')) {
    ++position;
  }
  std::size_t year_start = position;
  if (!ReadNumber(text, position, 4, year)) return std::nullopt;
  if (position < text.size() && text[position] >= '0' && text[position] <= '9') return std::nullopt;
  if (position - year_start <= 2) year += year < 50 ? 2000 : 1900;
  if (position - year_start == 3) year += 1900;
  SkipSpaces(text, position);
  if (!ReadNumber(text, position, 2, hour)) return std::nullopt;
  if (position >= text.size() || text[position] != ':') return std::nullopt;
  ++position;
  if (!ReadNumber(text, position, 2, minute)) return std::nullopt;
  if (position < text.size() && text[position] == ':') {
    ++position;
    if (!ReadNumber(text, position, 2, second)) return std::nullopt;
  }
  SkipSpaces(text, position);
  std::optional<int> offset = ZoneOffsetMinutes(text.substr(position));
  if (!offset || hour > 23 || minute > 59 || second > 60 || year < 1900) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month),
                                  std::chrono::day(day)};
  if (!ymd.ok()) return std::nullopt;
  std::chrono::sys_seconds at = std::chrono::sys_days(ymd) + std::chrono::hours(hour) +
                                std::chrono::minutes(minute) +
                                std::chrono::seconds(std::min(second, 59));
  return at - std::chrono::minutes(*offset);
}

Result<MailMessage> ParseMailMessage(std::string_view raw, const MailParseOptions& options) {
  HeaderScan scan = ScanHeaders(raw);
  if (scan.valid_headers == 0) {
    return Fail(Error::Corruption(raw.empty() ? "empty message" : "no mail header found"));
  }
  MailMessage message;
  const auto& fields = scan.fields;
  if (fields[kMessageIdHeader].present) {
    message.message_id = ParseSingleId(fields[kMessageIdHeader].raw);
  }
  if (message.message_id.empty()) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "stocktake-%016llx@synthetic",
                  static_cast<unsigned long long>(Fnv1a(raw)));
    message.message_id = buffer;
    message.synthetic_id = true;
  }
  if (fields[kDateHeader].present) message.date = ParseMailDate(Unfold(fields[kDateHeader].raw));
  if (fields[kFromHeader].present) message.from = ParseMailAddress(fields[kFromHeader].raw);
  if (fields[kSubjectHeader].present) {
    message.subject = DecodeHeaderText(fields[kSubjectHeader].raw);
  }
  if (fields[kInReplyToHeader].present) {
    std::vector<std::string> ids = ParseMessageIds(fields[kInReplyToHeader].raw);
    if (!ids.empty() && ids.front() != message.message_id) message.in_reply_to = ids.front();
  }
  if (fields[kReferencesHeader].present) {
    std::vector<std::string> ids = ParseMessageIds(fields[kReferencesHeader].raw);
    if (ids.size() > kMaxReferences) ids.erase(ids.begin(), ids.end() - kMaxReferences);
    for (std::string& id : ids) {
      if (id == message.message_id) continue;
      if (std::find(message.references.begin(), message.references.end(), id) !=
          message.references.end()) {
        continue;
      }
      message.references.push_back(std::move(id));
    }
  }
  if (fields[kListIdHeader].present) {
    std::string_view list = fields[kListIdHeader].raw;
    message.list_id = list.find('<') != std::string_view::npos
                          ? ParseSingleId(list)
                          : ValidUtf8(DropControlCharacters(TrimSpace(Unfold(list))));
  }
  if (options.extract_body) {
    BodyCollector collector;
    collector.limit = options.max_body_bytes;
    std::string_view content = scan.body;
    CollectEntity(scan, content, 0, collector);
    message.body = std::move(collector.text);
  }
  return message;
}

}  // namespace stocktake
