// libFuzzer target: one RFC 5322/MIME message through the header scan, RFC 2047
// decoding, charsets, QP/base64 and multipart walking, plus the subject and
// trailer parsers on the result.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "stocktake/ingest/mail_message.h"
#include "stocktake/ingest/patch_series.h"
#include "stocktake/ingest/trailers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto message = stocktake::ParseMailMessage(bytes);
  if (message) {
    stocktake::ParseSubjectPrefix(message->subject);
    stocktake::ParseTrailers(message->body);
    stocktake::ParseReplyTrailers(message->body);
  }
  stocktake::ParseMailDate(bytes.substr(0, 200));
  return 0;
}
