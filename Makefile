# BounceKB. `make` checks and builds; `make test` runs every test.
#
# Variables: CONFIG=debug|release (debug by default: `swift test` builds debug too, so `make`
# followed by `make test` compiles once), SWIFT_FLAGS for extra options such as
# `--scratch-path .build-NAME`.

SWIFT ?= swift
CONFIG ?= debug
SWIFT_FLAGS ?=
CONTENT ?= content
PREFIX ?= /usr/local
DESTDIR ?=

# Where `swift build` puts the executables; evaluated when a recipe needs it.
BIN_DIR = $(shell $(SWIFT) build -c $(CONFIG) $(SWIFT_FLAGS) --show-bin-path)

.PHONY: all deps test-deps build check site embed test clean install uninstall fuzz

## Default: install missing system libraries, build everything, check the content.
all: deps build check site

deps:
	@scripts/ensure-deps.sh

test-deps:
	@scripts/ensure-test-deps.sh

build: deps
	$(SWIFT) build -c $(CONFIG) $(SWIFT_FLAGS)

check: build
	"$(BIN_DIR)/bouncekb" check --content $(CONTENT)

## Generates the help site and the JSON API into public/.
site: check
	"$(BIN_DIR)/bouncekb" build --content $(CONTENT)

## Refreshes the knowledge base compiled into `bounce` after content/ changed (commit the result).
embed: build
	"$(BIN_DIR)/bounce" embed --content $(CONTENT) --output Sources/bounce/EmbeddedKnowledgeBase.swift

## The whole suite; swift test's own summary lines are the last thing printed.
test: deps test-deps
	$(SWIFT) test $(SWIFT_FLAGS)

clean:
	$(SWIFT) package clean $(SWIFT_FLAGS)

## Install bouncekb and bounce (release builds), shell completions and man pages under PREFIX.
install: deps
	SWIFT="$(SWIFT)" SWIFT_FLAGS="$(SWIFT_FLAGS)" DESTDIR="$(DESTDIR)" scripts/install.sh "$(PREFIX)"

## Remove exactly the files `make install PREFIX=…` installed.
uninstall:
	DESTDIR="$(DESTDIR)" scripts/uninstall.sh "$(PREFIX)"

## Fuzzing the parsers (100,000 generated inputs per target; see docs/security.md).
fuzz: deps
	Fuzz/run.sh
