#!/bin/bash
# series-tree.sh - edit a patch series the way a kernel developer does:
# as a git branch over the pristine source.
#
#   series-tree.sh tree   SOURCE PATCH_DIR TREE
#       unpack SOURCE (a tarball, or a Debian .dsc) into TREE, commit it
#       as "pristine", then `git am` every patch in PATCH_DIR/series on
#       top: one commit a patch
#   series-tree.sh export PATCH_DIR TREE
#       write the commits above "pristine" back into PATCH_DIR with
#       `git format-patch`, under the names `series' lists (new names
#       when subjects changed), and rewrite `series'
#
# A round trip with no edit changes no byte of PATCH_DIR: format-patch
# runs with --zero-commit and the index abbreviation and signature the
# patches were written with.  The cover letter (0000-*) is not in
# `series' and is left alone.
set -eu

die()
{
	echo "series-tree: $*" >&2
	exit 1
}

series_names()
{
	sed -e 's/#.*//' -e '/^ *$/d' "$1/series"
}

# The git version format-patch wrote in the signature of the first patch,
# so that an export by another git changes nothing.
signature_of()
{
	tail -n 2 "$1" | head -n 1
}

# The length of the blob names on the first "index" line of a patch
abbrev_of()
{
	sed -n 's/^index \([0-9a-f]*\)\.\..*/\1/p' "$1" | head -n 1 | tr -d '\n' | wc -c
}

make_tree()
{
	local source=$1 pdir=$2 tree=$3 p

	[ -f "$source" ] || die "no $source"
	rm -rf "$tree"
	echo "series-tree: unpacking $source into $tree"
	case "$source" in
	*.dsc)	dpkg-source -q -x "$source" "$tree" >/dev/null ;;
	*)	mkdir -p "$tree" && tar xJf "$source" -C "$tree" --strip-components=1 ;;
	esac
	cd "$tree"
	git init -q
	git config user.name "series-tree"
	git config user.email "series-tree@localhost"
	# Debian's tarball ignores everything (/*): add by force
	git add -f . >/dev/null
	git commit -q -m pristine
	git tag -f pristine >/dev/null
	for p in $(series_names "$pdir"); do
		git am -q --keep-cr --committer-date-is-author-date "$pdir/$p" ||
			die "$p does not apply; fix it in $tree and run git am --continue"
	done
	echo "series-tree: $(git rev-list --count pristine..HEAD) commits on pristine in $tree"
}

export_tree()
{
	local pdir=$1 tree=$2 first sig abbrev header numbered prefix p

	first=$(series_names "$pdir" | head -n 1)
	sig=$(signature_of "$pdir/$first")
	abbrev=$(abbrev_of "$pdir/$first")
	header=$(sed -n '/^#/p' "$pdir/series")
	series_tmp=$(mktemp -d)
	trap 'rm -rf "$series_tmp"' EXIT
	# [PATCH n/m] when there are several, [PATCH] alone, as format-patch -n does
	numbered=--no-numbered
	[ "$(git -C "$tree" rev-list --count pristine..HEAD)" -gt 1 ] && numbered=--numbered
	# the version the cover letter posts: "[PATCH v2 00/10]" -> [PATCH v2 01/10]
	prefix=$(sed -n 's/^Subject: \[\(PATCH v[0-9]*\) .*/\1/p' "$pdir"/0000-*.patch 2>/dev/null |
		head -n 1)
	git -C "$tree" format-patch -q --zero-commit --abbrev="$abbrev" $numbered \
		--subject-prefix="${prefix:-PATCH}" --signature="$sig" -o "$series_tmp" pristine..HEAD
	for p in $(series_names "$pdir"); do
		rm -f "$pdir/$p"
	done
	{
		[ -n "$header" ] && printf '%s\n' "$header"
		for p in "$series_tmp"/*.patch; do
			basename "$p"
		done
	} >"$pdir/series"
	cp "$series_tmp"/*.patch "$pdir/"
	echo "series-tree: wrote $(ls "$series_tmp" | wc -l) patches to $pdir"
}

case ${1:-} in
tree)
	[ $# = 4 ] || die "usage: series-tree.sh tree SOURCE PATCH_DIR TREE"
	make_tree "$2" "$(realpath "$3")" "$4"
	;;
export)
	[ $# = 3 ] || die "usage: series-tree.sh export PATCH_DIR TREE"
	export_tree "$(realpath "$2")" "$3"
	;;
*)
	die "usage: series-tree.sh tree|export ..."
	;;
esac
