"""Workflow definitions (edited in wagtail), their frozen versions, task deadlines and
notifications. Processes and tasks are viewflow's own `Process` and `Task`."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.fields import StreamField
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin
from wagtail.search import index

from forms.models import VersionQuerySet

from .blocks import STEPS
from .streamfield import graph_from_stream


class ImmutableError(Exception):
    """A published version was about to be changed."""


class WorkflowDefinition(
    DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, models.Model
):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.FORMS_OWNER_MODEL,
        on_delete=models.PROTECT,
        related_name="workflow_definitions",
        verbose_name=_("owner"),
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="variants",
        verbose_name=_("based on template"),
        help_text=_("For a zone variant: the regional template it adapts."),
    )
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
    revisions = GenericRelation(
        "wagtailcore.Revision",
        content_type_field="content_type",
        object_id_field="object_id",
        for_concrete_model=False,
    )

    search_fields = [index.SearchField("title"), index.SearchField("slug")]

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def graph(self) -> dict:
        """The canonical graph of the current (possibly draft) content."""
        return graph_from_stream(
            self.body.raw_data, slug=self.slug, title={"it": self.title, "en": self.title_en}
        )

    @property
    def family_id(self) -> int:
        """The regional template a variant adapts, or the definition itself."""
        return self.based_on_id or self.pk

    @property
    def latest_version(self):
        return self.versions.order_by("-number").first()

    @property
    def template_update(self):
        """The template's newest version when this variant has not taken it in yet."""
        if self.based_on_id is None:
            return None
        latest = self.based_on.latest_version
        if latest and latest.pk != self.based_on_version_id:
            return latest
        return None


class WorkflowVersion(models.Model):
    definition = models.ForeignKey(
        WorkflowDefinition, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    graph = models.JSONField(_("graph"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["definition", "-number"]
        permissions = [("start_process", _("Can start a procedure"))]
        constraints = [
            models.UniqueConstraint(fields=["definition", "number"], name="one_workflow_number")
        ]

    def __str__(self):
        return f"{self.definition.title} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("A published workflow version cannot be changed.")
        super().save(*args, **kwargs)

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
