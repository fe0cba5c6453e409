#include "stocktake/ingest/mbox_reader.h"

#include <gtest/gtest.h>
#include <lzma.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <tuple>

#include "stocktake/ingest/mail_batch.h"
#include "tests/support/test_support.h"

namespace stocktake {
namespace {

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/stocktake-mbox-XXXXXX";
    path_ = ::mkdtemp(pattern);
  }
  ~TempDir() {
    std::error_code error;
    std::filesystem::remove_all(path_, error);
  }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& bytes) const {
    std::string full = path_ + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(full).parent_path());
    std::ofstream(full, std::ios::binary) << bytes;
    return full;
  }

 private:
  std::string path_;
};

const char kTwoMessages[] =
    "From alice@example.org Mon Jan  1 00:00:00 2024\n"
    "Message-ID: <one@example.org>\n"
    "Subject: first\n"
    "\n"
    "Body line\n"
    "From here on this is body text, not a separator.\n"
    "\n"
    ">From the start of a quoted line\n"
    ">>From a doubly quoted line\n"
    "\n"
    "From bob@example.org Mon Jan  1 00:00:01 2024\n"
    "Message-ID: <two@example.org>\n"
    "Subject: second\n"
    "\n"
    "Second body\n";

TEST(MboxReaderTest, SplitsOnlyAtFromLineAfterBlankLine) {
  std::vector<MboxEntry> entries = SplitMbox(kTwoMessages);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].offset, 0u);
  EXPECT_EQ(entries[0].envelope, "alice@example.org Mon Jan  1 00:00:00 2024");
  EXPECT_TRUE(entries[0].raw.starts_with("Message-ID: <one@example.org>"));
  EXPECT_TRUE(entries[0].raw.ends_with(">>From a doubly quoted line\n"));
  EXPECT_EQ(entries[1].offset, std::string_view(kTwoMessages).find("From bob"));
  EXPECT_EQ(entries[1].raw, "Message-ID: <two@example.org>\nSubject: second\n\nSecond body\n");
}

TEST(MboxReaderTest, SplitsCrlfMailboxes) {
  std::string crlf = "From a\r\nSubject: x\r\n\r\nbody\r\n\r\nFrom b\r\nSubject: y\r\n\r\nz\r\n";
  std::vector<MboxEntry> entries = SplitMbox(crlf);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].envelope, "a");
  EXPECT_EQ(entries[0].raw, "Subject: x\r\n\r\nbody\r\n");
}

TEST(MboxReaderTest, UnquotesMboxrdLazily) {
  std::vector<MboxEntry> entries = SplitMbox(kTwoMessages);
  std::string scratch;
  std::string_view second = UnquoteFromLines(entries[1].raw, MboxFormat::kMboxrd, scratch);
  EXPECT_EQ(second.data(), entries[1].raw.data()) << "no copy when nothing is quoted";
  std::string_view first = UnquoteFromLines(entries[0].raw, MboxFormat::kMboxrd, scratch);
  EXPECT_NE(first.find("\nFrom the start of a quoted line\n"), std::string_view::npos);
  EXPECT_NE(first.find("\n>From a doubly quoted line\n"), std::string_view::npos);
  std::string mboxo_scratch;
  std::string_view mboxo = UnquoteFromLines(entries[0].raw, MboxFormat::kMboxo, mboxo_scratch);
  EXPECT_NE(mboxo.find("\nFrom the start of a quoted line\n"), std::string_view::npos);
  EXPECT_NE(mboxo.find("\n>>From a doubly quoted line\n"), std::string_view::npos);
}

TEST(MboxReaderTest, KeepsLeadingBytesWithoutSeparatorAsOwnEntry) {
  std::vector<MboxEntry> entries =
      SplitMbox("Subject: no envelope\n\nbody\n\nFrom x\nSubject: y\n\n");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_TRUE(entries[0].envelope.empty());
  EXPECT_EQ(entries[0].offset, 0u);
  EXPECT_TRUE(SplitMbox("").empty());
  EXPECT_TRUE(SplitMbox("\n\n  \n").empty());
}

TEST(MboxReaderTest, ResumesFromStartOffset) {
  std::size_t second = std::string_view(kTwoMessages).find("From bob");
  std::vector<MboxEntry> entries = SplitMbox(kTwoMessages, second);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].offset, second);
}

// Issue 12: the message the end of a truncated mbox cut off was stored as if
// whole; it is reported as incomplete now, and the messages before it kept.
TEST(MboxReaderTest, TruncatedMailboxKeepsWhatIsWholeAndReportsTheRest) {
  std::string text = kTwoMessages;
  for (std::size_t cut = 0; cut < text.size(); cut += 7) {
    std::string truncated = text.substr(0, cut);
    MailBatch batch = ParseMboxBytes(truncated, "cut.mbox");
    EXPECT_LE(batch.messages.size() + batch.failures.size(), 2u);
  }
  MailBatch batch = ParseMboxBytes(text.substr(0, text.size() - 5), "cut.mbox");
  ASSERT_EQ(batch.messages.size(), 1u);
  ASSERT_EQ(batch.failures.size(), 1u);
  EXPECT_TRUE(batch.failures[0].cut_off);
  EXPECT_EQ(batch.failures[0].offset, text.find("From bob"));
  EXPECT_EQ(
      batch.failures[0].error.ToString(),
      "cut.mbox:" + std::to_string(text.find("From bob")) +
          ": incomplete message: the file ends inside it; it is read when the file has grown");
}

TEST(MboxReaderTest, ALastMessageLooksCutOffByItsStructure) {
  EXPECT_FALSE(LooksCutOff("Subject: s\n\nbody\n"));
  EXPECT_TRUE(LooksCutOff("Subject: s\n\nbo"));               // inside a line
  EXPECT_TRUE(LooksCutOff("Subject: s\nFrom: a@b\n"));        // inside the header
  EXPECT_TRUE(LooksCutOff(""));                               // only the separator line
  EXPECT_TRUE(LooksCutOff("Content-Length: 20\n\nshort\n"));  // shorter than it says
  EXPECT_FALSE(LooksCutOff("Content-length: 6\n\nwhole\n"));
  std::string multipart =
      "Content-Type: multipart/mixed;\n boundary=\"b 1\"\n\n--b 1\nContent-Type: "
      "text/plain\n\nhi\n";
  EXPECT_TRUE(LooksCutOff(multipart));
  EXPECT_FALSE(LooksCutOff(multipart + "--b 1--\n"));
  EXPECT_FALSE(LooksCutOff("\r\nno header\r\n"));
}

TEST(MboxReaderTest, ReportsJunkWithFileAndOffset) {
  std::string junk = std::string(kTwoMessages) + "\nFrom junk\n\x01\x02\x03 no header\n\nxx\n";
  MailBatch batch = ParseMboxBytes(junk, "junk.mbox");
  ASSERT_EQ(batch.messages.size(), 2u);
  ASSERT_EQ(batch.failures.size(), 1u);
  EXPECT_EQ(batch.failures[0].file, "junk.mbox");
  EXPECT_EQ(batch.failures[0].offset, std::string_view(junk).find("From junk"));
  EXPECT_TRUE(batch.failures[0].error.IsCorruption());
  EXPECT_NE(batch.failures[0].error.ToString().find("junk.mbox:"), std::string::npos);
}

TEST(MboxReaderTest, GarbledBytesNeverCrash) {
  std::string text = kTwoMessages;
  std::uint32_t state = 12345;
  for (int round = 0; round < 200; ++round) {
    std::string garbled = text;
    for (int k = 0; k < 10; ++k) {
      state = state * 1103515245u + 12345u;
      garbled[state % garbled.size()] = static_cast<char>(state >> 24);
    }
    MailBatch batch = ParseMboxBytes(garbled, "garbled.mbox");
    for (const MailMessage& message : batch.messages) EXPECT_FALSE(message.message_id.empty());
  }
}

TEST(MboxReaderTest, ParallelResultEqualsSerial) {
  std::string big;
  for (int i = 0; i < 100; ++i) {
    big += "From x\nMessage-ID: <m" + std::to_string(i) + "@x>\nSubject: s\n\nbody\n\n";
  }
  MailReadOptions serial;
  serial.threads = 1;
  MailReadOptions parallel;
  parallel.threads = 3;
  MailBatch a = ParseMboxBytes(big, "a", serial);
  MailBatch b = ParseMboxBytes(big, "a", parallel);
  ASSERT_EQ(a.messages.size(), 100u);
  ASSERT_EQ(b.messages.size(), 100u);
  for (std::size_t i = 0; i < a.messages.size(); ++i) {
    EXPECT_EQ(a.messages[i].message_id, b.messages[i].message_id);
    EXPECT_EQ(a.messages[i].offset, b.messages[i].offset);
  }
}

std::string Gzip(const std::string& input) {
  z_stream stream{};
  deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, input.size()) + 64, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::string Xz(const std::string& input) {
  std::string out(lzma_stream_buffer_bound(input.size()), '\0');
  std::size_t position = 0;
  lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, nullptr,
                          reinterpret_cast<const uint8_t*>(input.data()), input.size(),
                          reinterpret_cast<uint8_t*>(out.data()), &position, out.size());
  out.resize(position);
  return out;
}

TEST(MboxReaderTest, ReadsPlainGzipAndXzFiles) {
  TempDir dir;
  for (const auto& [name, bytes, compression] :
       {std::tuple{"plain.mbox", std::string(kTwoMessages), Compression::kNone},
        std::tuple{"box.mbox.gz", Gzip(kTwoMessages), Compression::kGzip},
        std::tuple{"box.mbox.xz", Xz(kTwoMessages), Compression::kXz}}) {
    std::string path = dir.Write(name, bytes);
    Result<std::unique_ptr<MboxFile>> file = MboxFile::Open(path);
    ASSERT_TRUE(file) << file.error().ToString();
    EXPECT_EQ((*file)->bytes(), kTwoMessages) << name;
    EXPECT_EQ((*file)->compression(), compression);
    Result<MailBatch> batch = ReadMbox(path);
    ASSERT_TRUE(batch);
    ASSERT_EQ(batch->messages.size(), 2u);
    EXPECT_EQ(batch->messages[0].file, path);
  }
}

TEST(MboxReaderTest, BrokenCompressedFilesAreCorruption) {
  TempDir dir;
  std::string gz = Gzip(kTwoMessages);
  std::string xz = Xz(kTwoMessages);
  Result<std::unique_ptr<MboxFile>> gz_file =
      MboxFile::Open(dir.Write("t.gz", gz.substr(0, gz.size() / 2)));
  ASSERT_FALSE(gz_file);
  EXPECT_TRUE(gz_file.error().IsCorruption());
  Result<std::unique_ptr<MboxFile>> xz_file =
      MboxFile::Open(dir.Write("t.xz", xz.substr(0, xz.size() / 2)));
  ASSERT_FALSE(xz_file);
  EXPECT_TRUE(xz_file.error().IsCorruption());
  EXPECT_TRUE(MboxFile::Open(dir.path() + "/missing").error().IsNotFound());
  EXPECT_TRUE(MboxFile::Open(dir.Write("empty", "")));
}

TEST(MboxReaderTest, ListsMaildirFilesWithColonsAndCommas) {
  TempDir dir;
  dir.Write("cur/1:2,S", "Subject: a\n\n");
  dir.Write("new/2", "Subject: b\n\n");
  dir.Write("tmp/3", "Subject: c\n\n");
  dir.Write("sub/cur/4:2,RS", "Subject: d\n\n");
  dir.Write(".hidden/cur/5", "Subject: e\n\n");
  Result<std::vector<std::string>> files = ListMaildirFiles(dir.path());
  ASSERT_TRUE(files);
  std::vector<std::string> expected = {dir.path() + "/cur/1:2,S", dir.path() + "/new/2",
                                       dir.path() + "/sub/cur/4:2,RS"};
  EXPECT_EQ(*files, expected);
  EXPECT_TRUE(ListMaildirFiles(dir.path() + "/nope").error().IsNotFound());
}

TEST(MboxReaderTest, ReadsNotmuchDefaultCorpus) {
  const std::string corpus = "data/mail/notmuch-corpus/default";
  if (auto missing = testing::MissingShared(corpus)) GTEST_SKIP() << *missing;
  Result<MailBatch> batch = ReadMaildir(testing::SharedPath(corpus));
  ASSERT_TRUE(batch) << batch.error().ToString();
  EXPECT_EQ(batch->messages.size(), 53u);
  EXPECT_TRUE(batch->failures.empty());
  std::set<std::string> ids;
  for (const MailMessage& message : batch->messages) ids.insert(message.message_id);
  EXPECT_EQ(ids.size(), 52u);
}

TEST(MboxReaderTest, EveryMalformedFileParsesOrIsReported) {
  const std::string folder = "data/mail/malformed";
  if (auto missing = testing::MissingShared(folder)) GTEST_SKIP() << *missing;
  Result<std::vector<std::string>> files = ListMaildirFiles(testing::SharedPath(folder));
  ASSERT_TRUE(files);
  int mailboxes = 0;
  for (const std::string& path : *files) {
    if (!path.ends_with(".mbox")) continue;
    ++mailboxes;
    Result<MailBatch> batch = ReadMbox(path);
    ASSERT_TRUE(batch) << path;
    // Some files hold a second "From " line after a blank line: two entries.
    EXPECT_GE(batch->messages.size() + batch->failures.size(), 1u) << path;
    // A file that ends inside a line is held back as cut off (issue 12):
    // ingest reports it and reads it once the file has grown.
    bool cut_off = !batch->failures.empty() && batch->failures.back().cut_off;
    if (!cut_off) {
      EXPECT_GE(batch->messages.size(), 1u) << path;
    }
    for (const MailMessage& message : batch->messages) {
      EXPECT_FALSE(message.message_id.empty()) << path;
    }
  }
  EXPECT_EQ(mailboxes, 17);
}

}  // namespace
}  // namespace stocktake
