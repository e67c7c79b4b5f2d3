#!/usr/bin/env python3
"""Misbehaving child: answers hello with protocol 99 (the harness speaks 1). Afterwards it
answers bye with done and exits 0, and ignores everything else."""
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
            "name": "bad_protocol", "version": "0", "protocol": 99,
            "capabilities": {"settable_clock": True, "snapshot": False, "ops": OPS}}}), flush=True)
    elif req.get("type") == "bye":
        print(json.dumps({"id": req["id"], "done": True}), flush=True)
        sys.exit(0)
