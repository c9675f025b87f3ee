"""The yearly money kernel: tax, spending, contributions and account balances of one career,
compiled with numba.

One pass over ``(year, world)`` (years outer, worlds inner, so every array is read
contiguously) does what :mod:`careersim._finances` describes, element by element, with no
temporaries: a numpy version of the same steps cost five times the rest of the engine
(about thirty whole-array operations and eight table look-ups per career-year).
:mod:`careersim._finances` prepares the inputs and wraps the outputs; this module holds only
the arithmetic. Tax tables are piecewise-linear: several curves on one set of knots
(``careersim._finances._Merged``), found through a bucket index and read as
:func:`numpy.interp` reads them.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: status codes (careersim.careers._machine)
STUDENT, RESIDENT, EMPLOYED, UNEMPLOYED = 0, 1, 2, 3
#: steps of a contribution order
MATCH, ROTH, K401, TAXABLE = 0, 1, 2, 3
#: rows of the flows array, when kept
FLOWS = ("taxes", "spending", "deferral", "match", "roth", "taxable_cash", "taxable", "basis", "traditional", "roth_balance", "taxable_account_tax")


@njit(cache=True, inline="always", error_model="numpy")
def _segment(xs: np.ndarray, starts: np.ndarray, scan: int, inv_width: float, x: float) -> int:
    """Index i of the segment [xs[i], xs[i+1]) holding x >= 0 (tables run from 0 to far
    beyond any income).

    ``starts[k]`` is the segment holding the start of bucket k; no bucket holds more than
    ``scan`` knots, so ``scan`` branch-free steps finish the search. (A binary search, whose
    branches the processor cannot predict, cost several times the rest of the kernel.)
    """
    k = int(x * inv_width)
    if k >= starts.shape[0]:
        k = starts.shape[0] - 1
    i = starts[k]
    for _ in range(scan):
        i += xs[i + 1] <= x
    return i


@njit(cache=True, inline="always", error_model="numpy")
def _at(xs: np.ndarray, ys: np.ndarray, slopes: np.ndarray, i: int, c: int, x: float) -> float:
    """Column c of a merged table (several curves on one set of knots) at x, on segment i."""
    return ys[i, c] + (x - xs[i]) * slopes[i, c]


@njit(cache=True, error_model="numpy")
def money_kernel(
    income, ui, status, grant, stock, bond, inflation, debt_rate, shares, debt_payment, debt_balance, has_debt,
    wx, wy, wd, ws, wn, sx, sy, sd, ss, sn, gx, gy, gd, gs, gn, px, py, pd, ps, pn, inv_width,
    living, elasticity_rule, elasticity, savings_rate, order,
    limit_401k, match_rate, match_cap, roth_limit, roth_start, roth_end,
    fee, div_yield, bond_yield, withdrawal_rate, initial,
    want_pre, want_after, out_pre, out_after, keep_flows, flows,
):  # pragma: no cover - compiled; tested through careersim._finances.money_paths
    T, n = income.shape
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
    for t in range(T):
        s = shares[t]
        for w in range(n):
            inc = income[t, w]
            st = status[t, w]
            student = st == STUDENT
            g = grant[t, w]
            wages = 0.0
            payroll = 0.0
            gross_based = 0.0
            # one look-up per kind of income: a merged table holds every curve the year needs
            if student:
                i = _segment(sx, ss, sn, inv_width, inc)
                tax0 = _at(sx, sy, sd, i, 0, inc)
                marginal = sd[i, 1] + sd[i, 2]
                gains = _at(sx, sy, sd, i, 3, inc)
                comp = inc
                ordinary = inc
                wi = 0
            else:
                if g:
                    k = _segment(gx, gs, gn, inv_width, inc)
                    se = _at(gx, gy, gd, k, 1, inc)
                    tax0 = _at(gx, gy, gd, k, 0, inc) + se
                    comp = inc - 0.5 * se
                    ordinary = comp
                else:
                    wages = inc - ui[t, w]
                    ordinary = inc
                    comp = wages
                wi = _segment(wx, ws, wn, inv_width, ordinary)
                marginal = wd[wi, 0] + wd[wi, 1]
                gains = _at(wx, wy, wd, wi, 3, ordinary)
                if not g:
                    gross_based = _at(wx, wy, wd, wi, 1, ordinary)
                    if wages == ordinary:
                        payroll = _at(wx, wy, wd, wi, 2, ordinary)
                    else:  # unemployment insurance this year: payroll tax is on the wages alone
                        wage = max(wages, 0.0)
                        payroll = _at(px, py, pd, _segment(px, ps, pn, inv_width, wage), 0, wage)
                    tax0 = _at(wx, wy, wd, wi, 0, ordinary) + gross_based + payroll
            take = inc - tax0
            # spending follows income above the living costs
            if elasticity_rule:
                # L (Y / L)^e = exp((1 - e) ln L + e ln Y): no overflow for a tiny L, and one
                # log and one exp instead of a power
                spend = math.exp(log_living_part + elasticity * math.log(take)) if take > living else living
            else:
                spend = living + (1.0 - savings_rate) * max(take - living, 0.0)
            dp = debt_payment[t, w] if has_debt else 0.0
            budget = take - spend - dp
            deferral = 0.0
            roth = 0.0
            matched = 0.0
            if budget > 0.0:
                plan = wages if (st == EMPLOYED or st == RESIDENT or st == UNEMPLOYED) else 0.0
                keep = min(max(1.0 - marginal, 0.05), 1.0)
                inv_keep = 1.0 / keep
                room = min(limit_401k, plan)
                matched = min(room, match_cap * plan) * has_match
                left = budget
                # the steps before "taxable", the same for every element (a predictable
                # branch); the amounts are clamped with min/max, not branches
                for k in range(steps):
                    if order[k] == ROTH:
                        limit = roth_limit * min(max((roth_end - (inc - deferral)) * inv_roth_width, 0.0), 1.0)
                        add = max(min(min(limit, max(comp, 0.0)) - roth, left), 0.0)
                        roth += add
                        left -= add
                    else:
                        target = matched if order[k] == MATCH else room
                        add = max(min(target - deferral, left * inv_keep), 0.0)
                        deferral += add
                        left = max(left - add * keep, 0.0)
            match = match_rate * min(deferral, matched)
            tax = tax0
            if deferral > 0.0:
                below = ordinary - deferral
                j = wi if below >= wx[wi] else _segment(wx, ws, wn, inv_width, below)
                tax = _at(wx, wy, wd, j, 0, below) + gross_based + payroll
            cash = inc - tax - spend - dp - deferral - roth
            cash_in = cash

            # the stock/bond mix, less fees; the taxable account's taxes
            growth = (1.0 + s * stock[t, w] + (1.0 - s) * bond[t, w]) * (1.0 - fee)
            trad[w] = trad[w] * growth + deferral + match
            rothb[w] = rothb[w] * growth + roth
            x = taxable[w]
            b = basis[w]
            paid = 0.0
            if x > 0.0:
                paid = x * (s * div_yield * gains + (1.0 - s) * bond_yield * marginal)
                b = b / (1.0 + inflation[t, w]) + x * (s * div_yield + (1.0 - s) * bond_yield) - paid
                x = x * growth - paid
            else:
                b = 0.0
                x = x * (1.0 + debt_rate[t, w])
            if cash < 0.0 and x > 0.0:
                # a sale realises its share of the gain; the tax on it is sold with it
                sold = min(-cash, x)
                gains_tax = sold * max(1.0 - b / x, 0.0) * gains
                paid += gains_tax
                cash -= gains_tax
            new = x + cash
            if cash >= 0.0:
                b = b + cash if x >= 0.0 else max(new, 0.0)
            else:
                b = b * min(max(new / x, 0.0), 1.0) if x > 0.0 else 0.0
            x = new
            taxable[w] = x
            basis[w] = b
            debt = debt_balance[t, w] if has_debt else 0.0
            if want_pre:
                out_pre[t, w] = x + trad[w] + rothb[w] - debt
            if want_after:
                out_after[t, w] = x - gains * max(x - b, 0.0) + (1.0 - withdrawal_rate) * trad[w] + rothb[w] - debt
            if keep_flows:
                flows[0, t, w] = tax
                flows[1, t, w] = spend
                flows[2, t, w] = deferral
                flows[3, t, w] = match
                flows[4, t, w] = roth
                flows[5, t, w] = cash_in
                flows[6, t, w] = x
                flows[7, t, w] = b
                flows[8, t, w] = trad[w]
                flows[9, t, w] = rothb[w]
                flows[10, t, w] = paid
