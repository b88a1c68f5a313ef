"""Routes of the toolboxes under /wissen/werkzeugkasten/."""

from django.urls import URLPattern, path, register_converter

from allmende.knowledge import views_toolbox as views


class ToolCodeConverter:
    """A tool's code without its space, as in Tool.get_absolute_url: "W007", "BE012"."""

    regex = "[A-ZÄÖÜ]{1,4}[0-9]{3}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value.replace(" ", "")


register_converter(ToolCodeConverter, "toolcode")

urlpatterns: list[URLPattern] = [
    path("werkzeugkasten/", views.toolbox_list, name="toolbox_list"),
    path("werkzeugkasten/<slug:slug>/", views.toolbox_detail, name="toolbox_detail"),
    path("werkzeugkasten/<slug:slug>/neu/", views.tool_create, name="tool_create"),
    path(
        "werkzeugkasten/<slug:slug>/vokabular/",
        views.toolbox_vocabulary,
        name="toolbox_vocabulary",
    ),
    path("werkzeugkasten/<slug:toolbox>/<toolcode:code>/", views.tool_detail, name="tool_detail"),
    path(
        "werkzeugkasten/<slug:toolbox>/<toolcode:code>/bearbeiten/",
        views.tool_edit,
        name="tool_edit",
    ),
]
