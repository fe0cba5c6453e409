#pragma once

// Small helpers shared by the ingest benchmark programs: their input files,
// wall-clock timing, running a shell command as a baseline, peak memory.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

namespace stocktake::bench {

/// An input a benchmark reads (an mbox, a git repository), named on the
/// command line or else by an environment variable.
struct Input {
  const char* what;      ///< "mbox", "git repository"
  const char* variable;  ///< The environment variable that may name it.
  const char* obtain;    ///< One line on where to get it; bench/README.md has more.
};

/// The path of `input`: `argument` when not empty, else $`input.variable`.
/// When neither names an existing file or directory, prints what is missing
/// and how to obtain it to stderr and returns nothing; the caller exits non-zero.
inline std::optional<std::string> FindInput(const Input& input, const std::string& argument,
                                            const char* program) {
  std::string path = argument;
  if (path.empty() && std::getenv(input.variable) != nullptr) path = std::getenv(input.variable);
  std::error_code error;
  if (!path.empty() && std::filesystem::exists(path, error)) return path;
  if (path.empty()) {
    std::fprintf(stderr, "%s: no %s given: pass it as an argument or set %s.\n", program,
                 input.what, input.variable);
  } else {
    std::fprintf(stderr, "%s: %s %s does not exist.\n", program, input.what, path.c_str());
  }
  std::fprintf(stderr, "  %s\n  See bench/README.md.\n", input.obtain);
  return std::nullopt;
}

/// The mbox of the mail benchmarks.
inline constexpr Input kMboxInput = {
    "mbox", "STOCKTAKE_BENCH_MBOX",
    "The virtualization list: xz -dc ../shared/data/mail/virtualization-list/"
    "virtualization.lists.linux-foundation.org.0.mbox.xz > virtualization.mbox"};

/// The git repository of the git benchmarks.
inline constexpr Input kGitInput = {
    "git repository", "STOCKTAKE_BENCH_XEN_REPO",
    "The Xen history: git clone https://xenbits.xen.org/git-http/xen.git "
    "(or https://github.com/xen-project/xen)"};

inline double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Runs `command` with /bin/sh and returns its wall time in seconds, or a
/// negative value when it fails.
inline double TimeCommand(const std::string& command) {
  auto start = std::chrono::steady_clock::now();
  int status = std::system(command.c_str());
  double seconds = SecondsSince(start);
  return status == 0 ? seconds : -1.0;
}

/// Peak resident memory of this process (self) or of its waited-for children, in MiB.
inline double PeakMemoryMiB(bool children = false) {
  rusage usage{};
  getrusage(children ? RUSAGE_CHILDREN : RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

}  // namespace stocktake::bench
