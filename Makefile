# SIPWarden: `make run` builds and starts the daemon on built-in defaults; `make test` installs
# what the tests need, builds and runs every test; `make bench` runs the load benchmarks;
# `make install` / `make uninstall` put it on (and take it off) a host (README: Production host).
SWIFT        ?= swift
BUILD_PACKAGES = libsqlite3-dev libnftnl-dev libmnl-dev pkg-config libmaxminddb-dev libc6-dev
INSTALL_PACKAGES = patchelf help2man binutils
TEST_PACKAGES  = $(BUILD_PACKAGES) $(INSTALL_PACKAGES) sip-tester sipsak linphone-cli procps python3 gcc nftables iproute2 fail2ban systemd libmaxmind-db-writer-perl chromium chromium-driver python3-selenium kamailio dnsmasq-base
ARGS         ?=

# Install locations (DESTDIR is prepended to every one of them; see scripts/install.sh).
PREFIX      ?= /usr/local
DESTDIR     ?=
BINDIR      ?= $(PREFIX)/bin
PKGLIBDIR   ?= $(PREFIX)/lib/sipwarden
SYSCONFDIR  ?= /etc
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
MANDIR      ?= $(PREFIX)/share/man
DATADIR     ?= $(PREFIX)/share
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  ?= $(DATADIR)/zsh/site-functions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d
# Which build to install: release (built first), or debug (what `make test` built) for tests.
CONFIG      ?= release
# The build output to install from; given, nothing is built (the tests pass their own).
BIN_DIR     ?=
# How installed ELF files are stripped; STRIP= keeps the debug sections.
STRIP       ?= strip --strip-debug
VERSION     := $(shell sed -n 's/.*static let current = "\(.*\)"/\1/p' Sources/ControlAPI/SIPWardenVersion.swift)
INSTALL_ENV = DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" BINDIR="$(BINDIR)" PKGLIBDIR="$(PKGLIBDIR)" \
	SYSCONFDIR="$(SYSCONFDIR)" UNITDIR="$(UNITDIR)" SYSUSERSDIR="$(SYSUSERSDIR)" MANDIR="$(MANDIR)" \
	DATADIR="$(DATADIR)" BASHCOMPDIR="$(BASHCOMPDIR)" ZSHCOMPDIR="$(ZSHCOMPDIR)" FISHCOMPDIR="$(FISHCOMPDIR)" VERSION="$(VERSION)" STRIP="$(STRIP)"

.PHONY: all build release run test bench bench-nft bench-flood bench-memory bench-console bench-ban fuzz compare deps deps-test deps-install install uninstall clean

all: build

deps:
	@bash scripts/ensure-packages.sh $(BUILD_PACKAGES)

deps-test:
	@bash scripts/ensure-packages.sh $(TEST_PACKAGES)

deps-install:
	@bash scripts/ensure-packages.sh $(INSTALL_PACKAGES)

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

run: release
	@echo "Web console: off unless configured. To serve it, put 'console: {listen: 127.0.0.1:8080}' in a config file,"
	@echo "run 'make run ARGS=\"--config FILE\"', add an account with 'sipwardenctl console user add NAME --role admin'"
	@echo "and open http://127.0.0.1:8080/ (README, 'Web console')."
	$$($(SWIFT) build -c release --show-bin-path)/sipwarden --policies-dir rules/policies $(ARGS)

test: deps-test
	$(SWIFT) build --build-tests
	SIPWARDEN_BIN_DIR=$$($(SWIFT) build --show-bin-path) $(SWIFT) test --skip-build --disable-swift-testing

bench: deps-test release
	bash bench/run.sh

# nftables ban throughput and latency only (inside a network namespace it creates; root).
bench-nft: deps-test release
	bash bench/nft.sh

# REGISTER/OPTIONS floods from 10,000 sources while 200 phones keep registering (network
# namespaces it creates; root). FLOOD_RATE, FLOOD_TIME, FLOOD_SOURCES, PHONES: see bench/flood.sh.
bench-flood: deps-test release
	bash bench/flood.sh

# Memory per binding only (bench/memory.sh): MEMORY_BINDINGS (100,000) bindings, plugins loaded.
bench-memory: deps-test release
	bash bench/memory.sh

# The web console's table pages at CONSOLE_BINDINGS (100,000) bindings (bench/console.sh).
bench-console: deps-test release
	bash bench/console.sh

# A 100,000-element ban import while SIPp offers registrations, beside the same run without it
# (network namespace it creates, nftables; root). BAN_RATES, BAN_TIME, BAN_AT, BAN_COUNT: see
# bench/ban_load.sh.
bench-ban: deps-test release
	bash bench/ban_load.sh

# libFuzzer targets (docs/fuzzing.md), each run FUZZ_TIME seconds; not part of `make test`.
# Crashes are kept under .build-fuzz/crashes/ and make the target fail.
FUZZ_TIME    ?= 60
FUZZ_TARGETS ?=
fuzz: deps
	FUZZ_TIME="$(FUZZ_TIME)" FUZZ_TARGETS="$(FUZZ_TARGETS)" SWIFT="$(SWIFT)" bash Fuzz/run.sh

# SIPWarden and Kamailio side by side, alternating at each rate (installs Kamailio if missing).
compare: deps-test release
	bash bench/compare.sh

install: deps-install
ifeq ($(BIN_DIR),)
	$(SWIFT) build -c $(CONFIG)
	BIN_DIR="$$($(SWIFT) build -c $(CONFIG) --show-bin-path)" $(INSTALL_ENV) bash scripts/install.sh install
else
	BIN_DIR="$(BIN_DIR)" $(INSTALL_ENV) bash scripts/install.sh install
endif

uninstall:
	$(INSTALL_ENV) bash scripts/install.sh uninstall

clean:
	rm -rf .build
