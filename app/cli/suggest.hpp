#pragma once
// "did you mean export?": the nearest of the known names to a mistyped one, for the first-run messages.
#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::cli {

// The name among `names` fewest edits (insertions, deletions, substitutions, swaps of neighbours)
// from `word`, when at most a third of the word's letters (and at least one) differ; else "".
std::string nearest_name(std::string_view word, const std::vector<std::string>& names);

// For a command line that CLI11 refused with arguments it did not expect: " — did you mean X?" for
// its first mistyped subcommand or option, or "" when nothing is near enough.
std::string suggestion(CLI::App& app, int argc, char** argv);

}  // namespace attnlab::cli
