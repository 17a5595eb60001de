"""Queries run together in the order their bindings need; cycles are reported, not run."""

from __future__ import annotations

from runtime.query_order import names_read, run_order

NAMES = {"Api1", "Api2", "Api3"}


def test_names_read_finds_the_queries_a_config_binds() -> None:
    texts = ["items/{{Api1.data.id}}", None, 3, '{"q": "{{ Api3.data[0].name }}"}']
    assert names_read(texts, NAMES) == {"Api1", "Api3"}


def test_a_local_of_the_same_name_is_not_a_read() -> None:
    assert names_read(["{{ ((Api1) => Api1.x)(2) }}"], NAMES) == set()


def test_a_binding_that_does_not_parse_reads_nothing() -> None:
    assert names_read(["{{ Api1.data ( }}"], NAMES) == set()


def test_a_query_runs_after_the_queries_it_binds() -> None:
    order = run_order({"Api3": {"Api2"}, "Api2": {"Api1"}, "Api1": set()})
    assert order.order == ("Api1", "Api2", "Api3")
    assert order.cycles == {}


def test_independent_queries_keep_their_order() -> None:
    assert run_order({"B": set(), "A": set(), "C": set()}).order == ("B", "A", "C")


def test_reading_its_own_last_result_is_not_a_cycle() -> None:
    order = run_order({"Api1": {"Api1"}})
    assert order.order == ("Api1",)
    assert order.cycles == {}


def test_a_cycle_is_reported_on_each_member_and_they_do_not_run() -> None:
    order = run_order({"A": {"B"}, "B": {"A"}, "C": set(), "D": {"A"}})
    assert order.cycles == {"A": ("A", "B", "A"), "B": ("B", "A", "B")}
    # D reads a member: it still runs, with that member's last result.
    assert order.order == ("C", "D")


def test_reads_of_names_outside_the_set_are_ignored() -> None:
    assert run_order({"A": {"Elsewhere"}}).order == ("A",)
