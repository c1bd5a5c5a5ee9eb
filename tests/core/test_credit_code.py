import pytest
from django.core.exceptions import ValidationError

from partybuild.core.credit_code import credit_code_problem, make_credit_code, validate_credit_code


def test_a_published_real_world_code_passes_the_check():
    # Example code printed in GB 32100-2015 guidance material.
    assert credit_code_problem("91350100M000100Y43") is None


def test_a_changed_check_character_is_rejected_with_the_expected_one():
    problem = credit_code_problem("91350100M000100Y44")
    assert problem is not None and "第18位应为 3" in problem


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y4O", "9135010OM000100Y43"])
def test_wrong_length_or_forbidden_letters_are_rejected(code):
    with pytest.raises(ValidationError):
        validate_credit_code(code)


def test_generated_demo_codes_are_valid():
    assert all(credit_code_problem(make_credit_code(n)) is None for n in range(1, 500))
