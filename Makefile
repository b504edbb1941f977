# The two commands of the README, plus a few conveniences. Everything goes through CMake
# presets (CMakePresets.json); dependencies through scripts/install-deps.
.PHONY: demo test build format bench clean

BIN := build/release/src/cli/cloudoptim

# The main job: the embedded demo (until the demo exists: the catalogue of the cheapest
# general-purpose types in us-east-1).
demo: build
	$(BIN) catalog --region us-east-1 --min-vcpu 4 --sort price-per-vcpu -o table --limit 25

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
