#!/usr/bin/env python3
"""Misbehaving child: answers hello correctly (protocol 1), then answers every call with
{"Err": {"kind": "Bogus", ...}}, a KIND that is not in the protocol. Other requests get
well-formed answers (observe: an empty filesystem; reset: done; bye: done, then exit 0)."""
import json
import sys

OPS = ["open", "read", "write", "seek", "tell", "truncate", "close", "mkdir", "listdir",
       "exists", "is_dir", "is_file", "stat", "stats", "get_size", "rename", "move", "remove",
       "rmtree", "copy", "copy_tree", "walk", "glob", "export_tree", "iter_export_tree",
       "export_as_bytes", "import_tree"]
slots = 0
quota = 0

for line in sys.stdin:
    req = json.loads(line)
    typ, rid = req.get("type"), req.get("id")
    if typ == "hello":
        slots, quota = req["config"]["slots"], req["config"]["quota"]
        resp = {"hello": {"name": "unknown_kind", "version": "0", "protocol": 1,
                          "capabilities": {"settable_clock": True, "snapshot": False, "ops": OPS}}}
    elif typ == "call":
        resp = {"outcome": {"Err": {"kind": "Bogus", "reason": None,
                                    "message": "unknown_kind.py answers every call like this"}}}
    elif typ == "observe":
        resp = {"observation": {
            "nodes": {"/": {"Dir": {"children": [], "created": 0, "modified": 0}}},
            "stats": {"used_bytes": 0, "quota_bytes": quota, "free_bytes": quota,
                      "file_count": 0, "dir_count": 1, "chunk_count": 0,
                      "overhead_per_chunk_estimate": 0},
            "handles": [None] * slots}}
    elif typ in ("reset", "bye"):
        resp = {"done": True}
    else:
        resp = {"error": "unknown_kind.py does not serve %r" % typ}
    out = {"id": rid}
    out.update(resp)
    print(json.dumps(out), flush=True)
    if typ == "bye":
        sys.exit(0)
