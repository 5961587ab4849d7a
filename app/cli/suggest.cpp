#include "app/cli/suggest.hpp"

#include <algorithm>
#include <vector>

namespace attnlab::cli {
namespace {

// Optimal string alignment distance: "exprot" is one swap from "export".
std::size_t edits(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

// The long options of a command: "--example", "--layer", ...
std::vector<std::string> option_names(CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::Option* o : command.get_options())
    for (const std::string& n : o->get_lnames()) names.push_back("--" + n);
  return names;
}

}  // namespace

std::string nearest_name(std::string_view word, const std::vector<std::string>& names) {
  std::string best;
  std::size_t fewest = std::max<std::size_t>(1, word.size() / 3) + 1;
  for (const std::string& name : names)
    if (const std::size_t e = edits(word, name); e < fewest && e > 0) fewest = e, best = name;
  return best;
}

std::string suggestion(CLI::App& app, int argc, char** argv) {
  std::vector<std::string> commands;
  CLI::App* command = &app;
  for (CLI::App* sub : app.get_subcommands({})) {
    commands.push_back(sub->get_name());
    if (argc > 1 && sub->get_name() == argv[1]) command = sub;
  }
  // A first word that is no subcommand: the nearest subcommand.
  if (argc > 1 && argv[1][0] != '-' && command == &app) {
    const std::string near = nearest_name(argv[1], commands);
    return near.empty() ? "" : " — did you mean " + near + "?";
  }
  // An option the command does not have: the nearest of its options.
  const std::vector<std::string> options = option_names(*command);
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (!arg.starts_with("--")) continue;
    const std::string name(arg.substr(0, arg.find('=')));
    if (std::find(options.begin(), options.end(), name) != options.end()) continue;
    const std::string near = nearest_name(name, options);
    if (!near.empty()) return " — did you mean " + near + "?";
  }
  return "";
}

}  // namespace attnlab::cli
