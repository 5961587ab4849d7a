#pragma once
// A Hub model id as --model gives it (hub.md): NAME or ORG/NAME, and the revision asked for.
#include <optional>
#include <string>
#include <string_view>

namespace attnlab {

struct RepoId {
  std::string org;  // empty for a bare NAME
  std::string name;

  std::string text() const { return org.empty() ? name : org + "/" + name; }
  // The cache's folder of the repo, as huggingface_hub's repo_folder_name writes it:
  // models--ORG--NAME (models--NAME without an org).
  std::string folder_name() const;
};

// The id when `text` is one: each part [A-Za-z0-9_][A-Za-z0-9._-]*, not ending in '.' or '-',
// at most 96 characters, no ".." or "--" inside, not ending in ".git" (huggingface_hub's
// validate_repo_id, in ASCII). Anything else: nothing.
std::optional<RepoId> parse_repo_id(std::string_view text);

// Whether --model's `source` names a folder (hub.md): one that exists, which always wins over a Hub id of
// the same name, or anything written as a path (/…, ./…, ../…, ~…), whose loader then says that it does
// not exist. Anything else is a Hub id or neither (parse_repo_id).
bool names_folder(const std::string& source);

// The repo of a cache folder name, models--ORG--NAME → ORG/NAME; nothing for any other name.
std::optional<RepoId> repo_of_folder_name(std::string_view folder);

// A 40-hex commit: as huggingface_hub's REGEX_COMMIT_HASH, lower case.
bool is_commit_hash(std::string_view revision);

// Throws InputError naming --revision when `revision` could not be a branch, tag or commit: empty,
// longer than 200, characters other than [A-Za-z0-9._/-], or a path part that is empty, "." or "..".
// (It becomes a file under refs/.)
void check_revision(std::string_view revision);

}  // namespace attnlab
