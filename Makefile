# kiln — a Packer-compatible machine-image builder.
GO        ?= go
BIN       ?= bin/kiln
COMMIT    := $(shell git rev-parse --short HEAD 2>/dev/null)
LDFLAGS   := -X github.com/kilnbuild/kiln/version.Commit=$(COMMIT)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: all build install test e2e lint bench bench-go bench-e2e fuzz clean

all: build

## build: compile bin/kiln
build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .

## install: install kiln into $(go env GOPATH)/bin
install:
	$(GO) install -trimpath -ldflags "$(LDFLAGS)" .

## test: the whole suite — unit, corpus and end-to-end (needs a Docker engine: scripts/ci-setup.sh)
test:
	$(GO) test -count=1 -timeout 14m ./...

## e2e: only the end-to-end scripts in testdata/script
e2e:
	$(GO) test -count=1 -run 'TestScripts' ./cmd/

## lint: gofmt, go vet and staticcheck
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

## bench: Go micro-benchmarks, then the whole-process scenarios side by side with Packer (writes docs/benchmarks.md)
bench: bench-go bench-e2e

## bench-go: Go micro-benchmarks of the hot paths (benchstat-friendly bench.txt)
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./... | tee bench.txt

## bench-e2e: whole-process scenarios against Packer and the physical limits
bench-e2e: build
	bash scripts/bench-setup.sh
	$(GO) build -o bin/treestat ./internal/cmd/treestat
	$(GO) run ./internal/cmd/kilnbench -kiln $(BIN) -treestat bin/treestat -out docs/benchmarks.md $(BENCHFLAGS)

## fuzz: the template loaders' fuzz targets, the HCL parse in pieces and the function
## library, FUZZTIME (10m) each — by hand, not in CI;
## crashers land in template/*/testdata/fuzz/FuzzLoad, to keep as regression seeds
FUZZTIME ?= 10m
fuzz:
	$(GO) test -run '^$$' -fuzz=FuzzLoad -fuzztime=$(FUZZTIME) -fuzzminimizetime=10s ./template/hcl2/
	$(GO) test -run '^$$' -fuzz=FuzzLoad -fuzztime=$(FUZZTIME) -fuzzminimizetime=10s ./template/legacy/
	$(GO) test -run '^$$' -fuzz=FuzzParseConfig -fuzztime=$(FUZZTIME) -fuzzminimizetime=10s ./template/hcl2/
	$(GO) test -run '^$$' -fuzz=FuzzFunctions -fuzztime=$(FUZZTIME) -fuzzminimizetime=10s ./template/funcs/

clean:
	rm -rf bin bench.txt
