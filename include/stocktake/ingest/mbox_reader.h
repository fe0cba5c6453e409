#pragma once

// Reading mailboxes: an mbox file held in memory (mapped, or decompressed from
// .gz/.xz) split into messages without copying, lazy un-quoting of ">From "
// lines, and listing the message files of a Maildir tree.
//
// MboxFile is immutable once opened; its bytes (and every string_view that
// SplitMbox returns into them) stay valid until the MboxFile is destroyed, and
// may be read from several threads at once. The free functions are pure and
// thread-safe.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stocktake/result.h"

namespace stocktake {

/// How the writer of an mbox quoted body lines that begin with "From ".
enum class MboxFormat {
  kMboxo,   ///< Only "From " was quoted as ">From "; one '>' is removed from ">From " lines.
  kMboxrd,  ///< Every ">*From " line got one more '>'; one '>' is removed from each.
};

/// How the bytes of a mailbox file were stored on disk.
enum class Compression { kNone, kGzip, kXz };

/// The bytes of one mailbox file. Plain files are memory-mapped; gzip and xz
/// files (recognised by their magic bytes, whatever their name) are
/// decompressed into memory.
class MboxFile {
 public:
  /// Opens `path`. Errors: kNotFound (no such file), kIoError (unreadable),
  /// kCorruption (a compressed stream that is broken; the context names the file).
  [[nodiscard]] static Result<std::unique_ptr<MboxFile>> Open(const std::string& path);

  /// Wraps bytes already in memory (tests, fuzzers, data from a pipe).
  static std::unique_ptr<MboxFile> FromBytes(std::string bytes, std::string name = "<memory>");

  ~MboxFile();
  MboxFile(const MboxFile&) = delete;
  MboxFile& operator=(const MboxFile&) = delete;

  /// The (decompressed) content of the file.
  std::string_view bytes() const { return {data_, size_}; }
  const std::string& path() const { return path_; }
  Compression compression() const { return compression_; }

 private:
  MboxFile() = default;

  std::string path_;
  Compression compression_ = Compression::kNone;
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  void* mapping_ = nullptr;  // munmap'ed in the destructor when set
  std::string owned_;        // decompressed or in-memory bytes
};

/// One message of an mbox, as a view into the mbox bytes.
struct MboxEntry {
  /// Byte offset of the message's "From " separator line in the mbox (or of
  /// its first byte when the mbox does not start with a separator).
  std::uint64_t offset = 0;
  /// The separator line without "From " and the line end; empty when absent.
  std::string_view envelope;
  /// The message (headers and body), still ">From"-quoted, without the
  /// separator line and without the blank line that precedes the next one.
  std::string_view raw;
};

/// Splits an mbox. A separator is a line starting with "From " at the start of
/// the data or right after a blank line (LF or CRLF line ends); any other
/// "From " line is body text. Bytes before the first separator (a mailbox
/// without one, or junk at the start) form an entry of their own with an empty
/// envelope, so the caller can parse or report them. Entries whose offset is
/// below `start_offset` are skipped (resuming a file that only grew).
std::vector<MboxEntry> SplitMbox(std::string_view data, std::uint64_t start_offset = 0);

/// Whether `raw`, the last entry of a mailbox (no separator follows it), was
/// cut off by the end of the file: it ends inside a line or inside its
/// header, its body is shorter than its Content-Length, or its multipart
/// body lacks the closing boundary. A message that shows none of these is
/// taken as whole. An mbox that is still being written (or was copied
/// while it was) ends this way; the message is read once the file grows.
bool LooksCutOff(std::string_view raw);

/// The message text of `raw` with the mbox quoting of "From " lines undone.
/// Returns `raw` itself (no copy) when nothing is quoted; otherwise writes the
/// unquoted text to `scratch` and returns a view of it.
std::string_view UnquoteFromLines(std::string_view raw, MboxFormat format, std::string& scratch);

/// The message files of a Maildir tree: every regular file under `root`,
/// recursively, in cur/, new/ and nested folders (names may contain ':' and
/// ','), skipping tmp/ folders, names starting with '.' and symbolic links to
/// anything outside `root` (directory links are not followed). Sorted by path so
/// that runs are deterministic. Errors: kNotFound, kIoError.
[[nodiscard]] Result<std::vector<std::string>> ListMaildirFiles(const std::string& root);

/// The whole content of a file. Errors: kNotFound, kIoError.
[[nodiscard]] Result<std::string> ReadFileBytes(const std::string& path);

}  // namespace stocktake
