# A thin layer over ./bootstrap and CMake, for those who type `make`.
.PHONY: all build demo test clean
all: build
build:
	./bootstrap build
demo:
	./bootstrap demo
test:
	./bootstrap test
clean:
	rm -rf build build-asan
