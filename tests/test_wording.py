"""Ukrainian text order and plural forms (wording.uk_sort_key, uk_plural, uk_count)."""

from __future__ import annotations

import pytest

from builder.wording import uk_count, uk_plural, uk_sort_key

WORD = ("захід", "заходи", "заходів")


def ordered(*names: str) -> list[str]:
    return sorted(names, key=uk_sort_key)


def test_ukrainian_letters_in_alphabet_order() -> None:
    # Code-point order puts Ґ, Є, І, Ї after the whole of а–я; the alphabet does not.
    assert ordered("Івано-Франківська ОДА", "АРМА") == ["АРМА", "Івано-Франківська ОДА"]
    assert ordered("Ґудзик", "Гора", "Дім") == ["Гора", "Ґудзик", "Дім"]
    assert ordered("Євген", "Жанна", "Ельвіра") == ["Ельвіра", "Євген", "Жанна"]
    assert ordered("Йосип", "Їжак", "Ігор", "Ирій", "Кий") == [
        "Ирій",
        "Ігор",
        "Їжак",
        "Йосип",
        "Кий",
    ]
    assert ordered("Яблуко", "ьо", "Щука", "Юрій") == ["Щука", "ьо", "Юрій", "Яблуко"]
    alphabet = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"
    shuffled = list(reversed(alphabet))
    assert "".join(sorted(shuffled, key=uk_sort_key)) == alphabet


def test_case_and_apostrophe_count_only_as_tie_breaks() -> None:
    assert ordered("мінфін", "Міноборони", "МВС") == ["МВС", "Міноборони", "мінфін"]
    # «Мар'янівка» is filed among «Марянівка», not before «Мара» as the apostrophe would put it
    assert ordered("Марянівка", "Мара", "Мар'янівка", "Марат") == [
        "Мара",
        "Марат",
        "Мар'янівка",
        "Марянівка",
    ]
    assert ordered("Мар’янівка", "Марс") == ["Марс", "Мар’янівка"]
    assert ordered("нбу", "НБУ") == ["нбу", "НБУ"]
    # a total order: equal keys only for equal text
    assert uk_sort_key("НБУ") != uk_sort_key("нбу")


def test_digits_cyrillic_latin_order() -> None:
    assert ordered("NABU", "Національне бюро", "10 рада", "2 рада") == [
        "10 рада",
        "2 рада",
        "Національне бюро",
        "NABU",
    ]
    assert ordered("Égalité", "Ellen", "Ebay") == ["Ebay", "Égalité", "Ellen"]
    # a space (a word boundary) before any letter: «Кабінет Міністрів» before «Кабінетний»
    assert ordered("Кабінетний", "Кабінет Міністрів") == ["Кабінет Міністрів", "Кабінетний"]


def test_decomposed_text_sorts_as_composed() -> None:
    decomposed = "\u0438\u0306\u043e\u0433\u043e"  # й as и + combining breve
    assert uk_sort_key(decomposed)[0] == uk_sort_key("його")[0]
    assert ordered(decomposed, "ийо", "іа") == ["ийо", "іа", decomposed]


@pytest.mark.parametrize(
    ("n", "form"),
    [
        (0, "заходів"),
        (1, "захід"),
        (2, "заходи"),
        (4, "заходи"),
        (5, "заходів"),
        (11, "заходів"),
        (12, "заходів"),
        (14, "заходів"),
        (20, "заходів"),
        (21, "захід"),
        (22, "заходи"),
        (25, "заходів"),
        (101, "захід"),
        (111, "заходів"),
        (112, "заходів"),
        (1004, "заходи"),
    ],
)
def test_plural_forms(n: int, form: str) -> None:
    assert uk_plural(n, *WORD) == form
    assert uk_count(n, *WORD) == f"{n} {form}"


def test_plural_matches_the_catalogues_rule() -> None:
    # The same rule as the Plural-Forms header of builder/locale/uk/LC_MESSAGES/*.po
    from pathlib import Path

    po = Path(__file__).parents[1] / "builder/locale/uk/LC_MESSAGES/core.po"
    header = po.read_text(encoding="utf-8")
    assert "n%10==1 && n%100!=11 ? 0 : n%10>=2 && " in header
    rule = lambda n: (  # noqa: E731 - the .po header's expression, verbatim
        0
        if n % 10 == 1 and n % 100 != 11
        else 1
        if n % 10 >= 2 and n % 10 <= 4 and (n % 100 < 10 or n % 100 >= 20)
        else 2
    )
    for n in range(0, 1000):
        assert uk_plural(n, "0", "1", "2") == str(rule(n)), n
