#include "stocktake/ingest/git_history.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace stocktake {
namespace {

// A small repository built with the git CLI in a temporary directory.
class GitHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/stocktake-git-XXXXXX";
    root_ = ::mkdtemp(pattern);
    Git("init -q -b main");
    Git("config user.name 'Jane Doe'");
    Git("config user.email jane@example.org");
    Git("config commit.gpgsign false");
  }
  void TearDown() override {
    std::error_code error;
    std::filesystem::remove_all(root_, error);
  }
  void Git(const std::string& arguments) {
    std::string command = "git -C '" + root_ + "' " + arguments + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  void Write(const std::string& path, const std::string& content) {
    std::filesystem::path full = std::filesystem::path(root_) / path;
    std::filesystem::create_directories(full.parent_path());
    std::ofstream(full) << content;
  }
  void Commit(const std::string& message, const std::string& date) {
    std::string file = root_ + "/.git/message";
    std::ofstream(file) << message;
    Git("add -A");
    std::string command = "env GIT_AUTHOR_DATE='" + date + "' GIT_COMMITTER_DATE='" + date +
                          "' git -C '" + root_ + "' commit -q -F '" + file + "' >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0);
  }
  std::string Head() { return ResolveGitRevision(root_, "HEAD").value(); }

  std::string root_;
};

TEST_F(GitHistoryTest, ReadsCommitsTrailersAndTouchedPaths) {
  Write("xen/include/public/io/blkif.h", "a\n");
  Write("docs/misc/blkif.txt", "b\n");
  Commit(
      "blkif: add header\n\nThe protocol.\n\nSigned-off-by: Jane Doe <jane@example.org>\n"
      "Acked-by: Ian <ian@example.org>\n",
      "2013-01-21T10:00:00Z");
  Write("xen/include/public/io/blkif.h", "c\n");
  std::filesystem::rename(root_ + "/docs/misc/blkif.txt",
                          root_ + "/docs/misc/blk with space:x.txt");
  Commit("blkif: rename doc\n\nReviewed-by: R <r@example.org>\nNAKed-by: N <n@example.org>\n",
         "2013-01-22T10:00:00Z");

  Result<std::vector<GitCommit>> commits = ReadGitHistory(root_);
  ASSERT_TRUE(commits) << commits.error().ToString();
  ASSERT_EQ(commits->size(), 2u);
  const GitCommit& newest = (*commits)[0];
  const GitCommit& oldest = (*commits)[1];
  EXPECT_EQ(newest.sha, Head());
  EXPECT_EQ(newest.parents, (std::vector<std::string>{oldest.sha}));
  EXPECT_TRUE(oldest.parents.empty());
  EXPECT_EQ(newest.subject, "blkif: rename doc");
  EXPECT_EQ(newest.author, (MailAddress{"Jane Doe", "jane@example.org"}));
  EXPECT_EQ(FormatTimestamp(newest.author_date), "2013-01-22T10:00:00Z");
  EXPECT_EQ(FormatTimestamp(oldest.commit_date), "2013-01-21T10:00:00Z");
  ASSERT_EQ(oldest.trailers.size(), 2u);
  EXPECT_EQ(oldest.trailers[1].canonical_key, "acked-by");
  ASSERT_EQ(newest.trailers.size(), 2u);
  EXPECT_EQ(newest.trailers[1].canonical_key, "nacked-by");
  EXPECT_EQ(oldest.touched_paths,
            (std::vector<std::string>{"docs/misc/blkif.txt", "xen/include/public/io/blkif.h"}));
  EXPECT_EQ(newest.touched_paths,
            (std::vector<std::string>{"docs/misc/blk with space:x.txt", "docs/misc/blkif.txt",
                                      "xen/include/public/io/blkif.h"}));
}

TEST_F(GitHistoryTest, TitleIsNeverATrailer) {
  Write("a", "1");
  Commit("Fixes: looks like a trailer\n", "2013-01-21T10:00:00Z");
  Result<std::vector<GitCommit>> commits = ReadGitHistory(root_);
  ASSERT_TRUE(commits);
  ASSERT_EQ(commits->size(), 1u);
  EXPECT_TRUE((*commits)[0].trailers.empty());
}

TEST_F(GitHistoryTest, SeenCommitsAndRangesLimitTheWalk) {
  Write("a", "1");
  Commit("one\n", "2013-01-21T10:00:00Z");
  std::string first = Head();
  Write("b", "2");
  Commit("two\n", "2013-01-22T10:00:00Z");
  std::string second = Head();
  Write("a", "3");
  Commit("three\n", "2013-01-23T10:00:00Z");

  GitReadOptions incremental;
  incremental.seen_commits = {second};
  Result<std::vector<GitCommit>> fresh = ReadGitHistory(root_, incremental);
  ASSERT_TRUE(fresh);
  ASSERT_EQ(fresh->size(), 1u);
  EXPECT_EQ((*fresh)[0].subject, "three");

  incremental.seen_commits = {Head()};
  Result<std::vector<GitCommit>> nothing = ReadGitHistory(root_, incremental);
  ASSERT_TRUE(nothing);
  EXPECT_TRUE(nothing->empty());

  GitReadOptions range;
  range.revision_range = first + ".." + second;
  Result<std::vector<GitCommit>> ranged = ReadGitHistory(root_, range);
  ASSERT_TRUE(ranged);
  ASSERT_EQ(ranged->size(), 1u);
  EXPECT_EQ((*ranged)[0].sha, second);

  GitReadOptions paths;
  paths.pathspecs = {"a"};
  paths.touched_paths = false;
  Result<std::vector<GitCommit>> touching_a = ReadGitHistory(root_, paths);
  ASSERT_TRUE(touching_a);
  EXPECT_EQ(touching_a->size(), 2u);
  EXPECT_TRUE((*touching_a)[0].touched_paths.empty());
}

TEST_F(GitHistoryTest, ReportsBadInput) {
  Write("a", "1");
  Commit("one\n", "2013-01-21T10:00:00Z");
  GitReadOptions bad_range;
  bad_range.revision_range = "no-such-branch";
  Result<std::vector<GitCommit>> result = ReadGitHistory(root_, bad_range);
  ASSERT_FALSE(result);
  EXPECT_TRUE(result.error().IsInvalidArgument()) << result.error().ToString();
  GitReadOptions option_injection;
  option_injection.revision_range = "--output=/tmp/x";
  EXPECT_TRUE(ReadGitHistory(root_, option_injection).error().IsInvalidArgument());
  GitReadOptions bad_seen;
  bad_seen.seen_commits = {"HEAD; rm"};
  EXPECT_TRUE(ReadGitHistory(root_, bad_seen).error().IsInvalidArgument());
  EXPECT_TRUE(ReadGitHistory(root_ + "/missing").error().IsNotFound());
  EXPECT_TRUE(ResolveGitRevision(root_, "nope").error().IsInvalidArgument());
  GitReadOptions no_git;
  no_git.git_program = "/nonexistent/git";
  EXPECT_EQ(ReadGitHistory(root_, no_git).error().code(), ErrorCode::kUnavailable);
}

TEST(GitLogStreamTest, ParsesRecordsAcrossChunks) {
  std::string stream = std::string("\x1e") + "aaaa" + '\0' + "bbbb" + '\0' + "A" + '\0' + "a@x" +
                       '\0' + "100" + '\0' + "C" + '\0' + "c@x" + '\0' + "200" + '\0' +
                       "title\n\nSigned-off-by: A <a@x>\n" + '\0' + "\npath/one" + '\0' + "two" +
                       '\0' + "\x1e" + "bbbb" + '\0' + '\0' + "B" + '\0' + "b@x" + '\0' + "1" +
                       '\0' + "B" + '\0' + "b@x" + '\0' + "1" + '\0' + "root\n" + '\0';
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    std::vector<GitCommit> commits;
    auto visit = [&](GitCommit&& commit) { commits.push_back(std::move(commit)); };
    std::string pending = stream.substr(0, split);
    pending.erase(0, ParseGitLogStream(pending, false, visit));
    pending += stream.substr(split);
    ParseGitLogStream(pending, true, visit);
    ASSERT_EQ(commits.size(), 2u) << split;
    EXPECT_EQ(commits[0].touched_paths, (std::vector<std::string>{"path/one", "two"}));
    EXPECT_EQ(commits[0].trailers.size(), 1u);
    EXPECT_EQ(commits[1].sha, "bbbb");
    EXPECT_TRUE(commits[1].parents.empty());
  }
  std::vector<GitCommit> junk;
  ParseGitLogStream("garbage\x1e\x1e\0\0", true, [&](GitCommit&& c) { junk.push_back(c); });
}

}  // namespace
}  // namespace stocktake
