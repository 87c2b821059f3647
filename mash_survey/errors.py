"""The base class for errors that services raise with a message a person can act on."""


class ServiceError(Exception):
    """A rule stopped the change; `str(exc)` says what to do about it."""


class StaleEditError(ServiceError):
    """Someone else saved the record since this edit was started."""
