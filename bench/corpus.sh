#!/usr/bin/env bash
# Assembles the mixed parse-bench corpus (issue 3, point 6) from source trees found on a Debian
# machine with Python, Node and Perl installed. Each source goes to its own folder:
#   python/       Python 3.11 standard library (without site-packages)
#   dist-packages/ Debian's Python packages (/usr/lib/python3/dist-packages)
#   npm/          the globally installed npm packages (copied as npm/: discovery skips folders
#                 named node_modules, so their nested node_modules stay skipped, as in a repository)
#   include/      /usr/include (C and C++ headers)
#   perl/         Perl's library (/usr/share/perl, /usr/share/perl5)
#   sql/          PostgreSQL's SQL scripts (/usr/share/postgresql)
# A source that is missing is reported and skipped; the counts show what the corpus holds.
# Usage: bash bench/corpus.sh [target]   (default /tmp/codeingest-corpus)
# Then:  CodeIngest.Bench parse <target>  prints the files discovery accepted, per language.
set -euo pipefail
target="${1:-/tmp/codeingest-corpus}"
python_lib="${PYTHON_LIB:-}"
if [[ -z "$python_lib" ]]; then
    for candidate in /root/.pyenv/versions/3.11.7/lib/python3.11 /usr/lib/python3.11; do
        if [[ -f "$candidate/os.py" ]]; then python_lib="$candidate"; break; fi
    done
fi
npm_root="${NPM_ROOT:-$(npm root -g 2>/dev/null || echo /usr/lib/node_modules)}"

rm -rf "$target"
mkdir -p "$target"

# Symbolic links: a link is followed only when it leads out of the copied trees and its target was not
# copied already, so no content appears twice because of a link (/usr/share/perl/5.36 -> 5.36.0,
# /usr/include/tcl -> tcl8.6, clang/14 -> 14.0.6): a repository stores such links as links, and a
# doubled tree would give the parse stage's "identical files are parsed once" an unearned lead.
# Other identical files (vendored copies, one header installed for several architectures) stay.
declare -A copied_real=()
copied_pairs=()

# copy NAME SOURCE...: copies every existing SOURCE into target/NAME (links as links; resolve_links follows them).
copy() {
    local name="$1"
    shift
    local found=0
    for source in "$@"; do
        if [[ -n "$source" && -d "$source" ]]; then
            mkdir -p "$target/$name"
            cp -a "$source/." "$target/$name/"
            copied_real["$(realpath "$source")"]=1
            copied_pairs+=("$source" "$target/$name")
            found=1
        fi
    done
    if [[ $found -eq 0 ]]; then
        echo "corpus: skipped $name (none of: $*)" >&2
    fi
}

# inside PATH: whether PATH (a real path) lies in a tree copied already.
inside() {
    local path="$1" root
    for root in "${!copied_real[@]}"; do
        if [[ "$path" == "$root" || "$path" == "$root/"* ]]; then
            return 0
        fi
    done
    return 1
}

# resolve_in SOURCE DEST: DEST is a copy of SOURCE with its links kept as links. Each link is replaced by a copy of
# what it points to (resolved where it lives in SOURCE) when that lies outside every copied tree and was not copied
# through another link, and is removed otherwise; links inside what a link brought in are handled the same way.
resolve_in() {
    local source="$1" dest="$2" link rel real
    while IFS= read -r -d '' link; do
        rel="${link#"$source"/}"
        if [[ ! -d "$(dirname "$dest/$rel")" ]]; then
            continue # under a folder removed after copying (python/site-packages)
        fi
        real="$(readlink -f "$link" 2>/dev/null || true)"
        rm -f "$dest/$rel"
        if [[ -z "$real" || ! -e "$real" ]] || inside "$real"; then
            continue
        fi
        copied_real["$real"]=1
        if [[ -d "$real" ]]; then
            mkdir -p "$dest/$rel"
            cp -a "$real/." "$dest/$rel/"
            resolve_in "$real" "$dest/$rel"
        else
            cp -a "$real" "$dest/$rel"
        fi
    done < <(find "$source" -type l -print0)
}

resolve_links() {
    local i
    for ((i = 0; i < ${#copied_pairs[@]}; i += 2)); do
        resolve_in "${copied_pairs[i]}" "${copied_pairs[i + 1]}"
    done
    # Whatever is left (a link under a folder removed after copying) goes.
    find "$target" -type l -delete
}

copy python "$python_lib"
rm -rf "$target/python/site-packages" "$target/python/dist-packages"
copy dist-packages /usr/lib/python3/dist-packages
copy npm "$npm_root"
copy include /usr/include
copy perl /usr/share/perl /usr/share/perl5
copy sql /usr/share/postgresql
resolve_links

echo "corpus: $target, $(find "$target" -type f | wc -l) files, $(du -sh "$target" | cut -f1)"
for folder in "$target"/*/; do
    printf '  %-14s %6d files\n' "$(basename "$folder")/" "$(find "$folder" -type f | wc -l)"
done
