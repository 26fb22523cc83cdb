#!/usr/bin/env python3
"""Independent re-performance of Tickmark's sampling golden vectors.

Written from sampling/SAMPLING.md alone, with the Python standard library only: ChaCha20, the
seed derivation, the stream-to-index mapping and every selection method. It reads the golden
vectors under sampling/tests/golden/, re-performs each one, prints one line per vector and ends
with "N passed, M failed", exiting non-zero on any failure.

Run from the repository root: python3 tests/sampling_reference/reperform.py
"""

import hashlib
import json
import math
import sys
from pathlib import Path

GOLDEN = Path(__file__).resolve().parents[2] / "sampling" / "tests" / "golden"
MASK32 = 0xFFFFFFFF
MASK64 = 0xFFFFFFFFFFFFFFFF
SELECTION_STREAM = 0
EXTENSION_STREAM = 1


# --- ChaCha20 (SAMPLING.md, "The stream") ---------------------------------------------------

def _rotl(x, n):
    return ((x << n) & MASK32) | (x >> (32 - n))


def _quarter(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & MASK32; s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & MASK32; s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & MASK32; s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & MASK32; s[b] = _rotl(s[b] ^ s[c], 7)


def chacha20_block(key_words, counter, stream):
    state = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574, *key_words,
             counter & MASK32, counter >> 32, stream & MASK32, stream >> 32]
    work = list(state)
    for _ in range(10):
        _quarter(work, 0, 4, 8, 12); _quarter(work, 1, 5, 9, 13)
        _quarter(work, 2, 6, 10, 14); _quarter(work, 3, 7, 11, 15)
        _quarter(work, 0, 5, 10, 15); _quarter(work, 1, 6, 11, 12)
        _quarter(work, 2, 7, 8, 13); _quarter(work, 3, 4, 9, 14)
    return [(w + s) & MASK32 for w, s in zip(work, state)]


class Stream:
    """64-bit words: two consecutive 32-bit keystream words, the first one low."""

    def __init__(self, seed_hex, stream):
        key = bytes.fromhex(seed_hex)
        self.key_words = [int.from_bytes(key[i:i + 4], "little") for i in range(0, 32, 4)]
        self.stream = stream
        self.counter = 0
        self.buffer = []

    def _next32(self):
        if not self.buffer:
            self.buffer = chacha20_block(self.key_words, self.counter, self.stream)
            self.counter += 1
        return self.buffer.pop(0)

    def next_word(self):
        low = self._next32()
        return low | (self._next32() << 32)

    def below(self, bound):
        """Lemire: high half of word * bound, rejecting low halves under 2^64 mod bound."""
        threshold = ((1 << 64) - bound) % bound
        while True:
            product = self.next_word() * bound
            if product & MASK64 >= threshold:
                return product >> 64


# --- Seed derivation ------------------------------------------------------------------------

def derive_seed(engagement_id, control_ref, fingerprint):
    digest = hashlib.sha256()
    for field in (b"tickmark.sampling.seed.v1", engagement_id.encode(), control_ref.encode(),
                  fingerprint.encode()):
        digest.update(len(field).to_bytes(8, "big"))
        digest.update(field)
    return digest.hexdigest()


# --- Methods --------------------------------------------------------------------------------

def draw_distinct(stream, domain, count, index_of):
    """The first `count` steps of a Fisher-Yates shuffle of positions 0..domain."""
    moved, out = {}, []
    for i in range(count):
        j = i + stream.below(domain - i)
        at_j, at_i = moved.get(j, j), moved.get(i, i)
        moved[j] = at_i
        out.append(index_of(at_j))
    return out


def simple_random(seed, size, n):
    return {"kind": "simple_random", "sample_size": n}, draw_distinct(
        Stream(seed, SELECTION_STREAM), size, n, lambda p: p)


def systematic(seed, size, n):
    start = Stream(seed, SELECTION_STREAM).below(size)
    items = [(start + j * size) // n for j in range(n)]
    return {"kind": "systematic", "sample_size": n, "random_start": start}, items


def cell_bounds(j, numerator, denominator):
    return j * numerator // denominator, (j + 1) * numerator // denominator


def cell(seed, size, n):
    stream = Stream(seed, SELECTION_STREAM)
    items = []
    for j in range(n):
        low, high = cell_bounds(j, size, n)
        items.append(low + stream.below(high - low))
    return {"kind": "cell", "sample_size": n}, items


def largest_remainder(sizes, total, n):
    quotas = [(n * s // total, n * s % total) for s in sizes]
    counts = [q for q, _ in quotas]
    order = sorted(range(len(sizes)), key=lambda h: (-quotas[h][1], h))
    for h in order[: n - sum(counts)]:
        counts[h] += 1
    return counts


def stratified(seed, labels, allocation, recorded_strata):
    groups = {}
    for index, label in enumerate(labels):
        groups.setdefault(label, []).append(index)
    ordered = sorted(groups, key=lambda label: label.encode())
    if allocation == "proportional":
        n = sum(s["sample"] for s in recorded_strata)
        counts = largest_remainder([len(groups[l]) for l in ordered], len(labels), n)
    else:
        wanted = {s["label"]: s["sample"] for s in recorded_strata}
        counts = [wanted.get(label, 0) for label in ordered]
    stream = Stream(seed, SELECTION_STREAM)
    items, strata = [], []
    for label, count in zip(ordered, counts):
        members = groups[label]
        items += draw_distinct(stream, len(members), count, lambda p, m=members: m[p])
        strata.append({"label": label, "population": len(members), "sample": count})
    return {"kind": "stratified", "allocation": allocation, "strata": strata}, items


def monetary_unit(seed, amounts, basis, variant):
    holders, ends, total = [], [], 0
    for index, amount in enumerate(amounts):
        if amount > 0:
            total += amount
            holders.append(index)
            ends.append(total)
    if "sample_size" in basis:
        numerator, denominator = total, basis["sample_size"]
    else:
        numerator, denominator = basis["interval_cents"], 1
    stream = Stream(seed, SELECTION_STREAM)
    if variant == "fixed":
        start = stream.below(numerator)
        units, j = [], 0
        while (start + j * numerator) // denominator < total:
            units.append((start + j * numerator) // denominator)
            j += 1
    else:
        start, units = None, []
        for j in range(-(-total * denominator // numerator)):
            low, high = cell_bounds(j, numerator, denominator)
            unit = low + stream.below(high - low)
            if unit < total:
                units.append(unit)
    top = [i for i in holders if amounts[i] * denominator >= numerator]
    items, seen = list(top), set(top)
    for unit in units:
        low, high = 0, len(ends)  # first holder whose cumulative end exceeds the unit
        while low < high:
            mid = (low + high) // 2
            if ends[mid] <= unit:
                low = mid + 1
            else:
                high = mid
        holder = holders[low]
        if holder not in seen:
            seen.add(holder)
            items.append(holder)
    method = {"kind": "monetary_unit", "variant": variant, "basis": basis, "total_cents": total,
              "interval_numerator": numerator, "interval_denominator": denominator,
              "random_start": start, "hits": len(units), "top_stratum": len(top),
              "excluded_nonpositive": len(amounts) - len(holders)}
    return method, items


def extension(seed, base, size, count, amounts=None):
    """Simple random sample of the eligible records not in `base`, ascending, on stream 1."""
    drawn = set(base)
    eligible = [i for i in range(size)
                if i not in drawn and (amounts is None or amounts[i] > 0)]
    return draw_distinct(Stream(seed, EXTENSION_STREAM), len(eligible), count,
                         lambda p: eligible[p])


def reperform(case):
    recorded, population = case["selection"], case["population"]
    seed, kind = recorded["seed"], recorded["method"]["kind"]
    method = recorded["method"]
    size = recorded["population_size"]
    if kind == "simple_random":
        redone, items = simple_random(seed, population["size"], method["sample_size"])
    elif kind == "systematic":
        redone, items = systematic(seed, population["size"], method["sample_size"])
    elif kind == "cell":
        redone, items = cell(seed, population["size"], method["sample_size"])
    elif kind == "stratified":
        redone, items = stratified(seed, population["labels"], method["allocation"],
                                   method["strata"])
    elif kind == "monetary_unit":
        redone, items = monetary_unit(seed, population["amounts"], method["basis"],
                                      method["variant"])
    else:
        raise ValueError(f"unknown method {kind}")
    if recorded["extended_by"]:
        items += extension(seed, items, size, recorded["extended_by"],
                           population.get("amounts"))
    problems = []
    if redone != method:
        problems.append(f"method parameters {redone} != recorded {method}")
    if items != recorded["items"]:
        problems.append(f"items {items} != recorded {recorded['items']}")
    return problems


# --- Monetary-unit sizes and the Stringer bound (SAMPLING.md sections 7 and 8) ---------------

def lower_gamma_regularised(a, x):
    """P(a, x): the series for x < a + 1, the continued fraction (Lentz) beyond it."""
    if x <= 0:
        return 0.0
    log_prefix = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        n = a
        while abs(term) > abs(total) * 1e-16:
            n += 1
            term *= x / n
            total += term
        return total * math.exp(log_prefix)
    tiny = 1e-300
    b = x + 1 - a
    c, d = 1 / tiny, 1 / b
    h = d
    i = 1
    while True:
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-16:
            break
        i += 1
    return 1 - math.exp(log_prefix) * h


def mus_hits(book, tolerable, expected, confidence):
    """The smallest n with P(1 + n*EM/B, n*TM/B) > c, by bisection over 1 .. 100 000."""
    enough = lambda n: lower_gamma_regularised(1 + n * expected / book, n * tolerable / book) > confidence
    low, high = 1, 100_000
    while low < high:
        mid = (low + high) // 2
        if enough(mid):
            high = mid
        else:
            low = mid + 1
    return low


def poisson_factor(k, confidence):
    """The mean at which P(X <= k) = 1 - c, that is P(k + 1, mean) = c, by bisection."""
    low, high = 0.0, k + 1.0
    while lower_gamma_regularised(k + 1, high) < confidence:
        high *= 2
    for _ in range(200):
        mid = (low + high) / 2
        if lower_gamma_regularised(k + 1, mid) < confidence:
            low = mid
        else:
            high = mid
    return high


def stringer(interval, confidence, items):
    taints, top, understated = [], 0.0, 0.0
    for item in items:
        over = item["book"] - item["audit"]
        if over < 0:
            understated -= over
        elif item["book"] >= interval:
            top += over
        elif over > 0:
            taints.append(min(1.0, over / item["book"]))
    taints.sort(reverse=True)
    factors = [poisson_factor(i, confidence) for i in range(len(taints) + 1)]
    basic = factors[0] * interval
    projected = sum(t * interval for t in taints) + top
    widened = sum(t * interval * (factors[i + 1] - factors[i]) for i, t in enumerate(taints))
    return {"basic_precision": basic, "projected_misstatement": projected,
            "incremental_allowance": widened - (projected - top), "upper_limit": basic + widened + top}


# --- Driver ---------------------------------------------------------------------------------

def main():
    results = []

    def check(name, problems):
        results.append(not problems)
        print(("ok     " if not problems else "FAILED ") + name)
        for problem in problems:
            print("       " + problem)

    for case in json.loads((GOLDEN / "stream.json").read_text()):
        stream = Stream(case["seed"], case["stream"])
        words = [stream.next_word() for _ in case["words"]]
        check(f"stream words, seed {case['seed'][:12]}..., stream {case['stream']}",
              [] if words == case["words"] else [f"words {words[:3]}... differ"])
        stream = Stream(case["seed"], case["stream"])
        values = [stream.below(b["bound"]) for b in case["below"]]
        expected = [b["value"] for b in case["below"]]
        check(f"index mapping, seed {case['seed'][:12]}..., stream {case['stream']}",
              [] if values == expected else [f"{values} != {expected}"])

    for case in json.loads((GOLDEN / "seeds.json").read_text()):
        seed = derive_seed(case["engagement_id"], case["control_ref"],
                           case["population_fingerprint"])
        check(f"seed derivation {case['engagement_id']!r} / {case['control_ref']!r}",
              [] if seed == case["seed"] else [f"{seed} != {case['seed']}"])

    for case in json.loads((GOLDEN / "selections.json").read_text()):
        try:
            problems = reperform(case)
        except Exception as error:  # a crash on one vector is reported as its failure
            problems = [f"{type(error).__name__}: {error}"]
        check(f"selection: {case['name']}", problems)

    mus = json.loads((GOLDEN / "mus.json").read_text())
    for case in mus["planning"]:
        hits = mus_hits(case["book_value"], case["tolerable"], case["expected"], case["confidence"])
        check(f"MUS size: {case['source'][:70]}", [] if hits == case["hits"] else [f"{hits} hits != {case['hits']}"])
    for case in mus["stringer"]:
        got = stringer(case["interval"], case["confidence"], case["items"])
        wrong = [f"{k} {got[k]:.4f} != {case[k]}" for k in got if abs(got[k] - case[k]) > 0.01 + abs(case[k]) * 1e-9]
        check(f"Stringer bound: {case['source'][:70]}", wrong)

    passed = sum(results)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
