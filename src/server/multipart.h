// MultipartParser: a strict, incremental multipart/form-data reader (RFC 7578
// over RFC 2046), for POST /classify/. Bytes go in as they arrive, in pieces
// of any size; each part's headers and then its data come out through two
// callbacks, so memory holds one part head (at most kMaxPartHead bytes) and a
// delimiter's length of data, whatever the body's size.
//
//   StatusOr<std::string> boundary = MultipartBoundary(content_type_header);
//   MultipartParser parser(*boundary,
//       [&](const MultipartPart& p) { in_file = p.name == "file"; },
//       [&](std::string_view data) { if (in_file) content.append(data); });
//   LOGSIEVE_RETURN_IF_ERROR(parser.Feed(piece));   // as often as needed
//   LOGSIEVE_RETURN_IF_ERROR(parser.Finish());      // the close delimiter was seen
//
// Refused (InvalidArgument, naming the problem): no opening delimiter, a part
// head over kMaxPartHead or with a line that is not "Name: value", a part
// without `Content-Disposition: form-data; name=...`, a body that ends
// before the close delimiter. A preamble and an epilogue are skipped.
//
// Thread safety: one parser per body; not shared.
#ifndef LOGSIEVE_SERVER_MULTIPART_H_
#define LOGSIEVE_SERVER_MULTIPART_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace logsieve {

struct MultipartPart {
  std::string name;          // the form field
  std::string filename;      // "" when the part is not a file
  std::string content_type;  // "" when not given
};

// The boundary parameter of a multipart/form-data Content-Type value (quoted
// or not); an error when there is none or it is not 1..70 characters.
StatusOr<std::string> MultipartBoundary(std::string_view content_type);

class MultipartParser {
 public:
  static constexpr size_t kMaxPartHead = 16 << 10;

  using PartCallback = std::function<void(const MultipartPart&)>;
  using DataCallback = std::function<void(std::string_view)>;

  MultipartParser(std::string_view boundary, PartCallback on_part, DataCallback on_data);

  // Consumes `bytes`. After an error every later call returns it again.
  Status Feed(std::string_view bytes);
  // The body ended: an error unless the close delimiter was seen.
  Status Finish();

 private:
  enum class State { kPreamble, kAfterDelimiter, kHead, kData, kEpilogue };
  Status Fail(std::string message);
  Status ParseHead(std::string_view head);

  const std::string delimiter_;  // "\r\n--" + boundary
  PartCallback on_part_;
  DataCallback on_data_;
  State state_ = State::kPreamble;
  std::string pending_;  // bytes not yet decided on
  size_t parts_ = 0;
  Status error_;
};

}  // namespace logsieve

#endif  // LOGSIEVE_SERVER_MULTIPART_H_
