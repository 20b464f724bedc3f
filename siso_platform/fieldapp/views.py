"""The field app's shell, web manifest and service worker (docs/app.md).

The shell is the same page for everyone and holds no personal data: the app signs in with a
device token and reads the API from the browser, keeping its working set and its outbox in
IndexedDB. The service worker precaches the shell under a cache named after a hash of the
shell's files, so that a deploy that changes any of them installs a new worker.
"""

import functools
import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from siso_platform.casework.models import AccessOutcome, Channel, DocumentKind, NoteKind
from siso_platform.thirdsector.models import ActivityType

# The app's scripts, in the order the shell loads them: page.js first (it holds what the others
# share through window.SisoApp), app.js last (it starts the app).
APP_SCRIPTS = [
    "fieldapp/page.js",
    "fieldapp/store.js",
    "fieldapp/api.js",
    "fieldapp/sync.js",
    "fieldapp/screens.js",
    "fieldapp/forms.js",
    "fieldapp/tasks.js",
    "fieldapp/questionnaire-screen.js",
    "fieldapp/app.js",
]
# The files the shell needs to start offline (besides the shell and the manifest).
SHELL_STATIC = [
    *APP_SCRIPTS,
    "fieldapp/questionnaire.js",
    "fieldapp/app.css",
    "fieldapp/vendor/idb.umd.js",
    # The web wizard's evaluator, as it is: the app applies a questionnaire's logic with it.
    "forms/vendor/logic.js",
    "forms/logic-ops.js",
    "forms/logic-run.js",
    "fieldapp/icons/icon-192.png",
    "fieldapp/icons/icon-512.png",
    "fieldapp/icons/maskable-512.png",
    "vendor/bootstrap-italia/css/bootstrap-italia.min.css",
    "vendor/bootstrap-italia/css/fonts.css",
    "vendor/bootstrap-italia/svg/sprites.svg",
]
# The shell's templates with the ones it includes (its form fields): a change to any of them
# changes the shell the worker precaches.
SHELL_TEMPLATES = [
    "fieldapp/shell.html",
    "fieldapp/_input.html",
    "fieldapp/_select.html",
    "fieldapp/_textarea.html",
    "fieldapp/_file.html",
    "_bootstrap_italia_css.html",
    "fieldapp/sw.js",
]
THEME_COLOUR = "#0066cc"  # Bootstrap Italia's primary blue
NO_CACHE = "no-cache"


@functools.cache
def shell_version() -> str:
    """A hash of the shell's templates and files: it changes with any deploy that changes
    what the worker precaches, and so the worker's cache name and its script."""
    digest = hashlib.sha256()
    for name in SHELL_TEMPLATES:
        digest.update(Path(get_template(name).origin.name).read_bytes())
    for name in SHELL_STATIC:
        found = finders.find(name)
        digest.update(Path(found).read_bytes() if found else name.encode())
    return digest.hexdigest()[:16]


def _catalogue() -> dict:
    """The app's sentences that JavaScript shows, in the request's language."""
    return {
        "state_pending": _("pending"),
        "state_sent": _("sent"),
        "state_refused": _("refused: %(reason)s"),
        "offline": _(
            "You are offline: what you save stays on this device and is sent when the "
            "connection returns."
        ),
        "online": _("Online"),
        "last_sync": _("Last successful sync: %(when)s"),
        "never_synced": _("Not synced yet"),
        "syncing": _("Syncing…"),
        "revoked": _(
            "Your access from this device has ended (the token was revoked or your role "
            "ended): the data kept on this device has been deleted. Sign in again."
        ),
        "expired": _(
            "The data kept on this device had not been synced for more than %(hours)s hours "
            "and has been deleted."
        ),
        "signed_out": _("You have signed out: the data kept on this device has been deleted."),
        "network_error": _("The server cannot be reached: try again when you are online."),
        "server_error": _("The server could not answer (error %(status)s): try again later."),
        "saved": _("Saved in the outbox: it is sent as soon as you are online."),
        "copied": _("Copied."),
        "confirm_discard": _("Discard this draft? It will not be sent."),
        "kind_report": _("Activity report"),
        "kind_access": _("Access"),
        "case_title": _("Case %(id)s"),
        "opened_on": _("opened on %(date)s"),
        "noted_on": _("noted on %(date)s"),
        "task_due": _("due %(date)s"),
        "hours_of": _("%(hours)s hours on %(date)s"),
        "nothing": _("Nothing to show."),
        "unknown_person": _("Person %(id)s"),
        "choose": _("Choose…"),
        "created_at": _("saved on %(when)s"),
        "kind_questionnaire": _("Questionnaire"),
        "required": _("This field is required."),
        "not_a_number": _("Enter a number."),
        "step_of": _("Step %(step)s of %(steps)s"),
        "yes": _("Yes"),
        "no": _("No"),
        "on_the_web": _("This answer is given on the web, not in the app."),
        "version": _("version %(version)s"),
        "draft_kept": _("A draft of this questionnaire is kept on this device."),
        "fix_errors": _("Some answers are missing or not valid: see the messages."),
        "with_files": _("with %(names)s"),
        "kind_task_claim": _("Task taken"),
        "kind_task_release": _("Task released"),
        "kind_task_complete": _("Task completed"),
        "take": _("Take"),
        "release": _("Release"),
        "approved": _("approved"),
        "not_approved": _("not approved"),
        "task_claim_here": _("taken on this device, not sent yet"),
        "task_release_here": _("released on this device, not sent yet"),
        "kind_diary": _("Diary note"),
        "kind_delivery": _("Delivery"),
        "quantity_on": _("%(quantity)s on %(date)s"),
        "version_withdrawn": _(
            "Version %(version)s of this questionnaire is no longer published: it is kept on "
            "this device for your draft. Copy your answers into the current version to send "
            "them."
        ),
        "version_withdrawn_alone": _(
            "Version %(version)s of this questionnaire is no longer published and there is no "
            "current version: it is kept on this device for your draft, which you may copy or "
            "discard."
        ),
        "files_kept": _("Kept with this draft: %(names)s. Take another photo to replace it."),
        # the agenda and documents (issue 22)
        "no_appointments": _("No appointments today."),
        "kind_document": _("Document"),
        "no_case": _("No case"),
    }


def _questionnaire_catalogue() -> dict:
    """The sentences of the questionnaire's kinds (fieldapp/questionnaire.js), worded as the
    web wizard words them."""
    return {
        "add_row": _("Add a row"),
        "remove_row": _("Remove this row"),
        "row_n": _("Row %(number)s"),
        "rows_max": _("At most %(max)s rows."),
        "value_min": _("Enter a value of at least %(limit)s."),
        "value_max": _("Enter a value of at most %(limit)s."),
        "part_street": _("Street"),
        "part_number": _("Number"),
        "part_postcode": _("Postcode"),
        "part_municipality": _("Municipality"),
        "part_locality": _("Locality"),
        "part_lat": _("Latitude"),
        "part_lon": _("Longitude"),
        "address_incomplete": _("Enter at least the street and the municipality."),
        "postcode": _("Enter a postcode of 5 digits."),
        "geo_missing": _("Enter the latitude and the longitude."),
        "geo_number": _("Enter the latitude and the longitude as numbers, e.g. 43,1107."),
        "geo_lat": _("The latitude must be between -90 and 90."),
        "geo_lon": _("The longitude must be between -180 and 180."),
        "use_position": _("Use my position"),
        "geo_searching": _("Looking for your position…"),
        "geo_found": _("Position found."),
        "geo_failed": _("The position is not available: type latitude and longitude."),
        "file_kept": _("Kept with this draft: %(name)s. Choose another file to replace it."),
        "remove_file": _("Remove the file"),
        "file_type": _("Upload a file of type %(types)s."),
        "image_type": _("Upload an image (%(types)s)."),
        "file_size": _("The file is larger than %(size)s KB."),
        "move_up": _("Move up:"),
        "move_down": _("Move down:"),
        "rank_accept": _("I accept this order"),
        "rank_help": " ".join(
            (
                _("Order the choices: the first is the most important."),
                _("Until a choice is moved or the order is accepted, the question has no answer."),
            )
        ),
    }


def _choices(choices) -> list:
    return [[value, str(label)] for value, label in choices.choices]


@require_GET
def shell(request):
    config = {
        "api": "/api/v1/",
        "version": shell_version(),
        "working_set_hours": settings.SISO_APP_WORKING_SET_HOURS,
        "service_worker": reverse("fieldapp:service-worker"),
        "scope": reverse("fieldapp:shell"),
        "activity_types": _choices(ActivityType),
        "access_channels": _choices(Channel),
        "access_outcomes": _choices(AccessOutcome),
        "note_kinds": _choices(NoteKind),
        "document_kinds": _choices(DocumentKind),
    }
    response = HttpResponse(
        render_to_string(
            "fieldapp/shell.html",
            {
                "config": config,
                "catalogue": {**_catalogue(), **_questionnaire_catalogue()},
                "theme_colour": THEME_COLOUR,
                "app_scripts": APP_SCRIPTS,
            },
            request=request,
        )
    )
    response["Cache-Control"] = NO_CACHE
    return response


@require_GET
def manifest(request):
    icons = [
        {"src": static(f"fieldapp/icons/icon-{size}.png"), "sizes": f"{size}x{size}"}
        for size in (192, 512)
    ]
    icons.append(
        {
            "src": static("fieldapp/icons/maskable-512.png"),
            "sizes": "512x512",
            "purpose": "maskable",
        }
    )
    body = {
        "name": _("SISO - field app"),
        "short_name": "SISO",
        "description": _("Your cases, persons and tasks, and your reports, also offline."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("fieldapp:shell"),
        "scope": reverse("fieldapp:shell"),
        "id": reverse("fieldapp:shell"),
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": [{**icon, "type": "image/png"} for icon in icons],
    }
    response = JsonResponse(body, content_type="application/manifest+json")
    response["Cache-Control"] = NO_CACHE
    return response


@require_GET
def service_worker(request):
    version = shell_version()
    precache = [
        reverse("fieldapp:shell"),
        reverse("fieldapp:manifest"),
        *(static(name) for name in SHELL_STATIC),
    ]
    script = render_to_string(
        "fieldapp/sw.js",
        {"version_json": json.dumps(version), "precache_json": json.dumps(precache)},
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    # Never from a cache: the browser sees a new version at its next check.
    response["Cache-Control"] = NO_CACHE
    response["Service-Worker-Allowed"] = reverse("fieldapp:shell")
    return response
