// Issue 12: a Maildir holding a symbolic link to /etc/passwd stored it as a
// message. A link is followed now only to a file inside the Maildir.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "stocktake/ingest/mbox_reader.h"

namespace stocktake {
namespace {

namespace fs = std::filesystem;

class Issue12MaildirSymlinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("stocktake-issue-12-maildir-" + std::to_string(getpid()));
    fs::remove_all(base_);
    fs::create_directories(base_ / "maildir" / "cur");
    fs::create_directories(base_ / "outside");
    std::ofstream(base_ / "maildir" / "cur" / "1") << "Subject: one\n\nbody\n";
    std::ofstream(base_ / "outside" / "secret") << "root:x:0:0\n";
  }
  void TearDown() override { fs::remove_all(base_); }

  fs::path base_;
};

TEST_F(Issue12MaildirSymlinkTest, ALinkOutOfTheMaildirIsNotAMessage) {
  fs::create_symlink(base_ / "outside" / "secret", base_ / "maildir" / "cur" / "2");
  fs::create_symlink("/etc/passwd", base_ / "maildir" / "cur" / "3");
  fs::create_symlink("../../outside/secret", base_ / "maildir" / "cur" / "4");
  auto files = ListMaildirFiles((base_ / "maildir").string());
  ASSERT_TRUE(files) << files.error().ToString();
  EXPECT_EQ(*files, std::vector<std::string>{(base_ / "maildir" / "cur" / "1").string()});
}

TEST_F(Issue12MaildirSymlinkTest, ALinkToAMessageInsideIsFollowed) {
  fs::create_symlink("1", base_ / "maildir" / "cur" / "2");
  auto files = ListMaildirFiles((base_ / "maildir").string());
  ASSERT_TRUE(files) << files.error().ToString();
  EXPECT_EQ(files->size(), 2u);
}

TEST_F(Issue12MaildirSymlinkTest, ALinkedFolderIsNotEntered) {
  fs::create_directory_symlink(base_ / "outside", base_ / "maildir" / "new");
  auto files = ListMaildirFiles((base_ / "maildir").string());
  ASSERT_TRUE(files) << files.error().ToString();
  EXPECT_EQ(files->size(), 1u);
}

}  // namespace
}  // namespace stocktake
