import pytest

from .samples import Samples, make_samples


@pytest.fixture
def samples(db: None) -> Samples:
    """A row of everything the URLs point at, and a user or partner key per role."""
    return make_samples()
