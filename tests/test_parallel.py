"""A forked child's news and its own children (builder/parallel.py, issue 22): the build runs
its stages from load to MkDocs in a non-daemonic child that tells the build's process of each
stage as it goes, and from which the datasets and MkDocs fork children of their own."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable

import pytest

from builder import parallel
from builder.errors import BuildError, DataError, Problem
from builder.parallel import Forked


def _talks(tell: Callable[..., None], n: int) -> int:
    for i in range(n):
        tell("stage", i, f"детально {i}")
    return os.getpid()


def test_a_childs_news_reach_the_parent_in_order_before_its_answer() -> None:
    heard: list[tuple[object, ...]] = []
    job = Forked("talking", _talks, 3, heard=lambda *message: heard.append(message))
    pid = job.result()
    assert heard == [("stage", i, f"детально {i}") for i in range(3)]
    assert (pid != os.getpid()) == job.forked == parallel.can_fork()


def test_without_fork_the_news_are_heard_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    heard: list[tuple[object, ...]] = []
    job = Forked("talking", _talks, 2, heard=lambda *message: heard.append(message))
    assert not job.forked and heard == [("stage", 0, "детально 0"), ("stage", 1, "детально 1")]
    assert job.result() == os.getpid()


def _grandchild() -> int:
    return os.getpid()


def _forks_its_own() -> tuple[int, int, bool]:
    inner = Forked("inner", _grandchild)
    return os.getpid(), inner.result(), inner.forked


def test_a_non_daemonic_child_forks_children_of_its_own() -> None:
    if not parallel.can_fork():
        pytest.skip("no fork here")
    daemonic = Forked("outer", _forks_its_own)
    outer, inner, forked = daemonic.result()
    assert not forked and inner == outer  # a daemonic child may not: the work ran in it
    own = Forked("outer", _forks_its_own, daemon=False)
    outer, inner, forked = own.result()
    assert forked and len({os.getpid(), outer, inner}) == 3


def _collector() -> bool:
    import gc

    return gc.isenabled()


def test_a_non_daemonic_child_keeps_the_parents_collector_switch() -> None:
    import gc

    if not parallel.can_fork():
        pytest.skip("no fork here")
    with parallel.collector_paused():
        assert Forked("gc", _collector, daemon=False).result() is False  # as a command runs
        assert Forked("gc", _collector).result() is True  # a worker collects its own garbage
    was = gc.isenabled()
    gc.enable()
    try:
        assert Forked("gc", _collector, daemon=False).result() is True
    finally:
        if not was:
            gc.disable()


def _bad_data() -> None:
    raise DataError([Problem("measures/1.yaml", 3, 5, "title", "заголовок порожній")])


def test_a_childs_data_error_is_raised_in_the_parent_with_its_problems() -> None:
    job = Forked("loading", _bad_data, daemon=False)
    with pytest.raises(DataError) as raised:
        job.result()
    (problem,) = raised.value.problems
    assert (problem.file, problem.line, problem.col, problem.field) == (
        "measures/1.yaml",
        3,
        5,
        "title",
    )
    assert str(raised.value) == str(DataError(raised.value.problems))


def test_data_and_build_errors_pickle_as_they_were() -> None:
    problems = [Problem("a.yaml", 1, 0, "id", "немає"), Problem("b.yaml", severity="warning")]
    again = pickle.loads(pickle.dumps(DataError(problems)))
    assert isinstance(again, DataError) and again.problems == problems
    build = pickle.loads(pickle.dumps(BuildError("сторінка завелика")))
    assert isinstance(build, BuildError) and build.message == "сторінка завелика"


def _breaks() -> None:
    raise ValueError("зламано")


@pytest.mark.skipif(not parallel.can_fork(), reason="no second process here")
@pytest.mark.parametrize("debug", [False, True])
def test_a_childs_bug_is_one_line_and_its_traceback_shown_with_debug(
    debug: bool, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.argv", ["dap", "--debug", "build"] if debug else ["dap", "build"])
    job = Forked("breaking", _breaks)
    with pytest.raises(BuildError, match="ValueError: зламано"):
        job.result()
    err = capfd.readouterr().err
    assert ("Traceback (most recent call last)" in err) == debug
    assert ("in _breaks" in err) == debug


def _answers() -> int:
    return os.getpid()


def test_the_answer_comes_before_the_childs_end_and_reap_waits_for_it() -> None:
    """`result(reap=False)` (issue 22: the build works on while its site's child ends): the
    answer at once, the child reaped later by `reap`; a failed child is reaped at once."""
    if not parallel.can_fork():
        pytest.skip("no fork here")
    job = Forked("answering", _answers, daemon=False)
    pid = job.result(reap=False)
    assert pid != os.getpid() and job.process.pid == pid
    job.reap()
    assert job.process.exitcode == 0
    job.reap()  # again: nothing to wait for
    assert job.result() == pid  # the answer kept
    failing = Forked("failing", _bad_data)
    with pytest.raises(DataError):
        failing.result(reap=False)
    assert failing.process.exitcode is not None  # reaped with its failure


def test_reap_without_a_child_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    job = Forked("inline", _grandchild)
    job.reap()
    assert job.result(reap=False) == os.getpid()
