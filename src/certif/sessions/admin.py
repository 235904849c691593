from django.contrib import admin

from certif.sessions.models import Enrolment, ExamSession


@admin.register(ExamSession)
class ExamSessionAdmin(admin.ModelAdmin[ExamSession]):
    list_display = ["code", "title", "start_date", "end_date", "place", "referential_version"]
    search_fields = ["code", "title", "place"]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin[Enrolment]):
    list_display = ["candidate", "session", "block", "part"]
    list_filter = ["session", "block__code"]
    search_fields = ["candidate__numero", "candidate__birth_name"]
    raw_id_fields = ["candidate"]
    list_select_related = ["candidate", "session", "block"]
    show_full_result_count = False
