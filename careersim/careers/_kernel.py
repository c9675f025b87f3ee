"""The yearly career state machine, compiled with numba: one pass over ``(year, world)``.

:func:`careersim.careers._machine.run_career` prepares the inputs and documents the rules;
this module holds only the per-world arithmetic, in the same order as the rules are stated
there. Years run outer and worlds inner, so every ``(year, world)`` array is read
contiguously; the state of each world (status, pay, track, years left, gap, level, years in
industry, an unemployment claim) lives in arrays of length ``world`` that are updated in
place. Each world is computed from its own draws and state only, so results do not depend on
how worlds are chunked. (The numpy version of the same rules made about fifty whole-array
calls a year and cost as much as the rest of the engine.)
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .._special import HALF_CELL, ndtri

# status codes and job tracks (the same as careersim.careers._machine)
STUDENT, RESIDENT, EMPLOYED, UNEMPLOYED, GRANT_FUNDED = 0, 1, 2, 3, 4
ENGINEER, RESEARCH_SCIENTIST, FACULTY, OTHER = 0, 1, 2, 3
WEEKS_PER_YEAR = 52.0


@njit(cache=True, nogil=True, error_model="numpy")
def career_kernel(
    # start state, (world,): copied, never written
    status0, pay0, track0, years_left0, exit_track0, exit_pay0, exit_has_phd0, has_phd0, gap0,
    # world events, (year, world) and (world,)
    equity_factor, lab_closure, promotion, bust, luck, p_convert, p_renew,
    # layoff hazards (world, boom/bust); research roles open to non-PhDs (year,); bust factors (world,); (boom/bust,) factors
    hazard_phd, hazard_no_phd, open_share, conversion_bust, renewal_bust, raise_factor, spell_factor_phd, spell_factor_no_phd,
    # raw draws compared with state-dependent probabilities
    layoff_u, spell_u, reemployment_u, switch_u, residency_convert_u, residency_phd_u, grant_renew_u, grant_gap_u,
    # employment, switching, residency, independent and layoff parameters
    max_promotions, promotion_raise, faculty_real_raise, p_switch_by_years, switching_on, stipend_usd, phd_years, post_phd_pay_usd,
    phd_after_probability, converted_pay_usd, fallback_pay_usd, residency_pay_usd, exit_pay_usd, job_search_years,
    gap_median_years, gap_log_sd, spell_median_years, spell_log_sd, reemployment_mean, reemployment_sd,
    ui_on, ui_rate, ui_max_weekly, ui_max_weeks,
    # outputs, (year, world)
    income, status, ui_income, self_employed,
):  # pragma: no cover - compiled; tested through run_career and the plain reference loop
    T, n = income.shape
    st = status0.copy()
    pay = pay0.copy()
    track = track0.copy()
    years_left = years_left0.copy()
    exit_track = exit_track0.copy()
    exit_pay = exit_pay0.copy()
    exit_has_phd = exit_has_phd0.copy()
    has_phd = has_phd0.copy()
    gap = gap0.copy()
    level = np.zeros(n, dtype=np.int32)
    years_in_industry = np.zeros(n, dtype=np.int32)
    ui_weekly = np.zeros(n)
    ui_weeks_left = np.zeros(n)
    for t in range(T):
        for w in range(n):
            g = gap[w]
            working = 1.0 - min(g, 1.0)
            g = max(g - 1.0, 0.0)
            s = st[w]
            employed = s == EMPLOYED
            faculty = track[w] == FACULTY
            industry = employed and not faculty
            grant = s == GRANT_FUNDED
            p = pay[w]

            # ---- income for the year ----
            inc = p * working
            if industry:
                inc *= equity_factor[t, w]
            ui_paid = 0.0
            if ui_on and ui_weeks_left[w] > 0.0:
                if working < 1.0:
                    weeks = min((1.0 - working) * WEEKS_PER_YEAR, ui_weeks_left[w])
                    ui_weeks_left[w] -= weeks
                    ui_paid = ui_weekly[w] * weeks
                    inc += ui_paid
                else:  # back at work: the claim ends
                    ui_weeks_left[w] = 0.0
            income[t, w] = inc
            ui_income[t, w] = ui_paid
            self_employed[t, w] = grant
            status[t, w] = UNEMPLOYED if (employed or grant) and working < 0.5 else s

            # ---- end-of-year events, decided from the start-of-year state ----
            in_job = employed and g == 0.0
            research_role = track[w] <= RESEARCH_SCIENTIST
            b = 1 if bust[t, w] else 0
            phd = has_phd[w]
            # the credential filter: without a PhD, a higher hazard in a bust and as research roles close to non-PhDs
            hazard = hazard_phd[w, b] if phd else min(1.0, hazard_no_phd[w, b] / open_share[t])
            lost = in_job and ((industry and layoff_u[t, w] < hazard) or (research_role and lab_closure[t, w]))
            if lost:
                if ui_on:  # the claim is based on the pay of the job lost
                    ui_weekly[w] = min(ui_rate * p / WEEKS_PER_YEAR, ui_max_weekly)
                    ui_weeks_left[w] = ui_max_weeks
                g += spell_median_years * math.exp(spell_log_sd * ndtri(spell_u[t, w] + HALF_CELL)) * (spell_factor_phd[b] if phd else spell_factor_no_phd[b])
                p *= math.exp(reemployment_mean + reemployment_sd * ndtri(reemployment_u[t, w] + HALF_CELL))

            keep = in_job and not lost
            if industry:
                years_in_industry[w] += 1
            to_late_phd = False
            if keep:
                growth = 1.0 + faculty_real_raise if faculty else raise_factor[b]
                if promotion[t, w] and level[w] < max_promotions and not faculty:
                    growth *= 1.0 + promotion_raise
                    level[w] += 1
                p *= growth
                # going back to school: exponentially less likely with each year in industry
                if switching_on and track[w] == ENGINEER and not phd:
                    to_late_phd = switch_u[t, w] < p_switch_by_years[years_in_industry[w]]

            graduated = converted = res_to_search = funding_over = False
            if s == STUDENT:
                years_left[w] -= 1
                graduated = years_left[w] <= 0
            elif s == RESIDENT:
                years_left[w] -= 1
                if years_left[w] <= 0:
                    converted = residency_convert_u[w] < p_convert[w] * (conversion_bust[w] if b else 1.0) * open_share[t]
                    if not converted:
                        if residency_phd_u[w] < phd_after_probability:
                            to_late_phd = True
                        else:
                            res_to_search = True
            elif grant:  # a grant is renewed (after an unpaid gap) or funding ends
                if grant_renew_u[t, w] < p_renew[w] * (renewal_bust[w] if b else 1.0):
                    g += gap_median_years * math.exp(gap_log_sd * ndtri(grant_gap_u[t, w] + HALF_CELL))
                else:
                    funding_over = True

            # ---- apply the transitions ----
            if to_late_phd:
                st[w] = STUDENT
                p = stipend_usd
                years_left[w] = phd_years
                exit_track[w] = RESEARCH_SCIENTIST
                exit_pay[w] = post_phd_pay_usd * luck[w]
                exit_has_phd[w] = True
                level[w] = 0
            elif graduated:
                st[w] = EMPLOYED
                track[w] = exit_track[w]
                p = exit_pay[w]
                has_phd[w] = has_phd[w] or exit_has_phd[w]
            elif converted:
                st[w] = EMPLOYED
                track[w] = RESEARCH_SCIENTIST
                p = converted_pay_usd * luck[w]
                level[w] = 0
            elif res_to_search or funding_over:
                st[w] = EMPLOYED
                track[w] = ENGINEER
                p = (fallback_pay_usd if res_to_search else exit_pay_usd) * luck[w]
            if graduated or res_to_search or funding_over:
                level[w] = 0
                g += job_search_years
                if ui_on and res_to_search:  # a resident was an employee: covered
                    ui_weekly[w] = min(ui_rate * residency_pay_usd / WEEKS_PER_YEAR, ui_max_weekly)
                    ui_weeks_left[w] = ui_max_weeks
            pay[w] = p
            gap[w] = g
