#!/usr/bin/env bash
# Refreshes third_party/pcre2/ and third_party/utf8proc/ from Debian's source packages pcre2 and utf8proc
# (the versions of libpcre2-dev and libutf8proc-dev, which ship native libraries only): the web build
# compiles the tokenizers' regexes and Unicode normalization from these sources. Fetches each .dsc and its
# upstream tarball from the Debian mirror apt already uses, checks the tarball against the .dsc's SHA-256,
# and copies the files the library needs. Usage: scripts/vendor_tokenizer_libs.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# fetch PACKAGE DEBIAN_VERSION: the checked upstream tarball, unpacked in $work.
fetch() {
  local package=$1 version=$2 upstream=${2%-*}
  local mirror=http://deb.debian.org/debian/pool/main/${package:0:1}/$package
  curl -sSfO "$mirror/${package}_$version.dsc"
  local tarball
  tarball=$(awk '/^Checksums-Sha256:/ {s = 1; next} s && /orig\.tar/ {print $3; exit}' "${package}_$version.dsc")
  curl -sSfO "$mirror/$tarball"
  local expected
  expected=$(awk '/^Checksums-Sha256:/ {s = 1; next} s && /orig\.tar/ {print $1; exit}' "${package}_$version.dsc")
  echo "$expected  $tarball" | sha256sum -c --quiet
  tar xf "$tarball"
  echo "$version" > "$package.version"
}

# PCRE2, 8-bit code units with Unicode and no JIT: the library's own sources, config.h and pcre2.h from
# their generic versions, the default character tables from their .dist file.
fetch pcre2 10.42-1
src=pcre2-10.42/src
target=$root/third_party/pcre2
rm -rf "$target" && mkdir -p "$target"
for name in auto_possess compile config context convert dfa_match error extuni find_bracket jit_compile maketables \
            match match_data newline ord2utf pattern_info script_run serialize string_utils study substitute \
            substring tables ucd ucptables valid_utf xclass; do
  cp "$src/pcre2_$name.c" "$target/"
done
cp "$src/pcre2_chartables.c.dist" "$target/pcre2_chartables.c"
cp "$src"/pcre2_internal.h "$src"/pcre2_intmodedep.h "$src"/pcre2_ucp.h "$src"/pcre2_jit_match.c \
   "$src"/pcre2_jit_misc.c "$target/"
cp "$src/config.h.generic" "$target/config.h"
cp "$src/pcre2.h.generic" "$target/pcre2.h"
cp pcre2-10.42/LICENCE "$target/"
cp pcre2.version "$target/DEBIAN_VERSION"

# utf8proc: one C file (it includes its data table) and its header.
fetch utf8proc 2.8.0-1
target=$root/third_party/utf8proc
rm -rf "$target" && mkdir -p "$target"
cp utf8proc-2.8.0/utf8proc.c utf8proc-2.8.0/utf8proc.h utf8proc-2.8.0/utf8proc_data.c utf8proc-2.8.0/LICENSE.md \
   "$target/"
cp utf8proc.version "$target/DEBIAN_VERSION"
echo "third_party/pcre2 and third_party/utf8proc: from Debian's pcre2 10.42-1 and utf8proc 2.8.0-1"
