"""Mapping profiles, import runs, their rejected rows and change journal, suspected duplicates,
and the transfers of residence held for review."""

import datetime
import os
import socket

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from .formats import FORMATS
from .reading import DATE_FORMATS, DELIMITERS, ENCODINGS, Dialect


class Source(models.TextChoices):
    REGISTRY = "registry", _("registry (anagrafe)")
    LOCAL_TAXES = "local_taxes", _("local taxes (tributi)")
    PROPERTY = "property", _("real-estate property")
    RENTALS = "rentals", _("rental contracts")
    INCOME = "income", _("income")
    ISEE = "isee", _("ISEE attestations")


class MappingProfile(ClusterableModel):
    """How one municipality writes a source's file: read onto the canonical format."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
        help_text=_("Leave empty for a profile shared by several municipalities."),
    )
    encoding = models.CharField(
        _("encoding"), max_length=20, choices=[(e, e) for e in ENCODINGS], default="utf-8"
    )
    delimiter = models.CharField(
        _("delimiter"),
        max_length=2,
        choices=[(",", _("comma ,")), (";", _("semicolon ;")), ("\t", _("tab")), ("|", "|")],
        default=",",
    )
    date_format = models.CharField(
        _("date format"), max_length=12, choices=list(DATE_FORMATS.items()), default="%Y-%m-%d"
    )
    decimal_separator = models.CharField(
        _("decimal separator"),
        max_length=1,
        choices=[(".", _("point .")), (",", _("comma ,"))],
        default=".",
    )
    thousands_separator = models.CharField(
        _("thousands separator"),
        max_length=1,
        choices=[("", _("none")), (".", _("point .")), (" ", _("space"))],
        default="",
        blank=True,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("mapping profile")
        verbose_name_plural = _("mapping profiles")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.delimiter not in DELIMITERS:
            raise ValidationError({"delimiter": _("Choose one of the offered delimiters.")})
        if self.thousands_separator and self.thousands_separator == self.decimal_separator:
            raise ValidationError(
                {"thousands_separator": _("It must differ from the decimal separator.")}
            )

    def dialect(self) -> Dialect:
        columns, values = {}, {}
        for mapping in self.columns.all():
            if mapping.column:
                columns[mapping.field] = mapping.column
            if mapping.codes:
                values[mapping.field] = mapping.code_map()
        return Dialect(
            encoding=self.encoding,
            delimiter=self.delimiter,
            date_format=self.date_format,
            decimal_separator=self.decimal_separator,
            thousands_separator=self.thousands_separator,
            columns=columns,
            values=values,
        )


def _all_canonical_columns():
    names = sorted({c.name for f in FORMATS.values() for c in f.columns})
    return [(n, n) for n in names]


class ColumnMapping(models.Model):
    profile = ParentalKey(MappingProfile, on_delete=models.CASCADE, related_name="columns")
    field = models.CharField(_("canonical column"), max_length=40, choices=_all_canonical_columns())
    column = models.CharField(
        _("column in the file"),
        max_length=100,
        blank=True,
        help_text=_("The header used by the municipality; empty if it is the canonical one."),
    )
    codes = models.TextField(
        _("codes"),
        blank=True,
        help_text=_("One per line, “file value = canonical value”, e.g. “1 = M”."),
    )

    class Meta:
        verbose_name = _("column")
        verbose_name_plural = _("columns")
        constraints = [
            models.UniqueConstraint(fields=["profile", "field"], name="one_mapping_per_field")
        ]

    def __str__(self):
        return f"{self.column or self.field} → {self.field}"

    def code_map(self) -> dict[str, str]:
        pairs = {}
        for number, line in enumerate(self.codes.splitlines(), start=1):
            if not line.strip():
                continue
            source, sep, canonical = line.partition("=")
            if not sep or not source.strip():
                raise ValidationError(
                    {
                        "codes": _("Line %(n)d should read “file value = canonical value”.")
                        % {"n": number}
                    }
                )
            pairs[source.strip()] = canonical.strip()
        return pairs

    def clean(self):
        fmt = FORMATS.get(getattr(getattr(self, "profile", None), "source", None) or "")
        if fmt and self.field not in fmt.names:
            raise ValidationError(
                {
                    "field": _("The %(source)s format has no column “%(field)s”.")
                    % {"source": fmt.name, "field": self.field}
                }
            )
        self.code_map()


class RunStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    RUNNING = "running", _("running")
    FAILED = "failed", _("failed")
    COMPLETED = "completed", _("completed")
    ROLLING_BACK = "rolling_back", _("rolling back")
    ROLLED_BACK = "rolled_back", _("rolled back")


# The statuses in which a worker process is at work on the run, with its heartbeat.
WORKING = (RunStatus.RUNNING, RunStatus.ROLLING_BACK)


# A running run whose worker has not reported for this long was interrupted.
HEARTBEAT_TIMEOUT = datetime.timedelta(minutes=2)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def current_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class ImportRunQuerySet(models.QuerySet):
    def applied(self):
        return self.exclude(status__in=[RunStatus.PENDING, RunStatus.ROLLED_BACK])


class ImportRun(models.Model):
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        related_name="import_runs",
        verbose_name=_("municipality"),
    )
    profile = models.ForeignKey(
        MappingProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="runs",
        verbose_name=_("mapping profile"),
    )
    # The profile as it was when the run started, so that a resume reads the file the same way.
    dialect = models.JSONField(_("dialect"), default=dict)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.BigIntegerField(_("file size"), default=0)
    reference_date = models.DateField(
        _("reference date"),
        help_text=_("The date the municipality extracted the data; changes take effect then."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.PENDING
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=100, blank=True)  # "host:pid" of the running process
    # Data rows whose batch is committed: a resume starts after them.
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    bytes_read = models.BigIntegerField(default=0)
    rows_inserted = models.PositiveIntegerField(_("inserted"), default=0)
    rows_updated = models.PositiveIntegerField(_("updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rejected"), default=0)
    # Rows that would move a person resident elsewhere: they wait as a `Transfer`.
    rows_held = models.PositiveIntegerField(_("held for review"), default=0)
    error = models.TextField(_("error"), blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    # A rollback runs as a task: journal entries to undo, those undone, who asked, and the
    # status to go back to if it is refused.
    rollback_total = models.PositiveIntegerField(default=0)
    rollback_done = models.PositiveIntegerField(default=0)
    rollback_from = models.CharField(max_length=20, blank=True)
    rollback_error = models.TextField(_("rollback error"), blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rolled back by"),
    )

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["municipality", "source", "created_at"])]

    def __str__(self):
        return _("%(source)s of %(municipality)s, %(file)s") % {
            "source": self.get_source_display(),
            "municipality": self.municipality.name,
            "file": self.file_name,
        }

    @property
    def reference(self) -> str:
        """What facts written by this run carry as their `source_reference`."""
        return f"import-run:{self.pk}"

    @property
    def interrupted(self) -> bool:
        """Running or rolling back, but its process is gone: dead on this host, or silent for
        too long."""
        if self.status not in WORKING:
            return False
        host, _sep, pid = self.worker.rpartition(":")
        if host == socket.gethostname() and pid.isdigit() and not _alive(int(pid)):
            return True
        return self.heartbeat_at is None or timezone.now() - self.heartbeat_at > HEARTBEAT_TIMEOUT

    @property
    def status_label(self) -> str:
        """The status a user reads: a run whose process stopped has failed."""
        if self.interrupted and self.status == RunStatus.ROLLING_BACK:
            return _("rollback stopped: the process running it stopped")
        if self.interrupted:
            return _("failed: the process running it stopped")
        return self.get_status_display()

    @property
    def file_dialect(self) -> Dialect:
        """How the file is read: the profile as it was when the run was created."""
        return Dialect.from_json(self.dialect)

    @property
    def progress(self) -> int:
        if self.status in (RunStatus.COMPLETED, RunStatus.ROLLED_BACK):
            return 100
        if self.status == RunStatus.ROLLING_BACK:
            total = self.rollback_total
            return min(99, int(100 * self.rollback_done / total)) if total else 0
        return min(99, int(100 * self.bytes_read / self.file_size)) if self.file_size else 0


class RejectedRow(models.Model):
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rejected_rows")
    row_number = models.PositiveIntegerField(_("row"))
    values = models.JSONField(_("values"))  # the row as it was in the file
    errors = models.JSONField(_("errors"))  # [{"column": ..., "message": ...}]

    class Meta:
        verbose_name = _("rejected row")
        verbose_name_plural = _("rejected rows")
        ordering = ["run", "row_number"]

    def __str__(self):
        return f"{self.row_number}: {self.errors_text}"

    @property
    def errors_text(self) -> str:
        return "; ".join(f"{e['column']}: {e['message']}" for e in self.errors)


class ImportChange(models.Model):
    """What one batch did to one table, so that a run can be rolled back exactly."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="changes")
    model = models.CharField(max_length=60)  # app_label.ModelName
    inserted = models.JSONField(default=list)  # primary keys
    updated = models.JSONField(default=list)  # [[pk, {field: value before}], ...]

    class Meta:
        ordering = ["run", "pk"]

    def __str__(self):
        return f"{self.model}: +{len(self.inserted)} ~{len(self.updated)}"


class SuspicionReason(models.TextChoices):
    SAME_IDENTITY = "same_identity", _("same names, birth date and birthplace")
    PROVISIONAL_CODE = "provisional_code", _("a provisional code against a full one")


class SuspicionStatus(models.TextChoices):
    OPEN = "open", _("to review")
    MERGED = "merged", _("merged")
    DISMISSED = "dismissed", _("not a duplicate")


class DuplicateSuspicion(models.Model):
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("person"),
    )
    other = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("possible duplicate"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=SuspicionReason.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=SuspicionStatus.choices, default=SuspicionStatus.OPEN
    )
    run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="suspicions"
    )
    created_at = models.DateTimeField(_("found at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The absorbed record as it was, kept after a merge.
    merged_record = models.JSONField(_("merged record"), null=True, blank=True)

    class Meta:
        verbose_name = _("suspected duplicate")
        verbose_name_plural = _("suspected duplicates")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "other"], name="one_suspicion_per_pair")
        ]

    def __str__(self):
        return f"{self.person} ~ {self.other}"


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("to review")
    COMPLETED = "completed", _("completed")
    REJECTED = "rejected", _("rejected")


class Transfer(models.Model):
    """A registry row that would take a person resident in another municipality into the
    importing one. It waits, whole, until the previous municipality's registry records the
    emigration or one of its data stewards decides."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    from_municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from municipality"),
    )
    to_municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("to municipality"),
    )
    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("run")
    )
    row_number = models.PositiveIntegerField(_("row"))
    # The row's canonical values, dates as ISO text: applied as they are once completed.
    values = models.JSONField(_("values"))
    status = models.CharField(
        _("status"), max_length=20, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    created_at = models.DateTimeField(_("held at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("transfer of residence")
        verbose_name_plural = _("transfers of residence")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "to_municipality"],
                condition=models.Q(status="pending"),
                name="one_pending_transfer_per_destination",
            )
        ]

    def __str__(self):
        return _("%(person)s: %(source)s → %(destination)s") % {
            "person": self.person_id,
            "source": self.from_municipality,
            "destination": self.to_municipality,
        }
