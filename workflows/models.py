"""Workflow definitions (edited in wagtail), their frozen versions, task deadlines and
notifications. Processes and tasks are viewflow's own `Process` and `Task`."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.fields import StreamField

from definitions.models import Adaptable, Version

from . import graph as g
from .blocks import STEPS
from .streamfield import graph_from_stream


class WorkflowDefinition(Adaptable):
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    based_on_version = models.ForeignKey(
        "WorkflowVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("template version reviewed"),
    )
    body = StreamField(STEPS, blank=True, verbose_name=_("steps"))

    class Meta(Adaptable.Meta):
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    @property
    def graph(self) -> dict:
        """The canonical graph of the current (possibly draft) content."""
        return graph_from_stream(
            self.body.raw_data, slug=self.slug, title={"it": self.title, "en": self.title_en}
        )

    def version_content(self) -> dict:
        return g.normalise(self.graph)

    def publish_problems(self) -> list:
        from .publishing import known  # it reads the published questionnaires

        return g.problems(self.graph, known())


class WorkflowVersion(Version):
    content_field = "graph"

    definition = models.ForeignKey(
        WorkflowDefinition, on_delete=models.PROTECT, related_name="versions"
    )
    graph = models.JSONField(_("graph"))

    class Meta(Version.Meta):
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        permissions = [("start_process", _("Can start a procedure"))]
        constraints = [
            models.UniqueConstraint(fields=["definition", "number"], name="one_workflow_number")
        ]

    @property
    def flow_class(self):
        from .generated import flow_class_for

        return flow_class_for(self)

    def step(self, key: str) -> dict | None:
        return next((s for s in self.graph["steps"] if s["key"] == key), None)


class TaskDeadlineQuerySet(models.QuerySet):
    def overdue(self, at=None):
        from viewflow.workflow.status import STATUS

        return self.filter(
            due_at__lte=at or timezone.now(),
            task__status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED],
        )


class TaskDeadline(models.Model):
    """When a human task is due and how it is escalated; `escalated_at` makes it happen once."""

    class Escalation(models.TextChoices):
        NOTIFY = "notify", _("notify the zone administrators")
        REASSIGN = "reassign", _("reassign to a zone administrator")

    task = models.OneToOneField(
        "viewflow.Task", on_delete=models.CASCADE, related_name="deadline", verbose_name=_("task")
    )
    due_at = models.DateTimeField(_("due"), db_index=True)
    escalation = models.CharField(_("escalation"), max_length=10, choices=Escalation.choices)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    objects = TaskDeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("task deadline")
        verbose_name_plural = _("task deadlines")

    def __str__(self):
        return f"{self.task_id} · {self.due_at:%d/%m/%Y %H:%M}"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="workflow_notifications",
        verbose_name=_("recipient"),
    )
    message = models.TextField(_("message"))
    task = models.ForeignKey(
        "viewflow.Task", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    process = models.ForeignKey(
        "viewflow.Process", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]

    def __str__(self):
        return self.message[:60]
