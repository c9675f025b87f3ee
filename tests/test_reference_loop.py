"""The vectorised kernel equals a plain per-world loop on the same draws (issue 2).

The loop below is written independently of careersim.careers._machine, one world and one
year at a time with plain Python scalars and if-statements, from the model description in
docs/model.md. Only the raw draws and the PhD plan (itself a per-world formula) are shared.
"""

import math

import numpy as np
import pytest

import careersim
from careersim._draws import draw_block, root_seed_sequence
from careersim._finances import income_tax
from careersim._market import expected_real_return, make_world
from careersim.careers.phd import phd_plan

STUDENT, RESIDENT, EMPLOYED, UNEMPLOYED, GRANT = 0, 1, 2, 3, 4
ENGINEER, RS, FACULTY = 0, 1, 2


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def logit(p):
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log(p / (1 - p))


def one_world(career, s, world, d, plan, w):
    """Income, status and net worth of one career in world ``w``, year by year."""
    T = world.real_return.shape[0]
    emp, lay, reg, sw, res, ind = s.employment, s.layoffs, s.regime, s.switching, s.residency, s.independent
    ability = float(world.ability[w])
    luck = math.exp(emp.start_pay_log_sd * d.pay_z[w] + emp.ability_pay_effect * ability)
    exit_track, exit_pay, exit_phd, has_phd = ENGINEER, 0.0, False, False
    years_left, gap, level, industry_years = 0, 0.0, 0, 0
    if career == "phd":
        st, pay, track = STUDENT, float(plan["stipend"][w]), ENGINEER
        years_left, exit_track, exit_pay, exit_phd = int(plan["years"][w]), int(plan["tier"][w]), float(plan["exit_pay"][w]), not plan["attrited"][w]
    elif career == "residency":
        st, pay, track, years_left = RESIDENT, res.pay_usd, ENGINEER, res.duration_years
    elif career == "engineer":
        st, pay, track = EMPLOYED, s.engineer.start_pay_usd * luck, ENGINEER
    else:
        st, pay, track = GRANT, ind.grant_pay_usd, ENGINEER
    mean_real = expected_real_return(s.market)
    incomes, statuses = [], []
    for t in range(T):
        bust = bool(world.bust[t, w])
        working = 1.0 - min(gap, 1.0)
        gap = max(gap - 1.0, 0.0)
        industry = st == EMPLOYED and track != FACULTY
        factor = 1.0
        if industry:
            factor = max(1.0 + emp.equity_fraction * emp.equity_market_beta * (world.real_return[t, w] - mean_real), 1.0 - emp.equity_fraction)
        incomes.append(pay * working * factor)
        statuses.append(UNEMPLOYED if st in (EMPLOYED, GRANT) and working < 0.5 else st)

        if st == EMPLOYED:
            lost = False
            in_job = gap == 0.0
            if in_job:
                hazard = min(1.0, lay.annual_layoff_hazard * reg.bust_layoff_multiplier) if bust else lay.annual_layoff_hazard
                if industry and d.layoff_u[t, w] < hazard:
                    lost = True
                if track in (ENGINEER, RS) and d.lab_closure_u[t, w] < lay.lab_closure_hazard:
                    lost = True
            if lost:
                gap += lay.spell_median_years * math.exp(lay.spell_log_sd * d.spell_z[t, w]) * (reg.bust_spell_multiplier if bust else 1.0)
                pay *= math.exp(lay.reemployment_log_pay_change_mean + lay.reemployment_log_pay_change_sd * d.reemployment_z[t, w])
            elif in_job:
                promoted = track != FACULTY and level < emp.max_promotions and d.promotion_u[t, w] < emp.promotion_probability
                level += promoted
                growth = 1.0 + emp.faculty_real_raise if track == FACULTY else 1.0 + emp.real_raise - (reg.bust_raise_penalty if bust else 0.0)
                pay *= growth * (1.0 + emp.promotion_raise if promoted else 1.0)
            if industry:
                industry_years += 1
            if in_job and not lost and track == ENGINEER and not has_phd:
                if d.switch_u[t, w] < sw.first_year_probability * math.exp(-sw.decay_per_year * (industry_years - 1)):
                    st, pay, years_left, exit_track, exit_pay, exit_phd, level = STUDENT, sw.stipend_usd, sw.phd_years, RS, sw.post_phd_pay_usd * luck, True, 0
        elif st == STUDENT:
            years_left -= 1
            if years_left <= 0:
                st, track, pay, has_phd, level = EMPLOYED, exit_track, exit_pay, has_phd or exit_phd, 0
                gap += emp.job_search_years
        elif st == RESIDENT:
            years_left -= 1
            if years_left <= 0:
                p_conv = sigmoid(logit(res.conversion_probability) + res.ability_conversion_effect * ability) * (reg.bust_hiring_multiplier if bust else 1.0)
                level = 0
                if d.residency_convert_u[w] < p_conv:
                    st, track, pay = EMPLOYED, RS, res.converted_pay_usd * luck
                elif d.residency_phd_u[w] < res.phd_after_probability:
                    st, pay, years_left, exit_track, exit_pay, exit_phd = STUDENT, sw.stipend_usd, sw.phd_years, RS, sw.post_phd_pay_usd * luck, True
                else:
                    st, track, pay = EMPLOYED, ENGINEER, res.fallback_pay_usd * luck
                    gap += emp.job_search_years
        elif st == GRANT:
            p_renew = sigmoid(logit(ind.renewal_probability) + ind.ability_renewal_effect * ability) * (reg.bust_hiring_multiplier if bust else 1.0)
            if d.grant_renew_u[t, w] < p_renew:
                gap += ind.gap_median_years * math.exp(ind.gap_log_sd * d.grant_gap_z[t, w])
            else:
                st, track, pay, level = EMPLOYED, ENGINEER, ind.exit_pay_usd * luck, 0
                gap += emp.job_search_years

    # finances, one year at a time
    f = s.finances
    wealth = s.simulation.initial_net_worth_usd
    worth = []
    for t in range(T):
        tax = float(income_tax(np.array(incomes[t]), state_rate=f.state_income_tax_rate, fica_exempt=statuses[t] == STUDENT))
        surplus = incomes[t] - tax - f.living_cost_usd
        saving = f.savings_rate * surplus if surplus > 0 else surplus
        if wealth >= 0:
            rate = world.real_return[t, w]
        else:
            rate = (1 + f.debt_interest_rate) / (1 + world.inflation[t, w]) - 1
        wealth = wealth + wealth * rate + saving
        worth.append(wealth)
    return np.array(incomes), np.array(statuses), np.array(worth)


@pytest.mark.parametrize("changes", [
    {},
    # make every rare branch common: layoffs, lab closures, switching, busts, residency paths
    {"layoffs.annual_layoff_hazard": 0.3, "layoffs.lab_closure_hazard": 0.2, "switching.first_year_probability": 0.4,
     "regime.boom_to_bust_probability": 0.5, "residency.conversion_probability": 0.3, "residency.phd_after_probability": 0.5,
     "phd.breakthrough_probability": 0.3, "finances.living_cost_usd": 60_000.0, "market.model": "student_t"},
])
def test_vectorised_kernel_equals_plain_loop(changes):
    s = careersim.load_scenario("default").replace(changes).replace({"simulation.horizon_years": 25})
    n = 120
    r = careersim.simulate(s, worlds=n, rng=99)
    d = draw_block(root_seed_sequence(99), 0, horizon_years=25, market_model=s.market.model, student_t_df=s.market.student_t_df).take(n)
    world = make_world(s.market, s.regime, d)
    plan = phd_plan(s, world, d)
    for ci, career in enumerate(r.careers):
        for w in range(n):
            income, status, worth = one_world(career, s, world, d, plan, w)
            # event transforms run in the draws' single precision in the kernel, in double here
            np.testing.assert_allclose(r.income[ci, w], income, rtol=1e-6, atol=1.0, err_msg=f"{career} world {w}")
            np.testing.assert_array_equal(r.status[ci, w], status, err_msg=f"{career} world {w}")
            np.testing.assert_allclose(r.net_worth[ci, w], worth, rtol=1e-6, atol=10.0, err_msg=f"{career} world {w}")
