from django.contrib import admin

from allmende.newsletter.models import ConsentRecord, Delivery, NewsletterIssue, Subscriber


class ConsentRecordInline(admin.TabularInline):
    model = ConsentRecord
    extra = 0
    can_delete = False
    readonly_fields = ["action", "at", "text_version", "ip_hash"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "network", "status", "created_at", "confirmed_at"]
    list_filter = ["status", "network"]
    search_fields = ["email"]
    readonly_fields = ["created_at", "confirmed_at", "unsubscribed_at"]
    inlines = [ConsentRecordInline]


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(admin.ModelAdmin):
    list_display = ["subject", "network", "status", "sent_at"]
    list_filter = ["status", "network"]
    search_fields = ["subject"]
    readonly_fields = ["status", "sent_at", "created_by", "created_at"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["issue", "subscriber", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    list_select_related = ["issue", "subscriber"]
    readonly_fields = ["issue", "subscriber", "status", "attempts", "last_error", "sent_at"]
