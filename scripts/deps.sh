#!/bin/bash
# deps.sh - install what the build and the tests need from Debian's
# packages, and fetch the kexec-tools and makedumpfile sources.
# Idempotent: a second run only checks and prints nothing but "deps: ok".
#
# Usage: scripts/deps.sh DOWNLOAD_DIR
set -eu

DL=${1:?usage: deps.sh DOWNLOAD_DIR}
LINUX_SOURCE_WANT=6.12.117-1~deb12u1
PACKAGES="gcc make flex bison bc libelf-dev libssl-dev cpio ccache dpkg-dev
	qemu-system-x86 ovmf busybox-static linux-source-6.12 xz-utils patch
	gzip perl gnuplot-nox zlib1g-dev liblzma-dev makedumpfile
	clang-14 libclang-rt-14-dev
	swtpm sbsigntool openssl debian-archive-keyring"
# Debian serves makedumpfile 1.7.2's .dsc but not its tarballs (404), so
# the guest uses the binary package; only kexec-tools is built from source.
SOURCES="kexec-tools"
SRC_LIST=/etc/apt/sources.list.d/efi-ranges-deb-src.sources

apt_updated=0

apt_update_once()
{
	[ "$apt_updated" = 1 ] && return 0
	apt-get update -qq
	apt_updated=1
}

missing_packages()
{
	local p
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

install_packages()
{
	local missing
	missing=$(missing_packages)
	[ -z "$missing" ] && return 0
	echo "deps: installing" $missing
	apt_update_once
	# linux-source-6.12 pinned when the archive still serves that version
	if echo "$missing" | grep -qx linux-source-6.12; then
		if apt-cache madison linux-source-6.12 | grep -q "| $LINUX_SOURCE_WANT |"; then
			missing=$(echo "$missing" | sed "s/^linux-source-6.12\$/linux-source-6.12=$LINUX_SOURCE_WANT/")
		else
			echo "deps: WARNING: linux-source-6.12 $LINUX_SOURCE_WANT is no longer served; taking the newest 6.12" >&2
		fi
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
}

have_deb_src()
{
	grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/
}

add_deb_src()
{
	have_deb_src && return 0
	echo "deps: no deb-src entry found; adding $SRC_LIST for bookworm"
	cat >"$SRC_LIST" <<EOT
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
	apt_updated=0
}

fetch_sources()
{
	local s
	mkdir -p "$DL"
	for s in $SOURCES; do
		ls "$DL/${s}_"*.dsc >/dev/null 2>&1 && continue
		add_deb_src
		apt_update_once
		echo "deps: apt-get source $s"
		(cd "$DL" && apt-get source -qq --download-only "$s")
	done
}

install_packages
fetch_sources
echo "deps: ok"
