#include "stocktake/ingest/mail_batch.h"

#include <algorithm>
#include <functional>
#include <thread>

namespace stocktake {
namespace {

int ThreadCount(const MailReadOptions& options, std::size_t items) {
  int threads =
      options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(1, threads);
  return static_cast<int>(
      std::min<std::size_t>(static_cast<std::size_t>(threads), std::max<std::size_t>(items, 1)));
}

// Runs `work(begin, end, out)` on contiguous slices of [0, count) whose weights
// are about equal, then concatenates the slices' batches in order.
MailBatch RunSliced(std::size_t count, int threads,
                    const std::function<std::uint64_t(std::size_t)>& weight,
                    const std::function<void(std::size_t, std::size_t, MailBatch&)>& work) {
  std::vector<std::size_t> bounds{0};
  if (threads > 1) {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < count; ++i) total += weight(i);
    std::uint64_t per_slice = total / static_cast<std::uint64_t>(threads) + 1;
    std::uint64_t running = 0;
    for (std::size_t i = 0; i < count; ++i) {
      running += weight(i);
      if (running >= per_slice * bounds.size() && static_cast<int>(bounds.size()) < threads) {
        bounds.push_back(i + 1);
      }
    }
  }
  if (bounds.back() != count) bounds.push_back(count);
  std::vector<MailBatch> slices(bounds.size() - 1);
  std::vector<std::thread> workers;
  for (std::size_t s = 1; s < slices.size(); ++s) {
    workers.emplace_back(work, bounds[s], bounds[s + 1], std::ref(slices[s]));
  }
  if (!slices.empty()) work(bounds[0], bounds[1], slices[0]);
  for (std::thread& worker : workers) worker.join();
  MailBatch merged;
  std::size_t total_messages = 0;
  for (const MailBatch& slice : slices) total_messages += slice.messages.size();
  merged.messages.reserve(total_messages);
  for (MailBatch& slice : slices) {
    std::move(slice.messages.begin(), slice.messages.end(), std::back_inserter(merged.messages));
    std::move(slice.failures.begin(), slice.failures.end(), std::back_inserter(merged.failures));
    merged.bytes += slice.bytes;
  }
  return merged;
}

// Every field given: Error has no default.
MailParseFailure Failure(const std::string& file, std::uint64_t offset, Error error) {
  return MailParseFailure{file, offset, std::move(error), false};
}

}  // namespace

MailBatch ParseMboxBytes(std::string_view data, const std::string& file,
                         const MailReadOptions& options) {
  std::vector<MboxEntry> entries = SplitMbox(data, options.start_offset);
  auto work = [&](std::size_t begin, std::size_t end, MailBatch& out) {
    std::string scratch;
    out.messages.reserve(end - begin);
    for (std::size_t i = begin; i < end; ++i) {
      const MboxEntry& entry = entries[i];
      std::string where = file + ":" + std::to_string(entry.offset);
      if (options.ends_file && i + 1 == entries.size() && LooksCutOff(entry.raw)) {
        out.failures.push_back(Failure(
            file, entry.offset,
            Error::Corruption("incomplete message: the file ends inside it; it is read when the "
                              "file has grown")
                .WithContext(where)));
        out.failures.back().cut_off = true;
        continue;
      }
      std::string_view text = UnquoteFromLines(entry.raw, options.format, scratch);
      Result<MailMessage> message = ParseMailMessage(text, options.parse);
      if (!message) {
        out.failures.push_back(Failure(file, entry.offset, message.error().WithContext(where)));
        continue;
      }
      message->file = file;
      message->offset = entry.offset;
      out.messages.push_back(std::move(*message));
    }
  };
  MailBatch batch = RunSliced(
      entries.size(), ThreadCount(options, entries.size()),
      [&](std::size_t i) { return static_cast<std::uint64_t>(entries[i].raw.size()); }, work);
  batch.bytes = data.size();
  return batch;
}

Result<MailBatch> ReadMbox(const std::string& path, const MailReadOptions& options) {
  std::unique_ptr<MboxFile> file = ST_TRY(MboxFile::Open(path));
  return ParseMboxBytes(file->bytes(), path, options);
}

Result<MailBatch> ReadMaildir(const std::string& root, const MailReadOptions& options) {
  std::vector<std::string> files = ST_TRY(ListMaildirFiles(root));
  auto work = [&](std::size_t begin, std::size_t end, MailBatch& out) {
    for (std::size_t i = begin; i < end; ++i) {
      Result<std::string> bytes = ReadFileBytes(files[i]);
      if (!bytes) {
        out.failures.push_back(Failure(files[i], 0, bytes.error()));
        continue;
      }
      out.bytes += bytes->size();
      Result<MailMessage> message = ParseMailMessage(*bytes, options.parse);
      if (!message) {
        out.failures.push_back(Failure(files[i], 0, message.error().WithContext(files[i])));
        continue;
      }
      message->file = files[i];
      out.messages.push_back(std::move(*message));
    }
  };
  return RunSliced(
      files.size(), ThreadCount(options, files.size()),
      [](std::size_t) { return std::uint64_t{1}; }, work);
}

}  // namespace stocktake
