#!/usr/bin/env python3
"""Misbehaving child: answers hello correctly (protocol 1), then answers the first call (and
every later request) with a line that is not JSON. Exits 0 when stdin closes."""
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
            "name": "garbage", "version": "0", "protocol": 1,
            "capabilities": {"settable_clock": True, "snapshot": False, "ops": OPS}}}), flush=True)
    else:
        print("this is not JSON {{{ id=%s" % req.get("id"), flush=True)
