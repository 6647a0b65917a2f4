"""Reviewer-portal tests read messages in English (the Indonesian catalogue is filled in later)."""
import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def english_client(client):
    client.cookies["django_language"] = "en"
    return client
