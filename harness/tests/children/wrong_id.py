#!/usr/bin/env python3
"""Misbehaving child: answers with an id that is not the request's.

By default it answers hello correctly (protocol 1) and then answers the first call (and every
later request) with a well-formed response carrying id + 1000. With the argument "hello" it
already answers hello with the wrong id."""
import json
import sys

OPS = ["open", "read", "write", "seek", "tell", "truncate", "close", "mkdir", "listdir",
       "exists", "is_dir", "is_file", "stat", "stats", "get_size", "rename", "move", "remove",
       "rmtree", "copy", "copy_tree", "walk", "glob", "export_tree", "iter_export_tree",
       "export_as_bytes", "import_tree"]
on_hello = sys.argv[1:] == ["hello"]

for line in sys.stdin:
    req = json.loads(line)
    typ, rid = req.get("type"), req.get("id")
    if typ == "hello":
        out = {"id": rid + 1000 if on_hello else rid,
               "hello": {"name": "wrong_id", "version": "0", "protocol": 1,
                         "capabilities": {"settable_clock": True, "snapshot": False, "ops": OPS}}}
    elif typ == "call":
        out = {"id": rid + 1000, "outcome": {"Ok": "Unit"}}
    else:
        out = {"id": rid + 1000, "done": True}
    print(json.dumps(out), flush=True)
