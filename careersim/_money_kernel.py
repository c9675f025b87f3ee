"""The yearly money kernel: tax, spending, contributions and account balances of one career,
compiled with numba.

The worlds run in blocks of :data:`BLOCK`; within a block, year by year, a few short loops
over the block's worlds (each world is still computed on its own; only the order of the work
changes). The year's intermediates and the block's balances are rows of one scratch buffer,
small enough to stay in the cache; no whole-array temporaries (a numpy version of the same
steps cost five times the rest of the engine):

1. the tax-table look-ups (the tax before a deferral, the marginal and capital-gains rates);
2. spending (the exp and log of the spending rule, in a loop of their own);
3. the contribution order, one step of it at a time over the worlds (the step's kind is then
   the same for the whole loop, which LLVM vectorises: min/max, no branches);
4. the tax after a 401(k) deferral: on the income's own segment when the deferral leaves it
   there (that segment's knot, value and slope kept from step 1, so the loop vectorises),
   else (about half the worlds) a second look-up in a short loop over those listed;
5. the balances, branch-free (selects, which LLVM vectorises), then the outputs.

One long loop body per element was one long dependent chain the processor could not
overlap across worlds; short loops let it overlap independent worlds or run them in SIMD.
The buffer's rows are not a multiple of 4 KiB apart: rows that are (8,192 worlds each,
unpadded) compete for the same few sets of the L1 cache, which doubled the kernel's time.
Array indices in the look-ups are unsigned, so numba emits no negative-index wraparound
(which had tripled the cost of a look-up). :mod:`careersim._finances` prepares the inputs
and wraps the outputs; this module holds only the arithmetic. Tax tables are
piecewise-linear: several curves on one set of knots (``careersim._finances._Merged``), found
through a bucket index and read as :func:`numpy.interp` reads them, from records of one
segment each (:func:`_records`).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, uint64

#: status codes (careersim.careers._machine)
STUDENT, RESIDENT, EMPLOYED, UNEMPLOYED = 0, 1, 2, 3
#: steps of a contribution order
MATCH, ROTH, K401, TAXABLE = 0, 1, 2, 3
#: worlds per block
BLOCK = 256
#: scratch rows: 29, each BLOCK long, 2,176 bytes apart (not a multiple of 4 KiB)
_ROWS, _STRIDE = 29, BLOCK + 16
#: a table segment's record: its knot, then up to four values, four slopes, the marginal rate
_REC, _Y, _D, _M = 16, 1, 5, 9
#: rows of the flows array, when kept
FLOWS = ("taxes", "spending", "deferral", "match", "roth", "taxable_cash", "taxable", "basis", "traditional", "roth_balance", "taxable_account_tax")


@njit(cache=True, inline="always", error_model="numpy", boundscheck=False)
def _segment(xs: np.ndarray, starts: np.ndarray, scan: int, inv_width: float, x: float) -> int:
    """Index i (unsigned) of the segment [xs[i], xs[i+1]) holding x >= 0 (tables run from 0
    to far beyond any income).

    ``starts`` (viewed as uint64) holds in ``starts[k]`` the segment holding the start of
    bucket k; no bucket holds more than ``scan`` knots, so counting the knots <= x among the
    next ``scan`` finishes the search (``xs`` padded with ``scan`` infinities: see
    :func:`_padded`). The loads are independent (a step-by-step scan chained them), and most
    buckets hold no knot, so one comparison usually settles it. (A binary search, whose
    branches the processor cannot predict, cost several times the rest of the kernel.) A
    negative or NaN x reads bucket 0.
    """
    kf = x * inv_width
    kf = kf if kf > 0.0 else 0.0
    top = float(starts.shape[0] - 1)
    kf = kf if kf < top else top
    i = starts[uint64(int(kf))]
    if xs[i + uint64(1)] > x:  # most buckets hold no knot: x is on the bucket's first segment
        return i
    c = uint64(0)
    for j in range(1, scan + 1):
        c += uint64(xs[i + uint64(j)] <= x)
    return i + c


@njit(cache=True, inline="always", error_model="numpy", boundscheck=False)
def _pretax_step(target: float, deferral: float, left: float, keep: float, ikeep: float) -> tuple[float, float]:
    """One 401(k) step of the contribution order: the deferral raised toward ``target`` as far as
    ``left`` of the budget pays for it (a pre-tax dollar costs ``keep`` = 1 - the marginal rate
    of take-home pay); the new deferral and what is left."""
    add = max(min(target - deferral, left * ikeep), 0.0)
    return deferral + add, max(left - add * keep, 0.0)


@njit(cache=True, inline="always", error_model="numpy", boundscheck=False)
def _roth_limit(magi: float, roth_limit: float, roth_end: float, inv_roth_width: float) -> float:
    """The Roth IRA limit at modified AGI ``magi``: full below the phase-out, none above it."""
    return roth_limit * min(max((roth_end - magi) * inv_roth_width, 0.0), 1.0)


@njit(cache=True, inline="always", error_model="numpy", boundscheck=False)
def _deferral_after(order: np.ndarray, first: int, steps: int, deferral: float, left: float, matched: float, room: float,
                    keep: float, ikeep: float) -> float:
    """The year's 401(k) deferral once the order's 401(k) steps from ``first`` on have run with
    ``left`` of the budget (the Roth IRA step, if any, skipped): what the Roth IRA's phase-out
    reads, since modified AGI is the year's income less the whole year's deferral."""
    for k in range(first, steps):
        o = order[k]
        if o != ROTH:
            deferral, left = _pretax_step(matched if o == MATCH else room, deferral, left, keep, ikeep)
    return deferral


@njit(cache=True, error_model="numpy", boundscheck=False)
def _records(xs: np.ndarray, ys: np.ndarray, slopes: np.ndarray, m0: int, m1: int) -> np.ndarray:
    """A merged table as one record of :data:`_REC` floats per segment (flat): the knot, the
    curves' values and slopes and, for ``m0 >= 0``, the marginal rate ``slopes m0 + m1``. A
    look-up then reads one or two cache lines at constant offsets."""
    if ys.shape[1] > _D - _Y:
        raise ValueError("a merged table has more curves than a record holds")
    out = np.zeros(xs.shape[0] * _REC)
    for i in range(xs.shape[0]):
        r = i * _REC
        out[r] = xs[i]
        for c in range(ys.shape[1]):
            out[r + _Y + c] = ys[i, c]
            if i < slopes.shape[0]:
                out[r + _D + c] = slopes[i, c]
        if m0 >= 0 and i < slopes.shape[0]:
            out[r + _M] = slopes[i, m0] + slopes[i, m1]
    return out


@njit(cache=True, inline="always", error_model="numpy", boundscheck=False)
def _col(rec: np.ndarray, i: int, c: int, x: float) -> float:
    """Curve c of a table at x, on segment i (unsigned), as :func:`numpy.interp` reads it."""
    r = i * uint64(_REC)
    return rec[r + uint64(_Y + c)] + (x - rec[r]) * rec[r + uint64(_D + c)]


@njit(cache=True, error_model="numpy", boundscheck=False)
def _padded(xs: np.ndarray, scan: int) -> np.ndarray:
    """The knots, then ``scan`` infinities: the search reads all ``scan`` knots after a
    bucket's first segment, past the table's end near its last knot, where the step-by-step
    scan stopped at the first knot above x; an infinity is above any x, so both agree."""
    out = np.full(xs.shape[0] + scan, np.inf)
    out[: xs.shape[0]] = xs
    return out


@njit(cache=True, nogil=True, error_model="numpy", boundscheck=False)
def money_kernel(
    income, ui, status, grant, stock, bond, inflation, debt_rate, shares, debt_payment, debt_balance, has_debt,
    wx, wy, wd, ws, wn, sx, sy, sd, ss, sn, gx, gy, gd, gs, gn, px, py, pd, ps, pn, inv_width,
    living, elasticity_rule, elasticity, savings_rate, order,
    limit_401k, match_rate, match_cap, roth_limit, roth_start, roth_end,
    fee, div_yield, bond_yield, withdrawal_rate, initial,
    want_pre, want_after, out_pre, out_after, keep_flows, flows, want_lens, out_take, out_spend,
):  # pragma: no cover - compiled; tested through careersim._finances.money_paths
    T, n = income.shape
    # the tables as records, with the marginal rates summed as the look-ups summed them
    wr = _records(wx, wy, wd, 0, 1); sr = _records(sx, sy, sd, 1, 2); gr = _records(gx, gy, gd, -1, -1); pr = _records(px, py, pd, -1, -1)
    wx = _padded(wx, wn); sx = _padded(sx, sn); gx = _padded(gx, gn); px = _padded(px, pn)
    # unsigned bucket indices: no negative-index wraparound in the look-ups
    ws = ws.view(np.uint64)
    ss = ss.view(np.uint64)
    gs = gs.view(np.uint64)
    ps = ps.view(np.uint64)
    inv_roth_width = 1.0 / max(roth_end - roth_start, 1e-9)
    has_match = 1.0 if match_rate > 0.0 else 0.0
    # ln(L^(1 - e)); with no living costs it is -inf, except at e = 1 where L^0 = 1 (spend it all)
    log_living_part = (1.0 - elasticity) * math.log(living) if living > 0.0 else (0.0 if elasticity == 1.0 else -math.inf)
    steps = 0  # how many steps come before the taxable account
    while steps < order.shape[0] and order[steps] != TAXABLE:
        steps += 1
    # a block's intermediates and balances, one row each
    buf = np.empty((_ROWS, _STRIDE))
    a_tax0 = buf[0, :BLOCK]; a_take = buf[1, :BLOCK]; a_marg = buf[2, :BLOCK]; a_gains = buf[3, :BLOCK]; a_ord = buf[4, :BLOCK]; a_comp = buf[5, :BLOCK]
    a_plan = buf[6, :BLOCK]; a_gb = buf[7, :BLOCK]; a_pay = buf[8, :BLOCK]; a_x0 = buf[9, :BLOCK]; a_y0 = buf[10, :BLOCK]; a_d0 = buf[11, :BLOCK]
    a_spend = buf[12, :BLOCK]; a_dp = buf[13, :BLOCK]; a_def = buf[14, :BLOCK]; a_roth = buf[15, :BLOCK]; a_match = buf[16, :BLOCK]; a_left = buf[17, :BLOCK]
    a_keep = buf[18, :BLOCK]; a_ikeep = buf[19, :BLOCK]; a_room = buf[20, :BLOCK]; a_matched = buf[21, :BLOCK]; a_tax = buf[22, :BLOCK]; a_cash = buf[23, :BLOCK]
    a_paid = buf[24, :BLOCK]; taxable = buf[25, :BLOCK]; basis = buf[26, :BLOCK]; trad = buf[27, :BLOCK]; rothb = buf[28, :BLOCK]
    a_list = np.zeros(BLOCK, dtype=np.int64)
    for b0 in range(0, n, BLOCK):
        b1 = min(b0 + BLOCK, n)
        m = b1 - b0
        for w in range(m):
            taxable[w] = initial
            basis[w] = max(initial, 0.0)
            trad[w] = 0.0
            rothb[w] = 0.0
            a_dp[w] = 0.0
        for t in range(T):
            s = shares[t]
            inc_t = income[t, b0:b1]; ui_t = ui[t, b0:b1]; st_t = status[t, b0:b1]; g_t = grant[t, b0:b1]
            # 1. table look-ups: one per kind of income (a merged table holds every curve)
            for w in range(m):
                inc = inc_t[w]
                st = st_t[w]
                g = g_t[w]
                wages = 0.0
                payroll = 0.0
                gross_based = 0.0
                if st == STUDENT:
                    i = _segment(sx, ss, sn, inv_width, inc)
                    tax0 = _col(sr, i, 0, inc)
                    marginal = sr[i * uint64(_REC) + uint64(_M)]
                    gains = _col(sr, i, 3, inc)
                    comp = inc
                    ordinary = inc
                    wi = uint64(0)
                else:
                    if g:
                        k = _segment(gx, gs, gn, inv_width, inc)
                        se = _col(gr, k, 1, inc)
                        tax0 = _col(gr, k, 0, inc) + se
                        comp = inc - 0.5 * se
                        ordinary = comp
                        wi = _segment(wx, ws, wn, inv_width, ordinary)
                    else:
                        wages = inc - ui_t[w]
                        ordinary = inc
                        comp = wages
                        wi = _segment(wx, ws, wn, inv_width, inc)
                    marginal = wr[wi * uint64(_REC) + uint64(_M)]
                    gains = _col(wr, wi, 3, ordinary)
                    if not g:
                        gross_based = _col(wr, wi, 1, ordinary)
                        if wages == ordinary:
                            payroll = _col(wr, wi, 2, ordinary)
                        else:
                            wage = max(wages, 0.0)
                            payroll = _col(pr, _segment(px, ps, pn, inv_width, wage), 0, wage)
                        tax0 = _col(wr, wi, 0, ordinary) + gross_based + payroll
                a_tax0[w] = tax0
                a_take[w] = inc - tax0
                # rates on investment income, held in [0, 1]: credits that phase in with earned
                # income (the EITC, Washington's Working Families credit) make the marginal rate on
                # wages negative, and a jump in one at $1 makes it -345 per dollar there; interest,
                # dividends and gains earn no such credit (found by the property tests)
                a_marg[w] = min(max(marginal, 0.0), 1.0)
                a_gains[w] = min(max(gains, 0.0), 1.0)
                a_ord[w] = ordinary
                a_comp[w] = comp
                a_plan[w] = wages if (st == EMPLOYED or st == RESIDENT or st == UNEMPLOYED) else 0.0
                a_gb[w] = gross_based
                a_pay[w] = payroll
                # the wage table's segment, for the tax after a deferral (step 4)
                a_x0[w] = wr[wi * uint64(_REC)]
                a_y0[w] = wr[wi * uint64(_REC) + uint64(_Y)]
                a_d0[w] = wr[wi * uint64(_REC) + uint64(_D)]
            # 2. spending follows income above the living costs: L (Y / L)^e as
            # exp((1 - e) ln L + e ln Y) (no overflow for a tiny L)
            if elasticity_rule:
                for w in range(m):
                    take = a_take[w]
                    a_spend[w] = math.exp(log_living_part + elasticity * math.log(take)) if take > living else living
            else:
                for w in range(m):
                    a_spend[w] = living + (1.0 - savings_rate) * max(a_take[w] - living, 0.0)
            if has_debt:
                dp_t = debt_payment[t, b0:b1]
                for w in range(m):
                    a_dp[w] = dp_t[w]
            # 3. contributions, one step of the order at a time; computed for every world, and
            # zeroed in step 4 where the budget is not positive
            for w in range(m):
                budget = a_take[w] - a_spend[w] - a_dp[w]
                marginal = a_marg[w]
                plan = a_plan[w]
                keep = min(max(1.0 - marginal, 0.05), 1.0)
                a_keep[w] = keep
                a_ikeep[w] = 1.0 / keep
                room = min(limit_401k, plan)
                a_room[w] = room
                a_matched[w] = min(room, match_cap * plan) * has_match
                a_left[w] = budget
                a_def[w] = 0.0
                a_roth[w] = 0.0
            for k in range(steps):
                o = order[k]
                if o == ROTH:
                    # the phase-out reads the year's whole deferral, the steps after this one
                    # included. That deferral ends between its value now and the 401(k) room
                    # (room >= matched), so most years are below the phase-out or above it
                    # whatever comes after: one branch-free pass with the most the later steps
                    # can defer, which is exact for them (a_tax and a_cash keep each world's
                    # roth and left meanwhile: steps 4 and 5 write them before they read them)
                    cnt = 0
                    for w in range(m):
                        deferral = a_def[w]
                        roth = a_roth[w]
                        left = a_left[w]
                        inc = inc_t[w]
                        lowest = inc - max(deferral, a_room[w])
                        limit = _roth_limit(lowest, roth_limit, roth_end, inv_roth_width)
                        add = max(min(min(limit, max(a_comp[w], 0.0)) - roth, left), 0.0)
                        a_tax[w] = roth
                        a_cash[w] = left
                        a_roth[w] = roth + add
                        a_left[w] = left - add
                        a_list[cnt] = w
                        cnt += (inc - deferral > roth_start) & (lowest < roth_end)
                    # within the phase-out: the later steps with all of the budget left to them
                    # (the most they can defer), then with what this first amount leaves them,
                    # which can only lower the limit; the second amount is within the law either
                    # way, and the same as the first when the budget covers both
                    for q in range(cnt):
                        w = a_list[q]
                        deferral = a_def[w]; roth = a_tax[w]; left = a_cash[w]; inc = inc_t[w]; cap = max(a_comp[w], 0.0)
                        matched = a_matched[w]; room = a_room[w]; keep = a_keep[w]; ikeep = a_ikeep[w]
                        year_def = _deferral_after(order, k + 1, steps, deferral, left, matched, room, keep, ikeep)
                        limit = _roth_limit(inc - year_def, roth_limit, roth_end, inv_roth_width)
                        first = max(min(min(limit, cap) - roth, left), 0.0)
                        if first > 0.0:
                            year_def = _deferral_after(order, k + 1, steps, deferral, left - first, matched, room, keep, ikeep)
                            limit = _roth_limit(inc - year_def, roth_limit, roth_end, inv_roth_width)
                        add = max(min(min(limit, cap) - roth, left), 0.0)
                        a_roth[w] = roth + add
                        a_left[w] = left - add
                else:
                    tgt = a_matched if o == MATCH else a_room
                    for w in range(m):
                        a_def[w], a_left[w] = _pretax_step(tgt[w], a_def[w], a_left[w], a_keep[w], a_ikeep[w])
            # 4. the tax after the deferral: on the income's own segment when the deferral
            # leaves it there; the other worlds are listed and looked up in a short loop
            for w in range(m):
                ok = a_take[w] - a_spend[w] - a_dp[w] > 0.0
                deferral = a_def[w] if ok else 0.0
                matched = a_matched[w] if ok else 0.0
                a_def[w] = deferral
                a_roth[w] = a_roth[w] if ok else 0.0
                a_match[w] = match_rate * min(deferral, matched)
                below = a_ord[w] - deferral
                tax_d = a_y0[w] + (below - a_x0[w]) * a_d0[w] + a_gb[w] + a_pay[w]
                a_tax[w] = tax_d if deferral > 0.0 else a_tax0[w]
            cnt = 0
            for w in range(m):
                deferral = a_def[w]
                a_list[cnt] = w
                cnt += (deferral > 0.0) & (a_ord[w] - deferral < a_x0[w])
            for q in range(cnt):
                w = a_list[q]
                below = a_ord[w] - a_def[w]
                j = _segment(wx, ws, wn, inv_width, below)
                a_tax[w] = _col(wr, j, 0, below) + a_gb[w] + a_pay[w]
            # 5. balances: both sides of every branch, then a select
            st_r = stock[t, b0:b1]; bd_r = bond[t, b0:b1]; inf_r = inflation[t, b0:b1]; dr_r = debt_rate[t, b0:b1]
            sdy = s * div_yield
            mix_y = s * div_yield + (1.0 - s) * bond_yield
            bby = (1.0 - s) * bond_yield
            for w in range(m):
                cash = inc_t[w] - a_tax[w] - a_spend[w] - a_dp[w] - a_def[w] - a_roth[w]
                a_cash[w] = cash
                growth = (1.0 + s * st_r[w] + (1.0 - s) * bd_r[w]) * (1.0 - fee)
                infl = inf_r[w]
                dr = dr_r[w]
                gains = a_gains[w]
                marginal = a_marg[w]
                trad[w] = trad[w] * growth + a_def[w] + a_match[w]
                rothb[w] = rothb[w] * growth + a_roth[w]
                x = taxable[w]
                b = basis[w]
                pos = x > 0.0
                paid_p = x * (sdy * gains + bby * marginal)
                b_p = b / (1.0 + infl) + x * mix_y - paid_p
                x_p = x * growth - paid_p
                x_n = x * (1.0 + dr)
                paid = paid_p if pos else 0.0
                b = b_p if pos else 0.0
                x = x_p if pos else x_n
                sell = cash < 0.0 and x > 0.0
                sold = min(-cash, x)
                gains_tax = sold * max(1.0 - b / x, 0.0) * gains
                paid = paid + gains_tax if sell else paid
                cash = cash - gains_tax if sell else cash
                new = x + cash
                b_c = b + cash if x >= 0.0 else max(new, 0.0)
                b_s = b * min(max(new / x, 0.0), 1.0) if x > 0.0 else 0.0
                b = b_c if cash >= 0.0 else b_s
                taxable[w] = new
                basis[w] = b
                a_paid[w] = paid
            # 6. outputs
            if want_pre:
                o_t = out_pre[t, b0:b1]
                if has_debt:
                    db_t = debt_balance[t, b0:b1]
                    for w in range(m):
                        o_t[w] = taxable[w] + trad[w] + rothb[w] - db_t[w]
                else:
                    for w in range(m):
                        o_t[w] = taxable[w] + trad[w] + rothb[w] - 0.0
            if want_after:
                o_t = out_after[t, b0:b1]
                if has_debt:
                    db_t = debt_balance[t, b0:b1]
                    for w in range(m):
                        x = taxable[w]
                        o_t[w] = x - a_gains[w] * max(x - basis[w], 0.0) + (1.0 - withdrawal_rate) * trad[w] + rothb[w] - db_t[w]
                else:
                    for w in range(m):
                        x = taxable[w]
                        o_t[w] = x - a_gains[w] * max(x - basis[w], 0.0) + (1.0 - withdrawal_rate) * trad[w] + rothb[w] - 0.0
            if want_lens:  # the valuation lenses' flows: after-tax income and consumption
                take_t = out_take[t, b0:b1]
                spend_t = out_spend[t, b0:b1]
                for w in range(m):
                    take_t[w] = inc_t[w] - a_tax[w]
                for w in range(m):
                    spend_t[w] = a_spend[w]
            if keep_flows:
                for r, a in enumerate((a_tax, a_spend, a_def, a_match, a_roth, a_cash, taxable, basis, trad, rothb, a_paid)):
                    f_t = flows[r, t, b0:b1]
                    for w in range(m):
                        f_t[w] = a[w]
