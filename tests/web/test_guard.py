"""Login backoff with a fake clock: per key, doubling, capped, cleared by a success."""

import pytest

from assistant.guard import LoginLimiter, password_check

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_backoff_doubles_after_the_free_attempts_and_is_capped():
    clock = Clock()
    lim = LoginLimiter(free=3, max_lockout_s=10, clock=clock)
    for _ in range(3):
        lim.failed("client:1")
    assert lim.wait("client:1") == 0
    waits = []
    for _ in range(6):
        lim.failed("client:1")
        waits.append(lim.wait("client:1"))
    assert waits == [1, 2, 4, 8, 10, 10]
    assert lim.wait("client:2") == 0  # another client is not held up
    clock.t += 10
    assert lim.wait("client:1") == 0
    lim.succeeded("client:1")
    lim.failed("client:1")
    assert lim.wait("client:1") == 0  # a success starts the count again


def test_per_user_lock_refuses_even_the_right_password_until_it_passes():
    clock = Clock()
    lim = LoginLimiter(free=2, max_lockout_s=60, clock=clock)
    check = password_check("analyst", "s3cret", lim)
    assert not check("analyst", "a") and not check("analyst", "b") and not check("analyst", "c")
    assert not check("analyst", "s3cret")  # locked: guessing cannot outrun the lock
    assert check("someone", "s3cret") is False  # wrong user, whatever the password
    clock.t += 61
    assert check("analyst", "s3cret")


def test_a_spray_of_names_keeps_memory_bounded():
    lim = LoginLimiter(free=1, max_keys=100, clock=Clock())
    for i in range(1000):
        lim.failed(f"user:{i}")
    assert len(lim._records) <= 100
