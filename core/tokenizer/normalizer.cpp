#include "core/tokenizer/normalizer.hpp"

#include <utf8proc.h>

#include <memory>

#include "core/base/error.hpp"
#include "core/tokenizer/regex.hpp"
#include "core/tokenizer/utf8.hpp"

namespace attnlab {

namespace {

using Edit = std::function<void(std::string&, std::size_t, const std::string&)>;

// Unicode normalization through utf8proc; the text is valid UTF-8 by now. A form makes a character at
// most 18 times longer, so its output is measured once it is made.
Edit unicode_form(utf8proc_option_t options) {
  return [options](std::string& text, std::size_t most, const std::string& where) {
    utf8proc_uint8_t* out = nullptr;
    const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                            static_cast<utf8proc_ssize_t>(text.size()), &out, options);
    const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(out, &std::free);
    if (n < 0) throw InputError(where + ": " + utf8proc_errmsg(n));
    if (static_cast<std::size_t>(n) > most) text_too_long(where, most);
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
  Edit edit;
  if (type == "Sequence") {
    const JsonAt list = json["normalizers"];
    for (std::size_t i = 0; i < list.size(); ++i) add(list[i]);
    return;
  } else if (type == "Prepend") {
    // The reference prepends to non-empty text only.
    edit = [prefix = json["prepend"].str()](std::string& text, std::size_t most, const std::string& where) {
      if (text.empty()) return;
      if (prefix.size() > most - std::min(most, text.size())) text_too_long(where, most);
      text.insert(0, prefix);
    };
  } else if (type == "Replace") {
    const JsonAt pattern = json["pattern"];
    const std::string content = json["content"].str();
    if (pattern.has("String") && pattern["String"].str() == " ") space_replacement_ = content;
    // Every match replaced, the text measured as it grows: a pattern that matches everywhere (the
    // empty one) with a long content would otherwise multiply it before any check.
    edit = [regex = read_pattern(pattern), content](std::string& text, std::size_t most, const std::string& where) {
      std::string out;
      std::size_t done = 0;
      const auto append = [&](std::string_view part) {
        if (part.size() > most - out.size()) text_too_long(where, most);
        out.append(part);
      };
      for (const auto& [begin, end] : regex.find_all(text)) {
        append(std::string_view(text).substr(done, begin - done));
        append(content);
        done = end;
      }
      append(std::string_view(text).substr(done));
      text = std::move(out);
    };
  } else if (type == "NFC") {
    edit = unicode_form(utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  } else if (type == "NFD") {
    edit = unicode_form(utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE));
  } else if (type == "NFKC") {
    edit = unicode_form(utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT));
  } else if (type == "NFKD") {
    edit = unicode_form(utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT));
  } else if (type == "Strip") {
    edit = [left = json.boolean("strip_left", true), right = json.boolean("strip_right", true)](
               std::string& text, std::size_t, const std::string&) {
      std::size_t begin = 0, end = text.size();
      while (left && begin < end && utf8::is_whitespace(utf8::decode(text, begin)))
        begin += utf8::char_length(text, begin);
      while (right && end > begin && utf8::is_whitespace(utf8::decode(text, utf8::char_before(text, end))))
        end = utf8::char_before(text, end);
      text = text.substr(begin, end - begin);
    };
  } else {
    json["type"].fail("the normalizer '" + type +
                      "' is not supported (supported: Sequence, Prepend, Replace, NFC, NFD, NFKC, NFKD, Strip)");
  }
  steps_.push_back({json.where(), std::move(edit)});
}

void Normalizer::apply(std::string& text, std::size_t most) const {
  for (const Step& step : steps_) step.edit(text, most, step.where);
}

void Normalizer::apply(Pieces& pieces, std::size_t most) const {
  std::size_t total = 0;
  for (const Piece& piece : pieces) total += piece.text.size();
  for (Piece& piece : pieces) {
    if (piece.id >= 0) continue;
    const std::size_t others = total - piece.text.size();
    apply(piece.text, most - std::min(most, others));
    total = others + piece.text.size();
  }
}

}  // namespace attnlab
