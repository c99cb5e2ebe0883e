// "key = value" files; the grammar is in key_value.h.
#include "key_value.h"

#include "certledger/utf8.h"

namespace certledger::internal {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && (IsSpace(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool IsKeyChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

}  // namespace

Result<std::vector<Setting>> ParseKeyValue(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<Setting> out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    std::size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    const std::string where = "line " + std::to_string(line_no) + ": ";
    if (!IsValidUtf8(line)) return Status::InvalidArgument(where + "not valid UTF-8");
    line = Trim(line);
    if (line.empty() || line.front() == '#') continue;
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument(where + "expected key = value");
    }
    std::string_view key = Trim(line.substr(0, eq));
    bool key_ok = !key.empty();
    for (char c : key) key_ok = key_ok && IsKeyChar(c);
    if (!key_ok) return Status::InvalidArgument(where + "expected key = value");
    out.push_back(Setting{line_no, std::string(key), std::string(Trim(line.substr(eq + 1)))});
  }
  return out;
}

}  // namespace certledger::internal
