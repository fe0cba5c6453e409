#pragma once

// WorkerPool: the threads of `stocktake serve` that touch the database. Each
// worker opens its own Store once, at start, and keeps it: one database
// session per worker, as a Store is used by one thread at a time. The I/O
// thread never waits on the database; it submits a job and is called back.
//
// Submit() may be called from any thread. The destructor runs every job
// already submitted, then joins the workers: a request in flight finishes.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "stocktake/result.h"
#include "stocktake/storage/store.h"

namespace stocktake::server {

class WorkerPool {
 public:
  /// A unit of work, run on one worker with that worker's Store.
  using Job = std::function<void(Store& store)>;
  /// Opens one worker's Store.
  using StoreOpener = std::function<Result<std::unique_ptr<Store>>()>;

  /// Opens `workers` stores with `open` (at least one), then starts one
  /// thread for each. Errors: the first failure of `open` (nothing is left
  /// running then).
  [[nodiscard]] static Result<std::unique_ptr<WorkerPool>> Open(std::size_t workers,
                                                                const StoreOpener& open);

  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Queues `job`; the first idle worker runs it. Jobs never throw: a job
  /// reports its failure through what it captured.
  void Submit(Job job);

  std::size_t size() const { return stores_.size(); }

 private:
  explicit WorkerPool(std::vector<std::unique_ptr<Store>> stores);
  void Work(Store& store);

  std::vector<std::unique_ptr<Store>> stores_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> jobs_;   // Guarded by mutex_.
  bool stopping_ = false;  // Guarded by mutex_.
  std::vector<std::thread> threads_;
};

}  // namespace stocktake::server
