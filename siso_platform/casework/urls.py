from django.urls import path

from . import list_views, record_views, work_views

app_name = "casework"
urlpatterns = [
    path("", record_views.home, name="home"),
    path("persons/", record_views.persons, name="persons"),
    path("persons/new/", work_views.new_person, name="new_person"),
    path("persons/on-register/", work_views.register_access, name="register_access"),
    path("persons/<int:pk>/", record_views.person, name="person"),
    path("persons/<int:person_pk>/accesses/new/", work_views.new_access, name="new_access"),
    path("households/<int:pk>/", record_views.household, name="household"),
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
    path("cases/<int:pk>/interventions/new/", work_views.new_intervention, name="new_intervention"),
    path("cases/<int:pk>/assign/", work_views.assign, name="assign"),
    path("cases/<int:pk>/close/", work_views.close, name="close"),
    path("interventions/<int:pk>/", work_views.change_intervention, name="change_intervention"),
]
