#!/bin/bash
source ./lib/common.sh
. "$HOME/.config/env.sh"

# Logs a message.
log() {
    echo "[$(date +%T)] $*"
}

function build {
    log "building"
    make -C src all
}

build
