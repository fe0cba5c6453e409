#include "stocktake/server/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>

#include "stocktake/storage/open_store.h"

namespace stocktake::server {
namespace {

WorkerPool::StoreOpener MemoryStores(int* opened) {
  return [opened]() -> Result<std::unique_ptr<Store>> {
    ++*opened;
    return OpenStore(":memory:");
  };
}

TEST(WorkerPoolTest, OpensOneStorePerWorkerOnce) {
  int opened = 0;
  auto pool = ST_MUST(WorkerPool::Open(3, MemoryStores(&opened)));
  EXPECT_EQ(pool->size(), 3u);
  EXPECT_EQ(opened, 3);
  std::mutex mutex;
  std::set<Store*> used;
  for (int job = 0; job < 50; ++job) {
    pool->Submit([&](Store& store) {
      std::lock_guard lock(mutex);
      used.insert(&store);
    });
  }
  pool.reset();
  EXPECT_EQ(opened, 3);
  EXPECT_GE(used.size(), 1u);
  EXPECT_LE(used.size(), 3u);
}

TEST(WorkerPoolTest, DestroyingItRunsEveryJobSubmitted) {
  int opened = 0;
  auto pool = ST_MUST(WorkerPool::Open(2, MemoryStores(&opened)));
  std::atomic<int> ran = 0;
  for (int job = 0; job < 200; ++job) {
    pool->Submit([&ran](Store& store) {
      if (store.LoadProject()) ++ran;
    });
  }
  pool.reset();
  EXPECT_EQ(ran, 200);
}

TEST(WorkerPoolTest, AStoreThatCannotOpenLeavesNothingRunning) {
  int calls = 0;
  auto pool = WorkerPool::Open(3, [&calls]() -> Result<std::unique_ptr<Store>> {
    if (++calls == 2) return Fail(Error::Unavailable("connection refused"));
    return OpenStore(":memory:");
  });
  ASSERT_FALSE(pool);
  EXPECT_EQ(pool.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(WorkerPool::Open(0, MemoryStores(&calls)));
}

}  // namespace
}  // namespace stocktake::server
