"""A process's finished steps as people read them: each step by its title in the procedure
(never viewflow's node names), each answer by its question and choice labels, a decision by
the way it went.

A form step's answers are labelled by the questionnaire version that collected them (its
submission's), so a later version of the questionnaire changes nothing here.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from forms.models import Submission
from forms.rendering import summary

from . import graph as g


def step_title(task) -> str:
    """The step's title as the procedure names it (the generated start node: "Avvio")."""
    node = task.flow_task
    if node is None or node.name == "begin":
        return _("Started")
    return str(node.task_title or node.name)


def _plain(value) -> str:
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value)
    return "" if value is None else str(value)


def _rows_of_summary(steps: list[dict]) -> list[dict]:
    rows = []
    for step in steps:
        for row in step["answers"]:
            value = row["value"]
            if isinstance(value, list):  # a repeated group: its rows, one per line
                value = "; ".join(
                    ", ".join(f"{cell['label']}: {_plain(cell['value'])}" for cell in item)
                    for item in value
                )
            rows.append({"label": row["label"], "value": _plain(value)})
    return rows


def _approval_rows(answers: dict) -> list[dict]:
    decided = _("Approved it") if answers.get("approved") else _("Rejected it")
    rows = [{"label": _("Decision"), "value": decided}]
    if answers.get("note"):
        rows.append({"label": _("Note"), "value": str(answers["note"])})
    return rows


def _decision_rows(task) -> list[dict]:
    """Where a decision step went: its branch's label, else the title of the step it led to."""
    step = getattr(task.flow_task, "step", None) or {}
    following = [t for t in task.leading.all() if t.flow_task is not None]
    if not following:
        return []
    keys = {t.flow_task.name for t in following}
    for branch in step.get("branches") or ():
        label = (branch.get("label") or {}).get("it")
        if branch.get("next") in keys and label:
            return [{"label": _("Outcome"), "value": label}]
    return [{"label": _("Outcome"), "value": step_title(following[0])}]


def answer_rows(task) -> list[dict]:
    """The answers a finished task gave, labelled: [{"label", "value"}]."""
    data = task.data or {}
    answers = data.get("answers")
    step = getattr(task.flow_task, "step", None) or {}
    if step.get("kind") == g.DECISION:
        return _decision_rows(task)
    if not isinstance(answers, dict) or not answers:
        return []
    submission = (
        Submission.objects.select_related("version").filter(pk=data["submission"]).first()
        if data.get("submission")
        else None
    )
    if submission is not None:
        return _rows_of_summary(summary(submission.version.compiled, answers))
    if set(answers) <= {"approved", "note"}:
        return _approval_rows(answers)
    # Answers of unknown shape: their keys are all there is to name them by.
    return [{"label": str(key), "value": _plain(value)} for key, value in answers.items()]


def rows(tasks) -> list[dict]:
    """The history's rows: the task, its step's title and its labelled answers."""
    return [
        {"task": task, "title": step_title(task), "answers": answer_rows(task)} for task in tasks
    ]
