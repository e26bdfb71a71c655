# logsieve: the two commands of the quick start, and a few more.
#
#   make demo   install what is missing, build, classify data/sample.csv
#   make test   install what is missing, build with sanitizers, run every test
#   make thread-safety   check the locking annotations with clang (-Wthread-safety)
#   make format  apply .clang-format to every C++ file
#   make lint    check the format and run clang-tidy (CI runs it after make test)
#   make image-test  build the container image (podman) and run it in a chroot
#
# Everything builds out of tree under build/.

JOBS      ?= $(shell nproc)
RELEASE   := build/release
ASAN      := build/asan
CMAKE_GEN := -G Ninja
LOGSIEVE  := $(RELEASE)/apps/logsieve/logsieve

.PHONY: demo test build deps test-deps web-assets bench fuzz clean thread-safety format lint image-test

deps:
	@scripts/install-deps.sh
	@$(MAKE) --no-print-directory web-assets

test-deps:
	@scripts/install-deps.sh --test
	@$(MAKE) --no-print-directory web-assets

# Swagger UI and ReDoc (embedded into the binary for /docs and /redoc) and
# playwright-core, exactly as pinned in package-lock.json.
web-assets: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

build: deps
	@cmake -S . -B $(RELEASE) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release -DLOGSIEVE_TESTS=OFF >/dev/null
	@cmake --build $(RELEASE) -j $(JOBS) --target logsieve

demo: build
	$(LOGSIEVE) classify data/sample.csv

# Unit and end-to-end tests under AddressSanitizer + UndefinedBehaviorSanitizer.
test: test-deps
	@cmake -S . -B $(ASAN) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOGSIEVE_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN) -j $(JOBS)
	cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) --timeout 600

bench: deps
	@cmake -S . -B build/bench $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release -DLOGSIEVE_BENCH=ON -DLOGSIEVE_TESTS=OFF >/dev/null
	@cmake --build build/bench -j $(JOBS)

# Clang's thread-safety analysis over every library: members marked GUARDED_BY,
# functions marked REQUIRES/EXCLUDES (src/common/thread_annotations.h) are
# checked at compile time, and a violation fails the build. -O0, no tests run
# (configured with tests on only so that the fake LLM server library exists).
# BOOST_ASIO_HAS_*: Boost 1.74 turns on co_await for clang only with libc++;
# clang 14 with libstdc++ 12 has it too, which the HTTP edge needs.
THREAD_SAFETY := build/thread-safety
thread-safety: test-deps
	@CXX=clang++ cmake -S . -B $(THREAD_SAFETY) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=None -DLOGSIEVE_TESTS=ON \
	  -DCMAKE_CXX_FLAGS="-O0 -Wthread-safety -Werror=thread-safety -DBOOST_ASIO_HAS_CO_AWAIT -DBOOST_ASIO_HAS_STD_COROUTINE" >/dev/null
	@cmake --build $(THREAD_SAFETY) -j $(JOBS) --target logsieve_libraries

clean:
	rm -rf build

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

# The format check, then clang-tidy with .clang-tidy's checks over the library
# and app sources, on the sanitizer build's compile database.
lint:
	@scripts/lint.sh format
	@test -f $(ASAN)/compile_commands.json || \
	  cmake -S . -B $(ASAN) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOGSIEVE_SANITIZE=ON >/dev/null
	@scripts/lint.sh tidy $(ASAN)

# libFuzzer (clang) on every fuzz target, FUZZ_SECONDS each (default 10
# minutes; FUZZ_TARGETS="json csv" for a subset). New inputs go to
# build/fuzz/corpus/<name>; those that add coverage are then merged
# (-merge=1) into fuzz/corpus/<name>, which ctest replays: commit them.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?=
fuzz: test-deps
	@CXX=clang++ cmake -S . -B build/fuzz $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOGSIEVE_FUZZ=ON -DLOGSIEVE_TESTS=OFF >/dev/null
	@cmake --build build/fuzz -j $(JOBS)
	@for f in build/fuzz/fuzz/*_fuzz; do n=$$(basename $$f _fuzz); \
	  if [ -n "$(FUZZ_TARGETS)" ] && ! echo " $(FUZZ_TARGETS) " | grep -q " $$n "; then continue; fi; \
	  mkdir -p build/fuzz/corpus/$$n fuzz/corpus/$$n; \
	  echo "== $$n ($(FUZZ_SECONDS) s)"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 build/fuzz/corpus/$$n fuzz/corpus/$$n || exit 1; \
	  $$f -merge=1 fuzz/corpus/$$n build/fuzz/corpus/$$n 2>&1 | tail -1; done

# The container image (Dockerfile), built with podman and run from its exported
# filesystem in a chroot: serve, its probes and HEALTHCHECK, classify the sample
# (scripts/image-test.sh; doc/deploy.md). Needs root. IMAGE_JOBS: the build's -j.
IMAGE_JOBS ?= 2
image-test:
	JOBS=$(IMAGE_JOBS) scripts/image-test.sh
