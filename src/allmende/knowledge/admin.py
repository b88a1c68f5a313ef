"""Django admin for the knowledge content and its vocabularies (topics, code prefixes, facet
terms, impact criteria).

Saving an object indexes it through the post_save hook, but many-to-many fields (topics, facet
terms, impact criteria) are written after that save: ``save_related`` indexes again once they
are set, so the search shows what the admin has just saved."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from allmende.knowledge.forms_places import ExamplePlacePhotoForm
from allmende.knowledge.models import (
    Article,
    CodePrefix,
    ExamplePlace,
    ExamplePlacePhoto,
    FacetTerm,
    ImpactCriterion,
    News,
    Position,
    PositionSignature,
    Publication,
    Tool,
    Toolbox,
    ToolExample,
    ToolLink,
    ToolStep,
    Topic,
)
from allmende.knowledge.services_publish import publication_file_check
from allmende.search.services import search_index


class IndexedAdmin(admin.ModelAdmin):
    """Re-indexes the object after its many-to-many fields and inlines have been saved."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        search_index(form.instance)


class PublishableAdmin(IndexedAdmin):
    date_hierarchy = "published_at"
    actions = ["publish", "unpublish"]

    @admin.action(description=_("Publish the selected items"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._set_published(queryset, True)

    @admin.action(description=_("Unpublish the selected items"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._set_published(queryset, False)

    def _set_published(self, queryset: QuerySet[Any], value: bool) -> None:
        # Saved one by one (not ``update``) so that the search index follows.
        for obj in queryset:
            obj.is_published = value
            obj.save()


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(PublishableAdmin):
    list_display = ["title", "network", "audience", "phase", "is_published", "published_at"]
    list_filter = ["is_published", "audience", "phase", "network", "topics"]
    search_fields = ["title", "key_point_1", "key_point_2", "key_point_3", "body"]
    list_select_related = ["network"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author_organisation", "related_articles", "related_tools"]
    filter_horizontal = ["topics"]


class CodePrefixInline(admin.TabularInline):
    model = CodePrefix
    extra = 0


class FacetTermInline(admin.TabularInline):
    model = FacetTerm
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Toolbox)
class ToolboxAdmin(admin.ModelAdmin):
    list_display = ["name", "network", "slug"]
    list_filter = ["network"]
    search_fields = ["name", "description"]
    list_select_related = ["network"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CodePrefixInline, FacetTermInline]


class ToolStepInline(admin.TabularInline):
    model = ToolStep
    extra = 0


class ToolExampleInline(admin.StackedInline):
    model = ToolExample
    extra = 0


class ToolLinkInline(admin.TabularInline):
    model = ToolLink
    fk_name = "source"
    extra = 0
    autocomplete_fields = ["target"]


@admin.register(Tool)
class ToolAdmin(PublishableAdmin):
    list_display = ["code", "title", "toolbox", "is_published", "published_at"]
    list_filter = ["is_published", "toolbox", "terms__facet"]
    search_fields = ["code", "title", "slogan", "summary"]
    list_select_related = ["toolbox", "prefix"]
    readonly_fields = ["code"]
    filter_horizontal = ["terms"]
    inlines = [ToolStepInline, ToolExampleInline, ToolLinkInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tool]:
        return super().get_queryset(request).select_related("toolbox", "prefix")


@admin.register(ImpactCriterion)
class ImpactCriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "description"]
    search_fields = ["name", "description"]


class ExamplePlacePhotoInline(admin.StackedInline):
    """Uses the site's form so that photos uploaded here are size-checked and re-encoded too."""

    model = ExamplePlacePhoto
    form = ExamplePlacePhotoForm
    extra = 0
    fields = ["image", "alt_text", "author", "licence", "position"]


@admin.register(ExamplePlace)
class ExamplePlaceAdmin(PublishableAdmin):
    list_display = ["name", "city", "state", "network", "year", "is_published"]
    list_filter = ["is_published", "state", "network", "impact_criteria"]
    search_fields = ["name", "city", "former_use", "new_use", "carrier_name", "story"]
    list_select_related = ["network"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["carrier_organisation"]
    filter_horizontal = ["impact_criteria"]
    inlines = [ExamplePlacePhotoInline]


class PublicationAdminForm(forms.ModelForm[Publication]):
    """Checks an uploaded file as the site's form does: a PDF within the size limit."""

    class Meta:
        model = Publication
        fields = [
            "network",
            "title",
            "slug",
            "kind",
            "cover_text",
            "file",
            "issued_on",
            "is_published",
            "published_at",
        ]

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            return publication_file_check(upload)
        return upload


@admin.register(Publication)
class PublicationAdmin(PublishableAdmin):
    form = PublicationAdminForm
    list_display = ["title", "kind", "network", "issued_on", "file_size", "is_published"]
    list_filter = ["is_published", "kind", "network"]
    search_fields = ["title", "cover_text"]
    list_select_related = ["network"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["file_size"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if obj.file:
            obj.file_size = obj.file.size
        super().save_model(request, obj, form, change)


class PositionSignatureInline(admin.TabularInline):
    model = PositionSignature
    extra = 0
    autocomplete_fields = ["organisation"]
    readonly_fields = ["confirmed_by"]


@admin.register(Position)
class PositionAdmin(PublishableAdmin):
    list_display = ["title", "kind", "network", "dated", "signing_open", "is_published"]
    list_filter = ["is_published", "kind", "signing_open", "network"]
    search_fields = ["title", "text"]
    list_select_related = ["network"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PositionSignatureInline]


@admin.register(News)
class NewsAdmin(PublishableAdmin):
    list_display = ["title", "network", "is_published", "published_at"]
    list_filter = ["is_published", "network"]
    search_fields = ["title", "lead", "body"]
    list_select_related = ["network"]
    prepopulated_fields = {"slug": ["title"]}
