#!/usr/bin/python3
"""Writes .npy files with numpy (Debian's python3-numpy), for the tests of gelucheck's reader.

For each file NAME.npy it also writes NAME.expect: a first line "DESCR FORTRAN SHAPE" as numpy
reports them (dtype.str, flags.f_contiguous and ndim > 1, shape joined by 'x', '-' for 0-d) and
then one line per element, in the order the elements are stored in the file, the element's bytes
as an unsigned integer in hex (numpy's own reinterpretation: .view() of the unsigned type of the
same width, after converting to native byte order). Nothing here uses gelucheck's code.
"""
import argparse
import os

import numpy as np

UNSIGNED = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


def write(out_dir, name, array, version=None):
    path = os.path.join(out_dir, name + ".npy")
    if version is None:
        np.save(path, array)
    else:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, array, version=version)
    fortran = array.ndim > 1 and array.flags.f_contiguous and not array.flags.c_contiguous
    storage = array.T if fortran else array  # Fortran order stores the transpose's C order
    native = storage.astype(storage.dtype.newbyteorder("="))
    bits = native.reshape(-1).view(UNSIGNED[array.dtype.itemsize])
    shape = "x".join(str(s) for s in array.shape) or "-"
    with open(os.path.join(out_dir, name + ".expect"), "w") as f:
        f.write(f"{array.dtype.str} {int(fortran)} {shape}\n")
        for b in bits:
            f.write(f"{int(b):x}\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)
    every16 = np.arange(65536, dtype=np.uint16)
    rng = np.random.default_rng(5)
    u32 = rng.integers(0, 2**32, size=4096, dtype=np.uint64).astype(np.uint32)
    write(out, "float16_le", every16.view(np.float16))
    write(out, "float16_be", every16.view(np.float16).astype(">f2"))
    write(out, "uint16", every16)
    write(out, "int16", every16.view(np.int16))
    write(out, "uint16_be", every16.astype(">u2"))
    write(out, "float32_le", u32.view(np.float32))
    write(out, "float32_be", u32.view(np.float32).astype(">f4"))
    write(out, "uint32", u32)
    write(out, "float64", rng.standard_normal(1000))
    write(out, "uint8", np.arange(256, dtype=np.uint8))
    write(out, "c_order_2d", every16.reshape(256, 256))
    write(out, "fortran_2d", np.asfortranarray(every16.reshape(256, 256)))
    write(out, "scalar_0d", np.array(1.5, dtype=np.float32))
    write(out, "empty", np.zeros(0, dtype=np.float16))
    write(out, "version_2", every16.view(np.float16), version=(2, 0))
    write(out, "version_3", every16.view(np.float16), version=(3, 0))
    # Void items: what numpy.save writes for ml_dtypes' bfloat16 ('<V2' in the issue's report,
    # '|V2' from numpy itself) and float8 ('|V1'); read as bit patterns.
    write(out, "void2", every16.view("V2"))
    write(out, "void1", np.arange(256, dtype=np.uint8).view("V1"))
    with open(os.path.join(out, "void2.npy"), "rb") as f:
        data = f.read()
    assert data.count(b"'|V2'") == 1
    with open(os.path.join(out, "void2_lt.npy"), "wb") as f:
        f.write(data.replace(b"'|V2'", b"'<V2'"))
    with open(os.path.join(out, "void2.expect")) as f, open(
            os.path.join(out, "void2_lt.expect"), "w") as g:
        g.write(f.read())
    # Refused: no expectations beyond the refusal.
    np.save(os.path.join(out, "structured.npy"), np.zeros(4, dtype=[("a", "<f4"), ("b", "<i2")]))
    np.save(os.path.join(out, "complex.npy"), np.zeros(4, dtype=np.complex64))
    np.save(os.path.join(out, "boolean.npy"), np.zeros(4, dtype=bool))
    # Outputs for the captured-output tests: bf16 values as float32 (exact) and one that is not.
    bf16_as_f32 = (every16.astype(np.uint32) << 16).view(np.float32)
    write(out, "bf16_values_as_float32", bf16_as_f32)
    not_bf16 = bf16_as_f32.copy()
    not_bf16[1000] = np.float32(1.0) + np.float32(2.0**-10)  # 1 + 2^-10 needs 11 bits
    np.save(os.path.join(out, "not_bf16_float32.npy"), not_bf16)


if __name__ == "__main__":
    main()
