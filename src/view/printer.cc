#include "stocktake/view/printer.h"

#include "stocktake/view/json_printer.h"
#include "stocktake/view/text_printer.h"

namespace stocktake::view {

std::unique_ptr<Printer> MakePrinter(Format format, std::ostream& out) {
  if (format == Format::kJson) return std::make_unique<JsonPrinter>(out);
  return std::make_unique<TextPrinter>(out);
}

}  // namespace stocktake::view
