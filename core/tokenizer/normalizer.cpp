#include "core/tokenizer/normalizer.hpp"

#include <utf8proc.h>

#include <memory>

#include "core/base/error.hpp"
#include "core/tokenizer/regex.hpp"
#include "core/tokenizer/utf8.hpp"

namespace attnlab {

namespace {

// Unicode normalization through utf8proc; the text is valid UTF-8 by now.
std::function<void(std::string&)> unicode_form(utf8proc_option_t options, const std::string& where) {
  return [options, where](std::string& text) {
    utf8proc_uint8_t* out = nullptr;
    const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                            static_cast<utf8proc_ssize_t>(text.size()), &out, options);
    const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(out, &std::free);
    if (n < 0) throw InputError(where + ": " + utf8proc_errmsg(n));
    text.assign(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
  };
}

// A pattern {"String": s} or {"Regex": r}.
Regex read_pattern(const JsonAt& pattern) {
  pattern.expect_object();
  if (pattern.has("String")) return Regex(pattern["String"].str(), true, pattern["String"].where());
  if (pattern.has("Regex")) return Regex(pattern["Regex"].str(), false, pattern["Regex"].where());
  pattern.fail("expected {\"String\": …} or {\"Regex\": …}");
}

}  // namespace

Normalizer Normalizer::read(const JsonAt& json) {
  Normalizer n;
  if (!json.value().is_null()) n.add(json);
  return n;
}

void Normalizer::add(const JsonAt& json) {
  json.expect_object();
  const std::string type = json["type"].str();
  if (type == "Sequence") {
    const JsonAt list = json["normalizers"];
    for (std::size_t i = 0; i < list.size(); ++i) add(list[i]);
  } else if (type == "Prepend") {
    // The reference prepends to non-empty text only.
    steps_.push_back([prefix = json["prepend"].str()](std::string& text) {
      if (!text.empty()) text.insert(0, prefix);
    });
  } else if (type == "Replace") {
    const JsonAt pattern = json["pattern"];
    const std::string content = json["content"].str();
    if (pattern.has("String") && pattern["String"].str() == " ") space_replacement_ = content;
    steps_.push_back([regex = read_pattern(pattern), content](std::string& text) {
      std::string out;
      std::size_t done = 0;
      for (const auto& [begin, end] : regex.find_all(text)) {
        out.append(text, done, begin - done);
        out += content;
        done = end;
      }
      out.append(text, done);
      text = std::move(out);
    });
  } else if (type == "NFC") {
    steps_.push_back(unicode_form(utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_COMPOSE), json.where()));
  } else if (type == "NFD") {
    steps_.push_back(unicode_form(utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE), json.where()));
  } else if (type == "NFKC") {
    steps_.push_back(
        unicode_form(utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT), json.where()));
  } else if (type == "NFKD") {
    steps_.push_back(
        unicode_form(utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT), json.where()));
  } else if (type == "Strip") {
    steps_.push_back(
        [left = json.boolean("strip_left", true), right = json.boolean("strip_right", true)](std::string& text) {
          std::size_t begin = 0, end = text.size();
          while (left && begin < end && utf8::is_whitespace(utf8::decode(text, begin)))
            begin += utf8::char_length(text, begin);
          while (right && end > begin && utf8::is_whitespace(utf8::decode(text, utf8::char_before(text, end))))
            end = utf8::char_before(text, end);
          text = text.substr(begin, end - begin);
        });
  } else {
    json["type"].fail("the normalizer '" + type +
                      "' is not supported (supported: Sequence, Prepend, Replace, NFC, NFD, NFKC, NFKD, Strip)");
  }
}

void Normalizer::apply(std::string& text) const {
  for (const auto& step : steps_) step(text);
}

}  // namespace attnlab
