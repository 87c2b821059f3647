import pytest

from .import_files import use_tmp_media


@pytest.fixture(autouse=True)
def _uploads_in_a_tmp_folder(settings, tmp_path):
    """Uploads waiting for confirmation and the lists of a file's problems go to the test's
    own folder, never var/media."""
    use_tmp_media(settings, tmp_path)
