#include "common/yaml_nesting.h"

#include <string>
#include <vector>

namespace logsieve {

Status CheckYamlNesting(std::string_view text, std::string_view origin, size_t max_depth) {
  std::vector<size_t> indents;                      // block indentation levels open at this line
  size_t flow = 0;                                  // open [ and { (they may span lines)
  size_t block_scalar_at = std::string_view::npos;  // indent of a | or > header
  char quote = 0;                                   // inside '...' or "..." spanning lines
  size_t line_no = 0;
  size_t pos = 0;
  auto too_deep = [&] {
    return InvalidArgumentError(std::string(origin) + ":" + std::to_string(line_no) +
                                ": YAML nested too deeply (more than " + std::to_string(max_depth) +
                                " levels)");
  };
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ') ++indent;
    const bool blank = indent == line.size() || line[indent] == '#' || line[indent] == '\r';
    if (block_scalar_at != std::string_view::npos) {
      if (blank || indent > block_scalar_at) continue;  // the scalar's body
      block_scalar_at = std::string_view::npos;
    }
    if (blank && quote == 0) continue;
    size_t i = indent;
    size_t block = 0;
    if (flow == 0 && quote == 0) {
      while (!indents.empty() && indents.back() > indent) indents.pop_back();
      if (indents.empty() || indents.back() < indent) indents.push_back(indent);
      block = indents.size();
      // "- - - x" and "? " open one level each on the same line.
      while (i + 1 < line.size() && (line[i] == '-' || line[i] == '?') && line[i + 1] == ' ') {
        ++block;
        i += 2;
        while (i < line.size() && line[i] == ' ') ++i;
      }
      if (block > max_depth) return too_deep();
    }
    for (; i < line.size(); ++i) {
      char c = line[i];
      if (quote != 0) {
        if (c == quote) {
          if (quote == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
            ++i;  // '' inside '...'
          } else {
            quote = 0;
          }
        } else if (c == '\\' && quote == '"') {
          ++i;
        }
        continue;
      }
      if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) break;
      if ((c == '"' || c == '\'') &&
          (i == 0 || line[i - 1] == ' ' || line[i - 1] == '[' || line[i - 1] == '{' ||
           line[i - 1] == ',' || line[i - 1] == ':' || line[i - 1] == '-')) {
        quote = c;
        continue;
      }
      if (c == '[' || c == '{') {
        if (block + ++flow > max_depth) return too_deep();
      } else if ((c == ']' || c == '}') && flow > 0) {
        --flow;
      }
    }
    // A block scalar header ends its line with | or > (maybe with -, + or a digit).
    if (quote == 0 && flow == 0) {
      size_t e = line.size();
      while (e > indent && (line[e - 1] == ' ' || line[e - 1] == '\r' || line[e - 1] == '\t')) --e;
      size_t h = e;
      while (h > indent && (line[h - 1] == '-' || line[h - 1] == '+' ||
                            (line[h - 1] >= '0' && line[h - 1] <= '9')))
        --h;
      if (h > indent && (line[h - 1] == '|' || line[h - 1] == '>') &&
          (h - 1 == indent || line[h - 2] == ' ')) {
        block_scalar_at = indent;
      }
    }
    if (end == text.size()) break;
  }
  return OkStatus();
}

}  // namespace logsieve
