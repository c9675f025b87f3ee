"""The normals the career kernel makes from uniform draws (careersim._special): scipy's own
``ndtri``, bit for bit, at the middle of each single-precision uniform's cell."""

import numpy as np
import scipy.special
import scipy.stats
from numba import njit

from careersim._draws import draw_block, root_seed_sequence
from careersim._special import HALF_CELL, ndtri


@njit(cache=False)
def _normals(u):
    out = np.empty(u.shape[0])
    for i in range(u.shape[0]):
        out[i] = ndtri(u[i] + HALF_CELL)
    return out


def test_the_compiled_ndtri_is_scipys_bit_for_bit():
    cell = np.float32(2.0**-24)
    u = np.concatenate([np.array([0.0, cell, 0.5 - cell, 0.5, 1.0 - cell], dtype=np.float32),
                        np.random.default_rng(1).random(100_000, dtype=np.float32)])
    z = _normals(u)
    assert np.array_equal(z, scipy.special.ndtri(u.astype(np.float64) + 2.0**-25))
    # never infinite, and symmetric: the lowest and the highest uniform give -z and z, as do
    # the two either side of a half
    assert np.isfinite(z).all() and z[0] == -z[4] and z[2] == -z[3] and 5.41 < -z[0] < 5.42


def test_the_rare_draws_made_normal_are_standard_normal():
    d = draw_block(root_seed_sequence(7), 0, horizon_years=40, market_model="lognormal")
    for u in (d.spell_u, d.reemployment_u, d.grant_gap_u):
        assert u.dtype == np.float32 and u.shape == (40, 2048) and 0.0 <= u.min() and u.max() < 1.0
        z = _normals(u.ravel())
        assert scipy.stats.kstest(z, "norm").pvalue > 1e-3
        assert abs(z.mean()) < 0.02 and abs(z.std() - 1.0) < 0.02
    # three different streams of numbers, not one reused
    assert not np.array_equal(d.spell_u, d.reemployment_u)
