import pytest

from areas.queries import authority_by_code, authority_by_code_or_name

from .pages import authority_rows

pytestmark = pytest.mark.django_db


def _name(authority: object) -> str | None:
    return getattr(authority, "name", None)


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("E08000037", id="current-ons-code"),
        pytest.param("E08000020", id="ons-code-before-april-2013"),
        pytest.param("390", id="dfe-code"),
        pytest.param("e08000020", id="lower-case"),
        pytest.param("  E08000037\n", id="surrounding-whitespace"),
        pytest.param(" 390 ", id="dfe-code-with-spaces"),
    ],
)
def test_an_authority_is_found_by_any_of_its_codes(register, code):
    assert _name(authority_by_code(code)) == "Gateshead"


def test_every_authority_in_the_register_is_found_by_each_of_its_codes(register):
    for row in authority_rows():
        codes = [row["gss_code"], row["dfe_code"], row["gss_code_before_april_2013"]]
        for code in filter(None, codes):
            assert _name(authority_by_code(code)) == row["name"], code


@pytest.mark.parametrize("code", ["E08999999", "999", "", "   ", "Gateshead"])
def test_an_unknown_code_finds_nothing(register, code):
    assert authority_by_code(code) is None


@pytest.mark.parametrize("value", ["Gateshead", "gateshead", "GATESHEAD", " Gateshead "])
def test_an_authority_is_found_by_its_exact_name_in_any_case(register, value):
    assert _name(authority_by_code_or_name(value)) == "Gateshead"


def test_a_name_with_punctuation_is_found_by_its_exact_name(register):
    assert _name(authority_by_code_or_name("bristol, city of")) == "Bristol, City of"


@pytest.mark.parametrize("value", ["E08000020", "390"])
def test_code_or_name_lookup_still_accepts_codes(register, value):
    assert _name(authority_by_code_or_name(value)) == "Gateshead"


@pytest.mark.parametrize("value", ["Gates", "Gateshead Council", "Nowhere", ""])
def test_code_or_name_lookup_does_not_guess_from_part_of_a_name(register, value):
    assert authority_by_code_or_name(value) is None
