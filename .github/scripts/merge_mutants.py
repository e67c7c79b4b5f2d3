#!/usr/bin/env python3
"""Merges the outcomes.json of cargo-mutants shards into one JSON summary and a markdown
table per module with the score caught/(caught+missed) and its 95% Wilson interval.
Usage: merge_mutants.py OUT_JSON OUT_MD SHARD_DIR... (each SHARD_DIR holds mutants.out/)."""
import json, math, sys, pathlib, collections

KINDS = {"CaughtMutant": "caught", "MissedMutant": "missed", "Unviable": "unviable", "Timeout": "timeout"}

def wilson(k, n, z=1.96):
    if n == 0:
        return (0.0, 0.0)
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))

def main(out_json, out_md, dirs):
    rows = []
    for d in dirs:
        f = pathlib.Path(d) / "mutants.out" / "outcomes.json"
        for o in json.loads(f.read_text())["outcomes"]:
            sc = o.get("scenario")
            if not isinstance(sc, dict) or "Mutant" not in sc:
                continue
            m = sc["Mutant"]
            rows.append({
                "file": m.get("file"),
                "line": (m.get("span") or {}).get("start", {}).get("line"),
                "function": (m.get("function") or {}).get("function_name"),
                "replacement": m.get("replacement"),
                "outcome": KINDS.get(o.get("summary"), str(o.get("summary"))),
            })
    per = collections.defaultdict(collections.Counter)
    for r in rows:
        per[r["file"]][r["outcome"]] += 1
        per["TOTAL"][r["outcome"]] += 1
    pathlib.Path(out_json).write_text(json.dumps({"mutants": rows}, indent=1) + "\n")
    lines = ["| module | total | caught | missed | unviable | timeout | score | 95% Wilson |", "|---|---|---|---|---|---|---|---|"]
    for mod in sorted(per, key=lambda k: (k == "TOTAL", k)):
        c = per[mod]
        k, n = c["caught"], c["caught"] + c["missed"]
        lo, hi = wilson(k, n)
        score = f"{100 * k / n:.1f}%" if n else "-"
        lines.append(f"| {mod} | {sum(c.values())} | {k} | {c['missed']} | {c['unviable']} | {c['timeout']} | {score} | {100*lo:.1f}-{100*hi:.1f}% |")
    lines.append("")
    lines.append("Missed:")
    lines += [f"- `{r['file']}:{r['line']}` `{r['function']}`: {r['replacement']}" for r in rows if r["outcome"] == "missed"]
    pathlib.Path(out_md).write_text("\n".join(lines) + "\n")

if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
