#include "stocktake/ingest/mbox_reader.h"

#include <fcntl.h>
#include <lzma.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "stocktake/util/text.h"

namespace stocktake {
namespace {

Error ErrnoError(int error_number, const std::string& path) {
  std::string message = std::strerror(error_number);
  if (error_number == ENOENT) return Error(ErrorCode::kNotFound, message, path);
  return Error::IoError(message, path);
}

Result<std::string> GunzipBytes(std::string_view input, const std::string& path) {
  z_stream stream{};
  // 15 + 32: any window size, gzip or zlib header detected automatically.
  if (inflateInit2(&stream, 15 + 32) != Z_OK) return Fail(Error::Internal("inflateInit2 failed"));
  std::string output;
  output.resize(std::max<std::size_t>(input.size() * 4, 1 << 16));
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(std::min<std::size_t>(input.size(), UINT32_MAX));
  std::size_t produced = 0;
  int status = Z_OK;
  while (true) {
    if (produced == output.size()) output.resize(output.size() * 2);
    stream.next_out = reinterpret_cast<Bytef*>(output.data() + produced);
    stream.avail_out =
        static_cast<uInt>(std::min<std::size_t>(output.size() - produced, UINT32_MAX));
    std::size_t before = stream.avail_out;
    status = inflate(&stream, Z_NO_FLUSH);
    produced += before - stream.avail_out;
    if (status == Z_STREAM_END) {
      // Concatenated gzip members are legal; continue with the next one.
      if (stream.avail_in == 0) break;
      inflateReset(&stream);
      continue;
    }
    if (status != Z_OK && status != Z_BUF_ERROR) break;
    if (status == Z_BUF_ERROR && stream.avail_in == 0) break;  // truncated input
  }
  inflateEnd(&stream);
  output.resize(produced);
  if (status != Z_STREAM_END) {
    return Fail(Error::Corruption("broken or truncated gzip stream", path));
  }
  return output;
}

Result<std::string> UnxzBytes(std::string_view input, const std::string& path) {
  lzma_stream stream = LZMA_STREAM_INIT;
  if (lzma_stream_decoder(&stream, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
    return Fail(Error::Internal("lzma_stream_decoder failed"));
  }
  std::string output;
  output.resize(std::max<std::size_t>(input.size() * 6, 1 << 16));
  stream.next_in = reinterpret_cast<const uint8_t*>(input.data());
  stream.avail_in = input.size();
  std::size_t produced = 0;
  lzma_ret status = LZMA_OK;
  while (true) {
    if (produced == output.size()) output.resize(output.size() * 2);
    stream.next_out = reinterpret_cast<uint8_t*>(output.data() + produced);
    stream.avail_out = output.size() - produced;
    std::size_t before = stream.avail_out;
    status = lzma_code(&stream, stream.avail_in == 0 ? LZMA_FINISH : LZMA_RUN);
    produced += before - stream.avail_out;
    if (status == LZMA_STREAM_END) break;
    if (status != LZMA_OK) break;
  }
  lzma_end(&stream);
  output.resize(produced);
  if (status != LZMA_STREAM_END) {
    return Fail(Error::Corruption("broken or truncated xz stream", path));
  }
  return output;
}

bool IsSeparatorAt(std::string_view data, std::size_t position) {
  return data.size() - position >= 5 && std::memcmp(data.data() + position, "From ", 5) == 0;
}

// True when the line that ends just before `line_start` is blank.
bool FollowsBlankLine(std::string_view data, std::size_t line_start) {
  if (line_start == 0) return true;
  if (line_start < 2) return false;
  std::size_t end = line_start - 1;  // the '\n' that ends the previous line
  if (data[end - 1] == '\n') return true;
  return end >= 2 && data[end - 1] == '\r' && data[end - 2] == '\n';
}

// The end of the message whose next separator starts at `next`: one blank line
// before the separator belongs to the mbox format, not to the message.
std::size_t MessageEnd(std::string_view data, std::size_t next) {
  if (next >= 2 && data[next - 1] == '\n' && data[next - 2] == '\r') return next - 2;
  if (next >= 1 && data[next - 1] == '\n') return next - 1;
  return next;
}

}  // namespace

Result<std::unique_ptr<MboxFile>> MboxFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Fail(ErrnoError(errno, path));
  struct stat status {};
  if (::fstat(fd, &status) != 0) {
    int saved = errno;
    ::close(fd);
    return Fail(ErrnoError(saved, path));
  }
  if (S_ISDIR(status.st_mode)) {
    ::close(fd);
    return Fail(Error::IoError("is a directory", path));
  }
  std::unique_ptr<MboxFile> file(new MboxFile());
  file->path_ = path;
  auto size = static_cast<std::size_t>(status.st_size);
  if (size > 0) {
    void* mapping = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapping == MAP_FAILED) {
      int saved = errno;
      ::close(fd);
      return Fail(ErrnoError(saved, path));
    }
    ::madvise(mapping, size, MADV_SEQUENTIAL);
    file->mapping_ = mapping;
    file->data_ = static_cast<const char*>(mapping);
    file->size_ = size;
  }
  ::close(fd);
  std::string_view raw = file->bytes();
  if (raw.size() >= 2 && static_cast<unsigned char>(raw[0]) == 0x1f &&
      static_cast<unsigned char>(raw[1]) == 0x8b) {
    file->owned_ = ST_TRY(GunzipBytes(raw, path));
    file->compression_ = Compression::kGzip;
  } else if (raw.size() >= 6 && std::memcmp(raw.data(),
                                            "\xFD"
                                            "7zXZ\0",
                                            6) == 0) {
    file->owned_ = ST_TRY(UnxzBytes(raw, path));
    file->compression_ = Compression::kXz;
  }
  if (file->compression_ != Compression::kNone) {
    ::munmap(file->mapping_, file->size_);
    file->mapping_ = nullptr;
    file->data_ = file->owned_.data();
    file->size_ = file->owned_.size();
  }
  return file;
}

std::unique_ptr<MboxFile> MboxFile::FromBytes(std::string bytes, std::string name) {
  std::unique_ptr<MboxFile> file(new MboxFile());
  file->path_ = std::move(name);
  file->owned_ = std::move(bytes);
  file->data_ = file->owned_.data();
  file->size_ = file->owned_.size();
  return file;
}

MboxFile::~MboxFile() {
  if (mapping_ != nullptr) ::munmap(mapping_, size_);
}

std::vector<MboxEntry> SplitMbox(std::string_view data, std::uint64_t start_offset) {
  // Separator positions first: memmem-like search for "\nFrom " is the hot loop.
  std::vector<std::size_t> starts;
  if (IsSeparatorAt(data, 0)) starts.push_back(0);
  std::size_t position = 0;
  while (position < data.size()) {
    const void* hit = ::memmem(data.data() + position, data.size() - position, "\nFrom ", 6);
    if (hit == nullptr) break;
    std::size_t line_start =
        static_cast<std::size_t>(static_cast<const char*>(hit) - data.data()) + 1;
    if (FollowsBlankLine(data, line_start)) starts.push_back(line_start);
    position = line_start;
  }

  std::vector<MboxEntry> entries;
  entries.reserve(starts.size() + 1);
  auto add = [&](std::size_t begin, std::size_t body_begin, std::size_t end,
                 std::string_view envelope) {
    if (begin < start_offset) return;
    MboxEntry entry;
    entry.offset = begin;
    entry.envelope = envelope;
    entry.raw = data.substr(body_begin, end - body_begin);
    entries.push_back(entry);
  };
  // Leading bytes without a separator: keep them unless they are only white space.
  std::size_t first = starts.empty() ? data.size() : starts.front();
  if (first > 0) {
    std::string_view head = data.substr(0, first);
    if (head.find_first_not_of(" \t\r\n") != std::string_view::npos) {
      add(0, 0, starts.empty() ? data.size() : MessageEnd(data, first), {});
    }
  }
  for (std::size_t i = 0; i < starts.size(); ++i) {
    std::size_t begin = starts[i];
    std::size_t next = i + 1 < starts.size() ? starts[i + 1] : data.size();
    std::size_t line_end = data.find('\n', begin);
    if (line_end == std::string_view::npos || line_end > next) line_end = next;
    std::size_t envelope_end = line_end;
    if (envelope_end > begin + 5 && data[envelope_end - 1] == '\r') --envelope_end;
    std::string_view envelope = data.substr(begin + 5, envelope_end - (begin + 5));
    std::size_t body_begin = std::min(line_end + 1, next);
    std::size_t end = i + 1 < starts.size() ? MessageEnd(data, next) : data.size();
    if (end < body_begin) end = body_begin;
    add(begin, body_begin, end, envelope);
  }
  return entries;
}

namespace {

// The value of a header parameter (`boundary=` of a Content-Type), quoted
// or not; empty when absent.
std::string HeaderParameter(std::string_view value, std::string_view name) {
  std::string lower = ToLower(value);
  for (std::size_t at = lower.find(name); at != std::string::npos; at = lower.find(name, at + 1)) {
    bool starts_word =
        at == 0 || lower[at - 1] == ';' || lower[at - 1] == ' ' || lower[at - 1] == '\t';
    std::size_t equals = at + name.size();
    if (!starts_word || equals >= lower.size() || lower[equals] != '=') continue;
    std::string_view rest = value.substr(equals + 1);
    if (!rest.empty() && rest.front() == '"') {
      std::size_t close = rest.find('"', 1);
      return std::string(rest.substr(1, close == std::string_view::npos ? rest.size() : close - 1));
    }
    std::size_t end = rest.find_first_of("; \t\r\n");
    return std::string(rest.substr(0, end));
  }
  return "";
}

}  // namespace

bool LooksCutOff(std::string_view raw) {
  if (raw.empty() || raw.back() != '\n') return true;
  std::size_t body_start = 0;
  if (raw.front() != '\n' && !raw.starts_with("\r\n")) {
    std::size_t blank = raw.find("\n\n");
    std::size_t blank_crlf = raw.find("\n\r\n");
    if (blank == std::string_view::npos && blank_crlf == std::string_view::npos) return true;
    body_start = std::min(blank == std::string_view::npos ? raw.size() : blank + 2,
                          blank_crlf == std::string_view::npos ? raw.size() : blank_crlf + 3);
  }
  std::string_view header = raw.substr(0, body_start);
  std::string_view body = raw.substr(body_start);
  // Unfold the two header fields that say how long the message is.
  std::string length;
  std::string type;
  std::string* field = nullptr;
  for (std::string_view line : Split(header, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
      if (field != nullptr) field->append(line);
      continue;
    }
    std::string lower = ToLower(line.substr(0, std::min<std::size_t>(line.size(), 15)));
    field = nullptr;
    if (lower.starts_with("content-length:")) {
      length = line.substr(15);
      field = &length;
    } else if (lower.starts_with("content-type:")) {
      type = line.substr(13);
      field = &type;
    }
  }
  if (std::string_view digits = Trim(length); !digits.empty()) {
    std::uint64_t declared = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), declared);
    if (error == std::errc() && end == digits.data() + digits.size() && body.size() < declared) {
      return true;
    }
  }
  if (ToLower(type).find("multipart/") != std::string::npos) {
    std::string boundary = HeaderParameter(type, "boundary");
    if (!boundary.empty() && body.find("--" + boundary + "--") == std::string_view::npos) {
      return true;
    }
  }
  return false;
}

std::string_view UnquoteFromLines(std::string_view raw, MboxFormat format, std::string& scratch) {
  if (raw.find(">From ") == std::string_view::npos) return raw;
  scratch.clear();
  scratch.reserve(raw.size());
  std::size_t line_start = 0;
  while (line_start < raw.size()) {
    std::size_t line_end = raw.find('\n', line_start);
    line_end = line_end == std::string_view::npos ? raw.size() : line_end + 1;
    std::string_view line = raw.substr(line_start, line_end - line_start);
    bool quoted = false;
    if (!line.empty() && line[0] == '>') {
      std::size_t arrows = format == MboxFormat::kMboxrd ? line.find_first_not_of('>') : 1;
      quoted = arrows != std::string_view::npos && line.substr(arrows).starts_with("From ");
    }
    scratch.append(quoted ? line.substr(1) : line);
    line_start = line_end;
  }
  return scratch;
}

Result<std::vector<std::string>> ListMaildirFiles(const std::string& root) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::is_directory(root, error)) {
    return Fail(Error(ErrorCode::kNotFound, "not a Maildir directory", root));
  }
  // A symbolic link is followed only to a file inside the tree: a link to
  // /etc/passwd in someone's Maildir is not a message.
  fs::path inside = fs::weakly_canonical(fs::absolute(root, error), error);
  auto stays_inside = [&](const fs::path& link) {
    fs::path target = fs::weakly_canonical(link, error);
    if (error) return false;
    auto [end, ignored] = std::mismatch(inside.begin(), inside.end(), target.begin(), target.end());
    return end == inside.end();
  };
  std::vector<std::string> files;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, error);
  if (error) return Fail(Error::IoError(error.message(), root));
  for (; it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (error) return Fail(Error::IoError(error.message(), root));
    const fs::path& path = it->path();
    std::string name = path.filename().string();
    bool is_directory = it->is_directory(error);
    if (name.starts_with(".") || (is_directory && name == "tmp")) {
      if (is_directory) it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink(error) && !stays_inside(path)) continue;
    if (it->is_regular_file(error)) files.push_back(path.string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

Result<std::string> ReadFileBytes(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Fail(ErrnoError(errno, path));
  std::string bytes;
  char buffer[1 << 16];
  while (true) {
    ssize_t count = ::read(fd, buffer, sizeof buffer);
    if (count < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      return Fail(ErrnoError(saved, path));
    }
    if (count == 0) break;
    bytes.append(buffer, static_cast<std::size_t>(count));
  }
  ::close(fd);
  return bytes;
}

}  // namespace stocktake
