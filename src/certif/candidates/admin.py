from django.contrib import admin

from certif.candidates.models import Candidate


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin[Candidate]):
    list_display = ["numero", "birth_name", "usage_name", "first_name", "birth_date", "access_path"]
    list_filter = ["access_path", "sex"]
    search_fields = ["numero", "birth_name", "usage_name", "first_name", "email"]
    show_full_result_count = False
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["numero"]}),
        (
            "Identité",
            {
                "fields": [
                    "birth_name", "usage_name", "first_name", "second_first_name", "third_first_name", "sex",
                    "birth_date", "birth_place_code", "birth_place", "birth_country_code", "birth_country",
                ]
            },
        ),
        ("Contact", {"fields": ["email", "phone"]}),
        ("Parcours", {"fields": ["access_path", "registration_date", "extra_time_percent", "accommodations"]}),
        ("Suivi", {"fields": ["created_at", "updated_at"]}),
    ]  # fmt: skip
