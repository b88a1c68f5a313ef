from django.contrib import admin

from allmende.networks.models import (
    ApplicationEvent,
    Coordinator,
    Membership,
    MembershipApplication,
    Network,
    Organisation,
    OrganisationRole,
    WorkingGroup,
    WorkingGroupDocument,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation", "network"]


class OrganisationRoleInline(admin.TabularInline):
    model = OrganisationRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "state", "is_active"]
    list_filter = ["kind", "state", "is_active"]
    search_fields = ["name", "city"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, OrganisationRoleInline]


class CoordinatorInline(admin.TabularInline):
    model = Coordinator
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "coordination_office", "founded_on"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["coordination_office"]
    inlines = [CoordinatorInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["organisation", "network", "kind", "status", "since"]
    list_filter = ["network", "kind", "status"]
    search_fields = ["organisation__name"]
    autocomplete_fields = ["organisation", "network"]


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    readonly_fields = ["status", "note", "actor", "created_at"]
    can_delete = False


@admin.register(MembershipApplication)
class MembershipApplicationAdmin(admin.ModelAdmin):
    """Read-mostly: status changes go through the coordinators' review page so that the
    organisation, membership and e-mails follow."""

    list_display = ["org_name", "network", "status", "created_at"]
    list_filter = ["network", "status"]
    search_fields = ["org_name", "contact_email"]
    readonly_fields = ["status", "decided_at", "organisation", "applicant", "privacy_consent_at"]
    inlines = [ApplicationEventInline]


class WorkingGroupDocumentInline(admin.TabularInline):
    model = WorkingGroupDocument
    extra = 0


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "network"]
    list_filter = ["network"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]
    inlines = [WorkingGroupDocumentInline]


@admin.register(OrganisationRole)
class OrganisationRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "organisation"]
