// libFuzzer target: the mbox splitter, un-quoting and the per-message parser
// together, as ParseMboxBytes runs them on an untrusted mailbox.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "stocktake/ingest/mail_batch.h"
#include "stocktake/ingest/patch_series.h"
#include "stocktake/ingest/threading.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  stocktake::MailReadOptions options;
  options.threads = 1;
  options.format = size % 2 == 0 ? stocktake::MboxFormat::kMboxrd : stocktake::MboxFormat::kMboxo;
  stocktake::MailBatch batch = stocktake::ParseMboxBytes(bytes, "fuzz.mbox", options);
  stocktake::ThreadMessages(batch.messages);
  stocktake::SeriesSet series = stocktake::AssembleSeries(batch.messages);
  stocktake::CollectSeriesTrailers(batch.messages, series);
  return 0;
}
