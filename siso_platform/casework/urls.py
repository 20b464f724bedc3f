from django.urls import path

from . import (
    attestation_views,
    diary_views,
    list_views,
    prints,
    record_views,
    subject_access,
    work_views,
)

app_name = "casework"
urlpatterns = [
    path("", record_views.home, name="home"),
    path("persons/", record_views.persons, name="persons"),
    path("persons/new/", work_views.new_person, name="new_person"),
    path("persons/on-register/", work_views.register_access, name="register_access"),
    path("persons/mine/", diary_views.my_persons, name="my_persons"),
    path("persons/<int:pk>/", record_views.person, name="person"),
    path("persons/<int:pk>/print/", prints.person, name="print_person"),
    path(
        "persons/<int:pk>/access-request/",
        subject_access.request_view,
        name="subject_access_request",
    ),
    path("persons/<int:person_pk>/accesses/new/", work_views.new_access, name="new_access"),
    path("households/<int:pk>/", record_views.household, name="household"),
    path("households/<int:pk>/isee/", attestation_views.household_isee, name="household_isee"),
    path("persons/<int:pk>/isee/", attestation_views.person_isee, name="person_isee"),
    path(
        "persons/<int:pk>/invalidity/",
        attestation_views.person_invalidity,
        name="person_invalidity",
    ),
    path("cases/", list_views.cases, name="cases"),
    path("accesses/<int:pk>/", work_views.access, name="access"),
    path("accesses/<int:pk>/intake/", work_views.access_intake, name="access_intake"),
    path("accesses/<int:pk>/open-case/", work_views.open_case, name="open_case"),
    path("cases/<int:pk>/", work_views.case, name="case"),
    path("cases/<int:pk>/needs/", work_views.add_need, name="add_need"),
    path("cases/<int:pk>/needs/<int:need_pk>/status/", work_views.need_status, name="need_status"),
    path(
        "cases/<int:pk>/assignments/<int:assignment_pk>/end/",
        work_views.end_assignment,
        name="end_assignment",
    ),
    path("cases/<int:pk>/plan/", work_views.care_plan, name="care_plan"),
    path("cases/<int:pk>/plan/print/", prints.care_plan, name="print_care_plan"),
    path("cases/<int:pk>/closing-report/", prints.closing_report, name="print_closing_report"),
    path("submissions/<uuid:uuid>/print/", prints.submission, name="print_submission"),
    path("cases/<int:pk>/interventions/new/", work_views.new_intervention, name="new_intervention"),
    path("cases/<int:pk>/assign/", work_views.assign, name="assign"),
    path("cases/<int:pk>/close/", work_views.close, name="close"),
    # the case diary, documents on the record, the operator's agenda
    path("cases/<int:pk>/notes/", diary_views.add_note, name="add_note"),
    path(
        "cases/<int:pk>/notes/<int:note_pk>/correct/",
        diary_views.correct_note,
        name="correct_note",
    ),
    path("cases/<int:pk>/documents/", diary_views.add_case_document, name="add_case_document"),
    path(
        "persons/<int:person_pk>/documents/",
        diary_views.add_person_document,
        name="add_person_document",
    ),
    path("documents/<int:pk>/", diary_views.document, name="document"),
    path(
        "persons/<int:person_pk>/appointments/new/",
        diary_views.new_appointment,
        name="new_appointment",
    ),
    path("agenda/", diary_views.agenda_page, name="agenda"),
    path("agenda/<int:pk>/", diary_views.appointment, name="appointment"),
    path("agenda/<int:pk>/cancel/", diary_views.cancel_appointment, name="cancel_appointment"),
    path("agenda/<int:pk>/done/", diary_views.appointment_done, name="appointment_done"),
    path("interventions/<int:pk>/", work_views.change_intervention, name="change_intervention"),
]
