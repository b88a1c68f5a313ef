"""Django admin of allocation procedures for operators.

After publication the scheme is shown read-only (procedure fields and criteria inlines). The
model refuses any change anyway (``FrozenSchemeError``); should a change get through the forms,
the change view rolls back and shows that message instead of a server error.
"""

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from allmende.procedures.models import (
    FROZEN_PROCEDURE_FIELDS,
    AuditEntry,
    AwardCriterion,
    EligibilityCriterion,
    FrozenSchemeError,
    Procedure,
    ProcedureDocument,
)


def _frozen(obj: Any) -> bool:
    procedure = obj if isinstance(obj, Procedure) else None
    return procedure is not None and procedure.pk is not None and not procedure.is_draft


class _SchemeInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _frozen(obj) and super().has_delete_permission(request, obj)


class AwardCriterionInline(_SchemeInline):
    model = AwardCriterion
    fields = ["position", "key", "name", "weight", "max_points", "min_points", "guidance"]


class EligibilityCriterionInline(_SchemeInline):
    model = EligibilityCriterion
    fields = ["position", "text", "description"]


class ProcedureDocumentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ProcedureDocument
    extra = 0
    fields = ["title", "size_bytes", "created_at"]
    readonly_fields = ["title", "size_bytes", "created_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "organisation", "kind", "state", "submission_deadline"]
    list_filter = ["state", "kind", "aggregation"]
    search_fields = ["title", "organisation__name", "property__title"]
    raw_id_fields = ["property", "organisation", "winner", "created_by"]
    inlines = [AwardCriterionInline, EligibilityCriterionInline, ProcedureDocumentInline]
    readonly_fields = [
        "state",
        "published_at",
        "scheme_hash",
        "decided_at",
        "reasons_summary",
        "cancelled_at",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if _frozen(obj):
            fields += [name for name in FROZEN_PROCEDURE_FIELDS if name not in fields]
        return fields

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # The parent's view runs in a transaction: the refused save is rolled back entirely.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except FrozenSchemeError as exc:
            self.message_user(request, " ".join(exc.messages), level=messages.ERROR)
            return HttpResponseRedirect(request.path)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The audit trail, read-only: entries are only appended by the services."""

    list_display = ["procedure", "position", "action", "actor_label", "created_at"]
    list_filter = ["action"]
    search_fields = ["procedure__title", "action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
