"""The Python module against the command line (same numbers), against mpmath (the reference),
and on the arrays frameworks hand over (numpy standing in for PyTorch and JAX, as in CI).

Run by ctest (python_pytest) with PYTHONPATH=build/python and GELUCHECK_BINARY set."""
import json
import os
import subprocess

import mpmath
import numpy as np
import pytest

import gelucheck

BINARY = os.environ.get("GELUCHECK_BINARY", "gelucheck")


def cli(*args):
    return subprocess.run([BINARY, *args], check=True, capture_output=True, text=True).stdout


def round_to_bf16(x):
    """float32 -> bf16 bit patterns, round to nearest even (NaN kept quiet): the conversion
    PyTorch's and JAX's float32 -> bfloat16 casts do."""
    u = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    nan = np.isnan(x)
    return np.where(nan, (u >> 16) | 0x40, rounded).astype(np.uint16)


def gelu_tanh_bf16(x):
    """The tanh form of GELU computed in float32 and rounded once to bf16: PyTorch's
    gelu(approximate='tanh') on a bf16 tensor."""
    x = np.asarray(x, dtype=np.float32)
    c = np.float32(np.sqrt(2 / np.pi))
    with np.errstate(over="ignore", invalid="ignore"):
        y = np.float32(0.5) * x * (np.float32(1) + np.tanh(c * (x + np.float32(0.044715) * x**3)))
    return round_to_bf16(y)


def test_grade_gives_the_numbers_of_gelucheck_table(tmp_path):
    x = gelucheck.inputs("bf16")
    assert x.bits.size == 65280  # 2^16 minus 2 x 127 NaN payloads minus 2 infinities
    y = gelu_tanh_bf16(x.values)
    row = gelucheck.grade("gelu_tanh", "bf16", y)
    np.save(tmp_path / "y.npy", y)
    table = json.loads(cli("table", "-f", "gelu_tanh", "-t", "bf16", "-i",
                           f"file:{tmp_path}/y.npy", "--output", "json"))
    cli_row = table["rows"][0]
    assert cli_row.pop("implementation").startswith("file:")
    assert row.pop("implementation") == "python"
    assert row == cli_row
    assert row["points"] == 65280


def test_inputs_are_those_gelucheck_inputs_writes_and_shards_concatenate(tmp_path):
    cli("inputs", "-t", "bf16", "--range", "-8:8", "-o", str(tmp_path / "in.npy"))
    x = gelucheck.inputs("bf16", range=(-8, 8))
    assert np.array_equal(x.bits, np.load(tmp_path / "in.npy"))
    assert x.bits.dtype == np.uint16
    # Values: bf16 bits are the top half of float32's.
    assert np.array_equal(x.values.view(np.uint32), x.bits.astype(np.uint32) << 16)
    parts = [gelucheck.inputs("bf16", range=(-8, 8), shard=(k, 3)).bits for k in range(3)]
    assert np.array_equal(np.concatenate(parts), x.bits)


def test_reference_agrees_with_mpmath():
    # tanh of 200 bf16 values in [0.25, 4): every result is a normal bf16 number, so rounding
    # mpmath's value to 8 significant bits (nearest, ties to even) is the correct rounding.
    x = gelucheck.inputs("bf16", range=(0.25, 4)).values[::2][:200]
    got = gelucheck.values("bf16", gelucheck.reference("tanh", "bf16", x))
    mpmath.mp.prec = 100
    wrong = 0
    for xi, g in zip(x, got):
        exact = mpmath.tanh(mpmath.mpf(float(xi)))
        with mpmath.workprec(8):  # unary + rounds to 8 bits, to nearest, ties to even
            expected = float(+exact)
        wrong += expected != g
    assert wrong == 0


def test_ml_dtypes_style_arrays_are_read_by_their_bytes():
    x = gelucheck.inputs("bf16")
    y = gelu_tanh_bf16(x.values)
    as_void = y.view("V2")  # what an ml_dtypes bfloat16 array is to numpy: 2-byte void items
    assert gelucheck.grade("gelu_tanh", "bf16", as_void) == gelucheck.grade("gelu_tanh", "bf16", y)
    as_int16 = y.view(np.int16)  # torch: tensor.view(torch.int16).numpy()
    assert gelucheck.grade("gelu_tanh", "bf16", as_int16) == gelucheck.grade("gelu_tanh", "bf16", y)
    as_uint32 = y.astype(np.uint32)  # wider patterns: accepted when they fit the format
    assert gelucheck.grade("gelu_tanh", "bf16", as_uint32) == gelucheck.grade("gelu_tanh", "bf16", y)
    with pytest.raises(ValueError, match="wider than bf16"):
        gelucheck.grade("gelu_tanh", "bf16", as_uint32 | np.uint32(0x10000))
    with pytest.raises(ValueError, match="not a bf16 value"):
        gelucheck.grade("gelu_tanh", "bf16", x.values + np.float32(2.0**-12))
    with pytest.raises(ValueError, match="expected 65280 outputs"):
        gelucheck.grade("gelu_tanh", "bf16", y[:-1])


def test_sweep_records_agree_with_the_row():
    x = gelucheck.inputs("bf16")
    s = gelucheck.sweep("gelu_tanh", "bf16", gelu_tanh_bf16(x.values))
    assert np.array_equal(s.x, x.bits.astype(np.uint32))
    finite = s.outcome == 0
    # correctly rounded: the value is the correctly rounded one (decided from bits).
    assert np.count_nonzero(s.value == s.reference) == s.row["correctly_rounded"]
    # The row prints only the digits the reference's +-2^-11 ULP leaves certain (table JSON):
    # the sweep's maximum rounded to that many significant digits.
    printed = s.row["max_abs_ulp"]["value"]
    digits = len(repr(printed).split("e")[0].replace("-", "").replace(".", "").lstrip("0"))
    assert float(f"{np.max(np.abs(s.ulp_error[finite])):.{digits}g}") == printed


def test_assert_accuracy_passes_a_correct_kernel_and_lists_the_worst_inputs_of_a_bad_one():
    def correctly_rounded(v):
        return gelucheck.reference("gelu_tanh", "bf16", v)

    row = gelucheck.assert_accuracy(correctly_rounded, function="gelu_tanh", format="bf16",
                                    max_ulp=0.5, min_correctly_rounded=1.0)
    assert row["correctly_rounded"] == row["points"]

    def truncated(v):  # float32 -> bf16 by dropping the low bits: up to 1 ULP off
        y = np.float32(0.5) * v * (np.float32(1) + np.tanh(
            np.float32(np.sqrt(2 / np.pi)) * (v + np.float32(0.044715) * v**3)))
        return (np.asarray(y, np.float32).view(np.uint32) >> 16).astype(np.uint16)

    with np.errstate(over="ignore", invalid="ignore"):
        with pytest.raises(AssertionError) as failure:
            gelucheck.assert_accuracy(truncated, function="gelu_tanh", format="bf16",
                                      max_ulp=0.5, range=(-8, 8), worst=3)
    text = str(failure.value)
    assert "max |ULP error|" in text and "fails <= 0.5" in text
    assert text.count("  x = ") == 3
