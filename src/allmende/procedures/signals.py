"""Guards of the frozen scheme that also catch deletions by cascade or queryset."""

from typing import Any

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from allmende.procedures.models import AwardCriterion, EligibilityCriterion


@receiver(pre_delete, sender=AwardCriterion, dispatch_uid="procedures_award_criterion_frozen")
@receiver(pre_delete, sender=EligibilityCriterion, dispatch_uid="procedures_eligibility_frozen")
def criterion_deleting(
    sender: Any, instance: AwardCriterion | EligibilityCriterion, **kwargs: Any
) -> None:
    instance._check_draft()
