#!/usr/bin/env bash
# The repository's own style checks, as CI runs them (`make lint`).
#
#   scripts/lint.sh format            every tracked .cc/.h matches .clang-format
#   scripts/lint.sh tidy BUILD_DIR    clang-tidy (.clang-tidy's checks) is clean on every
#                                     library and app source, using BUILD_DIR's
#                                     compile_commands.json
#
# Exits non-zero on the first kind of violation, listing the files.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  format)
    bad=()
    while IFS= read -r f; do
      if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then bad+=("$f"); fi
    done < <(git ls-files '*.cc' '*.h')
    if [[ ${#bad[@]} -gt 0 ]]; then
      echo "lint: ${#bad[@]} file(s) do not match .clang-format (run 'make format'):" >&2
      printf '  %s\n' "${bad[@]}" >&2
      exit 1
    fi
    echo "lint: format clean ($(git ls-files '*.cc' '*.h' | wc -l) files)"
    ;;
  tidy)
    build=${2:?usage: scripts/lint.sh tidy BUILD_DIR}
    [[ -f "$build/compile_commands.json" ]] || { echo "lint: no $build/compile_commands.json" >&2; exit 2; }
    # Library and app sources; tests and fuzz targets are left to the compiler's warnings.
    mapfile -t files < <(git ls-files 'src/*.cc' 'apps/*.cc' | grep -v '_test\.cc$' | grep -v '/testing/' \
                           | grep -v '_test_util\.cc$')
    out=$(mktemp)
    # -Wno-unknown-warning-option: the database holds GCC-only warning flags.
    # BOOST_ASIO_HAS_*: Boost 1.74 enables co_await for clang only with libc++; the
    # build (GCC) has it, so clang-tidy is told so to parse the HTTP edge.
    run-clang-tidy -p "$build" -j "$(nproc)" -quiet -extra-arg=-Wno-unknown-warning-option \
      -extra-arg=-DBOOST_ASIO_HAS_CO_AWAIT -extra-arg=-DBOOST_ASIO_HAS_STD_COROUTINE \
      "${files[@]/#/$PWD/}" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' > "$out" || true
    if grep -E '(warning|error): ' "$out" >/dev/null; then
      grep -E '(warning|error): ' "$out" | sort -u >&2
      echo "lint: clang-tidy found the problems above" >&2
      rm -f "$out"
      exit 1
    fi
    rm -f "$out"
    echo "lint: clang-tidy clean (${#files[@]} files)"
    ;;
  *)
    echo "usage: scripts/lint.sh format | tidy BUILD_DIR" >&2
    exit 2
    ;;
esac
