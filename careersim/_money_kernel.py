"""The yearly money kernel: tax, spending, contributions and account balances of one career,
compiled with numba.

Years outer, worlds inner (every array is read contiguously), with no whole-array
temporaries: a numpy version of the same steps cost five times the rest of the engine.
Each year runs as a few short loops over the worlds, with the year's intermediates in
scratch arrays of length ``n`` allocated once per call (each world is still computed on its
own; only the order of the work changes):

1. the tax-table look-ups (the tax before a deferral, the marginal and capital-gains rates);
2. spending (the exp and log of the spending rule, in a loop of their own);
3. the contribution order, one step of it at a time over all the worlds (the step's kind is
   then the same for the whole loop, which LLVM vectorises: min/max, no branches);
4. the tax after a 401(k) deferral: on the income's own segment when the deferral leaves it
   there, else (about half the worlds) a second look-up in a short loop over those listed;
5. the balances, branch-free (selects, which LLVM vectorises), then the outputs.

One long loop body per element was one long dependent chain the processor could not
overlap across worlds; short loops let it overlap independent worlds or run them in SIMD.
Array indices in the look-ups are unsigned, so numba emits no negative-index wraparound
(which had tripled the cost of a look-up). :mod:`careersim._finances` prepares the inputs
and wraps the outputs; this module holds only the arithmetic. Tax tables are
piecewise-linear: several curves on one set of knots (``careersim._finances._Merged``), found
through a bucket index and read as :func:`numpy.interp` reads them.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, uint64

#: status codes (careersim.careers._machine)
STUDENT, RESIDENT, EMPLOYED, UNEMPLOYED = 0, 1, 2, 3
#: steps of a contribution order
MATCH, ROTH, K401, TAXABLE = 0, 1, 2, 3
#: rows of the flows array, when kept
FLOWS = ("taxes", "spending", "deferral", "match", "roth", "taxable_cash", "taxable", "basis", "traditional", "roth_balance", "taxable_account_tax")


@njit(cache=True, inline="always", error_model="numpy", boundscheck=False)
def _segment(xs: np.ndarray, starts: np.ndarray, scan: int, inv_width: float, x: float) -> int:
    """Index i (unsigned) of the segment [xs[i], xs[i+1]) holding x >= 0 (tables run from 0
    to far beyond any income).

    ``starts`` (viewed as uint64) holds in ``starts[k]`` the segment holding the start of
    bucket k; no bucket holds more than ``scan`` knots, so ``scan`` branch-free steps finish
    the search. (A binary search, whose branches the processor cannot predict, cost several
    times the rest of the kernel.) A negative or NaN x reads bucket 0.
    """
    kf = x * inv_width
    kf = kf if kf > 0.0 else 0.0
    top = float(starts.shape[0] - 1)
    kf = kf if kf < top else top
    i = starts[uint64(int(kf))]
    for _ in range(scan):
        i += uint64(xs[i + uint64(1)] <= x)
    return i


@njit(cache=True, inline="always", error_model="numpy", boundscheck=False)
def _at(xs: np.ndarray, ys: np.ndarray, slopes: np.ndarray, i: int, c: int, x: float) -> float:
    """Column c of a merged table (several curves on one set of knots) at x, on segment i."""
    return ys[i, c] + (x - xs[i]) * slopes[i, c]


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
    # unsigned bucket indices: no negative-index wraparound in the look-ups
    ws = ws.view(np.uint64)
    ss = ss.view(np.uint64)
    gs = gs.view(np.uint64)
    ps = ps.view(np.uint64)
    taxable = np.full(n, initial)
    basis = np.full(n, max(initial, 0.0))
    trad = np.zeros(n)
    rothb = np.zeros(n)
    inv_roth_width = 1.0 / max(roth_end - roth_start, 1e-9)
    has_match = 1.0 if match_rate > 0.0 else 0.0
    log_living_part = (1.0 - elasticity) * math.log(living) if living > 0.0 else -math.inf
    steps = 0  # how many steps come before the taxable account
    while steps < order.shape[0] and order[steps] != TAXABLE:
        steps += 1
    # the year's intermediates, one slot per world
    a_tax0 = np.empty(n); a_take = np.empty(n); a_marg = np.empty(n); a_gains = np.empty(n)
    a_ord = np.empty(n); a_comp = np.empty(n); a_plan = np.empty(n); a_gb = np.empty(n); a_pay = np.empty(n)
    a_spend = np.empty(n); a_dp = np.zeros(n)
    a_def = np.empty(n); a_roth = np.empty(n); a_match = np.empty(n); a_left = np.empty(n)
    a_keep = np.empty(n); a_ikeep = np.empty(n); a_room = np.empty(n); a_matched = np.empty(n)
    a_wi = np.zeros(n, dtype=np.uint64); a_list = np.zeros(n, dtype=np.int64)
    a_tax = np.empty(n); a_cash = np.empty(n); a_paid = np.empty(n)
    for t in range(T):
        s = shares[t]
        inc_t = income[t]; ui_t = ui[t]; st_t = status[t]; g_t = grant[t]
        # 1. table look-ups: one per kind of income (a merged table holds every curve)
        for w in range(n):
            inc = inc_t[w]
            st = st_t[w]
            g = g_t[w]
            wages = 0.0
            payroll = 0.0
            gross_based = 0.0
            if st == STUDENT:
                i = _segment(sx, ss, sn, inv_width, inc)
                tax0 = _at(sx, sy, sd, i, 0, inc)
                marginal = sd[i, 1] + sd[i, 2]
                gains = _at(sx, sy, sd, i, 3, inc)
                comp = inc
                ordinary = inc
                wi = uint64(0)
            else:
                if g:
                    k = _segment(gx, gs, gn, inv_width, inc)
                    se = _at(gx, gy, gd, k, 1, inc)
                    tax0 = _at(gx, gy, gd, k, 0, inc) + se
                    comp = inc - 0.5 * se
                    ordinary = comp
                else:
                    wages = inc - ui_t[w]
                    ordinary = inc
                    comp = wages
                wi = _segment(wx, ws, wn, inv_width, ordinary)
                marginal = wd[wi, 0] + wd[wi, 1]
                gains = _at(wx, wy, wd, wi, 3, ordinary)
                if not g:
                    gross_based = _at(wx, wy, wd, wi, 1, ordinary)
                    if wages == ordinary:
                        payroll = _at(wx, wy, wd, wi, 2, ordinary)
                    else:
                        wage = max(wages, 0.0)
                        payroll = _at(px, py, pd, _segment(px, ps, pn, inv_width, wage), 0, wage)
                    tax0 = _at(wx, wy, wd, wi, 0, ordinary) + gross_based + payroll
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
            a_wi[w] = wi
        # 2. spending follows income above the living costs: L (Y / L)^e as
        # exp((1 - e) ln L + e ln Y) (no overflow for a tiny L)
        if elasticity_rule:
            for w in range(n):
                take = a_take[w]
                a_spend[w] = math.exp(log_living_part + elasticity * math.log(take)) if take > living else living
        else:
            for w in range(n):
                a_spend[w] = living + (1.0 - savings_rate) * max(a_take[w] - living, 0.0)
        if has_debt:
            dp_t = debt_payment[t]
            for w in range(n):
                a_dp[w] = dp_t[w]
        # 3. contributions, one step of the order at a time (vectorised); computed for every
        # world, and zeroed in step 4 where the budget is not positive
        for w in range(n):
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
                for w in range(n):
                    deferral = a_def[w]
                    roth = a_roth[w]
                    left = a_left[w]
                    limit = roth_limit * min(max((roth_end - (inc_t[w] - deferral)) * inv_roth_width, 0.0), 1.0)
                    comp = a_comp[w]
                    add = max(min(min(limit, max(comp, 0.0)) - roth, left), 0.0)
                    a_roth[w] = roth + add
                    a_left[w] = left - add
            else:
                tgt = a_matched if o == MATCH else a_room
                for w in range(n):
                    deferral = a_def[w]
                    left = a_left[w]
                    keep = a_keep[w]
                    add = max(min(tgt[w] - deferral, left * a_ikeep[w]), 0.0)
                    a_def[w] = deferral + add
                    a_left[w] = max(left - add * keep, 0.0)
        # 4. the tax after the deferral: on the income's own segment when the deferral
        # leaves it there; the other worlds are listed and looked up in a short loop
        cnt = 0
        for w in range(n):
            ok = a_take[w] - a_spend[w] - a_dp[w] > 0.0
            deferral = a_def[w] if ok else 0.0
            matched = a_matched[w] if ok else 0.0
            a_def[w] = deferral
            a_roth[w] = a_roth[w] if ok else 0.0
            a_match[w] = match_rate * min(deferral, matched)
            defers = deferral > 0.0
            below = a_ord[w] - deferral
            wi = a_wi[w]
            tax_d = _at(wx, wy, wd, wi, 0, below) + a_gb[w] + a_pay[w]
            a_tax[w] = tax_d if defers else a_tax0[w]
            a_list[cnt] = w
            cnt += defers & (below < wx[wi])
        for q in range(cnt):
            w = a_list[q]
            below = a_ord[w] - a_def[w]
            j = _segment(wx, ws, wn, inv_width, below)
            a_tax[w] = _at(wx, wy, wd, j, 0, below) + a_gb[w] + a_pay[w]
        for w in range(n):
            a_cash[w] = inc_t[w] - a_tax[w] - a_spend[w] - a_dp[w] - a_def[w] - a_roth[w]
        # 5. balances: both sides of every branch, then a select (vectorised)
        st_r = stock[t]; bd_r = bond[t]; inf_r = inflation[t]; dr_r = debt_rate[t]
        sdy = s * div_yield
        mix_y = s * div_yield + (1.0 - s) * bond_yield
        bby = (1.0 - s) * bond_yield
        for w in range(n):
            growth = (1.0 + s * st_r[w] + (1.0 - s) * bd_r[w]) * (1.0 - fee)
            infl = inf_r[w]
            dr = dr_r[w]
            gains = a_gains[w]
            marginal = a_marg[w]
            cash = a_cash[w]
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
        if want_pre or want_after:
            if has_debt:
                db_t = debt_balance[t]
                for w in range(n):
                    a_dp[w] = db_t[w]  # reuse as the debt balance
        if want_pre:
            o_t = out_pre[t]
            if has_debt:
                for w in range(n):
                    o_t[w] = taxable[w] + trad[w] + rothb[w] - a_dp[w]
            else:
                for w in range(n):
                    o_t[w] = taxable[w] + trad[w] + rothb[w] - 0.0
        if want_after:
            o_t = out_after[t]
            if has_debt:
                for w in range(n):
                    x = taxable[w]
                    o_t[w] = x - a_gains[w] * max(x - basis[w], 0.0) + (1.0 - withdrawal_rate) * trad[w] + rothb[w] - a_dp[w]
            else:
                for w in range(n):
                    x = taxable[w]
                    o_t[w] = x - a_gains[w] * max(x - basis[w], 0.0) + (1.0 - withdrawal_rate) * trad[w] + rothb[w] - 0.0
        if want_lens:  # the valuation lenses' flows: after-tax income and consumption
            take_t = out_take[t]
            spend_t = out_spend[t]
            for w in range(n):
                take_t[w] = inc_t[w] - a_tax[w]
                spend_t[w] = a_spend[w]
        if keep_flows:
            for w in range(n):
                flows[0, t, w] = a_tax[w]
                flows[1, t, w] = a_spend[w]
                flows[2, t, w] = a_def[w]
                flows[3, t, w] = a_match[w]
                flows[4, t, w] = a_roth[w]
                flows[5, t, w] = a_cash[w]
                flows[6, t, w] = taxable[w]
                flows[7, t, w] = basis[w]
                flows[8, t, w] = trad[w]
                flows[9, t, w] = rothb[w]
                flows[10, t, w] = a_paid[w]
