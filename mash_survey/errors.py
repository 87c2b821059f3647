"""The base class for errors that services raise with a message a person can act on."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from .roles import is_reviewer, is_staff_member


class ServiceError(Exception):
    """A rule stopped the change; `str(exc)` says what to do about it.

    A service's own subclass checks the common rules in its own type:
    `WorkflowError.unless_reviewer(user, "approve a visit")`.
    """

    @classmethod
    def unless_member(cls, user: AbstractBaseUser | AnonymousUser, action: str) -> None:
        """Refuse anyone but a project member: "Only project members can {action}."."""
        if not is_staff_member(user):
            raise cls(f"Only project members can {action}.")

    @classmethod
    def unless_reviewer(cls, user: AbstractBaseUser | AnonymousUser, action: str) -> None:
        """Refuse anyone but a reviewer: "Only a reviewer can {action}."."""
        if not is_reviewer(user):
            raise cls(f"Only a reviewer can {action}.")

    @classmethod
    def required(cls, text: str, message: str) -> str:
        """`text` without surrounding space; refused with `message` if nothing is left."""
        text = text.strip()
        if not text:
            raise cls(message)
        return text


class StaleEditError(ServiceError):
    """Someone else saved the record since this edit was started."""
