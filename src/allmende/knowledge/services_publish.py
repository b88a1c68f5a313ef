"""Writes on publications, positions (with their signatures) and news.

The coordinators of a network (and admins) write its publications, positions and news
(``knowledge.change_content``). An editor of an organisation that is an active member of a
position's network signs the position for that organisation, with an explicit confirmation.
"""

import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from allmende.accounts.models import User
from allmende.core.text import unique_slug
from allmende.knowledge.models import News, Position, PositionSignature, Publication
from allmende.networks.models import (
    Membership,
    MembershipStatus,
    Network,
    Organisation,
    OrganisationRole,
    OrganisationRoleKind,
)

PDF_MAGIC = b"%PDF-"
# Path segments of the editor pages: no item may take them as its slug.
RESERVED_SLUGS = frozenset({"neu", "netzwerk"})

PUBLICATION_FIELDS = ("title", "kind", "cover_text", "issued_on", "is_published", "published_at")
POSITION_FIELDS = ("title", "kind", "text", "dated", "signing_open", "is_published", "published_at")
NEWS_FIELDS = ("title", "lead", "body", "is_published", "published_at")


def _require_change(actor: User, obj: Network | Publication | Position | News) -> None:
    if not actor.has_perm("knowledge.change_content", obj):
        raise PermissionDenied(_("Only the network's coordination office may change this."))


def _slug_for(model: type[Publication | Position | News], title: str) -> str:
    return unique_slug(
        title,
        lambda candidate: (
            candidate in RESERVED_SLUGS or model.objects.filter(slug=candidate).exists()
        ),
    )


def _apply(obj: Any, data: Mapping[str, Any], fields: tuple[str, ...]) -> None:
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])


# --- Publications ---------------------------------------------------------------------------


def publication_file_check(upload: File[Any]) -> File[Any]:
    """Check an uploaded publication: at most ``PUBLICATION_MAX_BYTES`` and a PDF by its
    content (it starts with ``%PDF-``), whatever its name says. Returns the file under a
    random ``.pdf`` name, so that the address of a draft cannot be guessed; raises
    ``ValidationError`` (codes ``too_large``, ``not_pdf``) otherwise."""
    limit: int = settings.PUBLICATION_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is %(actual)s; a publication may be at most %(size)s.")
            % {"actual": filesizeformat(upload.size), "size": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError(
            _("This file is not a PDF document. Please upload a PDF file."), code="not_pdf"
        )
    upload.name = f"{secrets.token_urlsafe(18)}.pdf"
    return upload


def _publication_file_set(publication: Publication, upload: File[Any]) -> None:
    try:
        checked = publication_file_check(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.error_list}) from exc
    publication.file = checked
    publication.file_size = checked.size or 0


@transaction.atomic
def publication_create(
    *, network: Network, actor: User, data: Mapping[str, Any], file: File[Any]
) -> Publication:
    """Create a publication of ``network`` with its PDF ``file`` (checked with
    ``publication_file_check``; its size is stored). ``data`` holds ``PUBLICATION_FIELDS``;
    the slug is derived from the title. Only those with ``knowledge.change_content`` on the
    network may; nothing is saved when a check fails."""
    _require_change(actor, network)
    publication = Publication(network=network)
    _apply(publication, data, PUBLICATION_FIELDS)
    publication.slug = _slug_for(Publication, publication.title)
    _publication_file_set(publication, file)
    publication.full_clean()
    publication.save()
    return publication


@transaction.atomic
def publication_update(
    *,
    publication: Publication,
    actor: User,
    data: Mapping[str, Any],
    file: File[Any] | None = None,
) -> Publication:
    """Change a publication's fields (``PUBLICATION_FIELDS``) and, when ``file`` is given,
    replace its PDF; the old file is deleted once the transaction has committed."""
    _require_change(actor, publication)
    _apply(publication, data, PUBLICATION_FIELDS)
    old_name = publication.file.name
    if file is not None:
        _publication_file_set(publication, file)
    publication.full_clean()
    publication.save()
    if file is not None and old_name and old_name != publication.file.name:
        storage = publication.file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return publication


# --- Positions ------------------------------------------------------------------------------


@transaction.atomic
def position_create(*, network: Network, actor: User, data: Mapping[str, Any]) -> Position:
    """Create a position (declaration or demands) of ``network``; ``data`` holds
    ``POSITION_FIELDS``, the slug is derived from the title."""
    _require_change(actor, network)
    position = Position(network=network)
    _apply(position, data, POSITION_FIELDS)
    position.slug = _slug_for(Position, position.title)
    position.full_clean()
    position.save()
    return position


@transaction.atomic
def position_update(*, position: Position, actor: User, data: Mapping[str, Any]) -> Position:
    """Change a position's fields (``POSITION_FIELDS``); signatures stay."""
    _require_change(actor, position)
    _apply(position, data, POSITION_FIELDS)
    position.full_clean()
    position.save()
    return position


@transaction.atomic
def position_signing_set(*, position: Position, actor: User, is_open: bool) -> Position:
    """Open or close a position for signatures; existing signatures stay either way."""
    _require_change(actor, position)
    position.signing_open = is_open
    position.save(update_fields=["signing_open", "updated_at"])
    return position


def _require_editor(actor: User, organisation: Organisation) -> None:
    is_editor = OrganisationRole.objects.filter(
        user=actor, organisation=organisation, role=OrganisationRoleKind.EDITOR
    ).exists()
    if not actor.is_authenticated or not is_editor:
        raise PermissionDenied(
            _("Only an editor of %(organisation)s may sign for it.")
            % {"organisation": organisation.name}
        )


@transaction.atomic
def position_sign(
    *, position: Position, organisation: Organisation, actor: User
) -> PositionSignature:
    """Sign ``position`` for ``organisation``, confirmed by ``actor``.

    The actor must be an editor of that very organisation and the organisation an active
    member of the position's network (``PermissionDenied`` otherwise); the position must be
    public and open for signatures, and the organisation must not have signed it already
    (``ValidationError`` otherwise). Records who confirmed it and when."""
    _require_editor(actor, organisation)
    is_member = Membership.objects.filter(
        network_id=position.network_id,
        organisation=organisation,
        status=MembershipStatus.ACTIVE,
    ).exists()
    if not is_member or not organisation.is_active:
        raise PermissionDenied(
            _("Only active members of %(network)s may sign its positions.")
            % {"network": position.network.name}
        )
    # Lock the position so that closing it and signing it cannot interleave.
    position = Position.objects.select_for_update().get(pk=position.pk)
    if not position.is_public:
        raise ValidationError(_("This position is not published."), code="not_public")
    if not position.signing_open:
        raise ValidationError(
            _("This position is no longer open for signatures."), code="signing_closed"
        )
    duplicate = ValidationError(
        _("%(organisation)s has already signed this position.")
        % {"organisation": organisation.name},
        code="duplicate",
    )
    if PositionSignature.objects.filter(position=position, organisation=organisation).exists():
        raise duplicate
    try:
        with transaction.atomic():
            return PositionSignature.objects.create(
                position=position,
                organisation=organisation,
                confirmed_by=actor,
                signed_at=timezone.now(),
            )
    except IntegrityError as exc:  # a second request of the same moment
        raise duplicate from exc


@transaction.atomic
def position_signature_withdraw(
    *, position: Position, organisation: Organisation, actor: User
) -> None:
    """Withdraw ``organisation``'s signature under ``position``. Only an editor of that very
    organisation may (``PermissionDenied``); an organisation that has not signed raises
    ``ValidationError``. Withdrawing stays possible after signing has closed and after the
    organisation has left the network: it is the organisation's name."""
    _require_editor(actor, organisation)
    deleted, _rows = PositionSignature.objects.filter(
        position=position, organisation=organisation
    ).delete()
    if not deleted:
        raise ValidationError(
            _("%(organisation)s has not signed this position.")
            % {"organisation": organisation.name},
            code="not_signed",
        )


# --- News -----------------------------------------------------------------------------------


@transaction.atomic
def news_create(*, network: Network, actor: User, data: Mapping[str, Any]) -> News:
    """Create a news item of ``network``; ``data`` holds ``NEWS_FIELDS``, the slug is derived
    from the title. A future ``published_at`` schedules it."""
    _require_change(actor, network)
    news = News(network=network)
    _apply(news, data, NEWS_FIELDS)
    news.slug = _slug_for(News, news.title)
    news.full_clean()
    news.save()
    return news


@transaction.atomic
def news_update(*, news: News, actor: User, data: Mapping[str, Any]) -> News:
    """Change a news item's fields (``NEWS_FIELDS``)."""
    _require_change(actor, news)
    _apply(news, data, NEWS_FIELDS)
    news.full_clean()
    news.save()
    return news
