#!/usr/bin/env python3
"""Misbehaving child: answers hello correctly (protocol 1), then stops reading stdin and sleeps
forever, ignoring SIGINT, SIGTERM and SIGHUP. Closing its stdin does not end it; only SIGKILL
does: the harness's kill-on-exit (PR_SET_PDEATHSIG) is what the Ctrl-C test relies on."""
import json
import signal
import sys
import time

OPS = ["open", "read", "write", "seek", "tell", "truncate", "close", "mkdir", "listdir",
       "exists", "is_dir", "is_file", "stat", "stats", "get_size", "rename", "move", "remove",
       "rmtree", "copy", "copy_tree", "walk", "glob", "export_tree", "iter_export_tree",
       "export_as_bytes", "import_tree"]

for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(s, signal.SIG_IGN)
req = json.loads(sys.stdin.readline())
print(json.dumps({"id": req["id"], "hello": {
    "name": "stubborn", "version": "0", "protocol": 1,
    "capabilities": {"settable_clock": True, "snapshot": False, "ops": OPS}}}), flush=True)
while True:
    time.sleep(3600)
