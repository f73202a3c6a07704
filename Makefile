# stagegate -- compiled git server-side hooks for low-code solutions.
#
#   make            build the hooks and the CLI (build/release/bin)
#   make test       install missing packages, then unit + real-push tests,
#                   once plainly and once under ASan+UBSan
#   make recall     recall and false positives of the secret rules
#   make demo       dev -> test -> prod on a fresh bare repository
#   make bench      the benchmark (tests/bench/)
#   make install REPO=/srv/git/app.git    same as ./install.sh REPO
#   make ghes-env   GitHub Enterprise Server hook environment (tar.gz)
#   make fuzz       every libFuzzer harness of tests/fuzz/ for FUZZ_SECONDS
#                   each (clang); crashes are kept in build/fuzz/crashes/

CC ?= gcc
VARIANT ?= release
O := build/$(VARIANT)
PKGS := libgit2 libpcre2-8 yaml-0.1 libcrypto libzip zlib

# lazily expanded: pkg-config runs only once the packages are there
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 \
	-Wno-missing-field-initializers
ifeq ($(VARIANT),release)
OPT := -O2 -g
else ifeq ($(VARIANT),bench)
OPT := -O2 -DNDEBUG
else ifeq ($(VARIANT),test)
OPT := -O1 -g -Werror -DSG_TEST_CLOCK
else ifeq ($(VARIANT),asan)
OPT := -O1 -g -Werror -DSG_TEST_CLOCK -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer
SAN_LDFLAGS := -fsanitize=address,undefined
else ifeq ($(VARIANT),tsan)
OPT := -O1 -g -Werror -DSG_TEST_CLOCK -fsanitize=thread -fno-omit-frame-pointer
SAN_LDFLAGS := -fsanitize=thread
else ifeq ($(VARIANT),fuzz)
# libFuzzer comes with clang; the library is instrumented for coverage
CC := clang
OPT := -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer
SAN_LDFLAGS := -fsanitize=fuzzer,address,undefined
else
$(error unknown VARIANT '$(VARIANT)': release, bench, test, asan, tsan \
	or fuzz)
endif

CFLAGS := -std=c17 -D_GNU_SOURCE $(WARN) $(OPT)
LDFLAGS := $(SAN_LDFLAGS)

LIB_SRCS := common/approval.c common/audit.c common/audit_read.c common/audit_report.c common/counts.c common/json.c common/buf.c common/check.c common/content.c common/content_archive.c common/error.c common/escape.c \
	common/hook.c common/identity.c common/local.c common/msg.c common/oidset.c common/platform.c \
	common/policy.c common/section.c common/protect.c common/push.c common/regex.c \
	common/report.c common/rules.c common/anchor.c common/scanfiles.c common/secret.c \
	common/secret_policy.c \
	common/sha256.c common/strlist.c common/checksum.c \
	common/tested.c common/test_tags.c common/tags.c common/rollback.c common/gate.c common/tips.c common/trailer.c \
	common/window.c common/clock.c common/solution.c common/solution_pp.c \
	common/solution_sfdx.c \
	common/migration.c common/schema.c common/schema_pp.c \
	common/schema_sfdx.c common/xml.c common/pii.c \
	common/yaml.c
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o)
LIB := $(O)/libstagegate.a

BINS := $(O)/bin/stagegate-pre-receive $(O)/bin/stagegate-update \
	$(O)/bin/stagegate-post-receive $(O)/bin/stagegate

UNIT_SRCS := tests/unit/test_buf.c tests/unit/test_policy.c \
	tests/unit/test_trailer.c tests/unit/test_yaml.c \
	tests/unit/test_regex.c tests/unit/test_oidset.c \
	tests/unit/test_push.c tests/unit/test_identity.c \
	tests/unit/test_report.c tests/unit/test_json.c tests/unit/test_audit.c \
	tests/unit/test_msg.c tests/unit/test_rules.c \
	tests/unit/test_escape.c tests/unit/test_audit_report.c \
	tests/unit/test_window.c tests/unit/test_pii.c \
	tests/unit/test_migration.c tests/unit/test_platform.c \
	tests/unit/test_content.c tests/unit/test_anchor.c \
	tests/unit/test_gates.c tests/unit/gate_harness.c \
	tests/unit/test_checksum.c tests/unit/test_counts.c \
	tests/unit/test_tips.c
UNIT_OBJS := $(UNIT_SRCS:%.c=$(O)/%.o)

# one harness per parser of untrusted input (tests/fuzz/fuzz_NAME.c), its
# seeds in tests/fuzz/corpus/NAME/, the crashes it found (and that were
# fixed) in tests/fuzz/regress/NAME/
FUZZERS := push policy secrets trailer content_text content_base64 \
	content_zip audit scan escape
# the gzip, tar and PDF readers, where they are built
FUZZERS += $(if $(wildcard common/content_archive.c),content_gzip content_tar \
	content_pdf)
FUZZ_SECONDS ?= 60
FUZZ_FLAGS ?=
FUZZ_BINS := $(FUZZERS:%=$(O)/fuzz/fuzz_%)
REPLAY_BINS := $(FUZZERS:%=$(O)/fuzz/replay_%)
FUZZ_DEFS := -DSG_FUZZ_SECRETS_PATH='"$(CURDIR)/policies/secrets.yaml"'

.PHONY: all test check unit hooktest recall demo demotest bench install \
	clean deps fuzz fuzzbuild fuzzreplay tsantest ghes-env

all: $(BINS)

$(O)/%.o: %.c $(wildcard common/*.h hooks/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(O)/bin/stagegate-pre-receive: $(O)/hooks/pre-receive.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm -lpthread

$(O)/bin/stagegate-update: $(O)/hooks/update.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm -lpthread

$(O)/bin/stagegate-post-receive: $(O)/hooks/post-receive.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm -lpthread

$(O)/bin/stagegate: $(O)/hooks/stagegate.o $(O)/hooks/audit_cli.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm -lpthread

$(O)/tests/unit/runner: $(UNIT_OBJS) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm -lcriterion -lpthread

$(O)/tests/fuzz/%.o: tests/fuzz/%.c $(wildcard tests/fuzz/*.h common/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(FUZZ_DEFS) $(PKG_CFLAGS) -c -o $@ $<

$(O)/fuzz/fuzz_%: $(O)/tests/fuzz/fuzz_%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm -lpthread

$(O)/fuzz/replay_%: $(O)/tests/fuzz/fuzz_%.o $(O)/tests/fuzz/replay.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm -lpthread

deps:
	@sh tests/deps.sh

# the README's test command: both variants, every suite; the fuzz
# regression inputs under ASan+UBSan; the threaded push tests under TSan
test: deps
	$(MAKE) VARIANT=test check
	$(MAKE) VARIANT=asan check fuzzreplay
	$(MAKE) VARIANT=tsan tsantest

check: unit hooktest recall demotest

# every regression input and seed through each harness, without libFuzzer
fuzzreplay: $(REPLAY_BINS)
	@set -e; for f in $(FUZZERS); do \
		dirs=""; \
		for d in tests/fuzz/corpus/$$f tests/fuzz/regress/$$f; do \
			[ -d $$d ] && dirs="$$dirs $$d"; \
		done; \
		$(O)/fuzz/replay_$$f $$dirs; \
	done

# the real-push tests whose pushes start the secret gate's worker threads;
# a report stops the hook (the push fails) and is kept in $(O)/tsan/, and
# any report there fails the run, even from a push that had to fail
TSAN_TESTS ?= t_secret.sh
tsantest: $(BINS)
	@rm -rf $(O)/tsan && mkdir -p $(O)/tsan
	@set -e; for t in $(TSAN_TESTS); do \
		TSAN_OPTIONS="halt_on_error=1 exitcode=66 \
		log_path=$(CURDIR)/$(O)/tsan/report $(TSAN_OPTIONS)" \
		STAGEGATE_BIN=$(CURDIR)/$(O)/bin bash tests/hooks/run.sh $$t; \
	done
	@if ls $(O)/tsan/report.* >/dev/null 2>&1; then \
		cat $(O)/tsan/report.*; echo "tsan: data races reported"; \
		exit 1; fi
	@echo "tsan: no report"

.PRECIOUS: $(O)/tests/fuzz/%.o
# the audit harness drives the CLI's printing too (hooks/audit_cli.c)
$(O)/fuzz/fuzz_audit: $(O)/tests/fuzz/fuzz_audit.o $(O)/hooks/audit_cli.o \
		$(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm -lpthread

$(O)/fuzz/replay_audit: $(O)/tests/fuzz/fuzz_audit.o $(O)/tests/fuzz/replay.o \
		$(O)/hooks/audit_cli.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm -lpthread

# the fuzz variant's own paths, whatever VARIANT this make was called with
fuzzbuild:
	$(MAKE) VARIANT=fuzz $(FUZZERS:%=build/fuzz/fuzz/fuzz_%)

# each harness for FUZZ_SECONDS on its seeds; new inputs go to
# build/fuzz/corpus/NAME, crashes to build/fuzz/crashes/NAME
fuzz: deps
	@sh tests/deps.sh fuzz
	$(MAKE) fuzzbuild
	@set -e; for f in $(FUZZERS); do \
		mkdir -p build/fuzz/corpus/$$f build/fuzz/crashes/$$f; \
		seeds=""; \
		for d in tests/fuzz/corpus/$$f tests/fuzz/regress/$$f; do \
			[ -d $$d ] && seeds="$$seeds $$d"; \
		done; \
		echo "fuzz: $$f for $(FUZZ_SECONDS) s"; \
		build/fuzz/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) \
			-close_fd_mask=3 -rss_limit_mb=2048 -max_len=262144 \
			-artifact_prefix=build/fuzz/crashes/$$f/ $(FUZZ_FLAGS) \
			build/fuzz/corpus/$$f $$seeds || \
			{ echo "fuzz: $$f crashed: see build/fuzz/crashes/$$f"; \
			  exit 1; }; \
	done

unit: $(O)/tests/unit/runner
	cd tests/unit && ../../$(O)/tests/unit/runner --jobs 2

hooktest: $(BINS)
	STAGEGATE_BIN=$(CURDIR)/$(O)/bin bash tests/hooks/run.sh

# recall and false positives of the shipped secret rules (tests/recall/)
recall: $(BINS)
	STAGEGATE_BIN=$(CURDIR)/$(O)/bin bash tests/recall/run.sh

# the demo as a smoke test: it must run through and detect its tampering
demotest: $(BINS)
	STAGEGATE_BIN=$(CURDIR)/$(O)/bin bash tests/demo/demo.sh >$(O)/demo.out 2>&1 || \
		{ tail -40 $(O)/demo.out; exit 1; }
	grep -q 'tampering detected' $(O)/demo.out
	@echo "demo: ok"

demo: deps
	$(MAKE) VARIANT=release all
	STAGEGATE_BIN=$(CURDIR)/build/release/bin bash tests/demo/demo.sh

bench: deps
	$(MAKE) VARIANT=bench all build/bench/libstagegate.a
	STAGEGATE_BIN=$(CURDIR)/build/bench/bin PEERS=$(PEERS) \
		bash tests/bench/bench.sh

# a chroot root file system for GHES pre-receive hooks (README)
ghes-env: all
	bash tools/ghes-env.sh $(O)/bin $(O)/ghes-env.tar.gz

install: all
	./install.sh $(if $(POLICY),--policy $(POLICY)) $(REPO)

clean:
	rm -rf build
