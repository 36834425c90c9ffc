#!/usr/bin/python3
"""Every kind of JSON document gelucheck writes, produced by the real program and validated
against its schema in docs/schemas/ (Debian's python3-jsonschema). Also checks that each starts
with the common members (docs/formats.md) and that --version agrees with gelucheck_version.

Usage: validate_json_schemas.py GELUCHECK SCHEMA_DIR WORK_DIR
"""
import json
import os
import subprocess
import sys

import jsonschema

GATE = """
[[check]]
name = "fp32 GELU in bf16"
function = "gelu_erf"
format = "bf16"
implementation = "fp32"
range = "-4:4"
max_ulp = 0.501
gradient_implementation = "fp32"
gradient_max_ulp = 0.501

[[check]]
name = "native tanh in fp16, failing"
function = "tanh"
format = "fp16"
implementation = "native"
range = "-2:2"
max_ulp = 0.5
"""


def run(args, expect=(0,)):
    r = subprocess.run([GELUCHECK, *args], capture_output=True, text=True)
    if r.returncode not in expect:
        sys.exit(f"gelucheck {' '.join(args)}: exit {r.returncode}\n{r.stdout}{r.stderr}")
    return r.stdout


def main():
    os.makedirs(WORK, exist_ok=True)
    gate = os.path.join(WORK, "gate.toml")
    with open(gate, "w") as f:
        f.write(GATE)
    w = lambda name: os.path.join(WORK, name)  # noqa: E731
    documents = [  # (schema, command writing the document to the file it names first in w())
        ("table", ["table", "-f", "gelu_erf,tanh", "-t", "bf16", "-i", "fp32,native",
                   "--output", "json", "-o", w("table.json")]),
        ("table", ["table", "-f", "tanh", "-t", "fp32", "-i", "fp32", "--points", "1000",
                   "--reference", "mpfr", "--output", "json", "-o", w("table_mpfr.json")]),
        ("saturation", ["saturation", "-f", "gelu_erf", "-t", "bf16", "-i", "fp32,erfc_form",
                        "--output", "json", "-o", w("saturation.json")]),
        ("gradients", ["gradients", "-f", "gelu_erf_grad", "-t", "bf16", "--output", "json",
                       "-o", w("gradients.json")]),
        ("gradcheck", ["gradcheck", "-i", "fp32", "-t", "bf16", "-f", "gelu_tanh",
                       "--output", "json", "-o", w("gradcheck.json")]),
        ("diff", ["diff", "fp32", "erfc_form", "-f", "gelu_erf", "-t", "bf16", "--output",
                  "json", "-o", w("diff.json")]),
        ("gate", ["gate", gate, "--json", w("gate.json")]),
        ("baseline", ["gate", gate, "--baseline", w("baseline.json"), "--write-baseline"]),
    ]
    version = run(["--version"]).strip()
    assert version.startswith("gelucheck "), version
    for name, args in documents:
        run(args, expect=(0, 1))  # gate and gradcheck fail on purpose (exit 1)
        path = next(a for a in args if a.startswith(WORK) and a.endswith(".json"))
        doc = json.load(open(path))
        schema = json.load(open(os.path.join(SCHEMAS, f"{name}.schema.json")))
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.Draft202012Validator(schema).validate(doc)
        assert list(doc)[:5] == ["gelucheck_version", "schema_version", "document", "reference",
                                 "command_line"], list(doc)[:5]
        assert "gelucheck " + doc["gelucheck_version"] == version
        assert doc["command_line"].startswith("gelucheck " + args[0]), doc["command_line"]
        print(f"{os.path.basename(path)}: valid against {name}.schema.json")
    assert json.load(open(w("table_mpfr.json")))["reference"] == "mpfr"
    assert json.load(open(w("table.json")))["reference"] == "tiered"
    # A document that breaks its schema is refused by the check (so the check can fail).
    broken = json.load(open(w("table.json")))
    del broken["rows"][0]["points"]
    schema = json.load(open(os.path.join(SCHEMAS, "table.schema.json")))
    try:
        jsonschema.validate(broken, schema)
    except jsonschema.ValidationError:
        pass
    else:
        sys.exit("a table row without 'points' passed the table schema")


if __name__ == "__main__":
    GELUCHECK, SCHEMAS, WORK = sys.argv[1:4]
    main()
