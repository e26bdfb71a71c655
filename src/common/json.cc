#include "common/json.h"

#include <new>
#include <string>

namespace logsieve {
namespace {

// "[json.exception.parse_error.101] parse error at line 1, column 3: syntax
// error ..." -> "syntax error ..."; the position is reported separately.
std::string Detail(const std::string& what) {
  std::string_view s = what;
  if (s.starts_with("[json.exception.")) {
    size_t close = s.find("] ");
    if (close != std::string_view::npos) s.remove_prefix(close + 2);
  }
  if (s.starts_with("parse error")) {
    size_t colon = s.find(": ");
    if (colon != std::string_view::npos) s.remove_prefix(colon + 2);
  }
  return std::string(s);
}

// Line and column (1-based) of byte `offset`, for messages.
std::string Position(std::string_view text, size_t offset) {
  if (offset > text.size()) offset = text.size();
  size_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(offset - line_start + 1);
}

// Byte offset of the bracket that opens level `depth` (1-based), skipping
// strings. Only called after the SAX pass refused the nesting, so it exists.
size_t OffsetOfDepth(std::string_view text, size_t depth) {
  size_t level = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++level == depth) return i;
    } else if (c == ']' || c == '}') {
      --level;
    }
  }
  return text.size();
}

// Forwards every event to nlohmann's own DOM builder, refusing to open a level
// past the limit and keeping the first error instead of throwing it.
template <typename Json>
class DepthLimitedDomBuilder {
 public:
  using number_integer_t = typename Json::number_integer_t;
  using number_unsigned_t = typename Json::number_unsigned_t;
  using number_float_t = typename Json::number_float_t;
  using string_t = typename Json::string_t;
  using binary_t = typename Json::binary_t;

  DepthLimitedDomBuilder(Json& root, size_t max_depth)
      : dom_(root, /*allow_exceptions=*/false), max_depth_(max_depth) {}

  bool null() { return dom_.null(); }
  bool boolean(bool v) { return dom_.boolean(v); }
  bool number_integer(number_integer_t v) { return dom_.number_integer(v); }
  bool number_unsigned(number_unsigned_t v) { return dom_.number_unsigned(v); }
  bool number_float(number_float_t v, const string_t& s) { return dom_.number_float(v, s); }
  bool string(string_t& v) { return dom_.string(v); }
  bool binary(binary_t& v) { return dom_.binary(v); }
  bool key(string_t& v) { return dom_.key(v); }
  bool start_object(std::size_t n) { return Open() && dom_.start_object(n); }
  bool end_object() {
    --depth_;
    return dom_.end_object();
  }
  bool start_array(std::size_t n) { return Open() && dom_.start_array(n); }
  bool end_array() {
    --depth_;
    return dom_.end_array();
  }
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) {
    error_offset_ = position;
    error_ = Detail(ex.what());
    return false;
  }

  bool too_deep() const { return too_deep_; }
  size_t error_offset() const { return error_offset_; }
  const std::string& error() const { return error_; }

 private:
  bool Open() {
    if (++depth_ > max_depth_) {
      too_deep_ = true;
      return false;
    }
    return true;
  }

  nlohmann::detail::json_sax_dom_parser<Json> dom_;
  size_t max_depth_;
  size_t depth_ = 0;
  bool too_deep_ = false;
  size_t error_offset_ = 0;
  std::string error_;
};

}  // namespace

template <typename Json>
StatusOr<Json> ParseJson(std::string_view text, std::string_view what, const JsonLimits& limits) {
  std::string name(what);
  if (limits.max_bytes != 0 && text.size() > limits.max_bytes) {
    return ResourceExhaustedError(name + ": JSON of " + std::to_string(text.size()) +
                                  " bytes exceeds the limit of " +
                                  std::to_string(limits.max_bytes) + " bytes");
  }
  // nlohmann's lexer takes a NUL byte for the end of input, so `{...}\0junk`
  // would parse as `{...}`; inside a string NUL is invalid anyway.
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return InvalidArgumentError(name + ": invalid JSON at " + Position(text, nul) + ": NUL byte");
  }
  Json root;
  DepthLimitedDomBuilder<Json> builder(root, limits.max_depth);
  bool ok = false;
  try {
    ok = Json::sax_parse(text.begin(), text.end(), &builder, nlohmann::json::input_format_t::json,
                         /*strict=*/true);
  } catch (const std::bad_alloc&) {
    return ResourceExhaustedError(name + ": out of memory parsing " + std::to_string(text.size()) +
                                  " bytes of JSON");
  } catch (const nlohmann::json::exception& e) {  // not expected: the builder does not throw
    return InvalidArgumentError(name + ": invalid JSON: " + Detail(e.what()));
  }
  if (ok) return root;
  if (builder.too_deep()) {
    size_t offset = OffsetOfDepth(text, limits.max_depth + 1);
    return InvalidArgumentError(name + ": JSON nested deeper than " +
                                std::to_string(limits.max_depth) + " levels at " +
                                Position(text, offset));
  }
  // nlohmann reports the position as characters read, one past the offending one.
  size_t offset = builder.error_offset() > 0 ? builder.error_offset() - 1 : 0;
  return InvalidArgumentError(name + ": invalid JSON at " + Position(text, offset) + ": " +
                              builder.error());
}

template StatusOr<nlohmann::json> ParseJson<nlohmann::json>(std::string_view, std::string_view,
                                                            const JsonLimits&);
template StatusOr<nlohmann::ordered_json> ParseJson<nlohmann::ordered_json>(std::string_view,
                                                                            std::string_view,
                                                                            const JsonLimits&);

}  // namespace logsieve
