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

# copy NAME SOURCE...: copies every existing SOURCE into target/NAME (links followed where possible).
copy() {
    local name="$1"
    shift
    local found=0
    for source in "$@"; do
        if [[ -n "$source" && -d "$source" ]]; then
            mkdir -p "$target/$name"
            cp -aL "$source/." "$target/$name/" 2>/dev/null || cp -a "$source/." "$target/$name/"
            found=1
        fi
    done
    if [[ $found -eq 0 ]]; then
        echo "corpus: skipped $name (none of: $*)" >&2
    fi
}

copy python "$python_lib"
rm -rf "$target/python/site-packages" "$target/python/dist-packages"
copy dist-packages /usr/lib/python3/dist-packages
copy npm "$npm_root"
copy include /usr/include
copy perl /usr/share/perl /usr/share/perl5
copy sql /usr/share/postgresql
find "$target" -type l -delete

echo "corpus: $target, $(find "$target" -type f | wc -l) files, $(du -sh "$target" | cut -f1)"
for folder in "$target"/*/; do
    printf '  %-14s %6d files\n' "$(basename "$folder")/" "$(find "$folder" -type f | wc -l)"
done
