#!/usr/bin/env bash
# Set up, build, and open Attention Lab on its built-in example. Extra arguments go to attnlab.
source "$(dirname "$0")/setup.sh"
need_packages "${build_packages[@]}" "${run_packages[@]}"
configure -DATTNLAB_TESTS=OFF
cmake --build "$build_dir" --target attnlab -j 2
exec "$build_dir/app/attnlab" "$@"
