"""The inbox as lists that can be worked: filtered by procedure, paged with the count."""

from django.urls import reverse

from workflows import runtime

from .test_pages import _start
from .test_runtime import APPROVE_THEN_DECIDE


def test_the_queue_filters_by_procedure_and_shows_the_count(
    english_client, publish_steps, operator, social_worker, person_in_zone
):
    first = publish_steps(APPROVE_THEN_DECIDE, slug="sostegno", title="Sostegno")
    second = publish_steps(APPROVE_THEN_DECIDE, slug="affido", title="Affido")
    for version in (first, first, second):
        _start(english_client, operator, person_in_zone(2), version)
    english_client.force_login(social_worker)
    url = reverse("workflows:inbox")

    everything = english_client.get(url)
    only_first = english_client.get(url, {"procedure": first.pk})

    assert len(everything.context["queue"]) == 3
    assert "Tasks: 3" in everything.content.decode()
    assert len(only_first.context["queue"]) == 2 and "Tasks: 2" in only_first.content.decode()
    assert {t.process.flow_class for t in only_first.context["queue"]} == {first.flow_class}
    assert len(runtime.queue(social_worker)) == 3
