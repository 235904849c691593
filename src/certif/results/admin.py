from django.contrib import admin
from django.utils.html import format_html_join

from certif.core.admin import ReadOnlyAdmin
from certif.results.models import CandidateResult
from certif.results.presenting import explanation


@admin.register(CandidateResult)
class CandidateResultAdmin(ReadOnlyAdmin, admin.ModelAdmin[CandidateResult]):
    list_display = ["candidate", "certified", "referential_version", "computed_at"]
    list_filter = ["certified", "referential_version"]
    search_fields = ["candidate__numero", "candidate__birth_name"]
    list_select_related = ["candidate", "referential_version"]
    fields = ("candidate", "certified", "referential_version", "computed_at", "decision_explained")
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description="Décision et explication")
    def decision_explained(self, result: CandidateResult) -> str:
        decision = result.decision
        lines = [(explanation(decision),)] + [
            (block.explanation(),) for block in decision.blocks.values()
        ]
        return format_html_join("", "<p>{}</p>", lines)
