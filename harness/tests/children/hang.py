#!/usr/bin/env python3
"""Misbehaving child: answers hello correctly (protocol 1), then never answers the first call
(nor anything after it). It keeps reading stdin and exits 0 when stdin closes, so a harness that
forgets to kill it does not leave it behind for long."""
import json
import sys

OPS = ["open", "read", "write", "seek", "tell", "truncate", "close", "mkdir", "listdir",
       "exists", "is_dir", "is_file", "stat", "stats", "get_size", "rename", "move", "remove",
       "rmtree", "copy", "copy_tree", "walk", "glob", "export_tree", "iter_export_tree",
       "export_as_bytes", "import_tree"]

for line in sys.stdin:
    req = json.loads(line)
    if req.get("type") == "hello":
        print(json.dumps({"id": req["id"], "hello": {
            "name": "hang", "version": "0", "protocol": 1,
            "capabilities": {"settable_clock": True, "snapshot": False, "ops": OPS}}}), flush=True)
    # everything else: silence
