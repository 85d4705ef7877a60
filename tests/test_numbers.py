"""Property tests for reading numbers: what is written is read back."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.numbers import parse_number
from checker.quantities import find_quantities
from checker.rules import load_rules

RULES = load_rules()
_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _below_thousand(n: int, british_and: bool) -> str:
    """An integer under 1,000 in English words ("three hundred and five")."""
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        parts.append(f"{_UNITS[hundreds]} hundred")
    if rest:
        if hundreds and british_and:
            parts.append("and")
        if rest < 20:
            parts.append(_UNITS[rest])
        else:
            tens, unit = divmod(rest, 10)
            parts.append(_TENS[tens] + (f"-{_UNITS[unit]}" if unit else ""))
    return " ".join(parts)


def in_words(n: int, british_and: bool = True) -> str:
    """An integer under a trillion in English words, as news writes it."""
    if n == 0:
        return "zero"
    parts = []
    for scale, name in ((10**9, "billion"), (10**6, "million"), (10**3, "thousand"), (1, "")):
        chunk, n = divmod(n, scale)
        if chunk:
            parts.append((_below_thousand(chunk, british_and) + f" {name}").strip())
    return " ".join(parts)


@settings(max_examples=500)
@given(st.integers(min_value=0, max_value=10**12))
def test_numeral_with_separators_reads_back(n: int) -> None:
    """10,000 and 10000 both read as ten thousand."""
    assert parse_number(f"{n:,}", RULES) == n
    assert parse_number(str(n), RULES) == n


@settings(max_examples=500)
@given(st.integers(min_value=0, max_value=10**12 - 1), st.booleans())
def test_number_in_words_reads_back(n: int, british_and: bool) -> None:
    """"two hundred and fifty thousand" reads as 250,000, with or without "and"."""
    assert parse_number(in_words(n, british_and), RULES) == n


@settings(max_examples=500)
@given(st.integers(min_value=1, max_value=999), st.sampled_from(["thousand", "million",
                                                                 "billion"]))
def test_numeral_with_scale_word_reads_back(n: int, scale: str) -> None:
    """"250 million" is 250 times a million."""
    factor = {"thousand": 10**3, "million": 10**6, "billion": 10**9}[scale]
    assert parse_number(f"{n} {scale}", RULES) == n * factor


@settings(max_examples=500)
@given(st.text())
def test_any_text_parses_without_error(text: str) -> None:
    """Any text gives a number or None, never an exception."""
    value = parse_number(text, RULES)
    assert value is None or isinstance(value, float)


@settings(max_examples=500, deadline=None)  # the first call loads the unit catalogue
@given(st.text(alphabet=st.sampled_from(list("0123456789 ,.-–+%$£€abmkntoheur")), max_size=40)
       | st.text(max_size=60))
def test_any_text_gives_spans_that_match(text: str) -> None:
    """find_quantities never raises; every span is its surface and low <= high."""
    for q in find_quantities(text, RULES):
        assert text[q.start:q.end] == q.surface
        assert q.low <= q.high


_DENOMINATORS = {2: "half", 3: "third", 4: "quarter", 5: "fifth", 6: "sixth", 8: "eighth",
                 10: "tenth", 100: "hundredth"}


@settings(max_examples=300)
@given(st.integers(min_value=2, max_value=19), st.sampled_from(sorted(_DENOMINATORS)),
       st.booleans())
def test_fraction_in_words_reads_back(numerator: int, den: int, hyphen: bool) -> None:
    """"three fifths", "seven-eighths": a number of parts; the plural marks the fraction."""
    word = _DENOMINATORS[den]
    plural = "halves" if word == "half" else word + "s"
    text = f"{_UNITS[numerator]}{'-' if hyphen else ' '}{plural}"
    assert abs(parse_number(text, RULES) - numerator / den) < 1e-9


@settings(max_examples=300)
@given(st.integers(min_value=0, max_value=999), st.integers(min_value=1, max_value=99))
def test_point_decimal_in_words_reads_back(whole: int, decimals: int) -> None:
    """"three hundred and five point four two": the digits after "point" one by one."""
    digits = f"{decimals:02d}"
    text = in_words(whole) + " point " + " ".join(_UNITS[int(d)] for d in digits)
    assert abs(parse_number(text, RULES) - float(f"{whole}.{digits}")) < 1e-9


@settings(max_examples=300)
@given(st.lists(st.integers(min_value=20, max_value=99).filter(lambda n: n % 10 == 0),
                min_size=2, max_size=4))
def test_run_of_tens_is_several_numbers(tens: list[int]) -> None:
    """"twenty thirty forty" is three numbers: a ten cannot follow a ten."""
    text = " ".join(_TENS[t // 10] for t in tens)
    assert [q.value for q in find_quantities(text, RULES)] == [float(t) for t in tens]


@settings(max_examples=200)
@given(st.integers(min_value=1, max_value=9), st.integers(min_value=1, max_value=19),
       st.booleans())
def test_dozens_after_hundreds_add(hundreds: int, dozens: int, plural: bool) -> None:
    """"three hundred and two dozen" is the hundreds and two dozen; "three hundred dozen"
    is three hundred times twelve."""
    word = "dozens" if plural else "dozen"
    text = f"{_UNITS[hundreds]} hundred and {_UNITS[dozens]} {word}"
    assert parse_number(text, RULES) == hundreds * 100 + dozens * 12
    assert parse_number(f"{_UNITS[hundreds]} hundred {word}", RULES) == hundreds * 1200
