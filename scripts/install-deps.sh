#!/usr/bin/env bash
# Installs the Debian packages logsieve needs to build, test and run, when
# they are missing. Needs root (or sudo) only when something is missing.
#   scripts/install-deps.sh          build + run + unit tests
#   scripts/install-deps.sh --test   also what the integration tests use
#   scripts/install-deps.sh --image  only what make image-test uses (podman, debootstrap, curl)
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config make
  libvectorscan-dev nlohmann-json3-dev libyaml-cpp-dev
  libboost-dev    # Boost.Beast and Asio (header-only): the HTTP edge of `logsieve serve`
  libcurl4-openssl-dev libcli11-dev libxxhash-dev libhiredis-dev
  libsqlite3-dev  # the learning loop's store (src/store)
  libprotobuf-dev protobuf-compiler zlib1g-dev  # the worker's OTLP/HTTP input (src/ingest/otlp.h)
)
test_packages=(
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  libcpp-httplib-dev  # the tests' HTTP client and the fake LLM server
  python3-numpy   # makes the full-size random MiniLM weights for the golden test
  chromium        # the headless tests of /docs, /redoc and the dashboard (/ui/)
  sqlite3         # the dashboard test reads the corrections it made from the store
  clang-format clang-tidy clang  # make lint (format, tidy) and make thread-safety
  redis-server redis-tools  # the worker's tests start a real redis-server; redis-benchmark for bench/
  rsyslog         # the worker's syslog test forwards a file with rsyslogd (imfile, omfwd)
)
# make image-test (scripts/image-test.sh, run by CI): builds the image, and its
# local debian:bookworm-slim where no registry answers. `--image` installs only these.
image_packages=(podman debootstrap curl)
test_packages+=("${image_packages[@]}")
# npm installs the pinned web assets (package-lock.json); any Node.js >= 18 will do.
if ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi
if [[ "${1:-}" == "--test" ]]; then
  packages+=("${test_packages[@]}")
fi
if [[ "${1:-}" == "--image" ]]; then
  packages=("${image_packages[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
