# mk/firmware.mk - the firmware the tests boot besides the system's OVMF
# (2022.11, /usr/share/OVMF), taken from Debian's archive and never
# installed: each package is fetched with `apt-get download' through an
# apt configuration of its own under $(CACHE)/firmware/apt/PACKAGE
# (sources of its one suite, lists and package cache there, so that a
# broken sid never makes systemd-boot unavailable; the archive's
# signature checked against
# debian-archive-keyring), its .deb checked against the sha256 recorded
# below, and unpacked with `dpkg-deb -x' into
# $(CACHE)/firmware/PACKAGE-VERSION/, published by a rename.
#
#   ovmf-generic 2026.08+ds-2	the newest OVMF Debian serves, in sid only
#   systemd-boot-efi 252.39-1~deb12u2
#				Debian 12's, the boot loader of the Secure
#				Boot ESP (tests/lib/esp.sh); a private apt
#				too (bookworm main), so that both are
#				pinned the same way and the system's apt
#				state is never touched
#
# Only two failures fail nothing: a version the archive does not serve
# (sid moves on: apt's "Version '...' for '...' was not found", "Unable
# to locate package"), and an archive out of reach ("Failed to fetch",
# a name that does not resolve, no connection, an apt call past
# FIRMWARE_APT_TIMEOUT seconds).  The recipe then writes
# PACKAGE-VERSION.unavailable, its first line saying why (apt's error),
# its second the kind (not-served or network), and the suites skip with
# that reason.  It tries again after FIRMWARE_RETRY_MINUTES for a
# version not served, FIRMWARE_NET_RETRY_MINUTES for the network, or at
# once with FIRMWARE_RETRY=1.  Once the mirror could not be reached in
# a run, the other package of that run does not ask it again.  Any
# other apt error (its lock, a bad option, permissions) fails the make
# with apt's output, as a .deb whose bytes differ from the recorded sum
# does: a fault of ours is never a skip.
#
# Called from the Makefile (`make firmware', a prerequisite of `make
# check') under the cache lock; called directly, the recipe takes that
# lock itself.  `print-env' prints where things are, as shell
# assignments, for tests/lib/esp.sh.

ifeq ($(CACHE),)
$(error CACHE is not set: run make firmware)
endif

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.ONESHELL:

FW := $(CACHE)/firmware
APT_DIR := $(FW)/apt
DEBIAN_MIRROR ?= http://deb.debian.org/debian
FIRMWARE_RETRY_MINUTES ?= 1440
FIRMWARE_NET_RETRY_MINUTES ?= 60
FIRMWARE_RETRY ?=
# every apt call ends within this, so that a blackholed mirror cannot
# hang make check
FIRMWARE_APT_TIMEOUT ?= 300
CACHE_LOCK_WAIT ?= 3600
# this make, for "the mirror was out of reach earlier in this run"
FETCH_RUN := $(shell date +%s%N)
# lists older than this are fetched again before a download
APT_LISTS_MINUTES := 360

OVMF_PKG := ovmf-generic
OVMF_VERSION := 2026.08+ds-2
OVMF_SHA256 := 05c1593998ba58700ff86c062bde306321af1f5a2943ea9ceef6c2332f3f3374
SDBOOT_PKG := systemd-boot-efi
SDBOOT_VERSION := 252.39-1~deb12u2
SDBOOT_SHA256 := 8f2b81bdcfafc466882a0cae460272dbf10d8d97c6a3c1c6ea33038c155a2f5e

OVMF_DIR := $(FW)/$(OVMF_PKG)-$(OVMF_VERSION)
SDBOOT_DIR := $(FW)/$(SDBOOT_PKG)-$(SDBOOT_VERSION)

# Everything apt reads or writes is under APT_DIR/PACKAGE ($$adir in the
# recipe), but for dpkg's status file (read only).  The sandbox user
# stays root: _apt cannot enter a cache under root's home, and apt would
# fall back to root with a warning.  --foreground: apt stays in make's
# process group, where a Ctrl-C reaches it; fd 9 is the cache lock.
APT_GET := timeout --foreground -k 10 $(FIRMWARE_APT_TIMEOUT) apt-get -q \
	-o Dir::Etc::sourcelist=$$adir/sources.list \
	-o Dir::Etc::sourceparts=$(APT_DIR)/empty.d \
	-o Dir::Etc::preferences=$(APT_DIR)/empty.d/preferences \
	-o Dir::Etc::preferencesparts=$(APT_DIR)/empty.d \
	-o Dir::State::Lists=$$adir/lists \
	-o Dir::Cache=$$adir/cache \
	-o APT::Get::List-Cleanup=0 \
	-o APT::Architectures=amd64 \
	-o Acquire::Languages=none \
	-o Acquire::Retries=1 \
	-o Acquire::http::Timeout=60 \
	-o APT::Sandbox::User=root

KEYRING := /usr/share/keyrings/debian-archive-keyring.gpg
# the one suite of each package: sources_line SUITE
sources_line = deb [signed-by=$(KEYRING)] $(DEBIAN_MIRROR) $(1) main

.PHONY: all print-env
# silent when everything is there
all: $(OVMF_DIR) $(SDBOOT_DIR)
	@:

print-env:
	@printf '%s=%q\n' FW_OVMF_NEW_VERSION '$(OVMF_VERSION)' \
		FW_OVMF_NEW '$(OVMF_DIR)' \
		FW_OVMF_NEW_UNAVAILABLE '$(OVMF_DIR).unavailable' \
		FW_SDBOOT_VERSION '$(SDBOOT_VERSION)' \
		FW_SDBOOT '$(SDBOOT_DIR)' \
		FW_SDBOOT_UNAVAILABLE '$(SDBOOT_DIR).unavailable'

# fetch PACKAGE,VERSION,SHA256,SUITE: the recipe of $(FW)/PACKAGE-VERSION,
# a directory that exists only whole.  Download and unpacking happen in
# a temporary directory next to it, removed on every path.
define fetch
	dest='$@' pkg='$(1)' ver='$(2)' sum='$(3)' adir='$(APT_DIR)/$(1)'
	gone=$$dest.unavailable down='$(APT_DIR)/.unreachable'
	mkdir -p '$(FW)'
	# make -f mk/firmware.mk by hand: the lock make firmware would hold
	if [ -z '$(CACHE_LOCK_HELD)' ]; then
		exec 9>>'$(CACHE)/.build.lock'
		flock -w '$(CACHE_LOCK_WAIT)' 9 ||
			{ echo "error: no cache lock $(CACHE)/.build.lock in $(CACHE_LOCK_WAIT)s" >&2; exit 1; }
		# fetched by the make that held it
		[ ! -d "$$dest" ] || exit 0
	fi
	# a version not served waits FIRMWARE_RETRY_MINUTES, the network
	# (and a file from before the kinds) FIRMWARE_NET_RETRY_MINUTES
	if [ -f "$$gone" ] && [ -z '$(FIRMWARE_RETRY)' ]; then
		mins=$(FIRMWARE_NET_RETRY_MINUTES)
		[ "$$(sed -n 2p "$$gone")" != 'kind: not-served' ] || mins=$(FIRMWARE_RETRY_MINUTES)
		if [ -n "$$(find "$$gone" -mmin -$$mins)" ]; then
			echo "firmware: $$pkg $$ver unavailable, tried $$(date -r "$$gone" -Is)," \
				"again after $$mins min (FIRMWARE_RETRY=1 to try now): $$(head -n 1 "$$gone")"
			exit 0
		fi
	fi
	mkdir -p '$(APT_DIR)/empty.d' "$$adir/lists/partial" "$$adir/cache/archives/partial"
	tmp=$$(mktemp -d '$(FW)/.fetch-$(1).XXXXXX')
	trap 'rm -rf "$$tmp"' EXIT
	# unavailable KIND REASON: no firmware this time, and why, for the
	# suites
	unavailable() {
		{ echo "$$pkg $$ver: $$2 ($$(date -u +%FT%TZ))"; echo "kind: $$1"
		  [ ! -f "$$tmp/apt.log" ] || sed -e '$$a\' "$$tmp/apt.log"; } >"$$gone.tmp"
		mv "$$gone.tmp" "$$gone"
		echo "firmware: $$pkg $$ver unavailable ($$1): $$2; see $$gone" >&2
		exit 0
	}
	# apt_failed WHAT STATUS: apt-get WHAT ended with STATUS, its output
	# in $$tmp/apt.log: unavailable for a version not served or a mirror
	# out of reach, and for nothing else
	apt_failed() {
		local log=$$tmp/apt.log line net served ours
		local host="Temporary failure resolving|Could not resolve|Could not connect|Connection timed out|Network is unreachable|No route to host"
		net="Failed to fetch|Connection failed|$$host"
		served="^E: (Version '[^']*' for '[^']*' was not found|Unable to locate package )"
		if [ "$$2" = 124 ] || [ "$$2" = 137 ]; then
			line="apt-get $$1: no answer from $(DEBIAN_MIRROR) in $(FIRMWARE_APT_TIMEOUT)s"
			echo "$(FETCH_RUN) $$line" >"$$down"
			unavailable network "$$line"
		fi
		# an E: line that is neither is ours: fail on it
		ours=$$(grep -E '^E:' "$$log" | grep -vE "$$served|$$net|^E: Some index files failed to download" || true)
		if [ -z "$$ours" ]; then
			if line=$$(grep -m1 -E "$$served" "$$log"); then
				unavailable not-served "$$line"
			elif line=$$(grep -m1 -E "$$net" "$$log"); then
				line=$$(echo "$$line" | sed -E 's/^ +//')
				# the host, not one file: the other package would
				# not reach it either
				! grep -qE "$$host" "$$log" || echo "$(FETCH_RUN) $$line" >"$$down"
				unavailable network "$$line"
			fi
		fi
		echo "error: apt-get $$1 for $$pkg $$ver failed (status $$2), for neither a version not served nor the network:" >&2
		cat "$$log" >&2
		exit 1
	}
	if [ "$$(cut -d' ' -f1 "$$down" 2>/dev/null)" = '$(FETCH_RUN)' ]; then
		unavailable network "$$(cut -d' ' -f2- "$$down") (earlier in this run: not asked again)"
	fi
	echo '$(call sources_line,$(4))' >"$$adir/sources.list.new"
	cmp -s "$$adir/sources.list.new" "$$adir/sources.list" ||
		rm -f "$$adir/lists/.updated"
	mv "$$adir/sources.list.new" "$$adir/sources.list"
	# apt dates the lists as the archive does: a stamp of our own
	stamp=$$adir/lists/.updated
	if [ -z "$$(find "$$stamp" -mmin -$(APT_LISTS_MINUTES) 2>/dev/null)" ]; then
		echo "firmware: apt-get update ($(4) main) in $$adir"
		rm -f "$$stamp"
		st=0
		$(APT_GET) --error-on=any update >"$$tmp/apt.log" 2>&1 9>&- || st=$$?
		[ "$$st" = 0 ] || apt_failed update "$$st"
		touch "$$stamp"
	fi
	echo "firmware: apt-get download $$pkg=$$ver"
	st=0
	(cd "$$tmp" && $(APT_GET) download "$$pkg=$$ver") >"$$tmp/apt.log" 2>&1 9>&- || st=$$?
	[ "$$st" = 0 ] || apt_failed download "$$st"
	deb=$$(echo "$$tmp"/*.deb)
	[ -f "$$deb" ] || { cat "$$tmp/apt.log" >&2; echo "error: no .deb from apt-get download" >&2; exit 1; }
	got=$$(sha256sum "$$deb" | cut -d' ' -f1)
	if [ "$$got" != "$$sum" ]; then
		echo "error: $${deb##*/}: sha256 $$got, mk/firmware.mk records $$sum" >&2
		exit 1
	fi
	dpkg-deb -x "$$deb" "$$tmp/root"
	# never into an existing directory (mv would nest it): a make that
	# took no lock has put one there meanwhile; -T fails then too
	if [ -e "$$dest" ]; then
		echo "error: $$dest appeared during the fetch: another make without the cache lock?" >&2
		exit 1
	fi
	mv -T "$$tmp/root" "$$dest"
	rm -f "$$gone"
	echo "firmware: $$pkg $$ver -> $$dest"
endef

$(OVMF_DIR):
	@$(call fetch,$(OVMF_PKG),$(OVMF_VERSION),$(OVMF_SHA256),sid)

$(SDBOOT_DIR):
	@$(call fetch,$(SDBOOT_PKG),$(SDBOOT_VERSION),$(SDBOOT_SHA256),bookworm)
