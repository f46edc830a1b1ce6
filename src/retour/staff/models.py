"""Staff-side records the back office needs: profiles (zone, language, second factor), saved
queue views, internal notes and tags on return cases. No business rules on returns live here."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from retour.core.models import TimeStampedModel
from retour.returns.models import ReturnCase


class StaffProfile(TimeStampedModel):
    """Per staff user: the time zone and language the back office shows, and the TOTP secret.

    `totp_confirmed_at` is set once the user proved they hold the secret (a valid code); until
    then the secret is only a pending enrolment.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_profile",
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    language = models.CharField(_("language"), max_length=10, blank=True)
    totp_secret = models.CharField(_("TOTP secret"), max_length=64, blank=True)
    totp_confirmed_at = models.DateTimeField(_("TOTP confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return f"profile of {self.user_id}"


class SavedView(TimeStampedModel):
    """A named set of queue filters (the query string), private to its owner."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("query string"), max_length=1000, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="savedview_unique_name_per_user")
        ]

    def __str__(self) -> str:
        return self.name


class CaseNote(models.Model):
    """An internal note on a return, never shown to the buyer. Append-only by convention."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        EVIDENCE_REQUEST = "evidence_request", _("Evidence requested")

    case = models.ForeignKey(
        ReturnCase, verbose_name=_("return"), on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(_("author name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        indexes = [models.Index(fields=["case", "created_at"], name="casenote_case_idx")]

    def __str__(self) -> str:
        return f"note {self.pk} on {self.case_id}"


class CaseTag(models.Model):
    """A label on a return ("vip", "fraud-check"), for filtering the queue."""

    case = models.ForeignKey(
        ReturnCase, verbose_name=_("return"), on_delete=models.CASCADE, related_name="+"
    )
    tag = models.SlugField(_("tag"), max_length=40, allow_unicode=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["tag"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [
            models.UniqueConstraint(fields=["case", "tag"], name="casetag_unique_per_case")
        ]
        indexes = [models.Index(fields=["tag", "case"], name="casetag_tag_case_idx")]

    def __str__(self) -> str:
        return self.tag
