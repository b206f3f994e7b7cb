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

.PHONY: all deps build test run check bench format clean

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
	@$(BUILD)/swctl --data $(DATA) demo
	@echo "OpenSW is starting on http://localhost:$(PORT)  (Ctrl-C stops it)"
	@exec $(BUILD)/swd --data $(DATA) --port $(PORT)

bench: build
	@bench/run.sh $(BUILD)

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan
