#!/bin/bash
set -euo pipefail

log() {
  echo "$@" >&2
}

function build {
  log "building"
  make all
}

build
