import threading

import pytest
from django.db import close_old_connections, connection

from workflows import runtime

from .conftest import end, task

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    # Two threads need committed data. pytest-django runs such tests after the others; the
    # flush that follows empties every table, and the serialised state (tests/conftest.py)
    # brings the reference data back for the next one.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_concurrent_completions_of_one_task_let_exactly_one_through(
    publish_steps, operator, social_worker
):
    version = publish_steps([task("check", "next_"), task("next_", "done"), end()])
    runtime.start(version, user=operator)
    (check,) = runtime.my_tasks(social_worker)
    barrier = threading.Barrier(2)
    outcomes = []

    def complete():
        try:
            barrier.wait()
            runtime.complete(
                runtime.tasks().get(pk=check.pk), social_worker, answers={"approved": True}
            )
            outcomes.append("done")
        except Exception as error:
            outcomes.append(type(error).__name__)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("done") == 1, outcomes
    # The other one finds the task done, or the process locked (and gives up after retrying).
    assert set(outcomes) - {"done"} <= {"TaskClosed", "FlowLockFailed"}, outcomes
    assert [t.flow_task.name for t in runtime.my_tasks(social_worker)] == ["next_"]
