"""SIUSS flows: one beneficiary and one benefit each (the spec's rule since v2.0.1), from being
built to INPS's verdict, and each ente's clock that numbers them.

A flow that cannot be built (a missing INPS code, a missing assessment field) is stored
`blocked`, with the reason in Italian and no XML, and is on the zone's worklist; once the
record is fixed it is built again and becomes `ready`, with its `id_flusso` and `ts_ms`.
A ready flow is never changed: a change to a sent benefit is a new flow (`supersedes`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FlowKind(models.TextChoices):
    PS_PSA_SINA = "PS_PSA_SINA", _("benefit (PS-PSA-SINA)")
    SINBA = "SINBA", _("minor's taking in charge (SINBA)")


# The part of `id_flusso` that names the format: EEEEE.TIPO.AAAAMMGG.NNNNNNN
ID_TYPE = {FlowKind.PS_PSA_SINA: "PS", FlowKind.SINBA: "SINBA"}


class Operation(models.TextChoices):
    INSERT = "I", pgettext_lazy("SIUSS operation", "insert")
    CANCEL = "C", pgettext_lazy("SIUSS operation", "cancel")


class FlowState(models.TextChoices):
    BLOCKED = "blocked", _("blocked")
    READY = "ready", _("ready to send")
    SENT = "sent", _("sent")
    ACCEPTED = "accepted", _("accepted by INPS")
    REJECTED = "rejected", _("rejected by INPS")


class Outcome(models.TextChoices):
    """INPS's verdict codes (`codice_esito` of POST /esiti)."""

    OK = "OK", _("accepted")
    NOT_FOUND = "DATI_NON_TROVATI", _("data not found")
    INVALID = "RICHIESTA_INVALIDA", _("invalid request")
    ERROR = "ERRORE_GENERICO", _("generic error")


class EnteClock(models.Model):
    """Per ente: the last `ts_flusso` given (strictly increasing, in milliseconds) and the day's
    counter of `id_flusso`. Locked with SELECT ... FOR UPDATE while a flow is numbered."""

    code = models.CharField(_("ente code"), max_length=5, primary_key=True)
    last_ts_ms = models.BigIntegerField(default=0)
    day = models.DateField(null=True, blank=True)
    day_counter = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ente clock")
        verbose_name_plural = _("ente clocks")

    def __str__(self):
        return self.code


class Flow(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=FlowKind.choices)
    operation = models.CharField(
        _("operation"), max_length=1, choices=Operation.choices, default=Operation.INSERT
    )
    state = models.CharField(_("state"), max_length=10, choices=FlowState.choices)
    # The ente that sends it: a municipality by its cadastral (Belfiore) code, or a zone
    # acting for its municipalities under the code INPS gives it.
    ente_code = models.CharField(_("ente code"), max_length=5, db_index=True)
    ente_name = models.CharField(_("ente name"), max_length=256)
    zone = models.ForeignKey(
        "territory.SocialZone", on_delete=models.PROTECT, related_name="+", verbose_name=_("zone")
    )
    intervention = models.ForeignKey(
        "casework.Intervention",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="siuss_flows",
        verbose_name=_("benefit"),
    )
    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="siuss_flows",
        verbose_name=_("case"),
        help_text=_("For a SINBA flow: the minor's taking in charge."),
    )
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
        help_text=_("The municipality that grants the benefit, whichever ente sends it."),
    )
    # INPS wants a benefit's start and end within one year: a benefit over several years has
    # one flow per year it covers.
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("replaces"),
    )
    # Set when the flow is built (ready); None while blocked.
    id_flusso = models.CharField(_("flow id"), max_length=64, unique=True, null=True, blank=True)
    ts_ms = models.BigIntegerField(_("flow time (ms)"), null=True, blank=True)
    xml = models.TextField(_("XML"), blank=True)
    blocked_reason = models.TextField(_("why it is blocked"), blank=True)
    outcome = models.CharField(
        _("INPS outcome"), max_length=20, choices=Outcome.choices, blank=True
    )
    outcome_description = models.TextField(_("INPS outcome description"), blank=True)
    siuss_acquisition_id = models.CharField(_("SIUSS acquisition id"), max_length=64, blank=True)
    outcome_at = models.DateTimeField(_("outcome received at"), null=True, blank=True)
    first_served_at = models.DateTimeField(_("first served at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SIUSS flow")
        verbose_name_plural = _("SIUSS flows")
        ordering = ["ente_code", "ts_ms", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ente_code", "ts_ms"], name="one_flow_per_ente_ms"),
        ]
        indexes = [models.Index(fields=["ente_code", "ts_ms"], name="flow_ente_ts")]

    def __str__(self):
        return self.id_flusso or f"{self.get_kind_display()} ({self.get_state_display()})"


class BulkState(models.TextChoices):
    PENDING = "pending", _("waiting")
    RUNNING = "running", _("being prepared")
    DONE = "done", _("ready to download")
    EMPTY = "empty", _("nothing to send")
    FAILED = "failed", _("failed")


class BulkFile(models.Model):
    """A file of flows for INPS's web upload channel (one ente, one kind, one period), prepared
    in the background (tasks.py) and downloaded by a zone administrator."""

    zone = models.ForeignKey(
        "territory.SocialZone", on_delete=models.PROTECT, related_name="+", verbose_name=_("zone")
    )
    ente_code = models.CharField(_("ente code"), max_length=5)
    kind = models.CharField(_("kind"), max_length=12, choices=FlowKind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=10, choices=BulkState.choices, default=BulkState.PENDING
    )
    total = models.PositiveIntegerField(_("flows to write"), default=0)
    written = models.PositiveIntegerField(_("flows written"), default=0)
    name = models.CharField(_("file name"), max_length=64, blank=True)
    file = models.FileField(_("file"), upload_to="siuss/bulk/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    # The flows written, in the file's order: the download audits each person they concern.
    flow_ids = models.JSONField(_("flows in the file"), default=list)
    prepared_at = models.DateTimeField(_("prepared at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SIUSS bulk file")
        verbose_name_plural = _("SIUSS bulk files")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return self.name or f"{self.ente_code} {self.starts_on} - {self.ends_on}"

    @property
    def progress(self) -> int:
        """Percent written, for the page that follows it."""
        if self.state in (BulkState.DONE, BulkState.EMPTY):
            return 100
        return int(100 * self.written / self.total) if self.total else 0
