"""scipy's inverse normal CDF (``scipy.special.ndtri``) inside numba kernels, and the rule that
turns a single-precision uniform draw into a standard normal.

Draws that matter only where something rare happens (a layoff's spell length and pay change,
the gap before a renewed grant) are drawn as uniforms, at about a fifth of the cost of a
normal, and turned into normals only in the worlds and years that use them (issue 17).

The kernel calls scipy's own compiled ``ndtri`` (``scipy.special.cython_special``), so the
normals are exactly ``scipy.special.ndtri`` of the same numbers (tests/test_special.py), not
a copy of its algorithm. It is called by symbol name, registered with LLVM's linker at
import, rather than through a ctypes pointer: a pointer is an address of this process, which
numba refuses to cache, while a name is resolved anew when a cached kernel is loaded.
"""

from __future__ import annotations

import llvmlite.binding as llvm
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import get_cython_function_address, intrinsic

_SYMBOL = "careersim_scipy_special_ndtri"
llvm.add_symbol(_SYMBOL, get_cython_function_address("scipy.special.cython_special", "ndtri"))

#: half the spacing of numpy's single-precision uniforms (k 2**-24, k = 0 .. 2**24 - 1): a
#: uniform u is made normal as ndtri(u + HALF_CELL), the middle of its cell, so that a draw of
#: 0 is not -inf and the normals are symmetric, |z| <= 5.42
HALF_CELL = 2.0**-25


@intrinsic
def ndtri(typingctx, p):  # pragma: no cover - compiled
    """``scipy.special.ndtri(p)`` for a float64 ``p``, callable from numba-compiled code."""
    if not isinstance(p, types.Float):
        return None
    sig = types.float64(types.float64)

    def codegen(context, builder, signature, args):
        # a cpdef function of cython_special: double ndtri(double, int __pyx_skip_dispatch)
        fnty = ir.FunctionType(ir.DoubleType(), [ir.DoubleType(), ir.IntType(32)])
        fn = cgutils.get_or_insert_function(builder.module, fnty, _SYMBOL)
        x = context.cast(builder, args[0], signature.args[0], types.float64)
        return builder.call(fn, [x, ir.Constant(ir.IntType(32), 0)])

    return sig, codegen
