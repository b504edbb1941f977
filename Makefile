# The two commands of the README, plus a few conveniences. Everything goes through CMake
# presets (CMakePresets.json); dependencies through scripts/install-deps.
.PHONY: demo test build format bench clean

BIN := build/release/src/cli/cloudoptim

# The main job: `cloudoptim demo` — a sandbox EKS cluster onboarded into the control plane,
# recommendations with dollar savings through the core API (scripts/demo).
demo: build
	scripts/demo

# Every test: format check, release build with unit + integration tests, then the unit tests
# again under AddressSanitizer + UndefinedBehaviorSanitizer.
test:
	scripts/test

build:
	scripts/install-deps
	cmake --preset release >/dev/null
	cmake --build --preset release

format:
	git ls-files '*.h' '*.cc' | xargs clang-format -i

bench: build
	scripts/bench

clean:
	rm -rf build
