"""core.memo.KeptValues: what the kept headers, figures and list querysets rely on."""

from partybuild.core.memo import KeptValues


def test_a_value_is_built_once_and_the_least_recently_used_goes_first():
    built = []

    def build(key):
        built.append(key)
        return f"value of {key}"

    kept = KeptValues(2)
    assert kept.get_or_build("a", lambda: build("a")) == "value of a"
    kept.get_or_build("b", lambda: build("b"))
    assert kept.get_or_build("a", lambda: build("a")) == "value of a"  # a is now the newest
    kept.get_or_build("c", lambda: build("c"))  # over the limit: b, the oldest used, goes
    kept.get_or_build("a", lambda: build("a"))
    kept.get_or_build("b", lambda: build("b"))
    assert built == ["a", "b", "c", "b"]


def test_an_empty_value_is_kept_too():
    calls = []
    kept = KeptValues(4)
    for _ in range(3):
        assert kept.get_or_build("none", lambda: calls.append(1)) is None
    assert calls == [1]
