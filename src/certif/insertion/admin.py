"""The surveys and their answers, read only: they are written by the insertion services."""

from django.contrib import admin

from certif.core.admin import ReadOnlyAdmin, StaffMayView
from certif.insertion.models import Answer, Survey


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin, StaffMayView, admin.ModelAdmin[Survey]):
    list_display = ["candidate", "point", "cohort", "due_on", "closes_on", "reminders_sent"]
    list_filter = ["point", "cohort"]
    search_fields = ["candidate__numero"]
    list_select_related = ["candidate"]


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin, StaffMayView, admin.ModelAdmin[Answer]):
    list_display = ["survey", "situation", "targeted_job", "contract", "works_abroad", "source"]
    list_filter = ["situation", "contract", "source"]
    search_fields = ["survey__candidate__numero"]
    list_select_related = ["survey__candidate"]
