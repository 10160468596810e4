#!/usr/bin/env bash
# Assembles the mixed parse-bench corpus (issue 3, point 6): the Python 3.11 standard library
# (without site-packages), the globally installed npm packages and /usr/include. node_modules is
# copied under the name npm/ because discovery ignores folders named node_modules.
# Usage: bash bench/corpus.sh [target]   (default /tmp/codeingest-corpus); prints the file count.
set -euo pipefail
target="${1:-/tmp/codeingest-corpus}"
python_lib="${PYTHON_LIB:-/usr/lib/python3.11}"
npm_root="${NPM_ROOT:-/usr/lib/node_modules}"
rm -rf "$target"
mkdir -p "$target/python" "$target/npm" "$target/include"
cp -a "$python_lib/." "$target/python/"
rm -rf "$target/python/site-packages" "$target/python/dist-packages"
cp -aL "$npm_root/." "$target/npm/" 2>/dev/null || cp -a "$npm_root/." "$target/npm/"
cp -a /usr/include/. "$target/include/"
find "$target" -type l -delete
echo "corpus: $target, $(find "$target" -type f | wc -l) files, $(du -sh "$target" | cut -f1)"
