// The web page's model source: none. A page has no tokenizer and no forward pass (core/inputs/
// model_input_web.cpp), so the window offers no model source, and a model asked for is refused.
#include "app/gui/model_source.hpp"

namespace attnlab::gui {
namespace {

const char* const no_models =
    "real models (--model, --example induction) run in the desktop app; this web page has no tokenizer and no "
    "forward pass";

}  // namespace

bool real_models_available() {
  return false;
}

std::shared_ptr<const ModelRun> loaded_model(const std::string&, const std::string&) {
  return nullptr;
}

std::shared_ptr<const ModelRun> load_model_run(const std::string&, const std::string&, const ModelProgress&) {
  throw InputError(no_models);
}

void start_on_model(const InputOptions&, Settings&) {
  throw InputError(no_models);
}

void follow_layer(Settings&, int) {}

std::vector<NextTokenLabel> next_token_labels(const ModelRun&, int) {
  return {};
}

HeadsProblem model_source(const Settings&) {
  throw InputError(no_models);
}

}  // namespace attnlab::gui
