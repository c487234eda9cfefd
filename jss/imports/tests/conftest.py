import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_messages():
    """Messages are compared in English, whatever the Korean catalogue says."""
    with translation.override("en"):
        yield
