"""The vectorised kernel equals a plain per-world loop on the same draws (issue 2).

The loop below is written independently of careersim.careers._machine, one world and one
year at a time with plain Python scalars and if-statements, from the model description in
docs/model.md. Only the raw draws and the PhD plan (itself a per-world formula) are shared.
"""

import math

import numpy as np
import pytest
import scipy.special

import careersim
from careersim._draws import draw_block, root_seed_sequence
from careersim._places import load_places
from careersim._tax import load_tax_tables
from careersim._market import expected_real_return, make_world
from careersim.careers.phd import phd_plan

STUDENT, RESIDENT, EMPLOYED, UNEMPLOYED, GRANT = 0, 1, 2, 3, 4
TABLES = load_tax_tables()
ENGINEER, RS, FACULTY = 0, 1, 2


def normal(u):
    """A standard normal from a single-precision uniform draw (docs/model.md, section 2): the
    inverse normal CDF at the middle of the draw's cell of width 2**-24."""
    return float(scipy.special.ndtri(float(u) + 2.0**-25))


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def logit(p):
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log(p / (1 - p))


def one_world(career, s, world, d, plan, w):
    """Income, status and net worth of one career in world ``w``, year by year."""
    T = world.real_return.shape[0]
    emp, lay, reg, sw, res, ind, cred = s.employment, s.layoffs, s.regime, s.switching, s.residency, s.independent, s.credentials
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
    place = load_places()[s.finances.place]
    ui_rate, ui_max_weekly, ui_max_weeks = s.finances.ui_replacement_rate, place.ui_max_weekly_usd, place.ui_max_weeks
    ui_weekly, ui_weeks_left = 0.0, 0.0
    incomes, statuses, uis, grants = [], [], [], []
    for t in range(T):
        bust = bool(world.bust[t, w])
        working = 1.0 - min(gap, 1.0)
        gap = max(gap - 1.0, 0.0)
        industry = st == EMPLOYED and track != FACULTY
        factor = 1.0
        if industry:
            factor = max(1.0 + emp.equity_fraction * emp.equity_market_beta * (world.real_return[t, w] - mean_real), 1.0 - emp.equity_fraction)
        # unemployment insurance: weeks of this year's spell, while the claim lasts
        ui = 0.0
        if ui_rate > 0 and ui_weeks_left > 0 and working < 1.0:
            weeks = min((1.0 - working) * 52.0, ui_weeks_left)
            ui_weeks_left -= weeks
            ui = ui_weekly * weeks
        if working == 1.0:
            ui_weeks_left = 0.0
        incomes.append(pay * working * factor + ui)
        uis.append(ui)
        grants.append(st == GRANT)
        statuses.append(UNEMPLOYED if st in (EMPLOYED, GRANT) and working < 0.5 else st)

        if st == EMPLOYED:
            lost = False
            in_job = gap == 0.0
            if in_job:
                hazard = min(1.0, lay.annual_layoff_hazard * reg.bust_layoff_multiplier) if bust else lay.annual_layoff_hazard
                if not has_phd:  # the credential filter: worse in a bust, and as research roles close to non-PhDs
                    hazard = min(1.0, hazard * (cred.bust_layoff_multiplier if bust else 1.0) / (1.0 - cred.research_share_trend) ** t)
                if industry and d.layoff_u[t, w] < hazard:
                    lost = True
                if track in (ENGINEER, RS) and d.lab_closure_u[t, w] < lay.lab_closure_hazard:
                    lost = True
            if lost:
                ui_weekly, ui_weeks_left = min(ui_rate * pay / 52.0, ui_max_weekly), ui_max_weeks
                gap += lay.spell_median_years * math.exp(lay.spell_log_sd * normal(d.spell_u[t, w])) * (reg.bust_spell_multiplier * (1.0 if has_phd else cred.bust_spell_multiplier) if bust else 1.0)
                pay *= math.exp(lay.reemployment_log_pay_change_mean + lay.reemployment_log_pay_change_sd * normal(d.reemployment_u[t, w]))
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
                p_conv = sigmoid(logit(res.conversion_probability) + res.ability_conversion_effect * ability) * (reg.bust_hiring_multiplier * cred.bust_conversion_multiplier if bust else 1.0)
                p_conv *= (1.0 - cred.research_share_trend) ** t
                level = 0
                if d.residency_convert_u[w] < p_conv:
                    st, track, pay = EMPLOYED, RS, res.converted_pay_usd * luck
                elif d.residency_phd_u[w] < res.phd_after_probability:
                    st, pay, years_left, exit_track, exit_pay, exit_phd = STUDENT, sw.stipend_usd, sw.phd_years, RS, sw.post_phd_pay_usd * luck, True
                else:
                    st, track, pay = EMPLOYED, ENGINEER, res.fallback_pay_usd * luck
                    gap += emp.job_search_years
                    ui_weekly, ui_weeks_left = min(ui_rate * res.pay_usd / 52.0, ui_max_weekly), ui_max_weeks
        elif st == GRANT:
            p_renew = sigmoid(logit(ind.renewal_probability) + ind.ability_renewal_effect * ability) * (reg.bust_hiring_multiplier if bust else 1.0)
            if d.grant_renew_u[t, w] < p_renew:
                gap += ind.gap_median_years * math.exp(ind.gap_log_sd * normal(d.grant_gap_u[t, w]))
            else:
                st, track, pay, level = EMPLOYED, ENGINEER, ind.exit_pay_usd * luck, 0
                gap += emp.job_search_years

    worth = finances_one_world(s, world, w, incomes, statuses, uis, grants)
    return np.array(incomes), np.array(statuses), np.array(worth)


def lookup(place, kind, component, x):
    return float(TABLES.lookup(place, kind, component, np.array(x)))


def income_taxes(place, kind, x):
    return sum(lookup(place, kind, c, x) for c in ("federal_income_tax", "state_income_tax", "city_income_tax"))


def finances_one_world(s, world, w, incomes, statuses, uis, grants):
    """Net worth of one world, year by year, written from docs/model.md section 5 with the
    tax calculator's tables read component by component (careersim._tax)."""
    f, sim = s.finances, s.simulation
    place = f.place
    price = load_places()[place].price_index / 100.0
    base = f.living_cost_usd * price
    T = len(incomes)
    taxable, basis, trad, roth = sim.initial_net_worth_usd, max(sim.initial_net_worth_usd, 0.0), 0.0, 0.0
    ret_income = f.retirement_income_usd
    withdrawal_rate = income_taxes(place, "wages", ret_income) / ret_income
    worth = []
    for t in range(T):
        income, status, ui, grant = incomes[t], statuses[t], uis[t], grants[t]
        student = status == STUDENT
        wages = 0.0 if (student or grant) else income - ui
        payroll = lookup("us", "wages", "federal_payroll_tax", wages) + lookup(place, "wages", "state_payroll_tax", wages)
        if student:
            tax0 = income_taxes(place, "fellowship", income)
            compensation = income
        elif grant:
            se = lookup("us", "self_employment", "self_employment_tax", income)
            tax0 = income_taxes(place, "self_employment", income) + se
            compensation = income - 0.5 * se
        else:
            tax0 = income_taxes(place, "wages", wages + ui) + payroll
            compensation = wages
        take_home = income - tax0
        if f.spending_rule == "savings_rate":
            spend = base + (1 - f.savings_rate) * max(take_home - base, 0.0)
        else:
            spend = base * max(take_home / base, 1.0) ** f.consumption_income_elasticity
        budget = take_home - spend
        # contributions in order; a pre-tax dollar costs (1 - marginal income tax rate)
        deferral = roth_in = 0.0
        # marginal rates at all of the year's ordinary income, from the wage tables
        ordinary = compensation if grant else income
        h = 1e-3  # the slope of the table segment the income lies in (a kink may be within $1)
        marginal = (income_taxes(place, "wages", ordinary + h) - income_taxes(place, "wages", ordinary)) / h
        if budget > 0:
            plan = wages if status in (EMPLOYED, RESIDENT, UNEMPLOYED) and not (student or grant) else 0.0
            keep = min(max(1.0 - marginal, 0.05), 1.0)
            room = min(f.limit_401k_usd, plan)
            matched = min(room, f.employer_match_cap_share * plan) if f.employer_match_rate > 0 else 0.0
            left = budget
            order = f.contribution_order.split(",")
            order = order[: order.index("taxable")] if "taxable" in order else order

            def pretax_step(step, deferral, left):
                add = max(min((matched if step == "match" else room) - deferral, left / keep), 0.0)
                return deferral + add, max(left - add * keep, 0.0)

            def roth_amount(later, deferral, left, roth_in, spent):
                # modified AGI: the income less the year's whole deferral, the later steps' included
                year_deferral, rest = deferral, left - spent
                for later_step in later:
                    year_deferral, rest = pretax_step(later_step, year_deferral, rest)
                limit = f.roth_ira_limit_usd * min(max((f.roth_phaseout_end_usd - (income - year_deferral)) / (f.roth_phaseout_end_usd - f.roth_phaseout_start_usd), 0.0), 1.0)
                return max(min(min(limit, max(compensation, 0.0)) - roth_in, left), 0.0)

            for i, step in enumerate(order):
                if step in ("match", "401k"):
                    deferral, left = pretax_step(step, deferral, left)
                else:
                    later = [x for x in order[i + 1 :] if x != "roth"]
                    first = roth_amount(later, deferral, left, roth_in, 0.0)  # the later steps with all of the budget
                    add = roth_amount(later, deferral, left, roth_in, first) if first > 0 else 0.0  # with what it leaves them
                    roth_in += add
                    left = max(left - add, 0.0)
            match = f.employer_match_rate * min(deferral, matched)
        else:
            match = 0.0
        tax = tax0
        if deferral > 0:
            tax = income_taxes(place, "wages", wages + ui - deferral) + payroll
        cash = income - tax - spend - deferral - roth_in
        # the mix and its taxes
        age = sim.start_age + t + 0.5
        if f.allocation == "constant":
            share = f.stock_share
        else:
            progress = min(max((age - f.glide_path_start_age) / (f.glide_path_end_age - f.glide_path_start_age), 0.0), 1.0)
            share = f.stock_share + (f.glide_path_end_stock_share - f.stock_share) * progress
        growth = (1 + share * world.real_return[t, w] + (1 - share) * world.bond_real_return[t, w]) * (1 - f.expense_ratio)
        kind = "dividends_on_fellowship" if student else "dividends_on_wages"
        gains_rate = sum(lookup(place, kind, c, ordinary) for c in ("federal_marginal_rate", "state_marginal_rate", "city_marginal_rate"))
        # investment income earns no earned-income credit: its rates are held in [0, 1]
        gains_rate = min(max(gains_rate, 0.0), 1.0)
        interest_rate = min(max(marginal, 0.0), 1.0)
        trad = trad * growth + deferral + match
        roth = roth * growth + roth_in
        infl = world.inflation[t, w]
        if taxable > 0:
            income_tax_paid = taxable * (share * f.stock_dividend_yield * gains_rate + (1 - share) * f.bond_income_yield * interest_rate)
            basis = basis / (1 + infl) + taxable * (share * f.stock_dividend_yield + (1 - share) * f.bond_income_yield) - income_tax_paid
            taxable = taxable * growth - income_tax_paid
        else:
            basis = 0.0
            taxable = taxable * (1 + (1 + f.debt_interest_rate) / (1 + infl) - 1)
        if cash < 0 and taxable > 0:
            sold = min(-cash, taxable)
            cash -= sold * max(1 - basis / taxable, 0.0) * gains_rate
        if cash >= 0:
            basis = basis + cash if taxable >= 0 else max(taxable + cash, 0.0)
        else:
            basis = basis * min(max((taxable + cash) / taxable, 0.0), 1.0) if taxable > 0 else 0.0
        taxable += cash
        if taxable <= 0:
            basis = 0.0 if taxable < 0 else basis
        if f.net_worth == "pre-tax":
            worth.append(taxable + trad + roth)
        else:
            worth.append(taxable - gains_rate * max(taxable - basis, 0.0) + (1 - withdrawal_rate) * trad + roth)
    return worth


@pytest.mark.parametrize("changes", [
    {},
    # make every rare branch common: layoffs, lab closures, switching, busts, residency paths
    {"layoffs.annual_layoff_hazard": 0.3, "layoffs.lab_closure_hazard": 0.2, "switching.first_year_probability": 0.4,
     "regime.boom_to_bust_probability": 0.5, "residency.conversion_probability": 0.3, "residency.phd_after_probability": 0.5,
     "phd.breakthrough_probability": 0.3, "finances.living_cost_usd": 60_000.0, "market.model": "student_t"},
    # the money model's other branches: another place and rule, pre-tax net worth, Roth first,
    # a constant mix, debt at the start, frequent layoffs (unemployment insurance)
    {"finances.place": "nyc", "finances.spending_rule": "savings_rate", "finances.net_worth": "pre-tax",
     "finances.contribution_order": "roth,match,401k,taxable", "finances.allocation": "constant", "layoffs.annual_layoff_hazard": 0.3},
    {"finances.place": "boston", "simulation.initial_net_worth_usd": -50_000.0, "finances.contribution_order": "taxable",
     "layoffs.annual_layoff_hazard": 0.25, "market.model": "bootstrap"},
    # the credential filter in full: a strong bust penalty, longer spells and a closing trend
    {"credentials.bust_layoff_multiplier": 3.0, "credentials.bust_spell_multiplier": 2.0, "credentials.bust_conversion_multiplier": 0.3,
     "credentials.research_share_trend": 0.08, "regime.boom_to_bust_probability": 0.5, "layoffs.annual_layoff_hazard": 0.1,
     "residency.conversion_probability": 0.6, "switching.first_year_probability": 0.2},
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
            # single-precision draws: products rounded to float32 here (numpy's rules), kept in double in the kernel
            np.testing.assert_allclose(r.income[ci, w], income, rtol=1e-6, atol=1.0, err_msg=f"{career} world {w}")
            np.testing.assert_array_equal(r.status[ci, w], status, err_msg=f"{career} world {w}")
            # income agrees to ~$1 (single-precision event draws); a tax table's short steep
            # segments (credit phase-outs) can turn that into tens of dollars in one year
            np.testing.assert_allclose(r.net_worth[ci, w], worth, rtol=5e-5, atol=10.0, err_msg=f"{career} world {w}")
