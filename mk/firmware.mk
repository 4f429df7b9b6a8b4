# mk/firmware.mk - the firmware the tests boot besides the system's OVMF
# (2022.11, /usr/share/OVMF), taken from Debian's archive and never
# installed: each package is fetched with `apt-get download' through an
# apt configuration of its own under $(CACHE)/firmware/apt (sources,
# lists and package cache there; the archive's signature checked against
# debian-archive-keyring), its .deb checked against the sha256 recorded
# below, and unpacked with `dpkg-deb -x' into
# $(CACHE)/firmware/PACKAGE-VERSION/, published by a rename.
#
#   ovmf-generic 2026.08+ds-2	the newest OVMF Debian serves, in sid only
#   systemd-boot-efi 252.39-1~deb12u2
#				Debian 12's, the boot loader of the Secure
#				Boot ESP (tests/lib/esp.sh); from the same
#				private apt (bookworm main), so that both
#				are pinned the same way and the system's
#				apt state is never touched
#
# A version the archive no longer serves (sid moves on), or an archive out
# of reach, fails nothing: the recipe writes PACKAGE-VERSION.unavailable
# instead, its first line saying why (apt's error), and the suites skip
# with that reason.  It tries again after FIRMWARE_RETRY_MINUTES, or at
# once with FIRMWARE_RETRY=1.  A .deb whose bytes differ from the recorded
# sum is an error.
#
# Called from the Makefile (`make firmware', a prerequisite of `make
# check') under the cache lock.  `print-env' prints where things are, as
# shell assignments, for tests/lib/esp.sh.

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
FIRMWARE_RETRY ?=
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

# Everything apt reads or writes is under APT_DIR, but for dpkg's status
# file (read only).  The sandbox user stays root: _apt cannot enter a
# cache under root's home, and apt would fall back to root with a warning.
APT_GET := apt-get -q \
	-o Dir::Etc::sourcelist=$(APT_DIR)/sources.list \
	-o Dir::Etc::sourceparts=$(APT_DIR)/empty.d \
	-o Dir::Etc::preferences=$(APT_DIR)/empty.d/preferences \
	-o Dir::Etc::preferencesparts=$(APT_DIR)/empty.d \
	-o Dir::State::Lists=$(APT_DIR)/lists \
	-o Dir::Cache=$(APT_DIR)/cache \
	-o APT::Get::List-Cleanup=0 \
	-o APT::Architectures=amd64 \
	-o Acquire::Languages=none \
	-o Acquire::Retries=1 \
	-o Acquire::http::Timeout=60 \
	-o APT::Sandbox::User=root

KEYRING := /usr/share/keyrings/debian-archive-keyring.gpg
define SOURCES
deb [signed-by=$(KEYRING)] $(DEBIAN_MIRROR) sid main
deb [signed-by=$(KEYRING)] $(DEBIAN_MIRROR) bookworm main
endef
export SOURCES

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

# fetch PACKAGE,VERSION,SHA256: the recipe of $(FW)/PACKAGE-VERSION, a
# directory that exists only whole.  Download and unpacking happen in a
# temporary directory next to it, removed on every path.
define fetch
	dest='$@' pkg='$(1)' ver='$(2)' sum='$(3)'
	gone=$$dest.unavailable
	if [ -f "$$gone" ] && [ -z '$(FIRMWARE_RETRY)' ] &&
	   [ -n "$$(find "$$gone" -mmin -$(FIRMWARE_RETRY_MINUTES))" ]; then
		echo "firmware: $$pkg $$ver unavailable, tried $$(date -r "$$gone" -Is)" \
			"(FIRMWARE_RETRY=1 to try now): $$(head -n 1 "$$gone")"
		exit 0
	fi
	mkdir -p '$(FW)' '$(APT_DIR)/empty.d' '$(APT_DIR)/lists/partial' '$(APT_DIR)/cache/archives/partial'
	tmp=$$(mktemp -d '$(FW)/.fetch-$(1).XXXXXX')
	trap 'rm -rf "$$tmp"' EXIT
	# unavailable REASON: no firmware this time, and why, for the suites
	unavailable() {
		{ echo "$$pkg $$ver: $$1 ($$(date -u +%FT%TZ))"; sed -e '$$a\' "$$tmp/apt.log"; } >"$$gone.tmp"
		mv "$$gone.tmp" "$$gone"
		echo "firmware: $$pkg $$ver unavailable: $$1; see $$gone" >&2
		exit 0
	}
	echo "$$SOURCES" >'$(APT_DIR)/sources.list.new'
	cmp -s '$(APT_DIR)/sources.list.new' '$(APT_DIR)/sources.list' ||
		rm -f '$(APT_DIR)/lists/.updated'
	mv '$(APT_DIR)/sources.list.new' '$(APT_DIR)/sources.list'
	# apt dates the lists as the archive does: a stamp of our own
	stamp='$(APT_DIR)/lists/.updated'
	if [ -z "$$(find "$$stamp" -mmin -$(APT_LISTS_MINUTES) 2>/dev/null)" ]; then
		echo "firmware: apt-get update (sid, bookworm main) in $(APT_DIR)"
		rm -f "$$stamp"
		$(APT_GET) --error-on=any update >"$$tmp/apt.log" 2>&1 ||
			unavailable "$$(grep -m1 '^[EW]:' "$$tmp/apt.log" || echo 'apt-get update failed')"
		touch "$$stamp"
	fi
	echo "firmware: apt-get download $$pkg=$$ver"
	(cd "$$tmp" && $(APT_GET) download "$$pkg=$$ver") >"$$tmp/apt.log" 2>&1 ||
		unavailable "$$(grep -m1 '^E:' "$$tmp/apt.log" || echo 'apt-get download failed')"
	deb=$$(echo "$$tmp"/*.deb)
	[ -f "$$deb" ] || { cat "$$tmp/apt.log" >&2; echo "error: no .deb from apt-get download" >&2; exit 1; }
	got=$$(sha256sum "$$deb" | cut -d' ' -f1)
	if [ "$$got" != "$$sum" ]; then
		echo "error: $${deb##*/}: sha256 $$got, mk/firmware.mk records $$sum" >&2
		exit 1
	fi
	dpkg-deb -x "$$deb" "$$tmp/root"
	mv "$$tmp/root" "$$dest"
	rm -f "$$gone"
	echo "firmware: $$pkg $$ver -> $$dest"
endef

$(OVMF_DIR):
	@$(call fetch,$(OVMF_PKG),$(OVMF_VERSION),$(OVMF_SHA256))

$(SDBOOT_DIR):
	@$(call fetch,$(SDBOOT_PKG),$(SDBOOT_VERSION),$(SDBOOT_SHA256))
