"""Questionnaire definitions (edited in wagtail), their frozen versions, drafts and submissions."""

import uuid
from functools import cached_property

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.fields import StreamField
from wagtail.models import DraftStateMixin, LockableMixin, PreviewableMixin, RevisionMixin
from wagtail.search import index

from .blocks import STEPS
from .rendering import try_context
from .schema import CompiledForm, compile_form, text
from .streamfield import schema_from_stream


class ImmutableError(Exception):
    """A published version or a submission was about to be changed."""


class FormDefinition(
    DraftStateMixin, LockableMixin, RevisionMixin, PreviewableMixin, index.Indexed, models.Model
):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.FORMS_OWNER_MODEL,
        on_delete=models.PROTECT,
        related_name="form_definitions",
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
        "FormVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("template version reviewed"),
    )
    body = StreamField(STEPS, blank=True, verbose_name=_("steps"))
    # The host decides who a subject's assigned partners are (in SISO: the third-sector bodies
    # a person is entrusted to); they read the answers of shared questionnaires only.
    shared_with_partners = models.BooleanField(
        _("shared with assigned partners"),
        default=False,
        help_text=_(
            "The organisations the person is entrusted to read the answers to this "
            "questionnaire. Leave it unticked for answers only the services following the "
            "person read."
        ),
    )
    revisions = GenericRelation(
        "wagtailcore.Revision",
        content_type_field="content_type",
        object_id_field="object_id",
        for_concrete_model=False,
    )

    search_fields = [index.SearchField("title"), index.SearchField("slug")]

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def schema(self) -> dict:
        """The canonical schema of the current (possibly draft) content."""
        return schema_from_stream(
            self.body.raw_data, slug=self.slug, title={"it": self.title, "en": self.title_en}
        )

    @property
    def latest_version(self):
        return self.versions.order_by("-number").first()

    @property
    def template_update(self):
        """The template's newest version when this variant has not reviewed it yet."""
        if self.based_on_id is None:
            return None
        latest = self.based_on.latest_version
        if latest and latest.pk != self.based_on_version_id:
            return latest
        return None

    def get_preview_template(self, request, mode_name):
        return "forms/preview.html"

    def get_preview_context(self, request, mode_name):
        return {**super().get_preview_context(request, mode_name), **try_context(self.schema)}


class VersionQuerySet(models.QuerySet):
    """Versions of definitions (questionnaires here, procedures in `workflows`)."""

    def newest_published(self):
        """The newest version of every live definition, by title."""
        newer = self.model.objects.filter(
            definition=models.OuterRef("definition"), number__gt=models.OuterRef("number")
        )
        return (
            self.filter(definition__live=True)
            .exclude(models.Exists(newer))
            .select_related("definition")
            .order_by("definition__title")
        )


class FormVersion(models.Model):
    definition = models.ForeignKey(
        FormDefinition, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    schema = models.JSONField(_("schema"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        ordering = ["definition", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "number"], name="one_version_number")
        ]

    def __str__(self):
        return f"{self.definition.title} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("A published form version cannot be changed.")
        super().save(*args, **kwargs)

    @cached_property
    def compiled(self) -> CompiledForm:
        return compile_form(self.schema)

    def title_in(self, language: str) -> str:
        return text(self.schema.get("title"), language)


class Submission(models.Model):
    class Channel(models.TextChoices):
        WEB = "web", _("web page")
        API = "api", _("API")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="submissions")
    # None only for a questionnaire filled in a procedure that is about no person (e.g. a
    # body's accreditation); the standalone wizard and the API always name a person.
    subject = models.ForeignKey(
        settings.FORMS_SUBJECT_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="form_submissions",
        verbose_name=_("person"),
    )
    answers = models.JSONField(_("answers"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="form_submissions"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"{self.version} · {self.submitted_at:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("A submission cannot be changed.")
        super().save(*args, **kwargs)


class Draft(models.Model):
    """A wizard in progress, kept in the database so it resumes from any device."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="drafts")
    # None only for a draft started by a target that vouches for it (see `registry.Target`).
    subject = models.ForeignKey(
        settings.FORMS_SUBJECT_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="form_drafts",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="form_drafts"
    )
    state = models.JSONField(default=dict)  # formtools' wizard storage
    # What the wizard was started for (a name in `registry.targets`) and which one.
    target = models.CharField(max_length=40, blank=True)
    target_reference = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("form draft")
        verbose_name_plural = _("form drafts")
        ordering = ["-updated_at"]

    def __str__(self):
        return f"{self.version} · {self.subject or '—'}"
