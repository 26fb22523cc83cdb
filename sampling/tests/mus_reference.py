#!/usr/bin/env python3
"""Independent reference computations for MUS planning and Stringer evaluation.

Written from the formulas (not translated from jfa's R code):
  * Poisson reliability / confidence factor R(k, c): the c-quantile of Gamma(k+1, 1),
    i.e. the smallest mean m with P(Poisson(m) <= k) <= 1 - c.
  * binomial Stringer factors: the c-quantile of Beta(k+1, n-k) (Clopper-Pearson upper limit).
Everything is computed twice: scipy.stats and an mpmath root-finder at 50 digits,
and the two must agree to 1e-9 (asserted).

Run:  /tmp/musvenv/bin/python compute.py        (writes mus_cases.json next to this file)
"""
import json
import math
import os
from fractions import Fraction

import mpmath as mp
from scipy import stats

mp.mp.dps = 50
HERE = os.path.dirname(os.path.abspath(__file__))

# --------------------------------------------------------------------------------------
# Factor functions
# --------------------------------------------------------------------------------------

def R_scipy(k, conf):
    """Poisson upper confidence factor for k (weighted) errors = Gamma(k+1,1) quantile."""
    return float(stats.gamma.ppf(conf, k + 1))


def R_mp(k, conf):
    """Same, by solving regularized lower incomplete gamma P(k+1, x) = conf with mpmath."""
    a = mp.mpf(k) + 1
    f = lambda x: mp.gammainc(a, 0, x, regularized=True) - mp.mpf(conf)
    x0 = mp.mpf(R_scipy(k, conf))
    return mp.findroot(f, x0)


def R(k, conf):
    s, m = R_scipy(k, conf), R_mp(k, conf)
    assert abs(s - float(m)) < 1e-9 * max(1, s), (k, conf, s, m)
    return float(m)


def beta_ub(k, n, conf):
    """Clopper-Pearson one-sided upper limit for k errors in n: Beta(k+1, n-k) quantile."""
    s = float(stats.beta.ppf(conf, k + 1, n - k))
    f = lambda p: mp.betainc(k + 1, n - k, 0, p, regularized=True) - mp.mpf(conf)
    m = mp.findroot(f, mp.mpf(s))
    assert abs(s - float(m)) < 1e-9, (k, n, conf, s, m)
    return float(m)


# --------------------------------------------------------------------------------------
# Published tables (transcribed; see REPORT.md for sources)
# --------------------------------------------------------------------------------------

# Whittington & Pany (2006) "Table 1: Reliability Factors for Misstatements of Overstatement"
# and "Table 2: Expansion Factors for Expected Misstatement", as reproduced at
# https://mercuryessays.com/2022/06/22/can-you-help-me-with-an-auditing-assignment-assignment-help/
WP_RISKS = [0.01, 0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.37, 0.50]
WP_RF = {  # number of overstatements -> factors per risk above
    0: [4.61, 3.00, 2.31, 1.90, 1.61, 1.39, 1.21, 1.00, 0.70],
    1: [6.64, 4.75, 3.89, 3.38, 3.00, 2.70, 2.44, 2.14, 1.68],
    2: [8.41, 6.30, 5.33, 4.72, 4.28, 3.93, 3.62, 3.25, 2.68],
    3: [10.05, 7.76, 6.69, 6.02, 5.52, 5.11, 4.77, 4.34, 3.68],
    4: [11.61, 9.16, 8.00, 7.27, 6.73, 6.28, 5.90, 5.43, 4.68],
    5: [13.11, 10.52, 9.28, 8.50, 7.91, 7.43, 7.01, 6.49, 5.68],
    6: [14.57, 11.85, 10.54, 9.71, 9.08, 8.56, 8.12, 7.56, 6.67],
    7: [16.00, 13.15, 11.78, 10.90, 10.24, 9.69, 9.21, 8.63, 7.67],
    8: [17.41, 14.44, 13.00, 12.08, 11.38, 10.81, 10.31, 9.68, 8.67],
    9: [18.79, 15.71, 14.21, 13.25, 12.52, 11.92, 11.39, 10.74, 9.67],
    10: [20.15, 16.97, 15.41, 14.42, 13.66, 13.02, 12.47, 11.79, 10.67],
}
WP_EF = dict(zip(WP_RISKS, [1.9, 1.6, 1.5, 1.4, 1.3, 1.25, 1.2, 1.15, 1.0]))

# "EXHIBIT FA.2 PPS Confidence Factors for Sample Evaluation ... Source: AIC[PA]" as reproduced at
# https://www.solutioninn.com/study-help/questions/exhibit-fa2-ppsconfidence-factors-for-sample-evaluation-number-of-overstatement-29038940
FA2_RISKS = [0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.37, 0.50]
FA2 = {
    0: [3.00, 2.31, 1.90, 1.61, 1.39, 1.21, 1.05, 1.00, 0.70],
    1: [4.75, 3.89, 3.38, 3.00, 2.70, 2.44, 2.22, 2.14, 1.68],
    2: [6.30, 5.33, 4.73, 4.28, 3.93, 3.62, 3.35, 3.35, 2.68],
    3: [7.76, 6.69, 6.02, 5.52, 5.11, 4.77, 4.46, 4.35, 3.68],
    4: [9.16, 8.00, 7.27, 6.73, 6.28, 5.90, 5.55, 5.43, 4.68],
    5: [10.52, 9.28, 8.50, 7.91, 7.43, 7.01, 6.64, 6.50, 5.68],
    10: [16.97, 15.41, 14.42, 13.66, 13.02, 12.47, 11.98, 11.79, 10.67],
    20: [29.07, 27.05, 25.74, 24.73, 23.89, 23.15, 22.47, 22.22, 20.67],
}

# AICPA Audit Guide "Audit Sampling" (2017), Appendix C, Table C-1 "Monetary Unit Sample Size
# Determination Tables", as transcribed in koenderks/jfa tests/testthat/test-aicpa-appendix-c.R
# (lines 23-82, commit f3723cc21b9bd4266f81fa8ecdefdd43d2f190d4). Last entry = "expected sum of taints".
C1_RISK = [5] * 6 + [10] * 5 + [15] * 5 + [20] * 5 + [25] * 5 + [30] * 4 + [35] * 4 + [50] * 4
C1_RATIO = ([0, .1, .2, .3, .4, .5] + [0, .2, .3, .4, .5] * 4 + [0, .2, .4, .6] * 3)
C1_TM = [0.5, 0.3, 0.1, 0.08, 0.06, 0.05, 0.04, 0.03, 0.02, 0.01, 0.005]
C1_ROWS = [
    [6, 10, 30, 38, 50, 60, 75, 100, 150, 300, 600, 0],
    [8, 13, 37, 46, 62, 74, 92, 123, 184, 368, 736, 0.37],
    [10, 16, 47, 58, 78, 93, 116, 155, 232, 463, 925, 0.93],
    [12, 20, 60, 75, 100, 120, 150, 200, 300, 600, 1199, 1.80],
    [17, 27, 81, 102, 135, 162, 203, 270, 405, 809, 1618, 3.24],
    [24, 39, 116, 145, 193, 231, 289, 385, 577, 1154, 2308, 5.77],
    [5, 8, 24, 29, 39, 47, 58, 77, 116, 231, 461, 0],
    [7, 12, 35, 43, 57, 69, 86, 114, 171, 341, 682, 0.69],
    [9, 15, 44, 55, 73, 87, 109, 145, 217, 433, 866, 1.30],
    [12, 20, 58, 72, 96, 115, 143, 191, 286, 572, 1144, 2.29],
    [16, 27, 80, 100, 134, 160, 200, 267, 400, 799, 1597, 4.00],
    [4, 7, 19, 24, 32, 38, 48, 64, 95, 190, 380, 0],
    [6, 10, 28, 35, 46, 55, 69, 91, 137, 273, 545, 0.55],
    [7, 12, 35, 43, 57, 69, 86, 114, 171, 341, 681, 1.03],
    [9, 15, 45, 56, 74, 89, 111, 148, 221, 442, 883, 1.77],
    [13, 21, 61, 76, 101, 121, 151, 202, 302, 604, 1208, 3.02],
    [4, 6, 17, 21, 27, 33, 41, 54, 81, 161, 322, 0],
    [5, 8, 23, 29, 38, 46, 57, 76, 113, 226, 451, 0.46],
    [6, 10, 28, 35, 47, 56, 70, 93, 139, 277, 554, 0.84],
    [8, 12, 36, 45, 59, 71, 89, 118, 177, 354, 707, 1.42],
    [10, 16, 48, 60, 80, 95, 119, 159, 238, 475, 949, 2.38],
    [3, 5, 14, 18, 24, 28, 35, 47, 70, 139, 278, 0],
    [4, 7, 19, 24, 32, 38, 48, 64, 95, 190, 380, 0.38],
    [5, 8, 23, 29, 39, 46, 58, 77, 115, 230, 460, 0.69],
    [6, 10, 29, 37, 49, 58, 73, 97, 145, 289, 578, 1.16],
    [8, 13, 38, 48, 64, 76, 95, 127, 190, 380, 760, 1.90],
    [3, 5, 13, 16, 21, 25, 31, 41, 61, 121, 241, 0],
    [4, 6, 17, 21, 27, 33, 41, 54, 81, 162, 323, 0.33],
    [5, 8, 24, 30, 40, 48, 60, 80, 120, 239, 477, 0.96],
    [9, 15, 43, 54, 71, 85, 107, 142, 213, 425, 850, 2.55],
    [3, 4, 11, 14, 18, 21, 27, 35, 53, 105, 210, 0],
    [3, 5, 14, 18, 23, 28, 35, 46, 69, 138, 276, 0.28],
    [4, 7, 20, 25, 34, 40, 50, 67, 100, 199, 397, 0.80],
    [7, 12, 34, 43, 57, 68, 85, 113, 169, 338, 676, 2.03],
    [2, 3, 7, 9, 12, 14, 18, 24, 35, 70, 139, 0],
    [2, 3, 9, 11, 15, 18, 22, 29, 44, 87, 173, 0.18],
    [3, 4, 12, 15, 19, 23, 29, 38, 57, 114, 228, 0.46],
    [4, 6, 17, 22, 29, 34, 43, 57, 85, 170, 340, 1.02],
]


# --------------------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------------------

def n_expansion(B, TM, EM, risk, rf=None, ef=None):
    """Pre-2008 AICPA / textbook formula n = B*RF/(TM - EM*EF), rounded UP, exact arithmetic.
    RF and EF default to the published two-decimal table values."""
    rf = WP_RF[0][WP_RISKS.index(risk)] if rf is None else rf
    ef = WP_EF[risk] if ef is None else ef
    num = Fraction(str(B)) * Fraction(str(rf))
    den = Fraction(str(TM)) - Fraction(str(EM)) * Fraction(str(ef))
    if den <= 0:
        raise ValueError("TM <= EM*EF: no finite sample size")
    q = num / den
    return math.ceil(q), float(q)


def n_poisson_search(B, TM, EM, conf, nmax=100000):
    """Smallest integer n >= 1 with  GammaQuantile(conf; shape 1 + n*EM/B, rate n) < TM/B.
    (= 'upper bound with the expected sum of taints n*EM/B is below tolerable').
    Each candidate is decided with mpmath's regularized incomplete gamma to avoid ties."""
    m, e = mp.mpf(TM) / mp.mpf(B), mp.mpf(EM) / mp.mpf(B)
    for n in range(1, nmax + 1):
        k = e * n                      # expected (fractional) sum of taints
        if n <= k:
            continue
        # bound < m  <=>  P(Gamma(1+k, rate n) <= m) > conf  <=> P(1+k, n*m) > conf
        if mp.gammainc(1 + k, 0, n * m, regularized=True) > mp.mpf(conf):
            return n, float(k)
    raise ValueError("nmax exceeded")


def stewart_factor(conf, ratio):
    """Confidence factor F solving F = GammaQuantile(conf; 1 + ratio*F) (fixed point)."""
    F = R(0, conf)
    for _ in range(1000):
        F1 = float(stats.gamma.ppf(conf, 1 + ratio * F))
        if abs(F1 - F) < 1e-12:
            return F1
        F = F1
    raise RuntimeError("no convergence")


def n_stewart(B, TM, EM, conf, round_factor=True):
    F = stewart_factor(conf, EM / TM)
    Fr = math.ceil(round(F * 100, 9)) / 100 if round_factor else F
    return math.ceil(round(Fr * B / TM, 9)), F


# --------------------------------------------------------------------------------------
# Evaluation (Stringer)
# --------------------------------------------------------------------------------------

def taint_of(book, audit):
    return (book - audit) / book


def stringer_poisson(J, taints, conf, factors=None, top_stratum_misstatement=0.0):
    """AICPA-style Stringer bound for overstatements.
    J: sampling interval; taints: taintings of sampled items with book < J.
    Understatements (taint < 0) are excluded; taints > 1 are capped at 1.
    factors: optional list of published factors R(0..k) (e.g. two-decimal table); default exact."""
    t = sorted((min(x, 1.0) for x in taints if x > 0), reverse=True)
    Rf = factors if factors is not None else [R(i, conf) for i in range(len(t) + 1)]
    BP = Rf[0] * J
    PM = sum(t) * J
    IA = sum(ti * J * (Rf[i + 1] - Rf[i] - 1) for i, ti in enumerate(t))
    UML = BP + PM + IA + top_stratum_misstatement
    return dict(basic_precision=BP, projected_misstatement=PM + top_stratum_misstatement,
                projected_misstatement_sampled=PM, top_stratum_misstatement=top_stratum_misstatement,
                incremental_allowance=IA, upper_limit=UML, sorted_capped_taints=t,
                factors_used=Rf[: len(t) + 1])


def stringer_binomial_fraction(taints, n, conf):
    """jfa-style 'stringer.binomial' bound as a fraction of the population; mle uses raw taints."""
    t = sorted((min(x, 1.0) for x in taints if x > 0), reverse=True)
    ub = beta_ub(0, n, conf)
    for i, ti in enumerate(t, start=1):
        ub += (beta_ub(i, n, conf) - beta_ub(i - 1, n, conf)) * ti
    return dict(ub=ub, mle=sum(taints) / n)


def stringer_poisson_fraction(taints, n, conf):
    t = sorted((min(x, 1.0) for x in taints if x > 0), reverse=True)
    ub = R(0, conf) / n + sum((R(i, conf) - R(i - 1, conf)) / n * ti for i, ti in enumerate(t, 1))
    return dict(ub=ub, mle=sum(taints) / n)


# --------------------------------------------------------------------------------------
# Build cases
# --------------------------------------------------------------------------------------

def r2(x, d=2):
    return round(x, d)


def ceil2(x):
    return math.ceil(round(x * 100, 9)) / 100


def main():
    cases, checks = [], []
    B0 = 10_000_000  # book value used to express Table C-1 cells in dollars

    # ---- Cross-check 1: factor tables vs exact gamma quantiles --------------------------
    factor_check = []
    for k, row in WP_RF.items():
        for risk, pub in zip(WP_RISKS, row):
            ex = R(k, 1 - risk)
            factor_check.append(dict(table="Whittington&Pany Table 1", k=k, risk=risk, published=pub,
                                     exact=round(ex, 6), round2=r2(ex), ceil2=ceil2(ex),
                                     match_round=(r2(ex) == pub), match=(ceil2(ex) == pub)))
    for k, row in FA2.items():
        for risk, pub in zip(FA2_RISKS, row):
            ex = R(k, 1 - risk)
            factor_check.append(dict(table="Exhibit FA.2", k=k, risk=risk, published=pub,
                                     exact=round(ex, 6), round2=r2(ex), ceil2=ceil2(ex),
                                     match_round=(r2(ex) == pub), match=(ceil2(ex) == pub)))
    checks.append(dict(name="reliability factors: published 2-dp tables vs exact Gamma(k+1) quantile ROUNDED UP to 2 dp",
                       n_values=len(factor_check),
                       n_equal_to_round_half=sum(c["match_round"] for c in factor_check),
                       n_equal_to_round_up=sum(c["match"] for c in factor_check),
                       mismatches_vs_round_up=[c for c in factor_check if not c["match"]]))

    # ---- Cross-check 2: full Table C-1 vs independent Poisson search & Stewart factor ----
    c1_mism_search, c1_mism_stewart, c1_taint, c1_mism_unrounded = [], [], [], []
    for row_i, (risk, ratio, row) in enumerate(zip(C1_RISK, C1_RATIO, C1_ROWS)):
        conf = 1 - risk / 100
        for j, tm in enumerate(C1_TM):
            TM, EM = tm * B0, tm * B0 * ratio
            n_s, _ = n_poisson_search(B0, TM, EM, conf)
            n_w, _ = n_stewart(B0, TM, EM, conf)
            n_u, _ = n_stewart(B0, TM, EM, conf, round_factor=False)
            if n_u != row[j]:
                c1_mism_unrounded.append(dict(risk=risk, ratio=ratio, tm=tm, table=row[j], computed=n_u))
            if n_s != row[j]:
                c1_mism_search.append(dict(risk=risk, ratio=ratio, tm=tm, table=row[j], computed=n_s))
            if n_w != row[j]:
                c1_mism_stewart.append(dict(risk=risk, ratio=ratio, tm=tm, table=row[j], computed=n_w))
        F = stewart_factor(conf, ratio)
        c1_taint.append(dict(risk=risk, ratio=ratio, table_taints=row[11], ratio_times_F=round(ratio * F, 4),
                             ratio_times_F_rounded_up=ceil2(ratio * F), match=(ceil2(ratio * F) == row[11])))
    checks.append(dict(name="AICPA Table C-1 (418 cells) vs poisson search (jfa rule)",
                       mismatches=c1_mism_search))
    checks.append(dict(name="AICPA Table C-1 (418 cells) vs Stewart factor, rounded up to 2dp, n=ceil(F*B/TM)",
                       mismatches=c1_mism_stewart))
    checks.append(dict(name="AICPA Table C-1 (418 cells) vs Stewart factor UNrounded, n=ceil(F*B/TM)",
                       mismatches=c1_mism_unrounded))
    checks.append(dict(name="Table C-1 'expected sum of taints' column vs ratio*F rounded up (F = Stewart factor)",
                       all_match=all(r["match"] for r in c1_taint), rows=c1_taint))

    # ---- Planning cases: Table C-1 cells (published) -------------------------------------
    picks = [(0, 5), (1, 5), (2, 9), (3, 3), (4, 5), (5, 10), (6, 6), (7, 8), (8, 5), (10, 6),
             (11, 9), (13, 2), (16, 5), (18, 10), (21, 9), (23, 4), (26, 7), (28, 5), (31, 9), (34, 8),
             (36, 5), (37, 9), (3, 10), (4, 10), (27, 6)]
    for ri, j in picks:
        risk, ratio, row = C1_RISK[ri], C1_RATIO[ri], C1_ROWS[ri]
        conf = 1 - risk / 100
        TM, EM = C1_TM[j] * B0, C1_TM[j] * B0 * ratio
        n_s, k = n_poisson_search(B0, TM, EM, conf)
        n_w, F = n_stewart(B0, TM, EM, conf)
        case = dict(kind="planning", method="jfa_poisson",
                    source=("AICPA Audit Guide 'Audit Sampling' (2017) Appendix C, Table C-1 'Monetary Unit "
                            "Sample Size Determination Tables' (risk of incorrect acceptance %d%%, ratio of "
                            "expected to tolerable %.1f, tolerable %.1f%% of population); transcribed in "
                            "koenderks/jfa tests/testthat/test-aicpa-appendix-c.R, test id f10-v0.4.0-t1"
                            % (risk, ratio, C1_TM[j] * 100)),
                    book_value=B0, tolerable=TM, expected=EM, confidence=conf,
                    expected_n=row[j],
                    computed=dict(n_poisson_search=n_s, n_stewart_factor_2dp=n_w, stewart_factor=round(F, 6),
                                  expected_sum_of_taints_at_n=round(k, 6),
                                  n_aicpa_expansion=(n_expansion(B0, TM, EM, risk / 100)[0]
                                                     if risk / 100 in WP_EF and EM * WP_EF[risk / 100] < TM
                                                     else None)))
        cases.append(case)

    # ---- Planning: Touw & Hoogduin (2011), via jfa tests -------------------------------
    th = [(0.95, 300, 300), (0.90, 230, 231), (0.75, 140, 139), (0.60, 90, 92), (0.50, 70, 70)]
    for conf, book_n, jfa_n in th:
        B, TM = 1_000_000, 10_000
        n_s, _ = n_poisson_search(B, TM, 0, conf)
        cases.append(dict(kind="planning", method="jfa_poisson",
                          source=("Touw & Hoogduin (2011) Statistiek voor audit en controlling, Table 1.3 p.17 "
                                  "(materiality 1%%); jfa value from koenderks/jfa tests/testthat/"
                                  "test-touwhoogduin.R test f14-v0.5.1-t1 (book prints %d, jfa asserts %d)"
                                  % (book_n, jfa_n)),
                          book_value=B, tolerable=TM, expected=0, confidence=conf,
                          expected_n=jfa_n, published_book_n=book_n,
                          computed=dict(n_poisson_search=n_s, exact_ratio=R(0, conf) * B / TM)))
    for conf, n_pub in [(0.95, 150), (0.875, 104)]:
        B, TM = 5_000_000, 100_000
        n_s, _ = n_poisson_search(B, TM, 0, conf)
        cases.append(dict(kind="planning", method="jfa_poisson",
                          source="Touw & Hoogduin (2011) p.23 example; koenderks/jfa tests/testthat/test-touwhoogduin.R test f14-v0.5.1-t2",
                          book_value=B, tolerable=TM, expected=0, confidence=conf, expected_n=n_pub,
                          computed=dict(n_poisson_search=n_s)))

    # ---- Planning: expansion-factor formula ----------------------------------------------
    exp_cases = [
        (1_000_000, 50_000, 10_000, 0.05, 88,
         "coursehero.com/file/6569919/1004-MUS-HO (course handout): n = $1,000,000 x 3 / ($50,000 - $10,000 x 1.6) printed as 88; sampling interval printed $11,333.33 (= B/88.235)"),
        (2_500_000, 125_000, 27_722, 0.05, 93,
         "coursehero.com/file/6455575/L12-Notes-Part-4 (Univ. of Florida ACG 5637 notes): Sample Size = BV*R*ETF/(TM-(AM*EF)), n printed 93, interval $26,882"),
        (3_460_000, 63_460, 13_000, 0.05, None,
         "Exercise data (Whittington & Pany 2006 tables) at brainmass.com/business/business-math/probability-proportional-to-size-sampling-method-501476; answer not shown -> computed"),
        (2_500_000, 125_000, 25_000, 0.10, None, "computed: python fractions"),
        (2_500_000, 125_000, 0, 0.05, None, "computed: python fractions"),
        (10_000_000, 300_000, 100_000, 0.05, None, "computed: python fractions"),
        (10_000_000, 300_000, 100_000, 0.10, None, "computed: python fractions"),
        (10_000_000, 300_000, 150_000, 0.05, None, "computed: python fractions"),
        (5_000_000, 250_000, 50_000, 0.20, None, "computed: python fractions"),
        (5_000_000, 250_000, 100_000, 0.37, None, "computed: python fractions"),
        (1_000_000, 40_000, 20_000, 0.50, None, "computed: python fractions"),
    ]
    for B, TM, EM, risk, pub, src in exp_cases:
        n_ceil, q = n_expansion(B, TM, EM, risk)
        n_s, _ = n_poisson_search(B, TM, EM, 1 - risk)
        c = dict(kind="planning", method="aicpa_expansion", source=src,
                 book_value=B, tolerable=TM, expected=EM, confidence=round(1 - risk, 4),
                 reliability_factor=WP_RF[0][WP_RISKS.index(risk)], expansion_factor=WP_EF[risk],
                 expected_n=n_ceil, unrounded_n=round(q, 6),
                 computed=dict(n_jfa_poisson=n_s, n_stewart_factor_2dp=n_stewart(B, TM, EM, 1 - risk)[0]))
        if pub is not None:
            c["published_n"] = pub
            c["note"] = ("published value is rounded, strict ceil of %.4f gives %d" % (q, n_ceil)
                         if pub != n_ceil else "published equals ceil")
        cases.append(c)

    # Messier 9-21(b): B 300,000, TM 15,000, EM 6,000, 95%
    n_s, k = n_poisson_search(300_000, 15_000, 6_000, 0.95)
    cases.append(dict(kind="planning", method="jfa_poisson",
                      source=("Messier et al. solutions ch.9 problem 9-21(b) (coursehero.com/file/5671033/CHAPTER-9): "
                              "published 'Using ACL ... sample size is equal to 161'; same inputs are AICPA Table C-1 cell "
                              "(5%, ratio 0.40, TM 5%) = 162; the solution's own 'Table 8-5' figure 181 is from an older table"),
                      book_value=300_000, tolerable=15_000, expected=6_000, confidence=0.95,
                      expected_n=162, published_other=dict(ACL=161, messier_table_8_5=181),
                      computed=dict(n_poisson_search=n_s, n_aicpa_expansion=n_expansion(300_000, 15_000, 6_000, 0.05)[0])))
    n_s, k = n_poisson_search(8_124_998.66, 275_000, 80_000, 0.90)
    cases.append(dict(kind="planning", method="jfa_poisson",
                      source="computed: inputs from Arens 'Husky Manufacturing' problem (solutioninn.com/assume-that-you-are-auditing-the-inventory-of-husky-manufacturing); answer not shown",
                      book_value=8_124_998.66, tolerable=275_000, expected=80_000, confidence=0.90,
                      expected_n=n_s,
                      computed=dict(n_aicpa_expansion=n_expansion(8_124_998.66, 275_000, 80_000, 0.10)[0],
                                    n_stewart_factor_2dp=n_stewart(8_124_998.66, 275_000, 80_000, 0.90)[0])))

    # ---- Evaluation cases -------------------------------------------------------------------
    # E1: Whittington & Pany ch.16 P7 as worked in coursehero L12-Notes-Part-13 (10% risk).
    B, n = 2_500_000, 59
    J = B / n
    items = [(71330, 60631), (18996, 17096), (30081, 21057), (3555, 1422)]
    top = sum(b - a for b, a in items if b >= J)
    taints = [taint_of(b, a) for b, a in items if b < J]
    exact = stringer_poisson(J, taints, 0.90, top_stratum_misstatement=top)
    tab = stringer_poisson(J, taints, 0.90, factors=[2.31, 3.89, 5.33, 6.69], top_stratum_misstatement=top)
    # reproduce the published arithmetic: taints 0.6/0.3/0.1, cumulative factors 2.31 | 3.9, 5.3, 6.7
    # (interval rounded to 42,373 and every line rounded to whole dollars, as printed)
    Jr = round(J)
    parts = [round(2.31 * Jr), round(0.6 * Jr * (3.9 - 2.3)), round(0.3 * Jr * (5.3 - 3.9)),
             round(0.1 * Jr * (6.7 - 5.3)), top]
    checks.append(dict(name="W&P P7 published UML 172,988 reproduced with the published rounding",
                       parts=parts, reproduced=sum(parts), published=172988, match=(sum(parts) == 172988)))
    cases.append(dict(kind="evaluation", method="stringer_poisson",
                      source=("Whittington & Pany 'Principles of Auditing' ch.16 problem P7, worked in "
                              "coursehero.com/file/6455584/L12-Notes-Part-13: published BP 97,882; "
                              "increments (rounded factors 3.9-2.3, 5.3-3.9, 6.7-5.3) 40,678 / 17,797 / 5,932; "
                              "top-stratum 10,699; UML 172,988"),
                      book_value=B, n=n, interval=J, confidence=0.90,
                      items=[dict(book=b, audit=a) for b, a in items],
                      published=dict(basic_precision=97882, upper_limit=172988,
                                     note="published used factor increments rounded to 1 decimal (1.6, 1.4, 1.4) and taints rounded to 0.60/0.30/0.10"),
                      expected=dict(table_factors=_round(tab), exact_factors=_round(exact))))

    # E2-E4: Touw & Hoogduin binomial Stringer (jfa stringer == stringer.binomial)
    for taints, book_ub, jfa_ub, page, jfa_mle in [
        ([1.0, 0.20000072, 0.03999931], 469616.5 / 13_500_000, 0.03478656, "p.138", 0.008551724),
        ([1.0, 0.09887], 449999.9 / 13_500_000, 0.03333348, "p.143 ex.2", None),
        ([0.5, 0.4, 0.19887], 439009.3 / 13_500_000, 0.03251936, "p.144 ex.1", None),
    ]:
        res = stringer_binomial_fraction(taints + [0.0] * (145 - len(taints)), 145, 0.95)
        resp = stringer_poisson_fraction(taints, 145, 0.95)
        c = dict(kind="evaluation", method="jfa_stringer_binomial",
                 source=("Touw & Hoogduin (2011) %s; koenderks/jfa tests/testthat/test-touwhoogduin.R "
                         "(test f14-v0.7.1-t4 block, evaluation(method='stringer'))" % page),
                 book_value=13_500_000, n=145, confidence=0.95, taints=taints,
                 expected=dict(upper_limit_fraction=jfa_ub, upper_limit_dollars=round(jfa_ub * 13_500_000, 1)),
                 published_book=dict(upper_limit_fraction=book_ub),
                 computed=dict(binomial_ub=round(res["ub"], 10), mle=round(res["mle"], 10),
                               poisson_ub_same_taints=round(resp["ub"], 10)))
        if jfa_mle:
            c["expected"]["mle_fraction"] = jfa_mle
        cases.append(c)

    # E5: 1004 MUS HO (5%): published PM 1,912
    J = 1_000_000 / (3_000_000 / 34_000)  # the handout uses the unrounded n: J = 11,333.33
    items = [(100, 95), (11_700, 11_488), (65, 58.50)]
    top = sum(b - a for b, a in items if b >= J)
    taints = [taint_of(b, a) for b, a in items if b < J]
    cases.append(dict(kind="evaluation", method="stringer_poisson",
                      source="coursehero.com/file/6569919/1004-MUS-HO: published projected misstatement $1,912 (567 + 212 top-stratum + 1,133); BP/IA/UML not visible -> computed",
                      book_value=1_000_000, interval=J, confidence=0.95,
                      items=[dict(book=b, audit=a) for b, a in items],
                      published=dict(projected_misstatement=1912),
                      expected=dict(table_factors=_round(stringer_poisson(J, taints, 0.95, factors=[3.00, 4.75, 6.30],
                                                                          top_stratum_misstatement=top)),
                                    exact_factors=_round(stringer_poisson(J, taints, 0.95, top_stratum_misstatement=top)))))

    # E6: Harder Company (inputs published incl. incremental factors 1.75,1.55,1.46,1.40)
    B, n = 720_000, 90
    J = B / n
    items = [(1500, 1000), (2400, 1200), (8200, 7500), (6000, 5400), (9000, 8000)]
    top = sum(b - a for b, a in items if b >= J)
    taints = [taint_of(b, a) for b, a in items if b < J]
    cases.append(dict(kind="evaluation", method="stringer_poisson",
                      source="computed: inputs from studentsmerit.com/paper-detail/?paper_id=27099 (Harder Company; RF 3.0, increments 1.75/1.55/1.46/1.40 given); answer not published there",
                      book_value=B, n=n, interval=J, confidence=0.95,
                      items=[dict(book=b, audit=a) for b, a in items],
                      note="items with book >= interval (8,200 and 9,000) are top stratum: their misstatement is added without tainting/allowance",
                      expected=dict(table_factors=_round(stringer_poisson(J, taints, 0.95, factors=[3.00, 4.75, 6.30, 7.76],
                                                                          top_stratum_misstatement=top)),
                                    exact_factors=_round(stringer_poisson(J, taints, 0.95, top_stratum_misstatement=top)))))

    # E7: Jordan Thomas (Messier) — correct MUS computation (published web answer is not MUS-correct)
    J = 12_300
    items = [(15_000, 12_500), (10_000, 4_000), (3_000, 2_000)]
    top = sum(b - a for b, a in items if b >= J)
    taints = [taint_of(b, a) for b, a in items if b < J]
    for conf, fac in [(0.95, [3.00, 4.75, 6.30]), (0.90, [2.31, 3.89, 5.33])]:
        cases.append(dict(kind="evaluation", method="stringer_poisson",
                          source="computed: inputs from Messier problem 'Jordan Thomas' (justaaa.com/accounting/331542); the web answer (PM 9,500 = sum of differences) does not project taints and is NOT used",
                          interval=J, n=100, confidence=conf,
                          items=[dict(book=b, audit=a) for b, a in items],
                          expected=dict(table_factors=_round(stringer_poisson(J, taints, conf, factors=fac, top_stratum_misstatement=top)),
                                        exact_factors=_round(stringer_poisson(J, taints, conf, top_stratum_misstatement=top)))))

    # E9+: synthetic edge cases (computed)
    synth = [
        ("no misstatements", 50_000, [], 0.95),
        ("no misstatements 90%", 50_000, [], 0.90),
        ("single 100% taint", 50_000, [1.0], 0.95),
        ("single 40% taint", 50_000, [0.4], 0.95),
        ("taint 1.5 (audit value negative) capped to 1.0", 50_000, [1.5], 0.95),
        ("understatement -0.5 ignored in overstatement bound", 50_000, [-0.5, 0.3], 0.95),
        ("five taints unsorted input", 20_000, [0.1, 0.75, 0.3, 1.0, 0.05], 0.95),
        ("five taints 90%", 20_000, [0.1, 0.75, 0.3, 1.0, 0.05], 0.90),
        ("ten taints 80%", 10_000, [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05], 0.80),
        ("two equal taints 99%", 30_000, [0.5, 0.5], 0.99),
    ]
    for name, J, taints, conf in synth:
        cases.append(dict(kind="evaluation", method="stringer_poisson", source="computed: scipy+mpmath (compute.py) - " + name,
                          interval=J, confidence=conf, taints=taints,
                          expected=dict(exact_factors=_round(stringer_poisson(J, taints, conf)))))

    # equivalence: jfa stringer.poisson (fraction) * B == AICPA Stringer with exact factors, J = B/n
    B, n, taints = 4_000_000, 200, [0.8, 0.25, 0.1]
    fr = stringer_poisson_fraction(taints, n, 0.95)
    ai = stringer_poisson(B / n, taints, 0.95)
    checks.append(dict(name="jfa stringer.poisson ub*B equals AICPA-form UML (exact factors)",
                       jfa_form=fr["ub"] * B, aicpa_form=ai["upper_limit"],
                       equal=abs(fr["ub"] * B - ai["upper_limit"]) < 1e-6))
    bi = stringer_binomial_fraction(taints + [0] * (n - 3), n, 0.95)
    checks.append(dict(name="same sample, binomial (jfa default 'stringer') vs poisson Stringer",
                       binomial_ub_dollars=bi["ub"] * B, poisson_ub_dollars=fr["ub"] * B))

    # jfa vs expansion differences for identical inputs (for REPORT)
    diffs = []
    for risk in [0.05, 0.10, 0.20, 0.37, 0.50]:
        for ratio in [0.0, 0.2, 0.4, 0.6]:
            B, TM = 10_000_000, 500_000
            EM = TM * ratio
            if EM * WP_EF[risk] >= TM:
                continue
            ne = n_expansion(B, TM, EM, risk)[0]
            nj = n_poisson_search(B, TM, EM, 1 - risk)[0]
            diffs.append(dict(risk=risk, ratio=ratio, tm_pct=5, n_expansion=ne, n_jfa_poisson=nj))
    checks.append(dict(name="expansion-factor n vs jfa poisson n, B=10M, TM=5%", rows=diffs))

    out = dict(generated_by="compute.py (scipy %s, mpmath %s)" % (__import__('scipy').__version__, mp.__version__),
               conventions=dict(
                   confidence="1 - risk of incorrect acceptance",
                   taint="(book - audit)/book; > 0 overstatement; Stringer overstatement bound uses only taints > 0, capped at 1, sorted descending",
                   interval="J = book_value / n unless given",
                   top_stratum="items with book >= J: misstatement (book - audit) added to projected misstatement and UML with no allowance",
                   upper_limit="UML = basic_precision + projected_misstatement + incremental_allowance",
                   incremental_allowance="sum_i t_i * J * (R(i) - R(i-1) - 1), R(i) = Gamma(i+1,1) quantile at confidence"),
               cases=cases, cross_checks=checks)
    with open(os.path.join(HERE, "mus_cases.json"), "w") as f:
        json.dump(out, f, indent=1)
    print("cases:", len(cases), " planning:", sum(c["kind"] == "planning" for c in cases),
          " evaluation:", sum(c["kind"] == "evaluation" for c in cases))
    for c in checks:
        print("CHECK", c["name"], {k: v for k, v in c.items() if k not in ("name", "rows")})


def _round(d, nd=4):
    o = {}
    for k, v in d.items():
        if isinstance(v, float):
            o[k] = round(v, nd)
        elif isinstance(v, list):
            o[k] = [round(x, 6) if isinstance(x, float) else x for x in v]
        else:
            o[k] = v
    return o


if __name__ == "__main__":
    main()
