#!/usr/bin/env python3
"""Misbehaving child: never answers anything, not even hello. It reads stdin and exits 0 when
stdin closes."""
import sys

for _line in sys.stdin:
    pass
