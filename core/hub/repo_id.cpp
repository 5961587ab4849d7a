#include "core/hub/repo_id.hpp"

#include <filesystem>

#include "core/base/quote.hpp"
#include "core/base/matrix.hpp"

namespace attnlab {
namespace {

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool valid_part(std::string_view part) {
  if (part.empty() || part.size() > 96 || !word_char(part.front()) || !word_char(part.back())) return false;
  for (const char c : part)
    if (!word_char(c) && c != '.' && c != '-') return false;
  return part.find("..") == std::string_view::npos && part.find("--") == std::string_view::npos;
}

}  // namespace

std::string RepoId::folder_name() const {
  return org.empty() ? "models--" + name : "models--" + org + "--" + name;
}

std::optional<RepoId> parse_repo_id(std::string_view text) {
  const std::size_t slash = text.find('/');
  RepoId id;
  if (slash == std::string_view::npos) {
    id.name = text;
  } else {
    id.org = text.substr(0, slash);
    id.name = text.substr(slash + 1);
  }
  if ((slash != std::string_view::npos && !valid_part(id.org)) || !valid_part(id.name) || text.ends_with(".git"))
    return std::nullopt;
  return id;
}

std::optional<RepoId> repo_of_folder_name(std::string_view folder) {
  if (!folder.starts_with("models--")) return std::nullopt;
  folder.remove_prefix(8);
  const std::size_t separator = folder.find("--");
  std::string text(folder);
  if (separator != std::string_view::npos) text.replace(separator, 2, "/");
  return parse_repo_id(text);
}

bool is_commit_hash(std::string_view revision) {
  if (revision.size() != 40) return false;
  for (const char c : revision)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

void check_revision(std::string_view revision) {
  const auto refuse = [&](const std::string& why) {
    throw InputError("--revision '" + excerpt(revision) + "' " + why);
  };
  if (revision.empty()) refuse("is empty: give a branch, a tag or a commit (default main)");
  if (revision.size() > 200) refuse("is longer than 200 characters");
  for (const char c : revision)
    if (!word_char(c) && c != '.' && c != '-' && c != '/')
      refuse("is not a branch, tag or commit: letters, digits, '.', '_', '-' and '/' only");
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = revision.find('/', start);
    const std::string_view part = revision.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") refuse("has an empty, '.' or '..' part");
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

bool names_folder(const std::string& source) {
  std::error_code error;
  const char first = source.empty() ? '\0' : source.front();
  return std::filesystem::is_directory(source, error) || first == '/' || first == '.' || first == '~';
}

}  // namespace attnlab
