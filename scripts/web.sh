#!/usr/bin/env bash
# Attention Lab in a web page. `scripts/web.sh build` builds build-web/ (attnlab.html, attnlab.js and
# attnlab.wasm: the whole page) with Debian's emscripten, installing what is missing; `scripts/web.sh`
# (or `scripts/web.sh serve [PORT]`) builds and then serves that folder on http://127.0.0.1:PORT/attnlab.html
# (default 8000) until Ctrl-C. `scripts/web.sh bench [L]` times the WebAssembly engine under node on
# `attnlab bench --random --lq L --lk L`'s problem (default L = 512), to compare with the native bench.
source "$(dirname "$0")/setup.sh"
web_dir="$repo_root/build-web"

build_web() {
  need_packages emscripten cmake ninja-build libeigen3-dev libcli11-dev nlohmann-json3-dev libstb-dev
  # Debian's emscripten runs its JavaScript parts with Debian's node, whose modules live here.
  export NODE_PATH=/usr/share/nodejs
  if [[ ! -f "$web_dir/build.ninja" ]]; then
    (cd "$repo_root" && emcmake cmake -S . -B "$web_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release)
  fi
  cmake --build "$web_dir" -j2 --target attnlab attnlab_tokens attnlab_load  # attnlab_tokens, attnlab_load: for tests/web only
  echo "The page: $web_dir/attnlab.html (with attnlab.js and attnlab.wasm beside it)"
}

case "${1:-serve}" in
  build) build_web ;;
  serve)
    build_web
    port=${2:-8000}
    echo "Serving http://127.0.0.1:$port/attnlab.html (Ctrl-C stops)"
    cd "$web_dir" && exec python3 -m http.server "$port" --bind 127.0.0.1
    ;;
  bench)
    build_web
    cmake --build "$web_dir" -j2 --target attnlab_bench
    node "$web_dir/attnlab_bench.js" "${2:-512}" 64 10
    ;;
  *)
    echo "usage: scripts/web.sh [build | serve [PORT] | bench [L]]" >&2
    exit 2
    ;;
esac
