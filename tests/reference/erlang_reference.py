#!/usr/bin/env python3
"""Independent high-precision reference values for the Erlang tests.

Run with `python3 tests/reference/erlang_reference.py` (needs mpmath). Nothing here
shares code or method with src/erlang: every value is computed from the textbook
definitions in 60-300 significant digits.

- Erlang B: B = (A^N/N!) / sum_{k<=N} A^k/k!   (definition, not the recursion).
- Erlang C: C = (A^N/N! * N/(N-A)) / (sum_{k<N} A^k/k! + A^N/N! * N/(N-A)),
  SL(T) = 1 - C exp(-(N-A) T/h), ASA = C h/(N-A).
- Erlang A: the birth-death chain's stationary law pi (truncated where it is below
  1e-60), P(abandon) = theta E[queue]/lambda (abandonment flow balance), and the waiting
  time of a caller who finds k others queued: a hypoexponential sum of
  Exp(N mu + i theta), i = 0..k, with the caller's own Exp(theta) patience competing.
  Its answered-within-T probability and answered mean wait come from the partial-fraction
  density of the hypoexponential law, evaluated in 300 digits.
"""

import mpmath as mp


def erlang_b(n, a):
    a = mp.mpf(a)
    terms = [a**k / mp.factorial(k) for k in range(n + 1)]
    return terms[n] / mp.fsum(terms)


def erlang_c(n, a):
    a = mp.mpf(a)
    top = a**n / mp.factorial(n) * n / (n - a)
    return top / (mp.fsum(a**k / mp.factorial(k) for k in range(n)) + top)


def erlang_c_metrics(n, a, aht, t):
    c = erlang_c(n, a)
    return c, 1 - c * mp.exp(-(n - a) * mp.mpf(t) / aht), c * aht / (n - a)


def erlang_a_stationary(n, a, aht, patience):
    lam = mp.mpf(a) / aht
    mu = 1 / mp.mpf(aht)
    theta = 1 / mp.mpf(patience)
    weights = [mp.mpf(1)]
    j = 0
    while True:
        j += 1
        rate_out = j * mu if j <= n else n * mu + (j - n) * theta
        weights.append(weights[-1] * lam / rate_out)
        if j > n and weights[-1] < mp.mpf(10) ** -60 * weights[n]:
            break
    total = mp.fsum(weights)
    return [w / total for w in weights], lam, mu, theta


def erlang_a_light(n, a, aht, patience):
    """P(wait > 0) and P(abandon) from the stationary law alone."""
    pi, lam, mu, theta = erlang_a_stationary(n, a, aht, patience)
    p_wait = mp.fsum(pi[n:])
    queue = mp.fsum((j - n) * pi[j] for j in range(n + 1, len(pi)))
    return p_wait, theta * queue / lam


def hypoexponential_answered(rates, theta, t):
    """For V = sum of Exp(r) over rates (distinct) and patience Exp(theta):
    P(V <= min(t, patience)) and E[V; V < patience]."""
    within = mp.mpf(0)
    mean = mp.mpf(0)
    for i, r in enumerate(rates):
        coef = mp.mpf(1)
        for j, s in enumerate(rates):
            if j != i:
                coef *= s / (s - r)
        # density term coef * r * exp(-r v); answered with prob exp(-theta v)
        within += coef * r * (1 - mp.exp(-(r + theta) * t)) / (r + theta)
        mean += coef * r / (r + theta) ** 2
    return within, mean


def erlang_a_full(n, a, aht, patience, t):
    pi, lam, mu, theta = erlang_a_stationary(n, a, aht, patience)
    p_wait = mp.fsum(pi[n:])
    queue = mp.fsum((j - n) * pi[j] for j in range(n + 1, len(pi)))
    abandon = theta * queue / lam
    answered_within = 1 - p_wait
    answered_wait = mp.mpf(0)
    for k in range(len(pi) - n):
        rates = [n * mu + i * theta for i in range(k + 1)]
        within, mean = hypoexponential_answered(rates, theta, mp.mpf(t))
        answered_within += pi[n + k] * within
        answered_wait += pi[n + k] * mean
    answered = 1 - abandon
    return {
        "p_wait": p_wait,
        "abandon": abandon,
        "service_level": answered_within,
        "service_level_answered": answered_within / answered,
        "asa": answered_wait / answered,
        "occupancy": a * answered / n,
    }


def show(label, value):
    print(f"{label} = {mp.nstr(value, 17)}")


if __name__ == "__main__":
    mp.mp.dps = 60
    print("# Erlang B tables: B(N, A_table) <= GoS < B(N, A_table + 0.001)")
    for n, a, gos in [(10, 4.461, 0.01), (20, 12.031, 0.01), (50, 37.901, 0.01),
                      (100, 84.064, 0.01), (10, 5.084, 0.02), (100, 87.972, 0.02),
                      (10, 3.092, 0.001), (10, 6.216, 0.05)]:
        lo, hi = erlang_b(n, mp.mpf(str(a))), erlang_b(n, mp.mpf(str(a)) + mp.mpf("0.001"))
        print(n, a, gos, mp.nstr(lo, 8), mp.nstr(hi, 8), lo <= gos < hi)
    print("# Erlang B")
    for n, a in [(1, "0.01"), (12, 10), (100, 80), (1000, 950), (5100, 5000), (10050, 10000)]:
        show(f"B({n}, {a})", erlang_b(n, mp.mpf(a)))
    print("# Erlang C: (p_wait, SL, ASA)")
    for n, a, aht, t in [(12, 10, 180, 20), (14, 10, 180, 20), (55, 48, 240, 15),
                         (1, "0.01", 180, 20), (5100, 5000, 300, 20),
                         (10100, 10000, 180, 20), (10010, 10000, 180, 20)]:
        c, sl, asa = erlang_c_metrics(n, mp.mpf(a), aht, t)
        show(f"C({n}, {a})", c)
        show("  SL", sl)
        show("  ASA", asa)
    mp.mp.dps = 300
    print("# Erlang A full: n, A, aht, patience, T")
    for n, a, aht, patience, t in [(12, 10, 180, 120, 20), (20, 25, 300, 60, 30),
                                   (1, "0.5", 600, 300, 60), (55, 48, 240, 180, 15)]:
        print(n, a, aht, patience, t)
        for key, value in erlang_a_full(n, mp.mpf(a), aht, patience, t).items():
            show("  " + key, value)
    mp.mp.dps = 60
    print("# Erlang A light (p_wait, abandon): n, A, aht, patience")
    for n, a, aht, patience in [(205, 200, 240, 180), (9900, 10000, 180, 120),
                                (10100, 10000, 300, 600)]:
        p_wait, abandon = erlang_a_light(n, mp.mpf(a), aht, patience)
        print(n, a, aht, patience)
        show("  p_wait", p_wait)
        show("  abandon", abandon)
