#include "stocktake/ingest/git_history.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "stocktake/util/utf8.h"

extern char** environ;

namespace stocktake {

// Record separator, then NUL-separated fields; %B is last and -z ends it with NUL.
const char kGitLogFormat[] = "%x1e%H%x00%P%x00%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct%x00%B";

namespace {

constexpr int kHeaderFields = 8;

bool IsHexId(std::string_view text) {
  if (text.size() < 4 || text.size() > 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

Timestamp ParseUnixSeconds(std::string_view text) {
  std::int64_t value = 0;
  bool negative = !text.empty() && text[0] == '-';
  for (char c : text.substr(negative ? 1 : 0)) {
    if (c < '0' || c > '9' || value > (INT64_MAX / 10 - 10)) break;
    value = value * 10 + (c - '0');
  }
  return Timestamp(std::chrono::seconds(negative ? -value : value));
}

// Parses one record (without its leading separator).
GitCommit ParseRecord(std::string_view record) {
  GitCommit commit;
  std::array<std::string_view, kHeaderFields> fields;
  std::size_t position = 0;
  for (int i = 0; i < kHeaderFields; ++i) {
    std::size_t end = record.find('\0', position);
    if (end == std::string_view::npos) end = record.size();
    fields[static_cast<std::size_t>(i)] = record.substr(position, end - position);
    position = std::min(record.size(), end + 1);
  }
  std::size_t body_end = record.find('\0', position);
  if (body_end == std::string_view::npos) body_end = record.size();
  std::string_view body = record.substr(position, body_end - position);
  position = std::min(record.size(), body_end + 1);

  commit.sha = std::string(fields[0]);
  std::string_view parents = fields[1];
  while (!parents.empty()) {
    std::size_t space = parents.find(' ');
    std::string_view parent = parents.substr(0, space);
    if (!parent.empty()) commit.parents.emplace_back(parent);
    if (space == std::string_view::npos) break;
    parents.remove_prefix(space + 1);
  }
  commit.author = {RepairUtf8(fields[2]), RepairUtf8(fields[3])};
  commit.author_date = ParseUnixSeconds(fields[4]);
  commit.committer = {RepairUtf8(fields[5]), RepairUtf8(fields[6])};
  commit.commit_date = ParseUnixSeconds(fields[7]);
  commit.message = RepairUtf8(body);
  commit.subject = commit.message.substr(0, commit.message.find('\n'));
  TrailerOptions trailer_options;
  trailer_options.has_title = true;
  commit.trailers = ParseTrailers(commit.message, trailer_options);

  std::string_view paths = record.substr(position);
  while (!paths.empty()) {
    std::size_t end = paths.find('\0');
    std::string_view path = paths.substr(0, end);
    while (!path.empty() && path.front() == '\n') path.remove_prefix(1);
    if (!path.empty()) commit.touched_paths.emplace_back(path);
    if (end == std::string_view::npos) break;
    paths.remove_prefix(end + 1);
  }
  return commit;
}

struct Child {
  pid_t pid = -1;
  int output = -1;
  int errors = -1;
};

Result<Child> Spawn(const std::vector<std::string>& arguments) {
  int output_pipe[2], error_pipe[2];
  if (::pipe2(output_pipe, O_CLOEXEC) != 0) return Fail(Error::IoError(std::strerror(errno)));
  if (::pipe2(error_pipe, O_CLOEXEC) != 0) {
    ::close(output_pipe[0]);
    ::close(output_pipe[1]);
    return Fail(Error::IoError(std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, output_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, error_pipe[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> argv;
  argv.reserve(arguments.size() + 1);
  for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  Child child;
  int status = posix_spawnp(&child.pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(output_pipe[1]);
  ::close(error_pipe[1]);
  if (status != 0) {
    ::close(output_pipe[0]);
    ::close(error_pipe[0]);
    return Fail(Error::Unavailable("cannot run " + arguments[0] + ": " + std::strerror(status)));
  }
  child.output = output_pipe[0];
  child.errors = error_pipe[0];
  return child;
}

// Reads both pipes until they close, handing stdout chunks to `on_output`.
void Drain(Child& child, std::string& errors,
           const std::function<void(std::string_view)>& on_output) {
  std::vector<char> buffer(1 << 20);
  std::array<pollfd, 2> fds = {pollfd{child.output, POLLIN, 0}, pollfd{child.errors, POLLIN, 0}};
  int open_count = 2;
  while (open_count > 0) {
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (pollfd& fd : fds) {
      if (fd.fd < 0 || !(fd.revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t count = ::read(fd.fd, buffer.data(), buffer.size());
      if (count < 0 && errno == EINTR) continue;
      if (count <= 0) {
        ::close(fd.fd);
        fd.fd = -1;
        --open_count;
        continue;
      }
      std::string_view chunk(buffer.data(), static_cast<std::size_t>(count));
      if (fd.fd == child.output) {
        on_output(chunk);
      } else if (errors.size() < 4096) {
        errors.append(chunk);
      }
    }
  }
}

int Wait(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Result<void> CheckRepository(const std::string& repository) {
  std::error_code error;
  if (!std::filesystem::is_directory(repository, error)) {
    return Fail(Error(ErrorCode::kNotFound, "no git repository here", repository));
  }
  return Ok();
}

Error GitFailure(const std::string& repository, int exit_code, const std::string& errors) {
  std::string message = errors.empty() ? "git exited with status " + std::to_string(exit_code)
                                       : std::string(errors.substr(0, errors.find('\n')));
  if (message.find("not a git repository") != std::string::npos) {
    return Error(ErrorCode::kNotFound, message, repository);
  }
  return Error(ErrorCode::kInvalidArgument, message, repository);
}

}  // namespace

std::size_t ParseGitLogStream(std::string_view data, bool at_end,
                              const std::function<void(GitCommit&&)>& visit) {
  std::size_t position = 0;
  while (position < data.size()) {
    if (data[position] != '\x1e') {
      // Not at a record: skip to the next one (damaged or foreign output).
      std::size_t next = data.find("\0\x1e", position, 2);
      if (next == std::string_view::npos) return at_end ? data.size() : position;
      position = next + 1;
      continue;
    }
    // A record ends where the next one starts; records are always preceded by NUL.
    std::size_t next = data.find(std::string_view("\0\x1e", 2), position + 1);
    std::size_t end = next == std::string_view::npos ? data.size() : next + 1;
    if (next == std::string_view::npos && !at_end) return position;
    visit(ParseRecord(data.substr(position + 1, end - position - 1)));
    position = end;
  }
  return position;
}

Result<void> ForEachGitCommit(const std::string& repository, const GitReadOptions& options,
                              const std::function<void(GitCommit&&)>& visit) {
  ST_TRY(CheckRepository(repository));
  if (options.revision_range.starts_with("-")) {
    return Fail(Error::InvalidArgument("a revision range cannot start with '-': " +
                                       options.revision_range));
  }
  std::vector<std::string> arguments = {options.git_program,
                                        "-C",
                                        repository,
                                        "-c",
                                        "core.quotepath=off",
                                        "log",
                                        "-z",
                                        "--no-color",
                                        "--no-renames",
                                        "--no-show-signature",
                                        std::string("--format=") + kGitLogFormat};
  if (options.touched_paths) arguments.push_back("--name-only");
  if (options.max_count > 0)
    arguments.push_back("--max-count=" + std::to_string(options.max_count));
  arguments.push_back(options.revision_range.empty() ? "HEAD" : options.revision_range);
  for (const std::string& seen : options.seen_commits) {
    if (!IsHexId(seen)) return Fail(Error::InvalidArgument("not a commit id: " + seen));
    arguments.push_back("^" + seen);
  }
  arguments.push_back("--");
  for (const std::string& pathspec : options.pathspecs) arguments.push_back(pathspec);

  Child child = ST_TRY(Spawn(arguments));
  std::string pending, errors;
  Drain(child, errors, [&](std::string_view chunk) {
    pending.append(chunk);
    std::size_t consumed = ParseGitLogStream(pending, false, visit);
    pending.erase(0, consumed);
  });
  int exit_code = Wait(child.pid);
  if (exit_code != 0) return Fail(GitFailure(repository, exit_code, errors));
  ParseGitLogStream(pending, true, visit);
  return Ok();
}

Result<std::vector<GitCommit>> ReadGitHistory(const std::string& repository,
                                              const GitReadOptions& options) {
  std::vector<GitCommit> commits;
  ST_TRY(ForEachGitCommit(repository, options,
                          [&](GitCommit&& commit) { commits.push_back(std::move(commit)); }));
  return commits;
}

Result<std::string> ResolveGitRevision(const std::string& repository, const std::string& revision,
                                       const std::string& git_program) {
  ST_TRY(CheckRepository(repository));
  if (revision.empty() || revision.starts_with("-")) {
    return Fail(Error::InvalidArgument("bad revision: " + revision));
  }
  Child child = ST_TRY(Spawn({git_program, "-C", repository, "rev-parse", "--verify", "--quiet",
                              "--end-of-options", revision + "^{commit}"}));
  std::string output, errors;
  Drain(child, errors, [&](std::string_view chunk) { output.append(chunk); });
  int exit_code = Wait(child.pid);
  if (exit_code != 0) {
    if (errors.empty()) errors = "unknown revision: " + revision;
    return Fail(GitFailure(repository, exit_code, errors));
  }
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  return output;
}

}  // namespace stocktake
