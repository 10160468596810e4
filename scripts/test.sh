#!/usr/bin/env bash
# Runs every test of CodeIngest on a fresh machine: restores packages, builds the native
# tree-sitter library (MSBuild runs src/Grains/native/build-treesitter.sh once), builds the
# solution and runs the xunit tests (in-process Orleans clusters, real SQLite, real git).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in dotnet gcc npm git python3; do
  command -v "$tool" >/dev/null || { echo "error: '$tool' is required but not installed" >&2; exit 1; }
done

dotnet build Cluster.sln -c Release -v q -nologo
dotnet test --solution Cluster.sln -c Release --no-build "$@"
