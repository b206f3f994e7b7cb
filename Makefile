# OpenSW - the two everyday commands:
#   make run    install what is missing, build, initialise ./var with demo data, start swd on :8080
#   make test   install what is missing, build, run every test suite through CTest
# Options: SANITIZE=1 (ASan+UBSan build in build-asan/), PORT=8080, DATA=./var
BUILD_TYPE ?= RelWithDebInfo
PORT ?= 8080
DATA ?= ./var
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
ifeq ($(SANITIZE),1)
BUILD ?= build-asan
CMAKE_FLAGS += -DSW_SANITIZE=ON
BUILD_TYPE = Debug
else
BUILD ?= build
endif

.PHONY: all deps build test run check bench format clean fuzz

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

# everything CI runs: the normal build's suite, then the whole suite under ASan+UBSan
check:
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory test SANITIZE=1

run: build
	@$(BUILD)/swctl --data $(DATA) init
	@$(BUILD)/swctl --data $(DATA) demo --history 5000
	@echo "OpenSW is starting on http://localhost:$(PORT)  (Ctrl-C stops it)"
	@exec $(BUILD)/swd --data $(DATA) --port $(PORT)

bench: build
	@bench/run.sh $(BUILD)

# the long libFuzzer run (the short one is in make test): FUZZ_TIME seconds, default 1 hour;
# new inputs are kept in $(BUILD)/tests/fuzz/corpus, crashes written to the current directory
FUZZ_TIME ?= 3600
fuzz: build
	@test -x $(BUILD)/tests/fuzz/edi_fuzz || { echo "fuzz: needs clang and libclang-rt-14-dev"; exit 1; }
	@$(BUILD)/tests/fuzz/edi_fuzz -max_total_time=$(FUZZ_TIME) -timeout=10 -rss_limit_mb=2048 \
	  -print_final_stats=1 -dict=tests/fuzz/edi.dict $(BUILD)/tests/fuzz/corpus $(BUILD)/tests/fuzz/seeds
	@# then the JSON decoders (tests/fuzz/json.cmake), FUZZ_TIME seconds each;
	@# FUZZ_JSON="decl" (or rule, permit) picks some of them
	@for t in $(or $(FUZZ_JSON),decl rule permit); do \
	  echo "== fuzz $$t JSON ($(FUZZ_TIME) s)"; \
	  $(BUILD)/tests/fuzz/json/$${t}_json_fuzz -max_total_time=$(FUZZ_TIME) -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 -dict=tests/fuzz/json.dict \
	    $(BUILD)/tests/fuzz/json/$$t/corpus tests/fuzz/seeds/$$t || exit 1; done

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan
