#!/usr/bin/python3
"""Captures GELU outputs the way a framework run does, with numpy standing in for the framework.

The flow is the README's PyTorch recipe line for line; only the call marked FRAMEWORK differs:

    x = torch.from_numpy(np.load(INPUTS).view(np.int16)).view(torch.bfloat16)
    y = torch.nn.functional.gelu(x)                       # FRAMEWORK
    np.save(OUTPUTS, y.view(torch.int16).numpy())

Here the framework's bf16 GELU is emulated as PyTorch's CPU kernel computes it: widen bf16 to
float32, evaluate 0.5 x (1 + erf(x / sqrt 2)) (here through erfc in double, the stable form, then
rounded to float32), round to bf16 to nearest even. Usage:
    gelucheck inputs -t bf16 --range -8:8 -o inputs.npy
    capture_with_numpy.py inputs.npy outputs.npy
    gelucheck table -f gelu_erf -t bf16 --range -8:8 -i file:outputs.npy
"""
import math
import sys

import numpy as np


def bf16_bits_to_float32(bits):
    """bfloat16 is the top half of a binary32: exact."""
    return (bits.astype(np.uint32) << 16).view(np.float32)


def float32_to_bf16_bits(y):
    """Round to nearest even on the bit pattern (c10::BFloat16's rounding); NaN stays NaN."""
    u = y.view(np.uint32)
    rounded = ((u + np.uint32(0x7FFF) + ((u >> 16) & np.uint32(1))) >> 16).astype(np.uint16)
    quiet_nan = ((u >> 16) | np.uint32(0x40)).astype(np.uint16)
    return np.where(np.isnan(y), quiet_nan, rounded)


def framework_gelu_bf16(x_bits):
    """FRAMEWORK: the stand-in for torch.nn.functional.gelu on a bf16 tensor."""
    x = bf16_bits_to_float32(x_bits).astype(np.float64)
    y = np.array([0.5 * v * math.erfc(-v / math.sqrt(2.0)) for v in x], dtype=np.float64)
    return float32_to_bf16_bits(y.astype(np.float32))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: capture_with_numpy.py INPUTS.npy OUTPUTS.npy")
    inputs, outputs = sys.argv[1], sys.argv[2]
    x = np.load(inputs).view(np.int16)  # torch has int16, not uint16: the same bits
    if x.dtype != np.int16 or x.ndim != 1:
        sys.exit(f"{inputs}: expected a 1-d array of bf16 bit patterns (gelucheck inputs -t bf16)")
    y = framework_gelu_bf16(x.view(np.uint16))
    np.save(outputs, y.view(np.int16))  # as y.view(torch.int16).numpy() would be saved
    print(f"captured {y.size} bf16 outputs in {outputs}")


if __name__ == "__main__":
    main()
