#!/usr/bin/env bash
# Set up, build, and open Attention Lab on its built-in example. Extra arguments go to attnlab.
source "$(dirname "$0")/setup.sh"
need_packages "${build_packages[@]}" "${run_packages[@]}"
configure release -DATTNLAB_TESTS=OFF
cmake --build --preset release --target attnlab
exec "$build_dir/app/attnlab" "$@"
