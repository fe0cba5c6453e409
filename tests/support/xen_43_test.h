#pragma once

// Xen43Test: a test fixture holding the Xen 4.3 example
// (examples/xen-4.3.yaml) imported into an in-memory store on 2013-01-21 by
// an admin, with George Dunlap as its release manager, and the Planning
// service over it. For tests that walk the release from the seed mail on.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "stocktake/service/planning.h"
#include "stocktake/storage/open_store.h"
#include "tests/support/test_support.h"

namespace stocktake::testing {

/// The release manager of the example, and the admin who imported it.
inline constexpr char kXen43Manager[] = "george.dunlap@eu.citrix.com";
inline constexpr char kXen43Admin[] = "admin@example.org";

class Xen43Test : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = ST_MUST(OpenStore(":memory:"));
    planning_ = std::make_unique<Planning>(*store_);
    std::string text = ReadFileForTesting(SourcePath("examples/xen-4.3.yaml"));
    ASSERT_TRUE(
        planning_->Import(Acting(kXen43Admin, "2013-01-21"), text, "examples/xen-4.3.yaml"));
  }

  /// `who` acting at `now` (a date or date-time).
  static Context Acting(const char* who, const char* now) {
    Context context;
    context.actor = who;
    context.now = At(now);
    return context;
  }

  std::unique_ptr<Store> store_;
  std::unique_ptr<Planning> planning_;
};

}  // namespace stocktake::testing
