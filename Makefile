# SIPWarden: `make run` builds and starts the daemon on built-in defaults; `make test` installs
# what the tests need, builds and runs every test; `make bench` runs the load benchmarks.
SWIFT        ?= swift
BUILD_PACKAGES = libsqlite3-dev libnftnl-dev libmnl-dev pkg-config
TEST_PACKAGES  = $(BUILD_PACKAGES) sip-tester sipsak procps python3 gcc nftables iproute2
ARGS         ?=

.PHONY: all build release run test bench bench-nft compare deps deps-test clean

all: build

deps:
	@bash scripts/ensure-packages.sh $(BUILD_PACKAGES)

deps-test:
	@bash scripts/ensure-packages.sh $(TEST_PACKAGES)

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

run: release
	$$($(SWIFT) build -c release --show-bin-path)/sipwarden $(ARGS)

test: deps-test
	$(SWIFT) build --build-tests
	SIPWARDEN_BIN_DIR=$$($(SWIFT) build --show-bin-path) $(SWIFT) test --skip-build --disable-swift-testing

bench: deps-test release
	bash bench/run.sh

# nftables ban throughput and latency only (inside a network namespace it creates; root).
bench-nft: deps-test release
	bash bench/nft.sh

# SIPWarden and Kamailio side by side, alternating at each rate (installs Kamailio if missing).
compare: deps-test release
	bash bench/compare.sh

clean:
	rm -rf .build
