"""The set-up wizard, the manager's page and the public pages of a procedure."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from allmende.procedures import services
from allmende.procedures.models import AwardCriterion, Procedure, ProcedureState, Question
from allmende.procedures.schemes import SCHEMES
from allmende.procedures.services import criteria_errors, scheme_errors
from tests.procedures.conftest import make_procedure

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STEPS = ["grunddaten", "schema", "kriterien", "termine", "dokumente"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _step(procedure, step):
    return reverse("procedures:procedure_setup", args=[procedure.pk, step])


def _criteria_post(procedure, **changes):
    """The criteria step's form data with the stored criteria, changed by ``changes``
    (``{"0-weight": "50"}``)."""
    data = {
        "award-TOTAL_FORMS": "3",
        "award-INITIAL_FORMS": "2",
        "award-MIN_NUM_FORMS": "0",
        "award-MAX_NUM_FORMS": "30",
        "eligibility-TOTAL_FORMS": "1",
        "eligibility-INITIAL_FORMS": "1",
        "eligibility-MIN_NUM_FORMS": "0",
        "eligibility-MAX_NUM_FORMS": "30",
    }
    for index, c in enumerate(procedure.criteria.all()):
        data.update(
            {
                f"award-{index}-id": str(c.pk),
                f"award-{index}-key": c.key,
                f"award-{index}-name": c.name,
                f"award-{index}-description": c.description,
                f"award-{index}-weight": str(c.weight),
                f"award-{index}-max_points": str(c.max_points),
                f"award-{index}-min_points": "" if c.min_points is None else str(c.min_points),
                f"award-{index}-guidance": "\n".join(f"{k}: {v}" for k, v in c.guidance.items()),
            }
        )
    item = procedure.eligibility_criteria.get()
    data.update({"eligibility-0-id": str(item.pk), "eligibility-0-text": item.text})
    data.update({f"award-{k}": v for k, v in changes.items()})
    return data


@pytest.mark.parametrize("key", sorted(SCHEMES))
def test_every_template_is_a_complete_scheme(proc, key):
    procedure = services.procedure_create(
        property=proc.property,
        actor=proc.manager,
        data={"title": "Vorlage", "kind": "concept", "transfer": "leasehold"},
        template=key,
    )
    rows = [
        {name: getattr(c, name) for name in services.AWARD_FIELDS} for c in procedure.criteria.all()
    ]
    assert scheme_errors(procedure) == {}
    assert criteria_errors(procedure, rows) == {}
    assert sum(c.weight for c in procedure.criteria.all()) + procedure.price_weight == 100


def test_vienna_template_bands_by_classes_a_to_e(proc):
    scheme = SCHEMES["wien"]
    assert scheme.aggregation == "class_banding"
    assert [label for label, _minimum in scheme.classes] == ["A", "B", "C", "D", "E"]
    assert sum(c.max_points for c in scheme.criteria) == 44


def test_create_page_needs_the_right_on_the_property(client, proc):
    url = reverse("procedures:procedure_create") + f"?objekt={proc.property.pk}"
    client.force_login(proc.outsider)
    assert client.get(url).status_code == 403
    client.force_login(proc.manager)
    assert client.get(url).status_code == 200
    assert client.get(reverse("procedures:procedure_create") + "?objekt=x").status_code == 404


def test_manager_starts_from_the_stuttgart_template(client, proc):
    client.force_login(proc.manager)
    url = reverse("procedures:procedure_create") + f"?objekt={proc.property.pk}"
    response = client.post(
        url,
        {
            "title": "Konzeptvergabe Gleis 5",
            "kind": "concept",
            "transfer": "leasehold",
            "template": "stuttgart",
        },
    )
    procedure = Procedure.objects.get(title="Konzeptvergabe Gleis 5")
    assert response.url == _step(procedure, "grunddaten")
    assert procedure.organisation == proc.town
    assert procedure.state == ProcedureState.DRAFT
    assert [(c.key, c.weight) for c in procedure.criteria.all()] == [
        ("objekt", 60),
        ("gruppe", 40),
    ]


@pytest.mark.parametrize("step", STEPS)
def test_every_step_is_for_the_managers_only(client, proc, step):
    url = _step(proc.procedure, step)
    assert client.get(url).status_code == 302  # to the login
    client.force_login(proc.outsider)
    assert client.get(url).status_code == 404  # a draft is invisible
    proc.publish()
    assert client.get(url).status_code == 403
    client.force_login(proc.manager)
    assert client.get(url).status_code == 200


def test_basics_step_saves_the_draft_and_goes_on(client, proc):
    client.force_login(proc.manager)
    response = client.post(
        _step(proc.procedure, "grunddaten"),
        {
            "title": "Alte Schule: Konzeptvergabe",
            "kind": "concept",
            "summary": "Ein Haus für die Nachbarschaft.",
            "transfer": "leasehold",
            "leasehold_term_years": "99",
            "ground_rent_percent": "1.5",
            "terms_note": "",
            "continue": "1",
        },
    )
    assert response.status_code == 302
    assert response.url == _step(proc.procedure, "schema")
    procedure = Procedure.objects.get(pk=proc.procedure.pk)
    assert (procedure.leasehold_term_years, procedure.ground_rent_percent) == (99, Decimal("1.5"))
    assert procedure.audit.filter(action="update_draft").exists()


def test_scheme_step_shows_service_errors_next_to_the_fields(client, proc):
    client.force_login(proc.manager)
    response = client.post(
        _step(proc.procedure, "schema"),
        {
            "price_model": "fixed",
            "price_weight": "20",
            "aggregation": "class_banding",
            "averaging": "mean",
            "tie_break_criterion": "object",
            "disagreement_threshold": "0.3",
            "classes": "",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="error-summary"' in content
    assert "Nur ein Verfahren, in dem das Höchstgebot zählt" in content
    assert "Die Einstufung in Klassen braucht Klassen" in content
    assert Procedure.objects.get(pk=proc.procedure.pk).price_weight == 0


def test_scheme_step_parses_classes(client, proc):
    client.force_login(proc.manager)
    response = client.post(
        _step(proc.procedure, "schema"),
        {
            "price_model": "fixed",
            "price_weight": "0",
            "aggregation": "class_banding",
            "averaging": "median",
            "tie_break_criterion": "group",
            "disagreement_threshold": "0.25",
            "classes": "A: 16\nB: 10\nC: 0",
        },
    )
    assert response.status_code == 302
    procedure = Procedure.objects.get(pk=proc.procedure.pk)
    assert procedure.classes == [["A", 16], ["B", 10], ["C", 0]]
    assert (procedure.averaging, procedure.tie_break_criterion) == ("median", "group")


def test_criteria_step_shows_the_weight_sum_in_the_summary(client, proc):
    client.force_login(proc.manager)
    response = client.post(
        _step(proc.procedure, "kriterien"), _criteria_post(proc.procedure, **{"0-weight": "50"})
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "ergeben zusammen 90 %; sie müssen 100 % ergeben" in content
    assert AwardCriterion.objects.get(procedure=proc.procedure, key="object").weight == 60


def test_criteria_step_puts_row_errors_next_to_the_field(client, proc):
    client.force_login(proc.manager)
    data = _criteria_post(proc.procedure, **{"1-key": "object", "1-min_points": "12"})
    response = client.post(_step(proc.procedure, "kriterien"), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert 'href="#id_award-1-key"' in content
    assert 'href="#id_award-1-min_points"' in content
    assert "kommt doppelt vor" in content


def test_criteria_step_adds_edits_and_deletes(client, proc):
    client.force_login(proc.manager)
    data = _criteria_post(
        proc.procedure,
        **{
            "0-weight": "50",
            "0-guidance": "0: nichts\n10: alles",
            "1-DELETE": "on",
            "2-key": "lage",
            "2-name": "Lage im Quartier",
            "2-weight": "50",
            "2-max_points": "5",
            "2-min_points": "2",
        },
    )
    Procedure.objects.filter(pk=proc.procedure.pk).update(tie_break_criterion="lage")
    response = client.post(_step(proc.procedure, "kriterien"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    criteria = list(proc.procedure.criteria.values_list("key", "weight", "min_points", "position"))
    assert criteria == [("object", 50, None, 1), ("lage", 50, 2, 2)]
    assert AwardCriterion.objects.get(key="object", procedure=proc.procedure).guidance == {
        "0": "nichts",
        "10": "alles",
    }


def test_dates_are_entered_in_berlin_time(client, proc):
    client.force_login(proc.manager)
    response = client.post(
        _step(proc.procedure, "termine"),
        {
            "publication_date": "2030-03-01",
            "question_deadline": "2030-03-20T12:00",
            "submission_deadline": "2030-04-15T18:00",
            "presentation_date": "2030-05-02",
            "jury_session_date": "2030-05-10",
            "decision_date": "2030-05-20",
            "option_until": "2030-12-31",
            "status_check_date": "2031-01-15",
        },
    )
    assert response.status_code == 302
    procedure = Procedure.objects.get(pk=proc.procedure.pk)
    # 15 April 2030 is summer time (UTC+2); 20 March is winter time (UTC+1).
    assert procedure.submission_deadline == datetime.datetime(
        2030, 4, 15, 16, 0, tzinfo=datetime.UTC
    )
    assert procedure.question_deadline == datetime.datetime(2030, 3, 20, 11, 0, tzinfo=datetime.UTC)


def test_dates_out_of_order_are_shown_at_the_later_field(client, proc):
    client.force_login(proc.manager)
    response = client.post(
        _step(proc.procedure, "termine"),
        {
            "question_deadline": "2030-04-20T12:00",
            "submission_deadline": "2030-04-15T18:00",
        },
    )
    assert response.status_code == 400
    assert "„Abgabefrist“ darf nicht vor „Frist für Fragen“ liegen." in response.content.decode()


def test_documents_are_uploaded_and_downloaded_by_those_who_may_see_them(client, proc):
    client.force_login(proc.manager)
    upload = SimpleUploadedFile("expose.pdf", PDF, content_type="application/pdf")
    response = client.post(_step(proc.procedure, "dokumente"), {"title": "Exposé", "file": upload})
    assert response.status_code == 302
    document = proc.procedure.documents.get()
    assert document.size_bytes == len(PDF)
    url = reverse("procedures:procedure_document", args=[proc.procedure.pk, document.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    client.logout()
    assert client.get(url).status_code == 404  # the draft is invisible
    proc.publish()
    assert client.get(url).status_code == 200


def test_a_document_must_be_a_pdf(client, proc):
    client.force_login(proc.manager)
    upload = SimpleUploadedFile("expose.pdf", b"GIF89a....", content_type="application/pdf")
    response = client.post(_step(proc.procedure, "dokumente"), {"title": "Exposé", "file": upload})
    assert response.status_code == 400
    assert "PDF" in response.content.decode()
    assert not proc.procedure.documents.exists()


def test_list_shows_drafts_only_to_their_managers(client, proc, django_assert_max_num_queries):
    other = make_procedure(proc.town, proc.property, title="Zweites Verfahren")
    Procedure.objects.filter(pk=other.pk).update(state=ProcedureState.PUBLISHED)
    url = reverse("procedures:procedure_list")
    with django_assert_max_num_queries(4):
        content = client.get(url).content.decode()
    assert "Zweites Verfahren" in content
    assert "Konzeptvergabe Alte Schule" not in content
    client.force_login(proc.manager)
    assert "Konzeptvergabe Alte Schule" in client.get(url).content.decode()
    filtered = client.get(url, {"state": "draft"}).content.decode()
    assert "Konzeptvergabe Alte Schule" in filtered
    assert "Zweites Verfahren" not in filtered


def test_list_query_count_does_not_grow(client, proc, django_assert_max_num_queries):
    for number in range(15):
        p = make_procedure(proc.town, proc.property, title=f"Verfahren {number}")
        Procedure.objects.filter(pk=p.pk).update(state=ProcedureState.PUBLISHED)
    with django_assert_max_num_queries(4):
        assert client.get(reverse("procedures:procedure_list")).status_code == 200


def test_detail_shows_terms_criteria_dates_and_answers(client, proc):
    procedure = proc.publish()
    Procedure.objects.filter(pk=procedure.pk).update(
        submission_deadline=datetime.datetime(2030, 4, 15, 16, 0, tzinfo=datetime.UTC),
        question_deadline=datetime.datetime(2030, 3, 20, 11, 0, tzinfo=datetime.UTC),
    )
    Question.objects.create(
        procedure=procedure,
        asked_by=proc.applicant_editor,
        text="Gibt es einen Keller?",
        answer="Ja, 120 m².",
    )
    Question.objects.create(procedure=procedure, asked_by=proc.applicant_editor, text="Noch offen?")
    content = client.get(procedure.get_absolute_url()).content.decode()
    assert "Objektkonzept" in content
    assert "Gruppenkonzept" in content
    assert "60 %" in content
    assert "überzeugend" in content  # guidance
    assert "15. April 2030 18:00" in content  # Berlin time, German format
    assert "66 Jahre" in content
    assert "Gibt es einen Keller?" in content
    assert "Ja, 120 m²." in content
    assert "Noch offen?" not in content
    assert reverse("properties:property_detail", args=[proc.property.pk]) in content


def test_manage_page_for_managers_only(client, proc):
    url = reverse("procedures:procedure_manage", args=[proc.procedure.pk])
    proc.publish()
    client.force_login(proc.applicant_editor)
    assert client.get(url).status_code == 403
    client.force_login(proc.manager)
    content = client.get(url).content.decode()
    assert "Abgabe schließen" in content
    assert "Verfahren abbrechen" in content


def test_manager_publishes_and_cancels_through_the_buttons(client, proc):
    client.force_login(proc.manager)
    manage = reverse("procedures:procedure_manage", args=[proc.procedure.pk])
    assert "Alle Prüfungen bestanden." in client.get(manage).content.decode()
    action = reverse("procedures:procedure_action", args=[proc.procedure.pk, "veroeffentlichen"])
    assert client.post(action).url == manage
    assert Procedure.objects.get(pk=proc.procedure.pk).state == ProcedureState.PUBLISHED
    cancel = reverse("procedures:procedure_action", args=[proc.procedure.pk, "abbrechen"])
    response = client.post(cancel, {"reason": ""}, follow=True)
    assert "Geben Sie einen Grund" in response.content.decode()
    client.post(cancel, {"reason": "Das Haus wird saniert."})
    procedure = Procedure.objects.get(pk=proc.procedure.pk)
    assert (procedure.state, procedure.cancel_reason) == ("cancelled", "Das Haus wird saniert.")
    content = client.get(manage).content.decode()
    # The audit trail.
    assert "<td>veröffentlicht</td>" in content
    assert "<td>abgebrochen</td>" in content


def test_publish_button_lists_the_problems(client, proc):
    AwardCriterion.objects.filter(procedure=proc.procedure, key="group").update(weight=10)
    client.force_login(proc.manager)
    manage = reverse("procedures:procedure_manage", args=[proc.procedure.pk])
    assert "ergeben zusammen 70 %" in client.get(manage).content.decode()
    action = reverse("procedures:procedure_action", args=[proc.procedure.pk, "veroeffentlichen"])
    response = client.post(action, follow=True)
    assert "ergeben zusammen 70 %" in response.content.decode()
    assert Procedure.objects.get(pk=proc.procedure.pk).state == ProcedureState.DRAFT


def test_unknown_action_is_404(client, proc):
    client.force_login(proc.manager)
    url = reverse("procedures:procedure_action", args=[proc.procedure.pk, "sprengen"])
    assert client.post(url).status_code == 404


def test_deadline_edit_of_a_draft_via_service_keeps_other_fields(proc):
    later = timezone.now() + datetime.timedelta(days=30)
    services.procedure_update_draft(
        procedure=proc.procedure, actor=proc.manager, data={"submission_deadline": later}
    )
    procedure = Procedure.objects.get(pk=proc.procedure.pk)
    assert procedure.submission_deadline == later
    assert procedure.title == "Konzeptvergabe Alte Schule"


def test_single_criterion_services_check_their_row(proc):
    procedure = proc.procedure
    added = services.award_criterion_add(
        procedure=procedure,
        actor=proc.manager,
        data={"key": "lage", "name": "Lage", "weight": Decimal(0), "max_points": Decimal(5)},
    )
    assert added.position == 3
    with pytest.raises(ValidationError) as caught:
        services.award_criterion_add(
            procedure=procedure,
            actor=proc.manager,
            data={"key": "lage", "name": "Doppelt", "weight": 0, "max_points": 5},
        )
    assert "key" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.award_criterion_update(
            criterion=added, actor=proc.manager, data={"min_points": Decimal(6)}
        )
    assert "min_points" in caught.value.message_dict
    services.award_criterion_update(criterion=added, actor=proc.manager, data={"name": "Lage+"})
    assert AwardCriterion.objects.get(pk=added.pk).name == "Lage+"
    services.award_criterion_delete(criterion=added, actor=proc.manager)
    assert not AwardCriterion.objects.filter(pk=added.pk).exists()
    with pytest.raises(PermissionDenied):
        services.award_criterion_delete(
            criterion=procedure.criteria.first(), actor=proc.applicant_editor
        )
