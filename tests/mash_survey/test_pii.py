import dataclasses

import pytest

from mash_survey.pii import (
    KINDS,
    LABELS,
    Hit,
    context,
    label,
    nhs_number_is_valid,
    scan,
)


def kinds_and_texts(text: str) -> list[tuple[str, str]]:
    return [(hit.kind, hit.text) for hit in scan(text)]


def only_hit(text: str) -> Hit:
    hits = scan(text)
    assert len(hits) == 1, hits
    return hits[0]


# --- Hits -----------------------------------------------------------------------


def test_a_hit_is_a_frozen_dataclass_with_kind_position_and_text() -> None:
    text = "NHS number 943 476 5919 was on the referral."
    hit = only_hit(text)
    assert hit == Hit(kind="nhs_number", start=11, end=23, text="943 476 5919")
    assert text[hit.start : hit.end] == hit.text
    with pytest.raises(dataclasses.FrozenInstanceError):
        hit.start = 0  # type: ignore[misc]  # proving the dataclass is frozen


def test_every_kind_has_a_human_label() -> None:
    assert LABELS == {
        "nhs_number": "NHS number",
        "ni_number": "National Insurance number",
        "email": "email address",
        "phone": "phone number",
        "postcode": "full postcode",
        "date_of_birth": "date of birth",
        "street_address": "street address",
        "titled_name": "name with a title",
        "age": "age of a person",
    }
    assert set(KINDS) == set(LABELS)
    assert label("postcode") == "full postcode"
    assert Hit("ni_number", 0, 9, "AB123456C").label == "National Insurance number"


def test_hits_are_sorted_by_start_whatever_their_kind() -> None:
    text = (
        "Seen at SW1A 1AA on Monday. Mum (jo.bloggs@example.com, 07700 900123) "
        "gave DOB 12/03/2008 and NHS number 943 476 5919, NI AB 12 34 56 C."
    )
    hits = scan(text)
    assert [hit.kind for hit in hits] == [
        "postcode",
        "email",
        "phone",
        "date_of_birth",
        "nhs_number",
        "ni_number",
    ]
    assert [hit.start for hit in hits] == sorted(hit.start for hit in hits)
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text


def test_empty_text_has_no_hits() -> None:
    assert scan("") == []


# --- NHS numbers ----------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    ["9434765919", "943 476 5919", "943-476-5919", "4010232137", "401 023 2137", "4505577104"],
)
def test_a_valid_nhs_number_is_found(number: str) -> None:
    text = f"The child's NHS number is {number}."
    assert kinds_and_texts(text) == [("nhs_number", number)]
    hit = only_hit(text)
    assert hit.start == text.index(number)
    assert hit.end == hit.start + len(number)


def test_an_nhs_number_whose_check_digit_is_eleven_uses_zero() -> None:
    assert nhs_number_is_valid("4010232110")
    assert kinds_and_texts("ref 4010232110") == [("nhs_number", "4010232110")]


@pytest.mark.parametrize(
    "number",
    [
        "9434765918",  # wrong check digit
        "943 476 5910",
        "4010232138",
        "1234567890",  # check digit would be 10: never issued
        "1234567891",
    ],
)
def test_ten_digits_failing_the_nhs_check_are_not_a_hit(number: str) -> None:
    assert not nhs_number_is_valid(number)
    assert scan(f"Reference {number} on the file.") == []


def test_nhs_check_ignores_separators_and_needs_ten_digits() -> None:
    assert nhs_number_is_valid("943-476-5919")
    assert not nhs_number_is_valid("943476591")
    assert not nhs_number_is_valid("94347659190")


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("NHS number 943 476 5918 on the referral", "943 476 5918"),
        ("NHS no. 943-476-5910", "943-476-5910"),
        ("her NHS is 401 023 2138", "401 023 2138"),
        ("Number: 123 456 7890", "123 456 7890"),
        ("the child's number on file was 943 476 5918.", "943 476 5918"),
    ],
)
def test_a_mistyped_nhs_number_laid_out_3_3_4_after_a_cue_is_still_found(
    text: str, number: str
) -> None:
    assert not nhs_number_is_valid(number)
    assert kinds_and_texts(text) == [("nhs_number", number)]


@pytest.mark.parametrize(
    "text",
    [
        "NHS number 9434765918",  # not laid out as an NHS number
        "NHS checks, then a note, then the file reference 943 476 5918",  # cue too far back
        "ticket 943 476 5918",
    ],
)
def test_a_mistyped_nhs_number_without_its_layout_and_a_close_cue_is_not_a_hit(
    text: str,
) -> None:
    assert scan(text) == []


def test_a_valid_nhs_number_inside_a_longer_number_is_not_a_hit() -> None:
    assert scan("Account 19434765919 and 9434765919123") == []
    assert scan("E9434765919") == []


# --- National Insurance numbers ---------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "AB123456C",
        "AB 12 34 56 C",
        "AB 123456 C",
        "ab123456c",
        "Jk 12 34 56 d",
        "CE123456A",
        "ZY123456B",
        "WL 12 34 56 A",
    ],
)
def test_a_national_insurance_number_is_found(number: str) -> None:
    assert kinds_and_texts(f"NI number: {number}, checked.") == [("ni_number", number)]


@pytest.mark.parametrize(
    "number",
    [
        "DA123456A",  # first letter D
        "FA123456A",
        "IA123456A",
        "QA123456A",
        "UA123456A",
        "VA123456A",
        "AD123456A",  # second letter D
        "AF123456A",
        "AI123456A",
        "AO123456A",
        "AQ123456A",
        "AU123456A",
        "AV123456A",
        "BG123456A",  # prefixes never issued
        "GB123456A",
        "KN123456A",
        "NK123456A",
        "NT123456A",
        "TN123456A",
        "ZZ123456A",
        "AB123456E",  # suffix past D
        "AB123456",  # no suffix: could be any reference
        "AB12345C",  # five digits
        "AB1234567C",  # seven digits
    ],
)
def test_a_string_outside_the_hmrc_rules_is_not_a_national_insurance_number(number: str) -> None:
    assert scan(f"Reference {number} on the file.") == []


# --- Email addresses --------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "jo.bloggs@example.com",
        "j.bloggs+mash@council.gov.uk",
        "SOCIAL.WORKER@Example.Org.UK",
        "o'neill@school.sch.uk",
        "team-mash@police.pnn.police.uk",
    ],
)
def test_an_email_address_is_found(address: str) -> None:
    text = f"Contact {address}. Thanks"
    assert kinds_and_texts(text) == [("email", address)]


def test_an_email_address_with_a_postcode_like_domain_is_one_hit() -> None:
    assert kinds_and_texts("write to office@sw1a1aa.example.com") == [
        ("email", "office@sw1a1aa.example.com")
    ]


@pytest.mark.parametrize("text", ["the @MASH team", "user@localhost", "a @ b.com", "@example.com"])
def test_an_incomplete_address_is_not_a_hit(text: str) -> None:
    assert scan(text) == []


# --- Phone numbers ----------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "07700 900123",
        "07700900123",
        "07700 900 123",
        "0770 090 0123",
        "07700-900-123",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)7700 900123",
        "0044 7700 900123",
        "020 7946 0018",
        "(020) 7946 0018",
        "020-7946-0018",
        "+44 (0)20 7946 0018",
        "0161 496 0000",
        "0113 496 0000",
        "01632 960001",
        "(01632) 960001",
        "01632 96000",  # some 01 areas have 10-digit numbers
        "0300 123 4567",
        "03001234567",
    ],
)
def test_a_personal_uk_phone_number_is_found(number: str) -> None:
    text = f"Mum's number is {number}, call after 4pm."
    assert kinds_and_texts(text) == [("phone", number)]


def test_a_phone_number_followed_by_another_figure_is_still_found() -> None:
    assert kinds_and_texts("called 07700 900123 12 times") == [("phone", "07700 900123")]


def test_two_phone_numbers_in_a_row_are_two_hits() -> None:
    assert kinds_and_texts("0161 496 0000 0161 496 0001") == [
        ("phone", "0161 496 0000"),
        ("phone", "0161 496 0001"),
    ]
    assert kinds_and_texts("07700 900123/07700 900124") == [
        ("phone", "07700 900123"),
        ("phone", "07700 900124"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Childline on 0800 1111",
        "NSPCC helpline 0808 800 5000",
        "the 0845 46 47 line",
        "premium 0906 123 4567",
        "0161 4960",  # too short
        "07700 9001",  # too short
        "077009001234",  # too long
        "0207946001899",
        "0-19 service",
        "01 02 2013",
        "tel: 999 or 101",
    ],
)
def test_a_service_number_or_short_number_is_not_a_phone_hit(text: str) -> None:
    assert scan(text) == []


# --- Postcodes --------------------------------------------------------------------


@pytest.mark.parametrize(
    "postcode",
    [
        "SW1A 1AA",
        "M1 1AE",
        "B33 8TH",
        "CR2 6XH",
        "DN55 1PT",
        "W1A 0AX",
        "EC1A 1BB",
        "sw1a 1aa",
        "SW1A1AA",
        "m11ae",
        "Ls1 4Ap",
    ],
)
def test_a_full_postcode_is_found(postcode: str) -> None:
    assert kinds_and_texts(f"The family lives at {postcode}, near school.") == [
        ("postcode", postcode)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The MASH covers SW1A and M1.",
        "districts LS1, LS2 and B33",
        "the s47 2nd strategy meeting",
        "s17 1st assessment",
        "ks2 3rd year",
        "Y7 5th form",
        "QA1 1AA",  # Q never starts a postcode
        "SW1A 1CA",  # C never ends one
    ],
)
def test_a_district_an_ordinal_or_a_malformed_postcode_is_not_a_hit(text: str) -> None:
    assert scan(text) == []


# --- Dates of birth ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("DOB 12/03/2008", "12/03/2008"),
        ("DOB: 12/03/2008", "12/03/2008"),
        ("dob 1/3/08", "1/3/08"),
        ("D.O.B. 12.03.08", "12.03.08"),
        ("d.o.b 12-03-2008", "12-03-2008"),
        ("DoB - 2008-03-12", "2008-03-12"),
        ("date of birth 12 March 2008", "12 March 2008"),
        ("Date of birth: 12th Mar 2008", "12th Mar 2008"),
        ("birth date 3rd of September 2010", "3rd of September 2010"),
        ("born 12 March 2008", "12 March 2008"),
        ("born on 12th Mar. 2008", "12th Mar. 2008"),
        ("was born at home on 12/03/2008", "12/03/2008"),
        ("born March 12, 2008", "March 12, 2008"),
        ("b. 12/03/2008", "12/03/2008"),
        ("(b.12 Mar 2008)", "12 Mar 2008"),
        ("12/03/2008 (DOB)", "12/03/2008"),
        ("12 March 2008 is her date of birth", "12 March 2008"),
        ("born 03/25/2008", "03/25/2008"),  # written the American way
    ],
)
def test_a_date_near_a_birth_cue_is_a_date_of_birth(text: str, date: str) -> None:
    full = f"Child A, {text}, was discussed."
    hit = only_hit(full)
    assert (hit.kind, hit.text) == ("date_of_birth", date)
    assert hit.start == full.index(date)


@pytest.mark.parametrize(
    "text",
    [
        "The board met on 12 March 2013.",
        "Strategy meeting held 12/03/2013 with police and health.",
        "Launched 2008-03-12 after the review.",
        "Mother was born in Poland. On 12 March 2013 the referral came in.",
        "born in March 2008",  # month and year only
        "born in 2008",
        "Option B. 12/03/2013 was the deadline.",
        "DOB recorded in 94% of contacts",
        "DOB 32/13/2008",  # not a date
        "newborn seen 12/03/2013",
        "Dates of birth were checked on 12 March 2013 at the daily meeting, and",
        "the 12 March 2013 meeting, where DOB was recorded",
        "the 12 March 2013 meeting where dates of birth were checked",
    ],
)
def test_a_date_without_a_nearby_birth_cue_is_not_a_hit(text: str) -> None:
    assert scan(text) == []


def test_a_birth_cue_more_than_25_characters_before_the_date_is_not_enough() -> None:
    assert kinds_and_texts("born at home, in Leeds, on 12 March 2008") == [
        ("date_of_birth", "12 March 2008")
    ]
    assert scan("born, as the file notes from the GP letter, on 12 March 2008") == []


def test_a_birth_cue_more_than_12_characters_after_the_date_is_not_enough() -> None:
    assert kinds_and_texts("12 March 2008 is her DOB") == [("date_of_birth", "12 March 2008")]
    assert scan("12 March 2008 was, we were told, the DOB") == []


# --- Street addresses -------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "12 High Street",
        "Flat 3, 45 Mill Lane",
        "3a Church Road",
        "221B Baker Street",
        "45 Mill Lane",
        "7 St Mary's Road",
        "2 Station Rd",
        "18 High St",
        "9 Elm Ave",
        "14 Oak Tree Close",
        "1 Beech Drive",
        "33 Kings Way",
        "5 Lime Crescent",
        "6 Orchard Court",
        "41 Rose Gardens",
        "8 Ash Grove",
        "2 Market Place",
        "17 Victoria Terrace",
        "4 Canal Walk",
        "60 Castle Hill",
        "12 Spring Park",
        "3 Queen Square",
        "11 Church Row",
        "9 Stable Mews",
        "22 Bay View",
        "1 Village Green",
        "Unit 4 10 Mill Lane",
        "52 Saxe-Coburg Street",
    ],
)
def test_a_house_number_and_street_is_a_street_address(address: str) -> None:
    text = f"The family moved to {address}, near the school."
    assert kinds_and_texts(text) == [("street_address", address)]


def test_a_street_address_after_other_words_is_found_from_its_house_number() -> None:
    assert kinds_and_texts("Dad stays at No. 12 High Street") == [
        ("street_address", "12 High Street")
    ]
    assert kinds_and_texts("seen at his mum's 4 Ash Grove flat") == [
        ("street_address", "4 Ash Grove")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "the office on High Street",
        "Mill Lane children's centre",
        "The MASH moved from Church Road to Civic Centre, Mill Lane.",
        "12 Local Safeguarding Children Boards",
        "37 areas visited",
        "Section 47",
        "Section 47 Family Court applications",
        "3 Family Court hearings and 2 Crown Court trials",
        "4 hours",
        "Room 12 Park View",
        "in 2013 Market Place partners joined",
        "level 3 Green Park",
        "5th Avenue",
        "12 MASH Way",
        "Over 18 high street shops",
    ],
)
def test_a_street_without_a_house_number_or_a_figure_before_words_is_not_an_address(
    text: str,
) -> None:
    assert scan(text) == []


# --- Names with a title ------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Mrs Smith",
        "Dr A. Patel",
        "Mr John Brown",
        "Ms O'Neill",
        "Miss Jones",
        "Mx Taylor",
        "Mr. Khan",
        "Dr J R Evans",
        "Mrs McDonald",
        "Mr Smith-Jones",
        "Dr D'Souza",
    ],
)
def test_a_title_followed_by_a_name_is_found(name: str) -> None:
    text = f"The referral came from {name} at the school."
    assert kinds_and_texts(text) == [("titled_name", name)]


@pytest.mark.parametrize(
    "text",
    [
        "Seen by the GP (Dr.) and a nurse.",
        "Mr said he would call back",
        "Mrs A and Mr B attended",  # already anonymised
        "the Dr in the team",
        "MR",
        "Lord Laming's report",
        "Professor Munro's review",
    ],
)
def test_a_title_without_a_capitalised_name_is_not_a_hit(text: str) -> None:
    assert scan(text) == []


# --- Ages of a person --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("the boy, aged 4, was seen", "aged 4"),
        ("a girl aged 13.", "aged 13"),
        ("Aged 13 months", "Aged 13"),
        ("a 13-year-old girl", "13-year-old"),
        ("a 13 year old boy", "13 year old"),
        ("the 4-year-old was at nursery", "4-year-old"),
        ("a 6 month old baby", "6 month old"),
        ("he is 15 years old", "15 years old"),
        ("assessed at age 7", "age 7"),
        ("Age: 9", "Age: 9"),
    ],
)
def test_the_age_of_a_person_is_found(text: str, age: str) -> None:
    assert kinds_and_texts(text) == [("age", age)]


@pytest.mark.parametrize(
    "text",
    [
        "children aged 0-18",
        "young people aged 16 to 25",
        "aged 0\u201319",  # en dash
        "aged 0 - 19 years",
        "aged 18+",
        "aged 18 and over",
        "children aged 11 or under",
        "aged 5 years and under",
        "children aged 4 and 5",
        "support up to age 25",
        "from age 16",
        "under 5s",
        "over 18s",
        "0-25 years",
        "a 12-month pilot",
        "3-year funding",
        "16-17 year old young people",
        "16 to 17 year old care leavers",
        "children under 5 years old",
        "places for 3 and 4 year olds",
        "the 2-year-old offer",
        "the 2 year old check by health visitors",
        "stage 2",
        "the average 7 days",
    ],
)
def test_an_age_band_or_a_duration_is_not_the_age_of_a_person(text: str) -> None:
    assert scan(text) == []


# --- Things that must not trip it -----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1,250 contacts a month",
        "37 visits",
        "17 of 37 authorities",
        "45% of referrals",
        "£250,000 a year",
        "£1.2m",
        "since 2011",
        "in 2012-13",
        "during 2013/14",
        "the board met on 12 March 2013",
        "at 10:30",
        "within 4 hours",
        "24 hours",
        "RAG: red within 4 hours, amber within 24 hours, green within 72 hours",
        "E08000037",
        "ONS code E06000001 and E10000002",
        "DfE code 390",
        "1234567890",
        "Section 47",
        "s47",
        "s17",
        "Working Together 2013",
        "Working Together to Safeguard Children 2018",
        "0161 49",
        "01234",
        "phone 12345 678",
        "Ofsted inspection 2014, judged Good",
        "version 1.2.3",
        "3,000,000,000 records",
        "Tel. 999",
        "Room 1.12, floor 2",
        "the office on High Street",
        "children aged 0-18",
        "0-25 years",
    ],
)
def test_ordinary_figures_codes_and_references_are_not_hits(text: str) -> None:
    assert scan(text) == []


VISIT_NOTES = [
    """The MASH in this authority opened in 2011 and was restructured in 2013/14 after
    the LSCB's review. It now handles around 1,250 contacts a month, 45% of which are
    police notifications (PPNs / merlins). Each contact is RAG rated within 4 hours:
    red contacts go to a strategy discussion the same day, amber within 24 hours and
    green within 72 hours. 17 of 37 partners are co-located.""",
    """We observed the daily 10:30 meeting. Police, health, early help and children's
    social care were present; probation joined by phone. Three contacts were escalated
    to a s47 strategy meeting, two stepped down to early help, and one went to a
    single assessment under s17. The team manager said Working Together 2018 and the
    2013 guidance had shaped thresholds.""",
    """Information sharing: the health IDVA checks GP and A&E records; police run PNC and
    PND checks. Budget for 2014-15 was £1.2m, with £250,000 from the police. The
    board met on 12 March 2013 to agree the protocol. The ONS code for the area is
    E08000037 and its DfE LA code is 390.""",
    """Section 47 enquiries rose from 310 to 420 (35%) over 2012-13. Practitioners felt
    the 24 hour timescale for amber contacts was tight. The MASH is in Room 2.14,
    covering districts LS1 to LS29. Out of hours, the EDT takes referrals.""",
    """Interviewees described the born-in-the-MASH culture of the early help hub and
    said the s47 2nd strategy discussion in March 2013 changed practice.""",
    """The MASH sits in the council offices on High Street, next to the Mill Lane
    children's centre. It covers children and young people aged 0-18, and care
    leavers aged 16 to 25; the 0-25 SEND service and the under 5s health visiting
    team share the floor. A 12-month pilot of 3-year funding began in 2013, after
    12 Local Safeguarding Children Boards and 37 areas were visited.""",
]


@pytest.mark.parametrize("note", VISIT_NOTES)
def test_a_realistic_visit_note_without_identifiers_has_no_hits(note: str) -> None:
    assert scan(note) == []


def test_a_realistic_visit_note_with_identifiers_finds_each_one() -> None:
    note = (
        "Contact from police re Child A (DOB 04/07/2015, NHS 401 023 2137) living at "
        "LS1 4AP. Mum's mobile 07700 900123; GP practice email reception@gp.example.nhs.uk. "
        "Step-father's NI number JK 12 34 56 D. RAG rated amber within 24 hours. "
        "Mrs Smith, the 13-year-old's aunt, lives at 12 High Street."
    )
    assert kinds_and_texts(note) == [
        ("date_of_birth", "04/07/2015"),
        ("nhs_number", "401 023 2137"),
        ("postcode", "LS1 4AP"),
        ("phone", "07700 900123"),
        ("email", "reception@gp.example.nhs.uk"),
        ("ni_number", "JK 12 34 56 D"),
        ("titled_name", "Mrs Smith"),
        ("age", "13-year-old"),
        ("street_address", "12 High Street"),
    ]


# --- Context ----------------------------------------------------------------------


def test_context_shows_the_whole_text_when_it_is_short() -> None:
    text = "Call 07700 900123 today."
    assert context(text, only_hit(text)) == "Call 07700 900123 today."


def test_context_cuts_long_text_at_word_boundaries_with_ellipses() -> None:
    text = (
        "The strategy discussion was held on Monday morning and the child, "
        "DOB 12/03/2008, was seen at the family home with the social worker present."
    )
    hit = only_hit(text)
    assert context(text, hit) == (
        "…on Monday morning and the child, DOB 12/03/2008, was seen at the family home with the…"
    )
    assert context(text, hit, width=10) == "…DOB 12/03/2008, was seen…"


def test_context_keeps_a_whole_first_or_last_word_and_joins_lines() -> None:
    text = "Seen at home.\nMum's number\n07700 900123\nwas given to the nurse."
    hit = only_hit(text)
    assert context(text, hit, width=13) == "…Mum's number 07700 900123 was given to…"
    assert context(text, hit, width=12) == "…number 07700 900123 was given…"


def test_context_with_zero_width_is_the_hit_alone() -> None:
    text = "Email jo@example.com please"
    assert context(text, only_hit(text), width=0) == "…jo@example.com…"
