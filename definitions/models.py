"""Abstract models of a versioned definition and its frozen versions (no table of their own)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin
from wagtail.search import index


class ImmutableError(Exception):
    """A published version (or a questionnaire's submission) was about to be changed."""


class Definition(DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, models.Model):
    """Edited in the admin as drafts; `version_content` is what publishing freezes.

    A concrete definition has `versions` (its `Version` subclass's reverse name).
    """

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.FORMS_OWNER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
        help_text=_("The region (every zone) or the one zone where it applies."),
    )
    revisions = GenericRelation(
        "wagtailcore.Revision",
        content_type_field="content_type",
        object_id_field="object_id",
        for_concrete_model=False,
    )

    search_fields = [index.SearchField("title"), index.SearchField("slug")]

    class Meta:
        abstract = True
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def latest_version(self):
        return self.versions.order_by("-number").first()

    def version_content(self) -> dict:
        """The content a version freezes, in canonical form."""
        raise NotImplementedError

    def publish_problems(self) -> list:
        """Why the current content cannot be published (each problem printable); [] if it can."""
        return []


class Adaptable(Definition):
    """A definition a zone may adapt: a variant keeps `based_on` (its regional template) through
    every save, and `based_on_version`, the template version it last reviewed, which a concrete
    model declares (a foreign key to its own version model)."""

    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="variants",
        verbose_name=_("based on template"),
        help_text=_("For a zone variant: the regional template it adapts."),
    )

    class Meta(Definition.Meta):
        abstract = True

    @property
    def family_id(self) -> int:
        """The regional template a variant adapts, or the definition itself."""
        return self.based_on_id or self.pk

    @property
    def template_update(self):
        """The template's newest version when this variant has not reviewed it yet."""
        if self.based_on_id is None:
            return None
        latest = self.based_on.latest_version
        if latest and latest.pk != self.based_on_version_id:
            return latest
        return None


class VersionQuerySet(models.QuerySet):
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


class Version(models.Model):
    """A definition's content as published, never changed. A concrete version declares
    `definition` (a foreign key with related_name="versions") and its content field, named by
    `content_field`."""

    content_field = ""

    number = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = VersionQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["definition", "-number"]

    def __str__(self):
        return f"{self.definition.title} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError(f"{self._meta.label} {self.pk} is published: it cannot change.")
        super().save(*args, **kwargs)

    @property
    def content(self) -> dict:
        return getattr(self, self.content_field)
