#!/usr/bin/env python3
"""Misbehaving child: answers hello correctly (protocol 1); on the first call it writes one line
to stderr and exits with status 3 without answering."""
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
            "name": "crash", "version": "0", "protocol": 1,
            "capabilities": {"settable_clock": True, "snapshot": False, "ops": OPS}}}), flush=True)
    elif req.get("type") == "call":
        sys.stderr.write("crash.py: crashing on purpose at request id %s\n" % req.get("id"))
        sys.stderr.flush()
        sys.exit(3)
