from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    SHOPIFY = "shopify", _("Shopify")
    WOOCOMMERCE = "woocommerce", _("WooCommerce")
    CUSTOM = "custom", _("Custom store")


class OrderStatus(models.TextChoices):
    OPEN = "open", _("Open")  # placed and paid; may be shipped in part or in full
    CANCELED = "canceled", _("Canceled")  # canceled before fulfilment; nothing to return
    CLOSED = "closed", _("Closed")  # archived by the store; still returnable within the window


class PaymentProvider(models.TextChoices):
    STRIPE = "stripe", _("Stripe")
    PAYPAL = "paypal", _("PayPal")
    MANUAL = "manual", _("Manual / bank transfer")
    STORE_CREDIT = "store_credit", _("Store credit")
    GIFT_CARD = "gift_card", _("Gift card")


class PaymentMethodType(models.TextChoices):
    CARD = "card", _("Card")
    WALLET = "wallet", _("Wallet")
    BNPL = "bnpl", _("Buy now, pay later")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    GIFT_CARD = "gift_card", _("Gift card")
    STORE_CREDIT = "store_credit", _("Store credit")
