#!/bin/bash
# kexec-series.sh - the kexec-tools series as a kexec-tools maintainer
# takes it: it applies with `patch -p1 -N` to pristine Debian kexec-tools
# (the .dsc in CACHE/dl), builds there with kexec-tools' own configure and
# make and nothing copied in, touches no generated file (include/config.h),
# defines no macro and no long option twice in a file (x86_64's options.h
# is a symlink to i386's), ships every file it adds in `make tarball',
# and carries the wire-format header byte for byte as
# include/efi_bs_ranges.h.
#
# Usage: tests/kexec-series.sh RUN_DIR IMAGES_DIR     (TAP on stdout)
#   CACHE: the build cache (the Makefile exports it)
set -eu

here=$(dirname "$0")
top=$(cd "$here/.." && pwd)
. "$here/lib/tap.sh"

RUN_DIR=$1/kexec-series
PATCHES=$top/kexec/patches
# Where the series puts its copy of include/efi_bs_ranges.h
HEADER_COPY=include/x86/efi_bs_ranges.h

series()
{
	sed -e 's/#.*//' -e '/^ *$/d' "$PATCHES/series"
}

# file:name of every macro and long option each patch adds, one a line
added_names()
{
	awk '/^\+\+\+ b\// { file = substr($2, 3) }
	     /^\+#define[ \t]/ { print file ": #define " $2 }
	     /^\+[ \t]*\{ "[a-z0-9-]*",/ { match($0, /"[a-z0-9-]*"/)
		print file ": option " substr($0, RSTART, RLENGTH) }' "$@"
}

extract()
{
	local dsc

	dsc=$(ls "${CACHE:?}"/dl/kexec-tools_*.dsc | head -n 1)
	rm -rf "$RUN_DIR" && mkdir -p "$RUN_DIR"
	dpkg-source -x "$dsc" "$RUN_DIR/src" >"$RUN_DIR/dpkg-source.log" 2>&1
}

apply()
{
	local p

	for p in $(series); do
		(cd "$RUN_DIR/src" && patch -p1 -N --no-backup-if-mismatch <"$PATCHES/$p") \
			>>"$RUN_DIR/patch.log" 2>&1 || return 1
	done
	[ -z "$(find "$RUN_DIR/src" -name '*.rej' -print -quit)" ]
}

build()
{
	(cd "$RUN_DIR/src" && ./configure --without-xen && make -j2) >"$RUN_DIR/build.log" 2>&1
}

# no_config_h_hunk PATCH...: no patch has a hunk of include/config.h
no_config_h_hunk()
{
	! grep -q '^+++ b/include/config.h' "$@"
}

# The files the series adds that `make tarball' leaves out
not_in_dist()
{
	local f

	(cd "$RUN_DIR/src" && make -s tarball) >>"$RUN_DIR/build.log" 2>&1 || { echo "make tarball failed"; return; }
	for f in $(awk '/^--- \/dev\/null/ { getline; print substr($2, 3) }' $patches); do
		tar tzf "$RUN_DIR"/src/kexec-tools-*.tar.gz | grep -q "^[^/]*/$f\$" || echo "$f"
	done
}

patches=$(series | sed "s|^|$PATCHES/|" | tr '\n' ' ')
dups=$(added_names $patches | sort | uniq -d | head -n 3 | tr '\n' ';')
tap_check "no macro or long option added twice to a file${dups:+ ($dups)}" [ -z "$dups" ]
twice=$(for p in $patches; do grep '^diff --git ' "$p" | sort | uniq -d; done | head -n 3 | tr '\n' ';')
tap_check "no file diffed twice in one patch${twice:+ ($twice)}" [ -z "$twice" ]
tap_check "no hunk of the generated include/config.h" no_config_h_hunk $patches

extract
links=$(cd "$RUN_DIR/src" && for f in $(grep -h '^+++ b/' $patches | cut -c7- | sort -u); do
	[ -L "$f" ] && echo "$f"; done | tr '\n' ' ')
tap_check "no patch writes through a symlink${links:+ ($links)}" [ -z "$links" ]
if apply; then
	tap_pass "the series applies to pristine $(basename "$(ls "$CACHE"/dl/kexec-tools_*.dsc)" .dsc) with patch -p1 -N"
	tap_check "its $HEADER_COPY is include/efi_bs_ranges.h, byte for byte" \
		cmp -s "$top/include/efi_bs_ranges.h" "$RUN_DIR/src/$HEADER_COPY"
	tap_check "it builds there alone with configure and make (log: $RUN_DIR/build.log)" build
	missing=$(not_in_dist | tr '\n' ' ')
	tap_check "make tarball ships every file it adds${missing:+ (not: $missing)}" [ -z "$missing" ]
else
	tap_fail "the series applies to pristine kexec-tools: $(grep -m1 -i 'fail\|error\|reject' "$RUN_DIR/patch.log" || true)"
fi
tap_done
