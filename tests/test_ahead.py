"""computed_ahead: a step's results in order, one computed ahead in a single thread, errors in their place."""

import threading

import pytest

from assets.ahead import computed_ahead


def test_results_come_in_order_the_next_computed_while_the_caller_holds_one():
    started = [threading.Event() for _ in range(4)]
    threads: set[str] = set()

    def results():
        for n in range(4):
            started[n].set()
            threads.add(threading.current_thread().name)
            yield n * n

    seen = []
    for n, square in enumerate(computed_ahead(results())):
        if n + 1 < len(started):  # the caller has not asked for the next one: it is computed anyway
            assert started[n + 1].wait(timeout=10)
        seen.append(square)
    assert seen == [0, 1, 4, 9]
    assert len(threads) == 1 and threading.current_thread().name not in threads


def test_an_error_is_raised_in_place_of_its_result():
    def results():
        yield "first"
        raise ValueError("the second failed")

    ahead = computed_ahead(results())
    assert next(ahead) == "first"
    with pytest.raises(ValueError, match="the second failed"):
        next(ahead)


def test_a_caller_that_stops_early_closes_the_results_in_their_thread():
    closed_in: list[str] = []

    def results():
        try:
            yield from range(10)
        finally:
            closed_in.append(threading.current_thread().name)

    ahead = computed_ahead(results())
    assert next(ahead) == 0
    ahead.close()
    assert len(closed_in) == 1 and closed_in[0] != threading.current_thread().name
