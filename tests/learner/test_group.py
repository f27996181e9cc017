"""ActorGroup: one call fanned out to a group of Ray actors, results in actor order."""

import pytest

from learner.group import ActorGroup
from rollout import testing


@pytest.fixture(scope="module")
def group():
    import ray

    testing.shared_ray()

    class Worker:
        def __init__(self, rank: int) -> None:
            self.rank = rank

        def add(self, x: int, y: int = 0) -> int:
            return self.rank * 100 + x + y

    cls = ray.remote(num_cpus=0)(Worker)
    g = ActorGroup(cls.remote(r) for r in range(3))
    yield g
    g.kill()


def test_call_fans_out_and_keeps_actor_order(group):
    import ray

    assert len(group) == 3
    assert group.call("add", 1, y=2) == [3, 103, 203]
    assert ray.get(group.submit("add", 5)) == [5, 105, 205]


def test_call_each_gives_every_actor_its_own_arguments(group):
    import ray

    assert group.call_each("add", [(1,), (2,), (3,)], y=10) == [11, 112, 213]
    # None: that actor is not called (a rollout actor with no problems this step)
    assert ray.get(group.submit_each("add", [(1,), None, (3,)])) == [1, 203]
    with pytest.raises(ValueError, match="add: 2 argument tuples for 3 actors"):
        group.call_each("add", [(1,), (2,)])


def test_empty_group_and_kill():
    g = ActorGroup()
    assert not g and g.call("anything") == []
    g.kill()
    assert len(g) == 0
