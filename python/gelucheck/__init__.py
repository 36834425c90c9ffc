"""gelucheck from Python: correctly rounded references and ULP-error grading of activation
kernels on numpy arrays.

    import numpy as np, gelucheck
    x = gelucheck.inputs("bf16")                       # every finite bf16 value, increasing
    y = my_kernel(x.values)                           # float32 in, anything gelucheck accepts out
    row = gelucheck.grade("gelu_erf", "bf16", y)      # the row `gelucheck table --output json` gives
    print(row["max_abs_ulp"]["value"], row["correctly_rounded"] / row["points"])

Arrays of outputs (and of inputs) may be bit patterns (uint8/uint16/uint32 or signed of the
format's width), float16 (fp16) or float32 (fp32) values, wider floats that are all values of
the format, or arrays whose dtype numpy does not know but whose items have the format's width,
such as ml_dtypes' bfloat16 (read by their bytes, ml_dtypes not needed).
PyTorch: `t.view(torch.int16).numpy()` for bf16/fp16 tensors, `t.numpy()` for float32.
JAX: `np.asarray(y)` (an ml_dtypes array for bfloat16).
Functions, formats and the metrics: docs/formats.md and `gelucheck list`.
"""
from dataclasses import dataclass

import numpy as np

from . import _core

__all__ = ["inputs", "reference", "grade", "sweep", "assert_accuracy", "to_bits", "values",
           "functions", "formats", "UsageError", "Inputs", "Sweep"]

UsageError = _core.UsageError
functions = _core.functions
formats = _core.formats

_UNSIGNED = {1: np.uint8, 2: np.uint16, 4: np.uint32}
# Outcomes of sweep() records, as src/sweep/metrics.hpp numbers them.
OUTCOMES = ("finite", "special", "nonfinite", "nan")


def _width(format):
    return (_core.format_bits(format) + 7) // 8


def to_bits(format, array):
    """The bit patterns (uint32) of `array` as values of `format`; see the module's docstring for
    the dtypes accepted. Raises ValueError when the array cannot hold values of the format."""
    a = np.ascontiguousarray(np.asarray(array)).reshape(-1)
    width = _width(format)
    if a.dtype.kind in "uiV" and a.dtype.itemsize == width:
        return a.view(_UNSIGNED[width]).astype(np.uint32)
    if a.dtype.kind == "u" and a.dtype.itemsize > width:
        # Wider unsigned patterns (uint32 for bf16): _core refuses any that do not fit the format.
        if a.size and int(a.max()) > 0xFFFFFFFF:
            raise ValueError(f"bit pattern {int(a.max())} is wider than {format}")
        return a.astype(np.uint32)
    if a.dtype.kind == "f" and a.dtype.itemsize == width and format in ("fp16", "fp32"):
        return a.view(_UNSIGNED[width]).astype(np.uint32)
    if a.dtype.kind == "f" and a.dtype.itemsize > width:
        return _core.exact_bits(format, a.astype(np.float64))
    if a.dtype.itemsize == width and a.dtype.kind not in "fcbO":
        return a.view(_UNSIGNED[width]).astype(np.uint32)  # e.g. a custom dtype's items
    raise ValueError(
        f"an array of {a.dtype} cannot hold {format} values: give bit patterns of "
        f"{8 * width} bits (uint{8 * width}, or an ml_dtypes array), or values as a wider float "
        "that are all values of the format")


def values(format, bits):
    """The values of bit patterns as float64 (exact for every format)."""
    return _core.to_float64(format, np.asarray(bits, dtype=np.uint32))


@dataclass
class Inputs:
    """The inputs of a sweep, in the sweep's order (`gelucheck inputs`)."""
    format: str
    bits: np.ndarray    # uint16 (uint8, uint32) bit patterns of the format
    values: np.ndarray  # float32 values, exact for fp32, fp16, bf16 and 8-bit formats
    domain: str         # as tables name it


def _range(range):
    if range is None:
        return -np.inf, np.inf
    lo, hi = range
    return float(lo), float(hi)


def inputs(format, range=None, shard=None, points=0, seed=1):
    """Every finite value of `format` in `range` (lo, hi) in increasing order, -0 before +0
    (fp32: `points` patterns uniform over the format's values, default 10^6, as the command line
    does). `shard=(k, n)` gives the inputs of shard k of n, as `gelucheck inputs --shard k/n`."""
    lo, hi = _range(range)
    k, n = shard if shard is not None else (0, 0)
    bits, domain = _core.inputs(format, lo, hi, points, seed, k, n)
    width = _width(format)
    return Inputs(format, bits.astype(_UNSIGNED[width]),
                  values(format, bits).astype(np.float32), domain)


def reference(function, format, x, mode="tiered"):
    """The correctly rounded f(x) in `format`, as bit patterns (uint16 for 16-bit formats, as
    inputs() gives them), for inputs x given as any accepted array."""
    bits, _ = _core.reference(function, format, to_bits(format, x), mode)
    return bits.astype(_UNSIGNED[_width(format)])


def _grade(function, format, outputs, inputs, range, points, seed, name, threads, mode, records):
    import json
    lo, hi = _range(range)
    x = None if inputs is None else to_bits(format, inputs)
    out = _core.grade(function, format, to_bits(format, outputs), x, lo, hi, points, seed, name,
                      threads or 0, mode, records)
    return json.loads(out["table_json"])[0], out


def grade(function, format, outputs, inputs=None, range=None, points=0, seed=1, name="python",
          threads=None, mode="tiered"):
    """Grades `outputs`, one per input in the order inputs() gives them (or per input of
    `inputs`), against the correctly rounded `function`. Returns the table row as a dict: the
    fields and numbers of `gelucheck table --output json` (points, max_abs_ulp {value, x,
    x_bits}, mean_abs_ulp, correctly_rounded, faithful, nonfinite, nan, zero_sign, histogram,
    binades ...)."""
    return _grade(function, format, outputs, inputs, range, points, seed, name, threads, mode,
                  False)[0]


@dataclass
class Sweep:
    """Per-input records of a sweep, in input order (`gelucheck sweep`'s columns)."""
    row: dict
    x: np.ndarray          # input bits
    reference: np.ndarray  # correctly rounded bits
    value: np.ndarray      # the implementation's bits
    exact: np.ndarray      # r on the grid ulp(r) * 2^-10
    ulp_error: np.ndarray
    abs_error: np.ndarray
    rel_error: np.ndarray
    outcome: np.ndarray    # index into OUTCOMES


def sweep(function, format, outputs, inputs=None, range=None, points=0, seed=1, name="python",
          threads=None, mode="tiered"):
    """grade() with the per-input arrays."""
    row, out = _grade(function, format, outputs, inputs, range, points, seed, name, threads,
                      mode, True)
    return Sweep(row, *(out[k] for k in ("x", "reference", "value", "exact", "ulp_error",
                                         "abs_error", "rel_error", "outcome")))


def assert_accuracy(fn, function, format, max_ulp=None, min_correctly_rounded=None,
                    min_faithful=None, max_nonfinite=0, max_zero_sign=None, range=None,
                    points=0, worst=10, dtype="values"):
    """Runs `fn` on every input of `format` (in `range`) and fails like `gelucheck gate`: an
    AssertionError naming each limit exceeded and the worst inputs. `fn` receives the inputs as
    float32 values (`dtype="values"`, exact) or as bit patterns (`dtype="bits"`) and returns
    outputs as any accepted array. Returns the table row."""
    x = inputs(format, range=range, points=points)
    y = fn(x.values if dtype == "values" else x.bits)
    s = sweep(function, format, y, inputs=x.bits)
    row = s.row
    n = row["points"]
    failures = []
    worst_ulp = row["max_abs_ulp"]["value"] if row["max_abs_ulp"] else 0.0
    if max_ulp is not None and worst_ulp > max_ulp:
        failures.append(f"max |ULP error| = {worst_ulp:.6g} fails <= {max_ulp}")
    for key, limit in (("correctly_rounded", min_correctly_rounded), ("faithful", min_faithful)):
        if limit is not None and row[key] / n < limit:
            failures.append(f"{key} share = {row[key] / n:.6g} fails >= {limit}")
    for key, limit in (("nonfinite", max_nonfinite), ("zero_sign", max_zero_sign)):
        bad = row[key] + (row["nan"] if key == "nonfinite" else 0)
        if limit is not None and bad > limit:
            failures.append(f"{key} results = {bad} fails <= {limit}")
    if failures:
        # Most severe first: NaN and non-finite results, then by |ULP error|.
        severity = np.where(s.outcome >= 2, np.inf, np.abs(s.ulp_error))
        order = np.argsort(-severity, kind="stable")[:worst]
        xs, refs, ys = (values(format, a[order]) for a in (s.x, s.reference, s.value))
        lines = [f"{function} in {format} over {row['domain']}: " + "; ".join(failures),
                 "worst inputs:"]
        for i, k in enumerate(order):
            lines.append(f"  x = {xs[i]!r} (0x{int(s.x[k]):x}): got {ys[i]!r} "
                         f"(0x{int(s.value[k]):x}), correctly rounded {refs[i]!r} "
                         f"(0x{int(s.reference[k]):x}), {OUTCOMES[s.outcome[k]]}, "
                         f"{s.ulp_error[k]:+.4g} ULP")
        raise AssertionError("\n".join(lines))
    return row
