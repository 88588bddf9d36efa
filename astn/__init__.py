"""ASTN: a self-maintaining CRM for community organisations."""

from astn.celery import app as celery_app

__all__ = ("celery_app",)
