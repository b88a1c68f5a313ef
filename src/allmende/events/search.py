"""Events in the search index: published events with their network and kind as facets and
the start date (Berlin time) as the date."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allmende.events.models import Event, EventKind
from allmende.search.registry import SearchDocument, choice_labels, register, register_facets


def event_document(event: Event) -> SearchDocument | None:
    if not event.is_published:
        return None
    return SearchDocument(
        title=event.title,
        body="\n".join(p for p in (event.description, event.venue, event.city) if p),
        url=event.get_absolute_url(),
        facets={"network": [event.network.slug], "kind": [event.kind]},
        date=timezone.localtime(event.starts_at).date(),
    )


register(
    "event",
    Event,
    label=_("Events"),
    document=event_document,
    queryset=lambda: Event.objects.filter(is_published=True).select_related("network"),
)
register_facets([("kind", _("Kind"))], labels=choice_labels(EventKind))
