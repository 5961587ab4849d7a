#!/usr/bin/env bash
# Refreshes third_party/imgui/ from Debian's source package imgui (the version of libimgui-dev, which
# ships a native library and no core sources): fetches the .dsc and the upstream tarball from the Debian
# mirror apt already uses, checks the tarball against the .dsc's SHA-256, and copies the files the web
# build compiles. Usage: scripts/vendor_imgui.sh [VERSION] (default 1.86+ds-1).
set -euo pipefail
version=${1:-1.86+ds-1}
upstream=${version%-*}
mirror=http://deb.debian.org/debian/pool/main/i/imgui
target="$(cd "$(dirname "$0")/.." && pwd)/third_party/imgui"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
curl -sSfO "$mirror/imgui_$version.dsc"
curl -sSfO "$mirror/imgui_$upstream.orig.tar.xz"
expected=$(awk '/^Checksums-Sha256:/ {s = 1; next} s && /orig\.tar/ {print $1; exit}' "imgui_$version.dsc")
echo "$expected  imgui_$upstream.orig.tar.xz" | sha256sum -c --quiet
tar xf "imgui_$upstream.orig.tar.xz"
source_dir=$(find . -maxdepth 1 -type d -name 'imgui-*' | head -1)
files=(LICENSE.txt imconfig.h imgui.h imgui_internal.h imstb_rectpack.h imstb_textedit.h imstb_truetype.h
       imgui.cpp imgui_draw.cpp imgui_tables.cpp imgui_widgets.cpp misc/cpp/imgui_stdlib.h misc/cpp/imgui_stdlib.cpp
       backends/imgui_impl_glfw.h backends/imgui_impl_glfw.cpp backends/imgui_impl_opengl3.h
       backends/imgui_impl_opengl3.cpp backends/imgui_impl_opengl3_loader.h)
for file in "${files[@]}"; do
  mkdir -p "$target/$(dirname "$file")"
  cp "$source_dir/$file" "$target/$file"
done
echo "$version" > "$target/DEBIAN_VERSION"
echo "third_party/imgui: Dear ImGui from Debian's imgui $version"
