#pragma once
// What the head-score, knock-out and rollout suites share: `attnlab heads --json` run and read, and
// the top head of a score.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli_run.hpp"

namespace heads_cli {

using cli_test::RunResult;

inline const char* const kScores[] = {"previous_token", "first_token", "duplicate_token",
                                      "induction",      "entropy",     "distance"};

inline std::string joined(const std::vector<long>& ids) {
  std::string list;
  for (const long id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
  return list;
}

inline nlohmann::json heads_json(const std::vector<std::string>& args) {
  std::vector<std::string> all{"heads", "--json"};
  all.insert(all.end(), args.begin(), args.end());
  const RunResult r = cli_test::run_attnlab(all);
  INFO(r.command);
  REQUIRE_MESSAGE(r.status == 0, r.err);
  return nlohmann::json::parse(r.out);
}

// (layer, head, score) of the highest non-null value of a score.
struct Top {
  long layer = -1, head = -1;
  double score = -1;
};
inline Top top_of(const nlohmann::json& out, const std::string& score) {
  Top top;
  const auto& table = out["scores"][score];
  for (std::size_t l = 0; l < table.size(); ++l)
    for (std::size_t h = 0; h < table[l].size(); ++h)
      if (!table[l][h].is_null() && table[l][h].get<double>() > top.score)
        top = {static_cast<long>(l), static_cast<long>(h), table[l][h].get<double>()};
  return top;
}

}  // namespace heads_cli
