#!/usr/bin/python3
"""Captured outputs at scale, the way a framework user produces them, with numpy standing in for
the framework (CI has no torch or JAX):

1. `inputs --shard K/N` writes slices that concatenate to the whole input set (checked here by
   numpy), and grading each slice's outputs with `table --shard K/N --partial` then `merge`
   gives the single run's table byte for byte (Markdown with --breakdown, and JSON apart from
   the command line and reference members, which name how each was made).
2. bf16 outputs saved as void items ('|V2', and '<V2' as numpy.save writes an ml_dtypes bfloat16
   array) grade exactly as the same bits saved as uint16.

Usage: capture_at_scale.py GELUCHECK WORK_DIR
"""
import json
import os
import subprocess
import sys

import numpy as np


def run(*args, cwd=None):
    r = subprocess.run([GELUCHECK, *args], capture_output=True, text=True, cwd=cwd)
    if r.returncode != 0:
        sys.exit(f"gelucheck {' '.join(args)}: exit {r.returncode}\n{r.stdout}{r.stderr}")
    return r.stdout


def results(path):
    doc = json.load(open(path))
    for key in ("gelucheck_version", "schema_version", "command_line", "reference"):
        assert key in doc, key
    del doc["command_line"], doc["reference"]
    return doc


def shards():
    # Exhaustive fp32 over [1, 1.02]: 167773 inputs, 11 chunks of 16384 (engine.hpp), so 4 shards
    # have 2 or 3 chunks each and the last one ends inside a chunk.
    sweep = ["-t", "fp32", "--grid", "exhaustive", "--range", "1:1.02"]
    n = 4
    run("inputs", *sweep, "-o", f"{WORK}/in.npy")
    x = np.load(f"{WORK}/in.npy")
    assert x.dtype == np.float32 and x.size == 167773, (x.dtype, x.size)
    parts = []
    for k in range(n):
        run("inputs", *sweep, "--shard", f"{k}/{n}", "-o", f"{WORK}/in-{k}.npy")
        parts.append(np.load(f"{WORK}/in-{k}.npy"))
    assert all(p.size > 0 for p in parts)
    assert np.array_equal(np.concatenate(parts).view(np.uint32), x.view(np.uint32))

    def kernel(v):  # the "framework kernel": numpy's float32 tanh
        return np.tanh(v)

    # Rows are merged by implementation name, so every shard names its file alike: here each
    # shard's job runs in a directory of its own, as array jobs on a cluster do.
    np.save(f"{WORK}/out.npy", kernel(x))
    table = ["table", "-f", "tanh", *sweep, "--threads", "2", "-i", "file:out.npy,fp32"]
    run(*table, "--output", "md", "--breakdown", "-o", "single.md", cwd=WORK)
    run(*table, "--output", "json", "-o", "single.json", cwd=WORK)
    for k in range(n):
        os.makedirs(f"{WORK}/shard-{k}", exist_ok=True)
        np.save(f"{WORK}/shard-{k}/out.npy", kernel(parts[k]))
        run(*table, "--shard", f"{k}/{n}", "--partial", f"../p-{k}.json", cwd=f"{WORK}/shard-{k}")
    merge = ["merge", *[f"{WORK}/p-{k}.json" for k in reversed(range(n))]]
    run(*merge, "--output", "md", "--breakdown", "-o", f"{WORK}/merged.md")
    run(*merge, "--output", "json", "-o", f"{WORK}/merged.json")
    single_md = open(f"{WORK}/single.md", "rb").read()
    assert b"file:out.npy" in single_md
    assert open(f"{WORK}/merged.md", "rb").read() == single_md, "merged shards differ (Markdown)"
    assert results(f"{WORK}/merged.json") == results(f"{WORK}/single.json"), \
        "merged shards differ from one run (JSON)"
    print(f"shards: {n} shards of {x.size} fp32 inputs merge to the single run's table")


def void_dtypes():
    run("inputs", "-t", "bf16", "-o", f"{WORK}/bf16_in.npy")
    bits = np.load(f"{WORK}/bf16_in.npy")
    assert bits.dtype == np.uint16 and bits.size == 65280
    x = (bits.astype(np.uint32) << 16).view(np.float32)
    y = np.tanh(x)  # rounded to bf16 by truncation: a deliberately poor kernel
    y_bits = (y.view(np.uint32) >> 16).astype(np.uint16)
    np.save(f"{WORK}/y_u16.npy", y_bits)
    np.save(f"{WORK}/y_void.npy", y_bits.view("V2"))
    data = open(f"{WORK}/y_void.npy", "rb").read()
    assert data.count(b"'|V2'") == 1
    open(f"{WORK}/y_void_lt.npy", "wb").write(data.replace(b"'|V2'", b"'<V2'"))
    tables = []
    for name in ("y_u16", "y_void", "y_void_lt"):
        out = run("table", "-f", "tanh", "-t", "bf16", "-i", f"file:{WORK}/{name}.npy",
                  "--output", "csv")
        tables.append(out.replace(name + ".npy", "y.npy"))
    assert tables[0] == tables[1] == tables[2], tables
    print("void dtypes: '|V2' and '<V2' bf16 outputs grade as their uint16 bits")


if __name__ == "__main__":
    GELUCHECK, WORK = sys.argv[1], sys.argv[2]
    os.makedirs(WORK, exist_ok=True)
    shards()
    void_dtypes()
