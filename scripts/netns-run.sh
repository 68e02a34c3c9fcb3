#!/bin/sh
# Runs a command in a fresh network namespace of its own, for the call tests (WebRTC):
#   unshare -n sh scripts/netns-run.sh <command> [args...]
# `unshare -n` gives a namespace with nothing but a downed loopback. Chromium gathers no ICE
# candidates on loopback, so we also create a veth pair and keep BOTH of its ends in here, with
# 10.77.0.1 and 10.77.0.2: the browsers get host candidates, coturn gets an address to listen and
# relay on, and nothing can leave the namespace because it has no route to anywhere else.
set -eu
if [ "$#" -eq 0 ]; then
  echo "usage: unshare -n sh $0 <command> [args...]" >&2
  exit 2
fi
ip link set dev lo up
ip link add parley0 type veth peer name parley1
ip address add 10.77.0.1/24 dev parley0
ip address add 10.77.0.2/24 dev parley1
ip link set dev parley0 up
ip link set dev parley1 up
exec "$@"
