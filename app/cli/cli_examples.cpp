// attnlab examples: the built-in examples, one name per line (the lab's own, then the tiny models).
#include <iostream>

#include "app/cli/command.hpp"
#include "core/inputs/examples.hpp"
#include "core/inputs/model_examples.hpp"

namespace attnlab::cli {

Command add_examples_command(CLI::App& app, InputOptions&, HubCliOptions&) {
  auto* command = app.add_subcommand("examples", "list the built-in examples, one name per line");
  return {command, [] {
            for (const auto& name : example_names()) std::cout << name << "\n";
            for (const ModelExample& e : model_examples()) std::cout << e.name << "\n";
            return 0;
          }};
}

}  // namespace attnlab::cli
