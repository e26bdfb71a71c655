// Fuzz target: the CSV reader and the record readers on arbitrary bytes.
// Invariants: nothing crashes, reading always terminates, and every row read
// comes back unchanged through AppendCsvRow + CsvReader.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "io/csv.h"
#include "io/records.h"

using logsieve::CsvOptions;
using logsieve::CsvReader;
using logsieve::CsvRow;
using logsieve::InputStream;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  CsvReader reader(InputStream::FromString(input, "fuzz"), CsvOptions{256});
  CsvRow row;
  size_t guard = 0;
  for (;;) {
    if (++guard > size + 8) {
      std::fprintf(stderr, "csv_fuzz: reader did not make progress\n");
      std::abort();
    }  // each Next consumes at least one byte or ends
    logsieve::StatusOr<bool> more = reader.Next(&row);
    if (!more.ok()) continue;
    if (!*more) break;
    std::string text;
    logsieve::AppendCsvRow(row.fields, &text);
    CsvReader again(InputStream::FromString(text, "again"), CsvOptions{1 << 20});
    CsvRow back;
    logsieve::StatusOr<bool> ok = again.Next(&back);
    if (!ok.ok() || !*ok || back.fields != row.fields) {
      std::fprintf(stderr, "csv_fuzz: row at line %llu does not read back the same\n",
                   static_cast<unsigned long long>(row.line));
      std::abort();
    }
  }
  for (auto format :
       {logsieve::Format::kCsv, logsieve::Format::kNdjson, logsieve::Format::kLines}) {
    logsieve::ReadOptions ro;
    ro.format = format;
    ro.skip_malformed = true;
    ro.max_record_bytes = 256;
    auto r = logsieve::RecordReader::Open(InputStream::FromString(input, "fuzz"), ro);
    if (!r.ok()) continue;
    logsieve::RecordBatch b;
    std::string out;
    auto w = logsieve::RecordWriter::ToString(&out, {.format = format, .detail = true}, format,
                                              (*r)->columns());
    for (;;) {
      b.Clear();
      auto n = (*r)->Read(16, &b);
      if (!n.ok() || *n == 0) break;
      b.batch.Reset();
      if (!w->Write(b).ok()) std::abort();
    }
    (void)w->Commit();
  }
  return 0;
}
