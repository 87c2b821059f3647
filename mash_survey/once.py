"""One-time tokens for the forms that create a record, so a form sent twice (two quick
clicks, a retried request, the back button) makes one record.

A create form carries a random token (`{% once_field %}` from the `once` template tags). The
view wraps its service call in `create_once`: the token's row is written first, in the same
transaction as the record, and the token is unique. A second send of the same form waits for
the first (PostgreSQL waits on the unique index; SQLite on its write lock) and, once it has
committed, finds its row and answers with the record it made. If the first fails (a rule
refused it) its row rolls back with it, so sending the form again after fixing it works.
A form sent without a token (the API, old pages) creates as before.

Tokens are kept `SENT_FORM_DAYS` days: each send deletes the older ones first (one DELETE,
outside the record's transaction, so it never holds the record's send up). A form sent
again after that long makes a new record.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import TypeVar, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from .errors import ServiceError
from .models import SentForm

FIELD = "once"
ALREADY_SENT = "This form was already sent. Open a new form to add another."

M = TypeVar("M", bound=models.Model)


def token_in(data: object) -> uuid.UUID | None:
    """The token a form sent (a QueryDict or dict), or None without a well-formed one."""
    value = data.get(FIELD, "") if hasattr(data, "get") else ""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def new_token() -> str:
    return str(uuid.uuid4())


def create_once(request: HttpRequest, *, user: User, create: Callable[[], M]) -> M:
    """`create()`'s record, made once per token in the request's form: a repeat returns the
    record made by the first send (or raises ServiceError if that is not this person's)."""
    token = token_in(request.POST)
    if token is None:
        return create()
    prune()
    with transaction.atomic():
        try:
            with transaction.atomic():
                sent = SentForm.objects.create(token=token, user=user)
        except IntegrityError:
            return cast(M, _made_by(token, user=user))  # the model create() makes
        record = create()
        sent.content_type = ContentType.objects.get_for_model(record)
        sent.object_id = record.pk
        sent.save(update_fields=["content_type", "object_id"])
        return record


def prune() -> None:
    """Delete the tokens of forms sent more than `SENT_FORM_DAYS` days ago."""
    cutoff = timezone.now() - dt.timedelta(days=settings.SENT_FORM_DAYS)
    SentForm.objects.filter(sent_at__lt=cutoff).delete()


def _made_by(token: uuid.UUID, *, user: User) -> models.Model:
    sent = SentForm.objects.select_related("content_type").filter(token=token).first()
    if sent is None or sent.user_id != user.pk or sent.content_type is None:
        raise ServiceError(ALREADY_SENT)
    model = sent.content_type.model_class()
    record = model._default_manager.filter(pk=sent.object_id).first() if model else None
    if record is None:
        raise ServiceError(ALREADY_SENT)
    return record
