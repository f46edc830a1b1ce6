"""Photos, videos and documents that back a return or a claim, with a tamper-evident digest chain."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from retour.core.actors import ActorKind
from retour.returns.models import Claim, ReturnCase


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Document")


class EvidenceSource(models.TextChoices):
    PORTAL = "portal", _("Buyer, through the portal")
    BACKOFFICE = "backoffice", _("Customer service")
    WAREHOUSE = "warehouse", _("Warehouse")
    CARRIER = "carrier", _("Carrier")


def evidence_path(instance: "Evidence", filename: str) -> str:
    # The digest names the file: an upload never overwrites another, and the name reveals nothing
    # about the buyer. The original name is kept in its own column.
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(models.Model):
    """One file attached to a case, a claim, or (for an unidentified parcel) to neither yet.

    Rows are written once: the file's SHA-256 is taken at upload, and `chain_digest` links each
    row to the previous one of the same subject (sha256 of the previous chain digest, this file's
    digest, its kind and its time), so removing, reordering or replacing a file breaks the chain
    that `evidence_verify_chain` checks.
    """

    case = models.ForeignKey(
        ReturnCase,
        verbose_name=_("return"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    claim = models.ForeignKey(
        Claim,
        verbose_name=_("claim"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind.choices)
    source = models.CharField(_("source"), max_length=12, choices=EvidenceSource.choices)
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    chain_digest = models.CharField(_("chain digest"), max_length=64)
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    actor_kind = models.CharField(_("uploaded by"), max_length=10, choices=ActorKind.choices)
    actor_id = models.BigIntegerField(_("uploader id"), null=True, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), db_index=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["case", "created_at"], name="evidence_case_time"),
            models.Index(fields=["claim", "created_at"], name="evidence_claim_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(case__isnull=False) & Q(claim__isnull=False)),
                name="evidence_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sha256[:12]}"
