"""Find identifiers in free text before it is saved.

Visit notes, case studies and findings describe how a MASH works. They must
never identify a child, a family or a member of staff. `scan()` looks for the
identifiers that turn up in practice and returns where each one is, so a form
can ask the author to remove it, with `context()` showing the surrounding words.

What it catches:

- NHS numbers: 10 digits, together or as 3-3-4 with spaces or hyphens, whose
  mod-11 check digit is valid. A mistyped one (check digit wrong) laid out 3-3-4
  is still caught when "NHS" or "number" comes at most three words before it
  ("NHS no. 943 476 5918"); any other 10-digit number failing the check is
  ignored.
- National Insurance numbers: two prefix letters allowed by HMRC, six digits
  (together or in spaced pairs) and a suffix A-D. Case-insensitive. Without the
  suffix, "AB123456" looks like too many case and file references to flag.
- Email addresses.
- UK phone numbers that could be a person's: mobiles and other 07 numbers, 01
  and 02 landlines, and 03 numbers, written nationally or as +44 / 0044 with or
  without "(0)". 08 freephone and 09 premium numbers (helplines such as
  "0808 800 5000") are services, not people, and are not flagged.
- Full postcodes ("SW1A 1AA", "sw1a1aa"). A district alone ("SW1A", "M1") names
  an area, not a household, and is fine. A lower-case inward code that reads as
  an ordinal ("s47 2nd strategy meeting") is taken to be the ordinal.
- Dates of birth: a full date (12/03/2008, 12.03.08, 2008-03-12, 12 March 2008,
  12th Mar 2008, March 12, 2008) with a birth cue near it in the same sentence:
  up to 25 characters after "DOB", "D.O.B.", "date of birth", "birth date" or
  "born" (for "b." the date must follow at once), or up to 12 characters before
  "DOB" or "date of birth". A date with no cue is a meeting date, not a
  birthday, and is not flagged; neither is a month and year alone
  ("born in March 2008").
- Street addresses: a house number ("12", "3a", "221B", optionally after "Flat
  3,"), one to three capitalised words and a street suffix ("Street", "Rd",
  "Lane", "Close", "Mews", "Green"...): "Flat 3, 45 Mill Lane". A street named
  without a house number ("the office on High Street") is a place, not a
  household; a number after a reference word ("Room 12 Park View") or before a
  court ("3 Family Court hearings") is not a house number.
- Names with a title: Mr, Mrs, Ms, Miss, Mx or Dr, then a capitalised name with
  any initials ("Dr A. Patel", "Mr John Brown", "Ms O'Neill"). A title alone, or
  before a lower-case word or a lone letter ("Mrs A", already anonymised), is
  not flagged.
- The age of a person: "aged 4", "age 7", "a 13-year-old girl", "the
  4-year-old", "6 months old". Age bands a service covers are not a person:
  "children aged 0-18", "aged 16 to 25", "aged 18 and over", "up to age 25",
  "16-17 year old", "under 5s", and neither are "5-year-olds" (a group) or the
  early years schemes ("the 2-year-old offer", "the 2 year old check").

What it deliberately leaves alone: counts and figures ("1,250 contacts", "17 of
37"), percentages, money, years and year ranges ("2012-13", "2013/14"), times,
timescales ("within 4 hours", "a 12-month pilot", "3-year funding"), ONS and
DfE codes ("E08000037", "390"), statutory references ("Section 47", "s17") and
numbers too short to be a phone number. A name without a title is not looked
for: no pattern can tell a child's name from a place, a team or an author.
"""

import re
from dataclasses import dataclass
from itertools import accumulate
from typing import Final

NHS_NUMBER: Final = "nhs_number"
NI_NUMBER: Final = "ni_number"
EMAIL: Final = "email"
PHONE: Final = "phone"
POSTCODE: Final = "postcode"
DATE_OF_BIRTH: Final = "date_of_birth"
STREET_ADDRESS: Final = "street_address"
TITLED_NAME: Final = "titled_name"
AGE: Final = "age"

LABELS: Final[dict[str, str]] = {
    NHS_NUMBER: "NHS number",
    NI_NUMBER: "National Insurance number",
    EMAIL: "email address",
    PHONE: "phone number",
    POSTCODE: "full postcode",
    DATE_OF_BIRTH: "date of birth",
    STREET_ADDRESS: "street address",
    TITLED_NAME: "name with a title",
    AGE: "age of a person",
}

KINDS: Final[tuple[str, ...]] = tuple(LABELS)


@dataclass(frozen=True, slots=True)
class Hit:
    """One identifier found in the text: `text[start:end] == hit.text`."""

    kind: str
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        """What the identifier is, for a sentence: "NHS number", "full postcode"."""
        return LABELS[self.kind]


def label(kind: str) -> str:
    """The human label for a kind, e.g. "National Insurance number"."""
    return LABELS[kind]


# --- NHS numbers --------------------------------------------------------------

_NHS = re.compile(
    r"""
    (?<![\w£$€.,/-])            # not the tail of a word, amount or longer number
    \d{3}[ -]?\d{3}[ -]?\d{4}
    (?![\w/]|[.,-]\d)           # not the head of one either
    """,
    re.VERBOSE,
)


# "NHS number 943 476 5918", "NHS no. 943-476-5918", "number: 943 476 5918": a
# cue word at most three words before the number.
_NHS_CUE = re.compile(r"\b(?:NHS|number)\b\W*(?:\w+\W+){0,3}\Z", re.IGNORECASE)
_NHS_LAYOUT = re.compile(r"\d{3}[ -]\d{3}[ -]\d{4}")
_NHS_CUE_WINDOW = 40


def nhs_number_is_valid(number: str) -> bool:
    """Check a 10-digit NHS number's mod-11 check digit (separators are ignored)."""
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) != 10:
        return False
    total = sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == digits[9]


# --- National Insurance numbers -------------------------------------------------

_NI = re.compile(
    r"""
    \b
    (?!BG|GB|KN|NK|NT|TN|ZZ)    # prefixes HMRC never issues
    [A-CEGHJ-PR-TW-Z]           # first letter: not D, F, I, Q, U, V
    [A-CEGHJ-NPR-TW-Z]          # second letter: not D, F, I, O, Q, U, V
    [ -]?\d{2}[ -]?\d{2}[ -]?\d{2}[ -]?
    [A-D]
    \b
    """,
    re.VERBOSE | re.IGNORECASE,
)

# --- Email addresses ------------------------------------------------------------

_EMAIL = re.compile(
    r"""
    (?<![\w.%+'-])
    [\w.%+'-]+
    @
    [A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?
    (?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*
    \.[A-Za-z]{2,}
    \b
    """,
    re.VERBOSE,
)

# --- Phone numbers --------------------------------------------------------------

# A run of digit groups that starts like a UK number. Which leading groups make
# a whole number is decided in code, so "07700 900123 12 visits" still finds
# the phone number and "0161 496 0000 0161 496 0001" finds two.
_PHONE = re.compile(
    r"""
    (?<![\w£$€+.,])
    (?:
        (?P<intl>(?:\+|00)[ ]?44[ ]?(?:\(0\)[ ]?)?)   # +44, 0044, +44 (0)
      | (?=\(?0)                                      # or national: 0..., (0...)
    )
    (?P<body>\(?\d+(?:(?:\)[ ]?|[ -]\(?)\d+){0,5})       # up to 6 groups
    """,
    re.VERBOSE,
)
_DIGITS = re.compile(r"\d+")


def _phone_is_plausible(national: str) -> bool:
    """A national number (leading 0) a person could have: 01/02/03/07."""
    if national.startswith("01"):
        return len(national) in (10, 11)
    return national[:2] in ("02", "03", "07") and len(national) == 11


def _scan_phones(text: str) -> list[Hit]:
    hits: list[Hit] = []
    pos = 0
    while match := _PHONE.search(text, pos):
        intl = match.group("intl")
        body_start = match.start("body")
        groups = list(_DIGITS.finditer(text, body_start, match.end("body")))
        runs = list(accumulate(g.group() for g in groups))  # digits of the first 1, 2, ... groups
        found: Hit | None = None
        # Longest run of leading groups that makes a plausible number.
        for count in range(len(groups), 0, -1):
            digits = runs[count - 1]
            # +44 (0)20... and +44 20... both mean 020...
            national = "0" + digits.removeprefix("0") if intl else digits
            end = groups[count - 1].end()
            if _phone_is_plausible(national) and not text[end : end + 1].isalnum():
                found = Hit(PHONE, match.start(), end, text[match.start() : end])
                break
        if found:
            hits.append(found)
            pos = found.end
        else:
            pos = groups[0].end()
    return hits


# --- Postcodes ------------------------------------------------------------------

_POSTCODE = re.compile(
    r"""
    \b
    (?:
        (?:
            [A-PR-UWYZ][0-9][0-9]?                  # A9, A99
          | [A-PR-UWYZ][A-HK-Y][0-9][0-9]?          # AA9, AA99
          | [A-PR-UWYZ][0-9][A-HJKPSTUW]            # A9A
          | [A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]  # AA9A
        )
        [ ]?
        (?P<inward>[0-9][ABD-HJLNP-UW-Z]{2})
      | GIR[ ]?0AA
    )
    \b
    """,
    re.VERBOSE | re.IGNORECASE,
)
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)", re.IGNORECASE)


def _scan_postcodes(text: str) -> list[Hit]:
    hits = []
    for match in _POSTCODE.finditer(text):
        inward = match.group("inward")
        if inward and _ORDINAL.fullmatch(inward) and not inward.isupper():
            continue  # "s47 2nd meeting": an ordinal, not a postcode
        hits.append(Hit(POSTCODE, match.start(), match.end(), match.group()))
    return hits


# --- Dates of birth -------------------------------------------------------------

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?![a-z])\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"

_DATE = re.compile(
    rf"""
    (?<![\w/-])(?<!\d\.)
    (?:
        (?P<d1>\d{{1,2}})(?P<s1>[/.-])(?P<m1>\d{{1,2}})(?P=s1)(?:\d{{4}}|\d{{2}})  # 12/03/2008
      | \d{{4}}(?P<s2>[/.-])(?P<m2>\d{{1,2}})(?P=s2)(?P<d2>\d{{1,2}})            # 2008-03-12
      | (?P<d3>{_DAY})[ ]+(?:of[ ]+)?(?P<mon3>{_MONTH}),?[ ]+(?:\d{{4}}|'?\d{{2}})  # 12 March 2008
      | (?P<mon4>{_MONTH})[ ]+(?P<d4>{_DAY}),?[ ]+\d{{4}}                      # March 12, 2008
    )
    (?![\w/]|[.-]\d)
    """,
    re.VERBOSE | re.IGNORECASE,
)

# The cue and the date must be in the same sentence, close together. A cue
# after the date must be closer: "12/03/2008 (DOB)", "12 March 2008 is her date
# of birth", but not "the 12 March 2013 meeting, where DOB was checked".
_GAP = r"[^\n.!?;]{0,25}"
_GAP_AFTER_DATE = r"[^\n.!?;]{0,12}"
_CUE_THEN_DATE = re.compile(
    rf"(?:(?<!\w)(?:date[ ]+of[ ]+birth|birth[ ]*date|born|d\.?o\.?b)\b\.?{_GAP}"
    r"|(?<!\w)(?-i:b)\.[ ]?)\Z",  # lower-case b. only: "Option B. On 12 March..." is no cue
    re.IGNORECASE,
)
_DATE_THEN_CUE = re.compile(
    rf"\A{_GAP_AFTER_DATE}(?<!\w)(?:date[ ]+of[ ]+birth|d\.?o\.?b)\b",
    re.IGNORECASE,
)
_CUE_WINDOW = 60


def _day_month(match: re.Match[str]) -> tuple[int, int]:
    if match.group("d1"):
        return int(match.group("d1")), int(match.group("m1"))
    if match.group("d2"):
        return int(match.group("d2")), int(match.group("m2"))
    day = match.group("d3") or match.group("d4")
    month = match.group("mon3") or match.group("mon4")
    return int(day.rstrip("stndrhSTNDRH")), _MONTHS[month[:3].lower()]


def _is_date(match: re.Match[str]) -> bool:
    day, month = _day_month(match)
    if match.group("d1"):
        # 12/03/2008 or, written the American way, 03/12/2008.
        return (1 <= day <= 31 and 1 <= month <= 12) or (1 <= day <= 12 and 1 <= month <= 31)
    return 1 <= day <= 31 and 1 <= month <= 12


def _scan_dates_of_birth(text: str) -> list[Hit]:
    hits = []
    for match in _DATE.finditer(text):
        if not _is_date(match):
            continue
        start, end = match.span()
        before = text[max(0, start - _CUE_WINDOW) : start]
        after = text[end : end + _CUE_WINDOW]
        if _CUE_THEN_DATE.search(before) or _DATE_THEN_CUE.search(after):
            hits.append(Hit(DATE_OF_BIRTH, start, end, match.group()))
    return hits


# --- Street addresses -----------------------------------------------------------

# A house number (up to three digits and a letter: "3a", "221B"), one to three
# capitalised words and a street suffix: "12 High Street", "Flat 3, 45 Mill Lane".
# A street named without a number ("the office on High Street") is a place.
_STREET_SUFFIX = (
    r"(?:Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Close|Drive|Way|Crescent|Court|Gardens"
    r"|Grove|Place|Terrace|Walk|Hill|Park|Square|Row|Mews|View|Green|Parade|Rise|Vale)"
)
_CAPITALISED = r"[A-Z][A-Za-z'\u2019-]*[a-z]"  # "Mill", "St", "Mary's"; not "MASH" or "A"
_STREET = re.compile(
    rf"""
    (?P<flat>\b(?:Flat|Apartment|Unit)[ ]+\d{{1,4}}[A-Za-z]?,?[ ]+)?
    (?<![\w£$€.,/:\u2013-])
    \d{{1,3}}[A-Za-z]?
    [ ]+
    (?P<name>(?:{_CAPITALISED}[ ]+){{1,3}})
    (?P<suffix>{_STREET_SUFFIX})
    \b
    """,
    re.VERBOSE,
)
# A number after one of these words is a reference, not a house: "Section 47
# Family Court", "Room 12 Park View".
_REFERENCE_BEFORE = re.compile(
    r"\b(?:section|part|schedule|article|chapter|paragraph|para|rule|regulation|room"
    r"|floor|level|page|year|stage|tier|phase|step|table|figure|annex|appendix)\.?[ ]*\Z",
    re.IGNORECASE,
)
_BEFORE_WINDOW = 20
_COURTS = re.compile(r"\b(?:Family|Crown|County|High|Youth|Magistrates['\u2019]?|Appeal)[ ]+\Z")


def _scan_street_addresses(text: str) -> list[Hit]:
    hits = []
    for match in _STREET.finditer(text):
        before = text[max(0, match.start() - _BEFORE_WINDOW) : match.start()]
        if not match.group("flat") and _REFERENCE_BEFORE.search(before):
            continue
        if match.group("suffix") == "Court" and _COURTS.search(match.group("name")):
            continue  # "3 Family Court hearings": a court, not a street
        hits.append(Hit(STREET_ADDRESS, match.start(), match.end(), match.group()))
    return hits


# --- Names with a title ---------------------------------------------------------

# "Mrs Smith", "Dr A. Patel", "Mr John Brown", "Ms O'Neill". The name must be a
# capitalised word with lower-case letters, so "Mr A" (already anonymised),
# "Dr." alone and "Mr said" are not flagged.
_NAME = r"[A-Z](?:[a-z]+|['\u2019][A-Z][a-z]+)(?:['\u2019-]?[A-Z][a-z]+)*"
_TITLED_NAME = re.compile(
    rf"""
    \b(?:Mrs|Mr|Ms|Miss|Mx|Dr)\.?
    [ ]+
    (?:[A-Z](?:\.[ ]?|[ ]))*    # initials: "A. ", "J R "
    {_NAME}(?:[ ]+{_NAME}){{0,2}}
    """,
    re.VERBOSE,
)

# --- Ages of a person -----------------------------------------------------------

# "aged 4", "age 7", "a 13-year-old girl", "the 4-year-old", "6 months old". An
# age band a service covers is not a person: "aged 0-18", "aged 16 to 25",
# "aged 18 and over", "up to age 25", "16-17 year old", "under 5 years old",
# and neither are plural "5-year-olds" (a group) or the named early years
# schemes ("the 2-year-old offer", "the 2 year old check").
_AGE = re.compile(
    r"""
    (?:
        \bage[d]?[ :]+\d{1,2}
        (?!\d|[ ]*(?:(?:years?|yrs?|months?)[ ]*)?      # not the start of a band:
            (?:[-\u2013\u2014+/]|to\b|plus\b             # "aged 0-18", "aged 16 to 25"
              |(?:and|or|&)[ ]+(?:\d|over|under|above|below|older|younger)))  # "aged 18 and over"
      | (?<![\w.,/\u2013\u2014-])\d{1,2}[ -]?(?:years?|yrs?|months?|weeks?)[ -]old\b
        (?![ ]+(?:offer|funding|places?|provision|entitlement|check|review|programme)\b)
    )
    """,
    re.VERBOSE | re.IGNORECASE,
)
_BAND_BEFORE = re.compile(
    r"(?:\d[ ]*(?:[-\u2013\u2014]|to|and|or|&)"  # "16-17 year old", "3 and 4 year old"
    r"|\b(?:to|until|till|from|over|under|below|above|beyond))[ ]*\Z",  # "up to age 25"
    re.IGNORECASE,
)


def _scan_ages(text: str) -> list[Hit]:
    return [
        Hit(AGE, m.start(), m.end(), m.group())
        for m in _AGE.finditer(text)
        if not _BAND_BEFORE.search(text[max(0, m.start() - _BEFORE_WINDOW) : m.start()])
    ]


# --- Putting it together --------------------------------------------------------


def _scan_pattern(kind: str, pattern: re.Pattern[str], text: str) -> list[Hit]:
    return [Hit(kind, m.start(), m.end(), m.group()) for m in pattern.finditer(text)]


def _scan_nhs_numbers(text: str) -> list[Hit]:
    def is_nhs_number(hit: Hit) -> bool:
        if nhs_number_is_valid(hit.text):
            return True
        # A mistyped NHS number is still one when it is laid out and named as one.
        before = text[max(0, hit.start - _NHS_CUE_WINDOW) : hit.start]
        return bool(_NHS_LAYOUT.fullmatch(hit.text) and _NHS_CUE.search(before))

    return [h for h in _scan_pattern(NHS_NUMBER, _NHS, text) if is_nhs_number(h)]


def scan(text: str) -> list[Hit]:
    """Every identifier in `text`, sorted by where it starts.

    Where two candidates overlap, the longer wins (an email address beats the
    postcode-like part of its domain); on a tie, the order of `KINDS` decides.
    """
    if not text:
        return []
    candidates = [
        *_scan_nhs_numbers(text),
        *_scan_pattern(NI_NUMBER, _NI, text),
        *_scan_pattern(EMAIL, _EMAIL, text),
        *_scan_phones(text),
        *_scan_postcodes(text),
        *_scan_dates_of_birth(text),
        *_scan_street_addresses(text),
        *_scan_pattern(TITLED_NAME, _TITLED_NAME, text),
        *_scan_ages(text),
    ]
    priority = {kind: i for i, kind in enumerate(KINDS)}
    candidates.sort(key=lambda h: (h.start, h.start - h.end, priority[h.kind]))
    hits: list[Hit] = []
    for hit in candidates:
        if hits and hit.start < hits[-1].end:
            continue
        hits.append(hit)
    return hits


_WHITESPACE = re.compile(r"\s+")


def context(text: str, hit: Hit, width: int = 40) -> str:
    """The hit with up to `width` characters either side, on one line.

    A side that was cut short starts or ends with "…", cut at a space where
    there is one so the snippet doesn't begin or end mid-word.
    """
    start = max(0, hit.start - width)
    end = min(len(text), hit.end + width)
    left = text[start : hit.start]
    right = text[hit.end : end]
    if start > 0:
        cut = _WHITESPACE.search(left)
        if cut and not text[start - 1].isspace():
            left = left[cut.end() :]  # drop the word cut in half
        left = "…" + left.lstrip()
    if end < len(text):
        cuts = list(_WHITESPACE.finditer(right))
        if cuts and not text[end].isspace():
            right = right[: cuts[-1].start()]  # drop the word cut in half
        right = right.rstrip() + "…"
    snippet = left + text[hit.start : hit.end] + right
    return _WHITESPACE.sub(" ", snippet).strip()
