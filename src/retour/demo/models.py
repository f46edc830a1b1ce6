"""What `retour demo` loaded, so that a second run can tell at once that there is nothing to do."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoDataset(models.Model):
    """One row per database: the seed, size and time anchor of the loaded demo data.

    The anchor is the moment the orders' "last 120 days" end. It is fixed at the first load and
    reused afterwards, so a later run with the same seed rebuilds exactly the same orders (the
    importer then finds them unchanged) instead of shifting every date to the new "now".
    """

    seed = models.BigIntegerField(_("seed"))
    orders = models.PositiveIntegerField(_("orders"))
    generator_version = models.PositiveIntegerField(_("generator version"))
    anchor = models.DateTimeField(_("anchor"))
    loaded_at = models.DateTimeField(_("loaded at"))

    class Meta:
        verbose_name = _("demo dataset")
        verbose_name_plural = _("demo datasets")

    def __str__(self) -> str:
        return f"seed {self.seed}, {self.orders} orders"
