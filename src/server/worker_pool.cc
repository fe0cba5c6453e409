#include "stocktake/server/worker_pool.h"

#include <utility>

namespace stocktake::server {

Result<std::unique_ptr<WorkerPool>> WorkerPool::Open(std::size_t workers, const StoreOpener& open) {
  if (workers == 0) return Fail(Error::InvalidArgument("a worker pool needs at least one worker"));
  std::vector<std::unique_ptr<Store>> stores;
  for (std::size_t index = 0; index < workers; ++index) stores.push_back(ST_TRY(open()));
  return std::unique_ptr<WorkerPool>(new WorkerPool(std::move(stores)));
}

WorkerPool::WorkerPool(std::vector<std::unique_ptr<Store>> stores) : stores_(std::move(stores)) {
  for (auto& store : stores_) {
    threads_.emplace_back([this, &store] { Work(*store); });
  }
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void WorkerPool::Submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  ready_.notify_one();
}

void WorkerPool::Work(Store& store) {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      // Stopping still drains the queue: every submitted job runs.
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job(store);
  }
}

}  // namespace stocktake::server
