"""The money kernel's reorganisations change the order of the work, never a number.

The kernel runs the worlds in blocks and reads tax tables through records and a bucket
search (careersim._money_kernel); these check, bit for bit, that a world's money does not
depend on which block it falls in or which outputs are asked for, and that the look-up
reads every merged table as numpy.interp does.
"""

import numpy as np
import pytest

import careersim
from careersim._draws import draw_block, root_seed_sequence
from careersim._finances import TABLE_BUCKET_USD, money_paths, place_taxes
from careersim._market import make_world
from careersim._money_kernel import BLOCK, _col, _padded, _records, _segment
from careersim._places import PLACE_IDS
from careersim.careers import START_STATES, run_career
from careersim.careers._machine import CareerPath, world_events

N = 2 * BLOCK + 37  # three blocks, the last one partial


def paths(changes):
    s = careersim.load_scenario("default").replace({"simulation.horizon_years": 12, **changes})
    d = draw_block(root_seed_sequence(5), 0, horizon_years=12, market_model=s.market.model).take(N)
    world = make_world(s.market, s.regime, d)
    events = world_events(s, world, d)
    return s, world, {k: run_career(START_STATES[k](s, world, d), s, events, d) for k in ("phd", "residency", "engineer", "independent")}


def every_output(f):
    c, b = f.contributions, f.balances
    return [f.net_worth_pre_tax, f.net_worth_after_tax, f.taxes, f.spending, f.taxable_cash, c.deferral, c.match, c.roth,
            b.taxable, b.basis, b.traditional, b.roth, b.taxable_account_tax]


def take(x, worlds):
    """The ``(year, world)`` arrays of a dataclass, for some worlds only."""
    return type(x)(**{k: (np.ascontiguousarray(v[:, worlds]) if isinstance(v, np.ndarray) and v.ndim == 2 else v) for k, v in x.__dict__.items()})


@pytest.mark.parametrize("changes", [
    {},
    {"finances.spending_rule": "savings_rate", "finances.net_worth": "pre-tax", "finances.contribution_order": "roth,match,401k,taxable",
     "simulation.initial_net_worth_usd": -40_000.0, "finances.student_debt_usd": 30_000.0, "layoffs.annual_layoff_hazard": 0.3},
])
def test_a_worlds_money_does_not_depend_on_its_block_or_the_outputs_asked(changes):
    s, world, by_career = paths(changes)
    for career, path in by_career.items():
        kw = dict(start_age=22, initial_net_worth_usd=s.simulation.initial_net_worth_usd)
        whole = money_paths(path, world, s.finances, keep_flows=True, **kw)
        # worlds moved across block boundaries: a slice straddling one, and every third world
        for worlds in (slice(BLOCK - 5, BLOCK + 40), slice(1, N, 3)):
            part = money_paths(CareerPath(**{k: (np.ascontiguousarray(v[:, worlds]) if v is not None else None) for k, v in path.__dict__.items()}),
                               take(world, worlds), s.finances, keep_flows=True, **kw)
            for a, b in zip(every_output(whole), every_output(part)):
                np.testing.assert_array_equal(a[:, worlds], b, err_msg=career)
        # one output asked alone (the engine's call) equals the same output asked with the rest
        pre, after = np.empty_like(path.income), np.empty_like(path.income)
        take_home, spent = np.empty_like(path.income), np.empty_like(path.income)
        money_paths(path, world, s.finances, out_pre_tax=pre, **kw)
        money_paths(path, world, s.finances, out_after_tax=after, out_after_tax_income=take_home, out_consumption=spent, **kw)
        np.testing.assert_array_equal(pre, whole.net_worth_pre_tax)
        np.testing.assert_array_equal(after, whole.net_worth_after_tax)
        np.testing.assert_array_equal(take_home, path.income - whole.taxes)
        np.testing.assert_array_equal(spent, whole.spending)


@pytest.mark.parametrize("place", PLACE_IDS)
def test_the_look_up_reads_every_table_as_numpy_interp(place):
    rng = np.random.default_rng(0)
    for m in place_taxes(place).merged:
        x_knots = m.x[:-1]
        x = np.concatenate([x_knots, np.nextafter(x_knots[1:], 0.0), (x_knots[:-1] + x_knots[1:]) / 2, rng.uniform(0.0, 3e6, 2_000),
                            [3_999_999.0, 4e6, 4e6 + 50.0, 7e6, 1e9, 9.9e11]])
        xs, starts = _padded(m.x, m.scan), m.starts.view(np.uint64)
        rec = _records(m.x, m.y, m.slopes, -1, -1)
        for v in x:
            i = _segment(xs, starts, m.scan, 1.0 / TABLE_BUCKET_USD, v)
            assert m.x[i] <= v < m.x[i + 1]
            for c in range(m.y.shape[1]):
                assert _col(rec, i, c, v) == np.interp(v, m.x, m.y[:, c]), (place, v, c)
