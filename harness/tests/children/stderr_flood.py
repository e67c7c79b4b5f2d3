#!/usr/bin/env python3
"""Misbehaving child: writes 10000 lines to stderr at start (far more than a pipe buffer holds,
so a parent that does not drain stderr blocks it), then reads hello and never answers it. Exits
0 when stdin closes."""
import sys

for n in range(1, 10001):
    sys.stderr.write("stderr_flood.py: line %d of 10000, filler filler filler filler\n" % n)
sys.stderr.flush()
for _line in sys.stdin:
    pass
