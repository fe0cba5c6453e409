#pragma once

// Small helpers shared by the ingest benchmark programs: wall-clock timing,
// running a shell command as a baseline, peak memory.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace stocktake::bench {

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
