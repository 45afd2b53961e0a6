# The shim's sources: the one list that every build compiling the shim uses
# (the .so, the benchmarks and the sanitized tests in Makefile, the fuzzers
# in fuzz/Makefile). internal.h says what each file holds.
SHIM_DIR := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
SHIM_SRCS := $(addprefix $(SHIM_DIR)/,actions.c kernel.c user.c child.c io.c)
SHIM_HEADERS := $(addprefix $(SHIM_DIR)/,spawn.h uapi.h internal.h)
