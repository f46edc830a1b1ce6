"""Retour: self-hosted after-sales platform for cross-border e-commerce sellers."""

__version__ = "0.1.0"
