"""The StreamField blocks administrators edit a workflow with: one block per kind of step.

`workflows.streamfield` converts the stored stream to the canonical graph and back
(docs/workflows.md). Field names are part of the stored data: renaming one needs a data
migration.
"""

import json

from django import forms as django_forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, validate_slug
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from definitions import strict_json
from forms.blocks import InvalidJSON, LogicBlock

from .duration_widget import FLAG, DurationInput, unit_posted
from .graph import KEY_PATTERN


def role_choices():
    """The roles a task can go to, read from the registry when a form needs them.

    A named module-level function (not a lambda) so migrations can serialise the block, and
    importing at call time keeps `workflows.registry` out of this module's import.
    """
    from .registry import role_choices as registered

    return registered()


def action_choices():
    """The actions an action step can run, read from the registry when a form needs them."""
    from .registry import action_choices as registered

    return registered()


ASSIGNEE_RULES = [
    ("role", _("anyone with a role in the zone or office")),
    ("social_worker", _("the case's social worker")),
    ("performer", _("whoever completed an earlier task")),
    ("starter", _("whoever started the process")),
    ("group", _("any member of a group")),
]
WITHIN_CHOICES = [("zone", _("zone")), ("office", _("office"))]
ESCALATION_CHOICES = [
    ("notify", _("notify the zone administrators and the assignee")),
    ("reassign", _("reassign to a zone administrator")),
]


key_validator = RegexValidator(
    KEY_PATTERN, _("Use lowercase letters, digits and “_”, starting with a letter.")
)


class JSONObjectBlock(blocks.FieldBlock):
    """A JSON object typed as text; stored parsed. An empty box means {}."""

    def __init__(self, required=False, help_text=None, **kwargs):
        self._required = required
        self._help_text = help_text or _('A JSON object, e.g. {"kind": "monthly"}')
        super().__init__(**kwargs)

    @cached_property
    def field(self):
        return django_forms.CharField(
            required=self._required,
            help_text=self._help_text,
            widget=django_forms.Textarea(attrs={"rows": 2}),
        )

    def value_for_form(self, value):
        if isinstance(value, InvalidJSON):
            return str(value)
        return "" if value in (None, "", {}) else json.dumps(value, ensure_ascii=False)

    def value_from_form(self, value):
        if not value or not value.strip():
            return {}
        try:
            return strict_json.loads(value)
        except strict_json.Refused:
            # Keep the text so the editor sees it again with the error beside it.
            return InvalidJSON(value)

    def clean(self, value):
        if isinstance(value, InvalidJSON):
            raise ValidationError(_("This is not valid JSON."))
        if value in (None, ""):
            value = {}
        if not isinstance(value, dict):
            raise ValidationError(_('Give a JSON object, e.g. {"kind": "monthly"}.'))
        if self._required and not value:
            raise ValidationError(_("This field is required."))
        return value

    def to_python(self, value):
        return {} if value in (None, "") else value

    def normalize(self, value):
        return self.to_python(value)

    def get_prep_value(self, value):
        return {} if value in (None, "") else value


def _next(help_text=None):
    return blocks.CharBlock(
        label=_("next step"), help_text=help_text or _("The key of the step that follows.")
    )


def _chosen(block: blocks.FieldBlock, widget: DurationInput, help_text) -> blocks.FieldBlock:
    """`block` edited with the number-and-unit widget. Only the form changes: the block still
    deconstructs as the CharBlock it is, so the stored data and the migrations stay."""
    block.field.widget = widget
    block.field.help_text = help_text
    return block


class StepBlock(blocks.StructBlock):
    """What every step has: a key (its name in the process) and a title."""

    key = blocks.CharBlock(
        label=_("key"),
        validators=[key_validator],
        help_text=_("Unique in the workflow: lowercase letters, digits and “_”."),
    )
    title = blocks.CharBlock(label=_("title (Italian)"))
    title_en = blocks.CharBlock(label=_("title (English)"), required=False)


class TaskBlock(StepBlock):
    form = blocks.CharBlock(
        label=_("questionnaire"),
        required=False,
        validators=[validate_slug],
        help_text=_("The slug of the questionnaire to fill in; leave empty for approve/reject."),
    )
    assignee_rule = blocks.ChoiceBlock(ASSIGNEE_RULES, default="role", label=_("assigned to"))
    role = blocks.ChoiceBlock(
        choices=role_choices,
        required=False,
        label=_("role"),
        help_text=_("For “anyone with a role”."),
    )
    within = blocks.ChoiceBlock(
        WITHIN_CHOICES,
        default="zone",
        label=_("within"),
        help_text=_("For “anyone with a role”: the process's zone or office."),
    )
    performer_step = blocks.CharBlock(
        required=False,
        label=_("performer of step"),
        help_text=_("For “whoever completed an earlier task”: that task's key."),
    )
    group = blocks.CharBlock(
        required=False, label=_("group"), help_text=_("For “any member of a group”.")
    )
    queue = blocks.BooleanBlock(
        required=False,
        label=_("claim from queue"),
        help_text=_(
            "Roles and groups only: leave the task in the shared queue for eligible users to "
            "claim, instead of assigning it to the least busy one."
        ),
    )
    deadline = _chosen(
        blocks.CharBlock(
            required=False,
            label=_("deadline"),
            help_text=_(
                "An ISO 8601 duration, e.g. P10D (ten days), PT48H, P2W; leave empty for none."
            ),
        ),
        DurationInput(working_days=True),
        _(
            "Leave the number empty for no deadline. Working days are Monday to Friday, "
            "public holidays and the office's closures excluded."
        ),
    )
    working_days = blocks.BooleanBlock(
        required=False,
        label=_("working days"),
        help_text=_(
            "Count days Monday to Friday, public holidays and the office's closures excluded."
        ),
    )
    # The deadline's unit says it ("working days"): the box stays only as stored data.
    working_days.meta.form_classname = "w-hidden"
    escalation = blocks.ChoiceBlock(
        ESCALATION_CHOICES,
        required=False,
        label=_("when the deadline passes"),
        help_text=_("Notify by default."),
    )
    next = _next()

    class Meta:
        label = _("Task")
        icon = "user"

    def value_from_datadict(self, data, files, prefix):
        value = super().value_from_datadict(data, files, prefix)
        flag = FLAG.get(unit_posted(data, f"{prefix}-deadline"))
        if flag is not None:
            value["working_days"] = flag
        return value

    def get_form_state(self, value):
        # The deadline's widget shows "10 working days" from the duration and the flag.
        state = super().get_form_state(value)
        state["deadline"] = {
            "duration": state.get("deadline") or "",
            "working_days": bool(value.get("working_days")),
        }
        return state


class ActionBlock(StepBlock):
    action = blocks.ChoiceBlock(choices=action_choices, label=_("action"))
    params = JSONObjectBlock(label=_("parameters"))
    next = _next()

    class Meta:
        label = _("Action")
        icon = "cogs"


class Branch(blocks.StructBlock):
    when = LogicBlock(
        required=True,
        label=_("when"),
        help_text=_('JSON Logic, e.g. {"==": [{"var": "assess.outcome"}, "charge"]}'),
    )
    next = _next()
    label = blocks.CharBlock(label=_("label (Italian)"), required=False)
    label_en = blocks.CharBlock(label=_("label (English)"), required=False)


class DecisionBlock(StepBlock):
    branches = blocks.ListBlock(
        Branch(),
        label=_("branches"),
        help_text=_("Tried in order: the first that holds is taken."),
    )
    default = _next(_("The key of the step taken when no branch holds."))

    class Meta:
        label = _("Decision")
        icon = "fork"


class SplitBlock(StepBlock):
    next = blocks.ListBlock(
        blocks.CharBlock(label=_("step key")),
        label=_("parallel steps"),
        help_text=_("Two or more step keys, run in parallel."),
    )

    class Meta:
        label = _("Split")
        icon = "fork"


class JoinBlock(StepBlock):
    next = _next()

    class Meta:
        label = _("Join")
        icon = "arrow-down"


class WaitBlock(StepBlock):
    duration = _chosen(
        blocks.CharBlock(
            required=False,
            label=_("duration"),
            help_text=_("An ISO 8601 duration, e.g. P7D; or give “until”."),
        ),
        DurationInput(),
        _("How long to wait, in calendar time; or give “until”."),
    )
    until = LogicBlock(label=_("until"), help_text=_("JSON Logic giving a date."))
    next = _next()

    class Meta:
        label = _("Wait")
        icon = "time"


class EndBlock(StepBlock):
    class Meta:
        label = _("End")
        icon = "success"


STEPS = [
    ("task", TaskBlock()),
    ("action", ActionBlock()),
    ("decision", DecisionBlock()),
    ("split", SplitBlock()),
    ("join", JoinBlock()),
    ("wait", WaitBlock()),
    ("end", EndBlock()),
]
